"""Spans written as JSON by the database: a long document's labels without Python objects.

Reading 500 spans into dicts (the driver parsing two timestamps each), making each one
SpanOut's shape and writing it out again cost three quarters of a document fetch
(issue #17). Here the database writes each span's JSON object (SQLite's json_object,
PostgreSQL's json_build_object), exactly as api/serializers/output.py's span_row_dict
and the JSON renderer would (timestamps in UTC with "Z", fractions of a second only
when there are some; tests/api/test_fast_serializers.py compares the two), and the
response takes the text as it is (JsonText).
"""
from __future__ import annotations

import json

from django.db import connection

from annotator.selectors.compiled import fetch_rows


def _q(name: str) -> str:
    return f"sub.{connection.ops.quote_name(name)}"


def _timestamp(column: str) -> str:
    """A timestamp column as orjson writes a UTC datetime (OPT_UTC_Z)."""
    if connection.vendor == "sqlite":  # stored as str(naive UTC datetime)
        return f"replace({_q(column)}, ' ', 'T') || 'Z'"
    utc = f"({_q(column)} AT TIME ZONE 'UTC')"
    return (f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN "
            f"mod(date_part('microseconds', {utc})::bigint, 1000000) = 0 THEN '' ELSE "
            f"to_char({utc}, '.US') END || 'Z'")


def _object(pairs: list[tuple[str, str]]) -> str:
    builder = "json_object" if connection.vendor == "sqlite" else "json_build_object"
    return builder + "(" + ", ".join(f"'{key}', {value}" for key, value in pairs) + ")"


def _span_object() -> str:
    """The SQL of SpanOut's JSON object of a row of `sub` (span_row_list's columns)."""
    entity = _object([("id", _q("suggested_entity_id")),
                      ("name", f"coalesce({_q('suggested_entity_name')}, '')"),
                      ("type", f"coalesce(nullif({_q('suggested_entity_type')}, ''), 'other')"),
                      ("by", f"coalesce({_q('suggested_entity_by')}, '')")])
    suggested = (f"CASE WHEN {_q('suggested_entity_id')} IS NULL AND "
                 f"coalesce({_q('suggested_entity_name')}, '') = '' THEN NULL ELSE {entity} END")
    if connection.vendor == "sqlite":  # keep it JSON (an object, not a string) through CASE
        suggested = f"json({suggested})"
    confidence = (f"CAST({_q('confidence')} AS REAL)" if connection.vendor == "sqlite"
                  else f"CAST({_q('confidence')} AS double precision)")
    columns = [("id", "id"), ("document", "document_id"), ("annotator", "annotator_id"),
               ("label", "label_name"), ("start", "start"), ("end", "end"),
               ("quote", "quote"), ("entity", "entity_id")]
    provenance = [("origin", "origin"), ("tagger_name", "tagger_name"),
                  ("tagger_version", "tagger_version")]
    after = [("status", "status"), ("suggestion", "suggestion_id"),
             ("review_state", "review_state"), ("version", "version")]
    return _object([(key, _q(column)) for key, column in columns]
                   + [("suggested_entity", suggested)]
                   + [(key, _q(column)) for key, column in provenance]
                   + [("confidence", confidence)]
                   + [(key, _q(column)) for key, column in after]
                   + [("created_at", _timestamp("created_at")),
                      ("updated_at", _timestamp("updated_at"))])


_OBJECTS: dict[str, str] = {}


def span_json_rows(sql: str, params: list) -> list[tuple[bool, str]]:
    """[(is it an annotator's span (not a suggestion), its JSON text)] of the spans that
    `sql` selects (span_row_list's columns, SPAN_ORDER), in that order."""
    if connection.vendor not in _OBJECTS:  # as text: the driver would parse a json value
        _OBJECTS[connection.vendor] = _span_object() + (
            "" if connection.vendor == "sqlite" else "::text")
    order = f"{_q('start')}, {_q('end')} DESC, {_q('id')}"
    return fetch_rows(f"SELECT {_q('annotator_id')} IS NOT NULL, "
                      f"{_OBJECTS[connection.vendor]} FROM ({sql}) sub ORDER BY {order}",
                      params)


class JsonText:
    """JSON already written, which the JSON renderer (api/renderers.py) writes as it is;
    any other JSON writer (DRF's, for what orjson refuses) calls tolist(), as for numpy."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def tolist(self):
        return json.loads(self.text)


def json_array(texts: list[str]) -> JsonText:
    """A JSON array of these JSON texts."""
    return JsonText("[" + ",".join(texts) + "]")
