"""Spans and attributions written as JSON by the database: a document's labels without
Python objects.

Reading 500 spans into dicts (the driver parsing two timestamps each), making each one
SpanOut's shape and writing it out again cost three quarters of a document fetch
(issue #17). Here the database writes each label's JSON object (SQLite's json_object,
PostgreSQL's json_build_object), exactly as api/serializers/output.py's span_row_dict,
attribution_row_dict and the JSON renderer would (timestamps in UTC with "Z", fractions
of a second only when there are some; tests/api/test_fast_serializers.py compares
them), and the response takes the text as it is (JsonText). json_arrays_sql gives the
SQL, which selectors/documents.py runs with the status in one query.
"""
from __future__ import annotations

import json

from django.db import connection

from annotator.models import ClaimFragment


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


def _attribution_object() -> str:
    """The SQL of AttributionOut's JSON object of a row of `sub` (ATTRIBUTION_COLUMNS)."""
    q = connection.ops.quote_name
    # The claim, then its further fragments by position (the first is 1).
    parts = (f"SELECT {_q('claim_id')} AS x, -1 AS p UNION ALL SELECT f.{q('span_id')}, "
             f"f.{q('position')} FROM {q(ClaimFragment._meta.db_table)} f "
             f"WHERE f.{q('attribution_id')} = {_q('id')}")
    if connection.vendor == "sqlite":
        claims = f"(SELECT json_group_array(x) FROM ({parts} ORDER BY p))"
        attributes = f"json({_q('attributes')})"
        confidence = f"CAST({_q('confidence')} AS REAL)"
    else:
        claims = f"(SELECT json_agg(x ORDER BY p) FROM ({parts}) parts)"
        attributes = f"{_q('attributes')}::json"
        confidence = f"CAST({_q('confidence')} AS double precision)"
    columns = [("id", "id"), ("document", "document_id"), ("annotator", "annotator_id")]
    links = [("source", "source_id"), ("cue", "cue_id")]
    provenance = [("origin", "origin"), ("tagger_name", "tagger_name"),
                  ("tagger_version", "tagger_version")]
    after = [("status", "status"), ("suggestion", "suggestion_id"),
             ("review_state", "review_state"), ("version", "version")]
    return _object([(key, _q(column)) for key, column in columns] + [("claims", claims)]
                   + [(key, _q(column)) for key, column in links]
                   + [("attributes", attributes), ("parent", _q("parent_id"))]
                   + [(key, _q(column)) for key, column in provenance]
                   + [("confidence", confidence)]
                   + [(key, _q(column)) for key, column in after]
                   + [("created_at", _timestamp("created_at")),
                      ("updated_at", _timestamp("updated_at"))])


_OBJECTS: dict[tuple[str, str], str] = {}
# kind: (its object's SQL, its order: SPAN_ORDER, or by id)
_MAKERS = {"span": (_span_object, (("start", ""), ("end", " DESC"), ("id", ""))),
           "attribution": (_attribution_object, (("id", ""),))}


def json_arrays_sql(kind: str, sql: str, params: list) -> tuple[str, list]:
    """The SELECT of one row (labels, suggestions) of the `kind` ("span" or
    "attribution") that `sql` selects: each a JSON array written by the database in one
    string (no row, and no string, per label reaches Python)."""
    make, order = _MAKERS[kind]
    key = (kind, connection.vendor)
    if key not in _OBJECTS:
        _OBJECTS[key] = make()
    obj, mine = _OBJECTS[key], f"{_q('annotator_id')} IS NOT NULL"
    q = connection.ops.quote_name
    if connection.vendor == "sqlite":
        # The aggregate reads the ordered subquery in its order (SQLite does not flatten a
        # subquery with ORDER BY into an aggregate query).
        by = ", ".join(f"inner_rows.{q(column)}{direction}" for column, direction in order)
        arrays = [f"json_group_array({obj}) FILTER (WHERE {test})"
                  for test in (mine, f"NOT ({mine})")]
        source = f"(SELECT * FROM ({sql}) inner_rows ORDER BY {by}) sub"
    else:  # as text: the driver would parse a json value
        by = ", ".join(_q(column) + direction for column, direction in order)
        arrays = [f"coalesce(json_agg({obj} ORDER BY {by}) FILTER (WHERE {test}), "
                  f"'[]'::json)::text" for test in (mine, f"NOT ({mine})")]
        source = f"({sql}) sub"
    return (f"SELECT {arrays[0]} AS labels, {arrays[1]} AS suggestions FROM {source}",
            list(params))


class JsonText:
    """JSON already written, which the JSON renderer (api/renderers.py) writes as it is;
    any other JSON writer (DRF's, for what orjson refuses) calls tolist(), as for numpy."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def tolist(self):
        return json.loads(self.text)

