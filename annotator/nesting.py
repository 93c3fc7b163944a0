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


def innermost_parents(items: list[tuple[list[Offsets], list[Offsets]]]) -> list[int | None]:
    """Parents found by containment, for a tagger that proposes attributions one by one
    (the learned tagger): items are (claim fragments, every span) of each attribution; the
    answer is, for each, the index of the attribution with the shortest claim that holds
    all of its spans and is longer than its own claim (so that no two nest in each other),
    or None."""
    lengths = [sum(e - s for s, e in claims) for claims, _ in items]
    found: list[int | None] = []
    for index, (_, spans) in enumerate(items):
        holders = [other for other, (claims, _) in enumerate(items)
                   if other != index and lengths[other] > lengths[index]
                   and within(claims, spans) is None]
        found.append(min(holders, key=lambda o: (lengths[o], o)) if holders else None)
    return found
