"""Our JSON Lines: one document per line, with its spans, attributions and provenance.

    {"id": 7, "title": "…", "text": "…", "text_sha256": "…", "source_url": "",
     "metadata": {…},
     "spans": [{"id": "T1", "label": "CLAIM", "start": 1, "end": 18,
                "text": "The deal is dead,", "provenance": {…}}],
     "attributions": [{"id": "A1", "claims": ["T1", "T4"], "source": "T2", "cue": "T3",
                       "attributes": {"quote_type": "direct"}, "provenance": {…}},
                      {"id": "A2", "claims": ["T6"], "source": "T5", "parent": "A1", …}]}

`parent` (second-hand claims: X said that Y claimed Z) is the id of the attribution whose
claim holds this one, written only when there is one; on import it must name an
attribution of the same line, which holds all of this one's spans in its claim
(formats/nesting.py), else the line is refused.

Offsets are code points, half-open: `text[start:end] == span["text"]`, so each
span maps onto spaCy's `Doc.char_span(start, end)` (spaCy counts characters
of a Python str too). Lossless: a round trip keeps every label, and the
provenance (annotators, reviewer, origin, tagger, versions, timestamps).
On import, "text" is required; everything else is optional, and span ids are
needed only when attributions refer to them.
"""
from __future__ import annotations

import json
from typing import Callable, Iterable, Iterator

from annotator import text as text_mod
from annotator.formats.records import (AttributionRecord, DocumentRecord, EntityRecord, Entry,
                                       SpanRecord)


def document_to_dict(document: DocumentRecord) -> dict:
    return {
        "id": document.id, "title": document.title, "text": document.text,
        "text_sha256": text_mod.sha256(document.text), "source_url": document.source_url,
        "metadata": document.metadata,
        "spans": [_span_dict(document, s) for s in document.spans],
        "attributions": [_attribution_dict(a) for a in document.attributions],
        "entities": [{"id": e.id, "name": e.name, "type": e.type, "aliases": e.aliases}
                     for e in document.entities],
    }


def _attribution_dict(attribution: AttributionRecord) -> dict:
    written = {"id": attribution.id, "claims": attribution.claims, "source": attribution.source,
               "cue": attribution.cue, "attributes": attribution.attributes,
               "provenance": attribution.provenance}
    if attribution.claim_group is not None:  # the same claim in other documents too
        written["claim_group"] = attribution.claim_group
    if attribution.parent is not None:  # second-hand: the id of the attribution it lies in
        written["parent"] = attribution.parent
    return written


def _span_dict(document: DocumentRecord, span) -> dict:
    written = {"id": span.id, "label": span.label, "start": span.start, "end": span.end,
               "text": document.text[span.start:span.end], "provenance": span.provenance}
    if span.entity is not None:  # a SOURCE span's source entity (an id of "entities")
        written["entity"] = span.entity
    return written


def write(documents: Iterable[DocumentRecord]) -> Iterator[str]:
    """One line per document, "\\n" ended. A generator: nothing is kept."""
    for document in documents:
        yield json.dumps(document_to_dict(document), ensure_ascii=False,
                         separators=(",", ":")) + "\n"


# --- Reading ------------------------------------------------------------------------------

def _id(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"{value!r} is not a span id (a string or an integer).")
    return str(value)


def _parent(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"parent: {value!r} is not an attribution id (a string or an "
                         "integer).")
    return str(value)


def _dict(value, where: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{where}: must be an object.")
    return value


def parse_document(record) -> tuple[DocumentRecord | None, list[str]]:
    """A decoded JSON value → (document, problems). Shape only: offsets are checked later."""
    if not isinstance(record, dict):
        return None, ["expected an object with at least \"text\"."]
    if not isinstance(record.get("text"), str):
        return None, ["text: is required and must be a string."]
    errors = []
    title = record.get("title", "")
    if title is None:
        title = ""
    if not isinstance(title, str):
        errors.append("title: must be a string.")
    source_url = record.get("source_url") or ""
    if not isinstance(source_url, str):
        errors.append("source_url: must be a string.")
    metadata = record.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        errors.append("metadata: must be an object.")
    doc_id = record.get("id")
    if doc_id is not None and (isinstance(doc_id, bool) or not isinstance(doc_id, (str, int))):
        errors.append("id: must be a string or an integer.")
    spans, attributions = [], []
    entities = _entities(record.get("entities"), errors)
    raw_spans = record.get("spans") or []
    if not isinstance(raw_spans, list):
        errors.append("spans: must be a list.")
        raw_spans = []
    for index, item in enumerate(raw_spans):
        try:
            if not isinstance(item, dict):
                raise ValueError("must be an object with label, start and end.")
            if not isinstance(item.get("label"), str):
                raise ValueError("label: is required and must be a string.")
            span_id = _id(item.get("id")) or f"#{index}"
            entity = _id(item.get("entity"))
            if entity is not None and entity not in entities:
                raise ValueError(f"entity: {entity!r} is not the id of one of \"entities\".")
            spans.append(SpanRecord(id=span_id, label=item["label"], start=item.get("start"),
                                    end=item.get("end"), text=item.get("text"),
                                    provenance=_dict(item.get("provenance"), "provenance"),
                                    entity=entity))
        except ValueError as exc:
            errors.append(f"spans[{index}]: {exc}")
    raw_attributions = record.get("attributions") or []
    if not isinstance(raw_attributions, list):
        errors.append("attributions: must be a list.")
        raw_attributions = []
    for index, item in enumerate(raw_attributions):
        try:
            if not isinstance(item, dict):
                raise ValueError("must be an object with claims, source and cue.")
            claims = item.get("claims")
            if not isinstance(claims, list) or not claims:
                raise ValueError("claims: must be a non-empty list of span ids.")
            attributions.append(AttributionRecord(
                id=_id(item.get("id")) or f"#{index}", claims=[_id(c) for c in claims],
                source=_id(item.get("source")), cue=_id(item.get("cue")),
                attributes=_dict(item.get("attributes"), "attributes"),
                provenance=_dict(item.get("provenance"), "provenance"),
                parent=_parent(item.get("parent"))))
        except ValueError as exc:
            errors.append(f"attributions[{index}]: {exc}")
    if errors:
        return None, errors
    return DocumentRecord(text=record["text"], title=title, id=doc_id, source_url=source_url,
                          metadata=metadata or {}, spans=spans, attributions=attributions,
                          entities=list(entities.values())), []


def _entities(raw, errors: list[str]) -> dict[str, EntityRecord]:
    """The "entities" list (source entities the spans mention), by id; problems to errors."""
    if raw is None:
        return {}
    if not isinstance(raw, list):
        errors.append("entities: must be a list.")
        return {}
    found: dict[str, EntityRecord] = {}
    for index, item in enumerate(raw):
        try:
            if not isinstance(item, dict):
                raise ValueError("must be an object with id and name.")
            entity_id = _id(item.get("id"))
            if entity_id is None:
                raise ValueError("id: is required.")
            if entity_id in found:
                raise ValueError(f"id: {entity_id!r} is used twice.")
            name, kind = item.get("name"), item.get("type", "person")
            if not isinstance(name, str) or not name.strip():
                raise ValueError("name: is required and must be a non-empty string.")
            if not isinstance(kind, str):
                raise ValueError("type: must be a string.")
            aliases = item.get("aliases") or []
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                raise ValueError("aliases: must be a list of strings.")
            found[entity_id] = EntityRecord(id=entity_id, name=name, type=kind,
                                            aliases=list(aliases))
        except ValueError as exc:
            errors.append(f"entities[{index}]: {exc}")
    return found


def decode_line(raw: bytes) -> tuple[object, str | None]:
    """bytes → (JSON value, None) or (None, the reason it is not JSON)."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 (byte {exc.start})."
    try:
        return json.loads(line), None
    except json.JSONDecodeError as exc:
        return None, f"not JSON ({exc.msg} at column {exc.colno})."
    except RecursionError:
        return None, "not JSON we can read (nested too deeply)."


def read(lines: Iterable[tuple[int, bytes | None]], name: str) -> Iterator[Entry]:
    """(line number, bytes or archive.LineTooLong) → one Entry per document."""
    return read_with(lines, name, parse_document)


def read_with(lines: Iterable[tuple[int, bytes | None]], name: str,
              parse: Callable[[object], tuple[DocumentRecord | None, list[str]]]
              ) -> Iterator[Entry]:
    """JSON Lines reading shared by the formats built on it (ours, doccano's).

    Blank lines are skipped. A UTF-8 byte order mark at the start is allowed. A line
    holding a lone surrogate or a NaN or infinite number anywhere is refused, naming the
    field. `parse` turns one decoded line into (document, errors).
    """
    for number, raw in lines:
        where = f"{name}:{number}"
        if not isinstance(raw, bytes):  # archive.LineTooLong
            yield Entry(where, errors=[str(raw)])
            continue
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        if not raw.strip():
            continue
        value, problem = decode_line(raw)
        if problem:
            yield Entry(where, errors=[problem])
            continue
        # json.loads takes "\udc80" and NaN, which would break every read of the project.
        invalid = text_mod.input_problems(value, root="the line")
        if invalid:
            yield Entry(where, errors=[f"{path}: {reason}" for path, reason in invalid])
            continue
        document, errors = parse(value)
        yield Entry(where, document=document, errors=errors)
