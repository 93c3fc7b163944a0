"""Second-hand claims (issue #16, point 7): when may one attribution be another's child?

X said that Y claimed Z: the attribution "Y claimed Z" (source Y, cue "claimed", claim Z)
lies inside the claim of X's attribution, which is its parent. The rules, the same for
the API, imports, the pre-taggers and the browser (static/annotator/workspace-nesting.js):

- every span of the child (each claim fragment, its source, its cue) lies within one
  fragment of the parent's claim, offsets half-open: [s, e) inside [ps, pe) when
  ps <= s and e <= pe;
- no attribution is its own ancestor (no cycle; a chain ends);
- parent and child are of one document and one layer (the services and check.py see to
  that, as they know layers).

Pure functions over offsets and ids: no Django.
"""
from __future__ import annotations

from typing import Iterable

Offsets = tuple[int, int]


def within(parent_claims: Iterable[Offsets], child_spans: Iterable[Offsets]) -> Offsets | None:
    """The first of the child's spans that lies in no fragment of the parent's claim, or
    None when they all do."""
    fragments = list(parent_claims)
    for start, end in child_spans:
        if not any(p_start <= start and end <= p_end for p_start, p_end in fragments):
            return (start, end)
    return None


def would_cycle(parents: dict, child, parent) -> bool:
    """Whether making `parent` the parent of `child` closes a loop, given the parent of
    each attribution now (`parents`: id → parent id or None)."""
    seen = set()
    current = parent
    while current is not None and current not in seen:
        if current == child:
            return True
        seen.add(current)
        current = parents.get(current)
    return current is not None  # a loop already there, above: refuse to join it


def nesting_problem(parent_claims: list[Offsets], child_spans: list[Offsets]) -> str | None:
    """Why the child cannot be inside this parent's claim, in words, or None."""
    outside = within(parent_claims, child_spans)
    if outside is None:
        return None
    claim = "; ".join(f"[{s}, {e})" for s, e in parent_claims)
    return (f"the span at [{outside[0]}, {outside[1]}) lies outside the parent's claim "
            f"({claim}): a second-hand attribution lies wholly inside its parent's claim.")


def chain(parents: dict, attribution) -> list:
    """The attribution's ancestors, nearest first (stops at a loop, which the checks above
    never let in)."""
    found, seen = [], {attribution}
    current = parents.get(attribution)
    while current is not None and current not in seen:
        found.append(current)
        seen.add(current)
        current = parents.get(current)
    return found
