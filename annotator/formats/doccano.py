"""The JSON Lines doccano exports for sequence labelling, with or without relations.

With relations (doccano's "JSONL (relation)" export):

    {"id": 1, "text": "…", "entities": [{"id": 10, "label": "CLAIM", "start_offset": 1,
     "end_offset": 18}, …], "relations": [{"id": 3, "from_id": 11, "to_id": 10,
     "type": "source"}], "Comments": []}

Without: {"id": 1, "text": "…", "label": [[1, 18, "CLAIM"], …]} (older
exports: "labels"). Other keys (doccano copies the upload's metadata columns
through) become the document's metadata.

Offsets: doccano stores `start_offset`/`end_offset` as character offsets into
the Python string on its server, i.e. code points, like ours (its browser
front end converts from UTF-16 since doccano#99; exports made before that
counted an emoji as 2). The spans' text is not in the file, so it cannot be
checked: a file from a UTF-16-counting tool shows up as spans shifted after
the first emoji.

Relations → attributions. doccano relations are binary and their type names
are the project's own, so roles come from the labels of the two ends, in
either direction: CLAIM–SOURCE gives the claim its source, CLAIM–CUE its cue,
CLAIM–CLAIM joins two fragments of one claim, SOURCE–CUE puts the source with
the cue's claim. A relation between other labels, or a claim with two sources
or cues, is an error of that line.
"""
from __future__ import annotations

import json
from typing import Iterable, Iterator

from annotator.formats.jsonl import read_with
from annotator.formats.records import (DEFAULT_ROLES, AttributionRecord, DocumentRecord, Entry,
                                       SpanRecord)

KNOWN_KEYS = {"id", "text", "entities", "relations", "label", "labels", "Comments", "comments"}


def write(documents: Iterable[DocumentRecord], roles: dict | None = None) -> Iterator[str]:
    """doccano's relation JSONL. Attributions become relations claim→source, claim→cue and
    fragment→next fragment; attributes and provenance are left out (doccano has none)."""
    roles = roles or DEFAULT_ROLES
    for number, document in enumerate(documents, start=1):
        ids = {span.id: index for index, span in enumerate(document.spans, start=1)}
        relations = []
        for attribution in document.attributions:
            claims = attribution.claims
            for a, b in zip(claims, claims[1:]):
                relations.append((ids[a], ids[b], "fragment"))
            for role in ("source", "cue"):
                target = getattr(attribution, role)
                if target:
                    relations.append((ids[claims[0]], ids[target], role))
        unique = list(dict.fromkeys(relations))
        record = {"id": document.id if document.id is not None else number,
                  "text": document.text,
                  "entities": [{"id": ids[s.id], "label": s.label, "start_offset": s.start,
                                "end_offset": s.end} for s in document.spans],
                  "relations": [{"id": i, "from_id": a, "to_id": b, "type": t}
                                for i, (a, b, t) in enumerate(unique, start=1)]}
        yield json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def _int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_document(record, roles: dict | None = None) -> tuple[DocumentRecord | None, list[str]]:
    roles = roles or DEFAULT_ROLES
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return None, ["text: is required and must be a string (a doccano line has \"text\")."]
    errors: list[str] = []
    spans: list[SpanRecord] = []
    if "entities" in record:
        entities = record["entities"]
        if not isinstance(entities, list):
            return None, ["entities: must be a list."]
        for index, item in enumerate(entities):
            if not isinstance(item, dict) or not _int(item.get("id")) or not isinstance(
                    item.get("label"), str):
                errors.append(f"entities[{index}]: needs an integer id, a label, "
                              "start_offset and end_offset.")
                continue
            spans.append(SpanRecord(id=str(item["id"]), label=item["label"],
                                    start=item.get("start_offset"), end=item.get("end_offset")))
    else:
        labels = record.get("label", record.get("labels", []))
        if not isinstance(labels, list):
            return None, ["label: must be a list of [start, end, label]."]
        for index, item in enumerate(labels):
            if (not isinstance(item, list) or len(item) != 3 or not isinstance(item[2], str)):
                errors.append(f"label[{index}]: must be [start, end, label].")
                continue
            spans.append(SpanRecord(id=f"#{index}", label=item[2], start=item[0], end=item[1]))
    ids = [s.id for s in spans]
    if len(set(ids)) != len(ids):
        errors.append("entities: two entities have the same id.")
    attributions = []
    relations = record.get("relations", [])
    if not isinstance(relations, list):
        errors.append("relations: must be a list.")
        relations = []
    if relations and not errors:
        attributions, problems = relations_to_attributions(spans, relations, roles)
        errors += problems
    metadata = {k: v for k, v in record.items() if k not in KNOWN_KEYS}
    if record.get("id") is not None:
        metadata["doccano_id"] = record["id"]
    if errors:
        return None, errors
    return DocumentRecord(text=record["text"], id=record.get("id"), metadata=metadata,
                          spans=spans, attributions=attributions), []


def relations_to_attributions(spans: list[SpanRecord], relations: list,
                              roles: dict) -> tuple[list[AttributionRecord], list[str]]:
    label = {s.id: s.label for s in spans}
    start = {s.id: (s.start if _int(s.start) else 0) for s in spans}
    claim_l, source_l, cue_l = roles["claim"], roles["source"], roles["cue"]
    errors = []
    parent = {}  # union-find over claim fragments

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    links: list[tuple[str, str, str]] = []  # (role, claim id, span id) or ("pair", src, cue)
    for index, item in enumerate(relations):
        where = f"relations[{index}]"
        if not isinstance(item, dict) or not _int(item.get("from_id")) or not _int(
                item.get("to_id")):
            errors.append(f"{where}: needs integer from_id and to_id.")
            continue
        a, b = str(item["from_id"]), str(item["to_id"])
        if a not in label or b not in label:
            errors.append(f"{where}: from_id or to_id is not the id of an entity of this line.")
            continue
        pair = {label[a], label[b]}
        if pair == {claim_l}:
            parent[find(a)] = find(b)
        elif pair == {claim_l, source_l}:
            links.append(("source", a if label[a] == claim_l else b,
                          b if label[a] == claim_l else a))
        elif pair == {claim_l, cue_l}:
            links.append(("cue", a if label[a] == claim_l else b,
                          b if label[a] == claim_l else a))
        elif pair == {source_l, cue_l}:
            links.append(("pair", a if label[a] == source_l else b,
                          b if label[a] == source_l else a))
        else:
            errors.append(f"{where}: links a {label[a]} and a {label[b]}; an attribution "
                          f"links a {claim_l} with a {source_l}, a {cue_l} or another "
                          f"{claim_l} (a fragment).")
    groups: dict[str, dict] = {}
    for role, claim, other in links:
        if role == "pair":
            continue
        group = groups.setdefault(find(claim), {})
        if group.get(role, other) != other:
            errors.append(f"relations: the claim {claim} has two {role}s.")
        group[role] = other
    for role, source, cue in links:
        if role != "pair":
            continue
        owners = [g for g in groups.values() if g.get("cue") == cue]
        if not owners:
            errors.append(f"relations: the {cue_l} {cue} is linked to a {source_l} but to "
                          f"no {claim_l}.")
        for group in owners:
            if group.get("source", source) != source:
                errors.append(f"relations: the claim of {cue_l} {cue} has two sources.")
            group["source"] = source
    for claim in [s.id for s in spans if s.label == claim_l]:
        if find(claim) != claim or claim in groups:
            groups.setdefault(find(claim), {})
    attributions = []
    members: dict[str, list[str]] = {}
    for span_id in label:
        if label[span_id] == claim_l and span_id in parent:
            members.setdefault(find(span_id), []).append(span_id)
    for root, group in groups.items():
        fragments = sorted(members.get(root, [root]), key=lambda i: (start[i], i))
        attributions.append(AttributionRecord(id=f"R{len(attributions) + 1}", claims=fragments,
                                              source=group.get("source"), cue=group.get("cue")))
    return attributions, errors


def read(lines: Iterable[tuple[int, bytes | None]], name: str,
         roles: dict | None = None) -> Iterator[Entry]:
    return read_with(lines, name, lambda value: parse_document(value, roles))
