"""CSV: one row per attribution (claim, source, cue, attributes, document). Lossy.

Columns: document_id, document_title, attribution_id, parent_attribution_id (a
second-hand claim's parent: the attribution_id, in the same document, of the one whose
claim holds it; empty for a first-hand one), claim, claim_offsets,
source, source_start, source_end, source_entity (the source's entity name, issue #16),
cue, cue_start, cue_end, claim_group (the same claim in other documents of the export:
"G1", "G2", ...; empty when said once or not of the approved layer), one column per
attribute (the project's attribute definitions), then the provenance:
annotators, reviewer, origin, tagger, tagger_version, review_state,
created_at, updated_at. A claim in fragments is written as its fragments
joined by " … ", and its offsets as "start-end;start-end".

What a row cannot hold: spans that belong to no attribution, and the document
text. RFC 4180 quoting, UTF-8, "\\r\\n" row ends (what the csv module and
spreadsheets expect). Cells are written as they are: open the file with a CSV
reader, not a spreadsheet that evaluates cells starting with "=".
"""
from __future__ import annotations

import csv
import io
from typing import Iterable, Iterator

from annotator.formats.records import DocumentRecord

FRAGMENT_JOIN = " … "
BASE_COLUMNS = ["document_id", "document_title", "attribution_id", "parent_attribution_id",
                "claim", "claim_offsets",
                "source", "source_start", "source_end", "source_entity", "cue", "cue_start",
                "cue_end", "claim_group"]
PROVENANCE_COLUMNS = ["annotators", "reviewer", "origin", "tagger", "tagger_version",
                      "review_state", "created_at", "updated_at"]


def columns(attribute_names: list[str]) -> list[str]:
    return BASE_COLUMNS + list(attribute_names) + PROVENANCE_COLUMNS


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(map(str, value))
    return str(value)


def write(documents: Iterable[DocumentRecord], attribute_names: list[str]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return value

    writer.writerow(columns(attribute_names))
    yield flush()
    for document in documents:
        spans = document.span_map()
        names = {entity.id: entity.name for entity in document.entities}
        text = document.text
        for attribution in document.attributions:
            claims = [spans[i] for i in attribution.claims]
            source = spans.get(attribution.source) if attribution.source else None
            cue = spans.get(attribution.cue) if attribution.cue else None
            provenance = attribution.provenance
            writer.writerow([
                _cell(document.id), document.title, attribution.id, _cell(attribution.parent),
                FRAGMENT_JOIN.join(text[c.start:c.end] for c in claims),
                ";".join(f"{c.start}-{c.end}" for c in claims),
                text[source.start:source.end] if source else "",
                _cell(source and source.start), _cell(source and source.end),
                names.get(source.entity, "") if source else "",
                text[cue.start:cue.end] if cue else "",
                _cell(cue and cue.start), _cell(cue and cue.end), _cell(attribution.claim_group),
                *[_cell(attribution.attributes.get(name)) for name in attribute_names],
                *[_cell(provenance.get(name)) for name in PROVENANCE_COLUMNS],
            ])
            yield flush()


def read(lines: Iterable[str]) -> Iterator[dict]:
    """Rows as dicts (the header names the keys)."""
    yield from csv.DictReader(lines)
