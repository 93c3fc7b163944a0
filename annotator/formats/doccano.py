"""The JSON Lines doccano exports for sequence labelling, with or without relations.

With relations (doccano's "JSONL (relation)" export):

    {"id": 1, "text": "…", "entities": [{"id": 10, "label": "CLAIM", "start_offset": 1,
     "end_offset": 18}, …], "relations": [{"id": 3, "from_id": 11, "to_id": 10,
     "type": "source"}], "Comments": []}

Without: {"id": 1, "text": "…", "label": [[1, 18, "CLAIM"], …]} (older
exports: "labels"). Other keys (doccano copies the upload's metadata columns
through) become the document's metadata.

Offsets: doccano's server counts code points, but its annotation page stores
the positions of the browser's selection, which count UTF-16 code units (an
emoji is 2: doccano#2290), so the offsets of hand-made spans after an emoji
are UTF-16 units while those of uploaded spans are code points. The file does
not say which, and carries no span text, so each document with characters
outside the BMP is decided from its evidence (formats/units.py) and the
import says what it moved, or refuses the document when it cannot tell.

Relations → attributions: formats/relations.py (shared with Label Studio),
from the labels at the two ends whatever the relation's type name; a claim
with two sources is two attributions.

Titles: a "title" key of the line (doccano copies the upload's columns
through), else "<file name>:<line>".

Per-annotator exports: a doccano project without collaborative annotation
exports a zip with one `<username>.jsonl` per member, each holding every
document with that member's labels (a collaborative one writes `all.jsonl`).
`read_members` reads such a zip as one document per text, each file's labels
the layer of the annotator the file is named after (`layered`), so that a
second annotator's labels are not skipped as a duplicate document.
"""
from __future__ import annotations

import json
from typing import Callable, Iterable, Iterator

from annotator.formats.jsonl import read_with
from annotator.formats.records import DEFAULT_ROLES, DocumentRecord, Entry, SpanRecord
from annotator.formats.relations import relations_to_attributions

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
    known = {span.id for span in spans}
    links = []
    for index, item in enumerate(relations):
        where = f"relations[{index}]"
        if not isinstance(item, dict) or not _int(item.get("from_id")) or not _int(
                item.get("to_id")):
            errors.append(f"{where}: needs integer from_id and to_id.")
        elif str(item["from_id"]) not in known or str(item["to_id"]) not in known:
            errors.append(f"{where}: from_id or to_id is not the id of an entity of this line.")
        else:
            links.append((where, str(item["from_id"]), str(item["to_id"])))
    if links and not errors:
        attributions, problems = relations_to_attributions(spans, links, roles)
        errors += problems
    metadata = {k: v for k, v in record.items() if k not in KNOWN_KEYS}
    if record.get("id") is not None:
        metadata["doccano_id"] = record["id"]
    meta = metadata.get("meta") if isinstance(metadata.get("meta"), dict) else {}
    title = next((t for t in (metadata.get("title"), meta.get("title")) if isinstance(t, str)),
                 "")
    if errors:
        return None, errors
    return DocumentRecord(text=record["text"], title=title.strip(), id=record.get("id"),
                          metadata=metadata, spans=spans, attributions=attributions,
                          offset_units="unknown"), []


def read(lines: Iterable[tuple[int, bytes | None]], name: str,
         roles: dict | None = None) -> Iterator[Entry]:
    for entry in read_with(lines, name, lambda value: parse_document(value, roles)):
        if entry.document is not None and not entry.document.title:
            entry.document.title = entry.where   # "<file name>:<line>", never "(untitled)"
        yield entry


def read_members(names: list[str], lines_of: Callable[[str], Iterable[tuple[int, bytes]]],
                 roles: dict | None = None) -> Iterator[Entry]:
    """The JSON Lines files of a doccano export zip (`names`, read by `lines_of(name)`).

    One file, or `all.jsonl`, reads as it is. Several `<username>.jsonl` files are one
    export per annotator: their documents are joined by text, each file's spans and
    attributions the layer of its annotator. Holds the documents in memory until the last
    file is read (doccano's own export is built the same way)."""
    stems = {name: name.rsplit("/", 1)[-1].rsplit(".", 1)[0] for name in names}
    if len(names) < 2 or any(stem == "all" for stem in stems.values()):
        for name in names:
            yield from read(lines_of(name), name, roles)
        return
    merged: dict[str, Entry] = {}
    for name in names:
        stem = stems[name]
        for entry in read(lines_of(name), name, roles):
            if entry.document is None:
                yield entry
                continue
            document = entry.document
            for span in document.spans:
                span.id = f"{stem}:{span.id}"
                span.provenance = {"annotators": [stem]}
            for attribution in document.attributions:
                attribution.id = f"{stem}:{attribution.id}"
                attribution.claims = [f"{stem}:{c}" for c in attribution.claims]
                attribution.source = f"{stem}:{attribution.source}" if attribution.source \
                    else None
                attribution.cue = f"{stem}:{attribution.cue}" if attribution.cue else None
                attribution.provenance = {"annotators": [stem]}
            first = merged.get(document.text)
            if first is None:
                document.layered = True
                merged[document.text] = entry
            else:
                first.document.spans += document.spans
                first.document.attributions += document.attributions
    yield from merged.values()
