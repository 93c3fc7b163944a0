"""brat standoff, writing: the `.ann` of a document and the collection's annotation.conf.

The lines written are described in the package's docstring (formats/brat/__init__.py).
"""
from __future__ import annotations

import json
from typing import Iterator

from annotator.formats.records import DEFAULT_ROLES, DocumentRecord


def file_stem(document: DocumentRecord, index: int) -> str:
    return f"doc-{document.id}" if document.id is not None else f"doc-{index + 1:06d}"


def flat(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ").replace("\t", " ")


def annotation_conf(labels: list[str], roles: dict, attribute_definitions: list[dict]) -> str:
    """brat's annotation.conf, so that the collection opens in brat as it is."""
    lines = ["[entities]", *labels, "", "[relations]", "<OVERLAP>\tArg1:<ANY>, Arg2:<ANY>, "
             "<OVL-TYPE>:<ANY>", f"Parent\tArg1:{roles['claim']}, Arg2:{roles['claim']}", "",
             "[events]",
             f"{roles['claim']}\tSource?:{roles['source']}, Cue?:{roles['cue']}", "",
             "[attributes]"]
    for definition in attribute_definitions:
        if definition.get("applies_to", "attribution") != "attribution":
            continue
        values = "|".join(str(c).replace(" ", "_") for c in definition["choices"])
        lines.append(f"{definition['name']}\tArg:{roles['claim']}, Value:{values}")
    return "\n".join(lines) + "\n"


def write_ann(document: DocumentRecord, roles: dict | None = None) -> Iterator[str]:
    """The `.ann` lines of one document, each "\\n" ended."""
    roles = roles or DEFAULT_ROLES
    text = document.text
    spans = document.span_map()
    fragment_only = set()
    used_whole = set()
    for attribution in document.attributions:
        if len(attribution.claims) > 1:
            fragment_only.update(attribution.claims)
        else:
            used_whole.update(attribution.claims)
        used_whole.update(i for i in (attribution.source, attribution.cue) if i)
    fragment_only -= used_whole
    # Text-bound items: single spans, and claims in fragments (one per distinct fragment list).
    items: list[tuple] = []
    for span in document.spans:
        if span.id not in fragment_only:
            items.append(((span.start, -span.end, span.label, 0), (span.id,), span.label,
                          span.provenance))
    seen_fragments = set()
    for attribution in document.attributions:
        key = tuple(attribution.claims)
        if len(key) > 1 and key not in seen_fragments:
            seen_fragments.add(key)
            first, last = spans[key[0]], spans[key[-1]]
            items.append(((first.start, -last.end, first.label, 1), key, first.label,
                          first.provenance))
    items.sort(key=lambda item: item[0])
    t_of: dict[tuple, str] = {}
    notes = []
    for number, (_, key, label, provenance) in enumerate(items, start=1):
        tid = f"T{number}"
        t_of[key] = tid
        parts = [spans[i] for i in key]
        offsets = ";".join(f"{p.start} {p.end}" for p in parts)
        covered = " ".join(flat(text[p.start:p.end]) for p in parts)
        yield f"{tid}\t{label} {offsets}\t{covered}\n"
        if provenance:
            notes.append((tid, provenance))
    attribute_number = 0
    e_of = {a.id: f"E{number}" for number, a in enumerate(document.attributions, start=1)}
    for number, attribution in enumerate(document.attributions, start=1):
        eid = f"E{number}"
        key = tuple(attribution.claims)
        args = [f"{roles['claim']}:{t_of[key]}"]
        if attribution.source:
            args.append(f"Source:{t_of[(attribution.source,)]}")
        if attribution.cue:
            args.append(f"Cue:{t_of[(attribution.cue,)]}")
        yield f"{eid}\t{' '.join(args)}\n"
        for name, value in sorted(attribution.attributes.items()):
            if value is None:
                continue
            attribute_number += 1
            yield f"A{attribute_number}\t{name} {eid} {str(value).replace(' ', '_')}\n"
        if attribution.provenance:
            notes.append((eid, attribution.provenance))
    relation = 0
    for attribution in document.attributions:
        if attribution.parent is not None and attribution.parent in e_of:
            relation += 1
            yield (f"R{relation}\tParent Arg1:{e_of[attribution.id]} "
                   f"Arg2:{e_of[attribution.parent]}\n")
    yield from _normalisations(document, t_of)
    for number, (target, provenance) in enumerate(notes, start=1):
        note = json.dumps(provenance, ensure_ascii=False, separators=(",", ":"))
        yield f"#{number}\tAnnotatorNotes {target}\t{flat(note)}\n"


def _normalisations(document: DocumentRecord, t_of: dict[tuple, str]) -> Iterator[str]:
    """A SOURCE span's entity as `N<n>\tReference T<n> TYPE:E<k>\tNAME` (the package's
    docstring), in the order of the T lines; entities numbered in that order too (the
    record's own ids may hold spaces, which a brat identifier cannot)."""
    entities = {entity.id: entity for entity in document.entities}
    mentions = sorted((int(t_of[(span.id,)][1:]), span.entity) for span in document.spans
                      if span.entity in entities and (span.id,) in t_of)
    numbers: dict[str, int] = {}
    for number, (t_number, entity_id) in enumerate(mentions, start=1):
        entity = entities[entity_id]
        k = numbers.setdefault(entity_id, len(numbers) + 1)
        yield f"N{number}\tReference T{t_number} {entity.type}:E{k}\t{flat(entity.name)}\n"
