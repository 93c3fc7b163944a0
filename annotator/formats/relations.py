"""Binary relations between spans (doccano, Label Studio) → attributions.

Both tools link two spans at a time, and their relation type names are each
project's own, so the role of a link comes from the labels at its two ends,
in either direction:

- CLAIM–CLAIM joins two fragments of one claim ("…," he said, "…");
- CLAIM–SOURCE gives the claim a source, CLAIM–CUE a cue;
- SOURCE–CUE pairs a source with a cue (and brings the source to the cue's
  claim, or the cue to the source's claim).

A claim may have several sources: each is an attribution of its own, sharing
the claim and its fragments (two people said the same thing). Cues are paired
with sources like this, per claim:

1. an explicit SOURCE–CUE link pairs them;
2. the sources and cues left are paired in text order when there are as many
   of each; one cue left is shared by every source left ("X and Y said"), one
   source left by every cue left ("she said, and repeated");
3. otherwise (two sources and three cues, say) the file does not say who said
   what: an error asks for SOURCE–CUE links.

A claim with no source and no cue but fragments is one attribution; a claim
linked to nothing stays a span. A relation between other labels is an error.
"""
from __future__ import annotations

from annotator.formats.records import AttributionRecord, SpanRecord


def relations_to_attributions(spans: list[SpanRecord], relations: list[tuple[str, str, str]],
                              roles: dict) -> tuple[list[AttributionRecord], list[str]]:
    """relations: (where, from span id, to span id), ids already known to be spans."""
    label = {s.id: s.label for s in spans}
    start = {s.id: (s.start if isinstance(s.start, int) else 0) for s in spans}
    claim_l, source_l, cue_l = roles["claim"], roles["source"], roles["cue"]
    errors: list[str] = []
    parent: dict[str, str] = {}  # union-find over claim fragments

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    sources: dict[str, list[str]] = {}   # claim span -> sources, cues (before grouping)
    cues: dict[str, list[str]] = {}
    pairs: list[tuple[str, str]] = []
    linked: set[str] = set()
    for where, a, b in relations:
        ends = {label[a], label[b]}

        def of(wanted):
            return a if label[a] == wanted else b

        if ends == {claim_l}:
            if a != b:
                parent[find(a)] = find(b)
                linked.update((a, b))
        elif ends == {claim_l, source_l}:
            sources.setdefault(of(claim_l), []).append(of(source_l))
            linked.add(of(claim_l))
        elif ends == {claim_l, cue_l}:
            cues.setdefault(of(claim_l), []).append(of(cue_l))
            linked.add(of(claim_l))
        elif ends == {source_l, cue_l}:
            pairs.append((of(source_l), of(cue_l)))
        else:
            errors.append(f"{where}: links a {label[a]} and a {label[b]}; an attribution "
                          f"links a {claim_l} with a {source_l}, a {cue_l} or another "
                          f"{claim_l} (a fragment).")
    groups: dict[str, dict[str, list]] = {}
    for claim in sorted(linked, key=lambda i: (start[i], i)):
        group = groups.setdefault(find(claim), {"sources": [], "cues": [], "pairs": []})
        group["sources"] += sources.get(claim, [])
        group["cues"] += cues.get(claim, [])
    for source, cue in pairs:
        owners = [root for root, g in groups.items()
                  if cue in g["cues"] or source in g["sources"]]
        if not owners:
            errors.append(f"relations: the {source_l} {source} and the {cue_l} {cue} are "
                          f"linked to each other but to no {claim_l}.")
        for root in owners:
            groups[root]["pairs"].append((source, cue))
    members: dict[str, list[str]] = {}
    for span_id in linked:
        members.setdefault(find(span_id), []).append(span_id)
    attributions: list[AttributionRecord] = []
    for root, group in groups.items():
        fragments = sorted(set(members[root]), key=lambda i: (start[i], i))
        combos, problem = _pair(group, lambda i: (start[i], i))
        if problem:
            errors.append(f"relations: the {claim_l} {fragments[0]} has {problem}: link each "
                          f"{cue_l} to its {source_l} (a {source_l}–{cue_l} relation).")
            continue
        for source, cue in combos:
            attributions.append(AttributionRecord(id=f"R{len(attributions) + 1}",
                                                  claims=fragments, source=source, cue=cue))
    return attributions, errors


def _pair(group: dict, order) -> tuple[list[tuple[str | None, str | None]], str | None]:
    """(source, cue) per attribution of one claim, by the rules of the module docstring."""
    combos = list(dict.fromkeys(group["pairs"]))
    paired_sources = {s for s, _ in combos}
    paired_cues = {c for _, c in combos}
    rest_sources = sorted({s for s in group["sources"] if s not in paired_sources}, key=order)
    rest_cues = sorted({c for c in group["cues"] if c not in paired_cues}, key=order)
    if rest_sources and rest_cues:
        if len(rest_sources) == len(rest_cues):
            combos += list(zip(rest_sources, rest_cues))
        elif len(rest_cues) == 1:
            combos += [(s, rest_cues[0]) for s in rest_sources]
        elif len(rest_sources) == 1:
            combos += [(rest_sources[0], c) for c in rest_cues]
        else:
            return [], (f"{len(rest_sources)} sources and {len(rest_cues)} cues not linked to "
                        "each other")
    else:
        combos += [(s, None) for s in rest_sources] + [(None, c) for c in rest_cues]
    return combos or [(None, None)], None
