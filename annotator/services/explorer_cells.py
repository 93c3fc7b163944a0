"""The explorer's cells (models/explorer.py's ExplorerCell): each month's figures, counted
from that month's rows of the read model, so that the unfiltered and the date-range
figures read a few thousand cells instead of every row (decisions §21).

A month's cells are made again whole from its rows, never adjusted by a difference: two
statements (a DELETE and an INSERT ... SELECT with the GROUP BYs) whatever was done to the
rows before, so a row that a cascade removed (an attribution's, a span's) is simply not
counted any more. `explorer_rows_refresh` calls `explorer_cells_remake` with the months of
the documents it made again; an entity's change of type (the `anonymous` figure counts the
types) and a merge (the rows name another entity) remake the months of that entity's rows.
The attribute cells list every string value of a row's attributes (JSON), read with the
database's own JSON table function (PostgreSQL's jsonb_each, SQLite's json_each): the only
SQL here that differs between the two.
"""
from __future__ import annotations

from django.db import connection
from django.db.models.functions import TruncMonth

from annotator import models

# What the attribute cells take: a value longer than this is no choice of a definition
# (the filters accept only those) and is left out.
ATTRIBUTE_LENGTH = 200


def _models(apps=None) -> tuple:
    if apps is None:
        return models.ExplorerRow, models.ExplorerCell, models.SourceEntity, models.Document
    return tuple(apps.get_model("annotator", name) for name in (
        "ExplorerRow", "ExplorerCell", "SourceEntity", "Document"))


def _scope(column_of, project_ids, months) -> tuple[str, list]:
    """The WHERE of rows or cells in these projects (None: all) and months (None: all; a
    month None: no date)."""
    parts, params = [], []
    if project_ids is not None:
        parts.append(f"{column_of('project_id')} IN ({', '.join(['%s'] * len(project_ids))})")
        params += list(project_ids)
    if months is not None:
        dated = sorted(m for m in months if m is not None)
        either = []
        if dated:
            either.append(f"{column_of('month')} IN ({', '.join(['%s'] * len(dated))})")
            params += dated
        if None in months:
            either.append(f"{column_of('month')} IS NULL")
        parts.append(f"({' OR '.join(either)})")
    return " AND ".join(parts) or "1 = 1", params


def _pairs() -> tuple[str, str, str]:
    """(the join, its condition, the value) listing each string attribute of a row r."""
    if connection.vendor == "postgresql":
        return (", jsonb_each(r.attributes) j", "jsonb_typeof(j.value) = 'string'",
                "j.value #>> '{}'")
    return ", json_each(r.attributes) j", "j.type = 'text'", "j.value"


def _remake(project_ids, months, apps=None) -> None:
    ExplorerRow, ExplorerCell, SourceEntity, _ = _models(apps)
    quote = connection.ops.quote_name
    rows, cells = quote(ExplorerRow._meta.db_table), quote(ExplorerCell._meta.db_table)
    entities = quote(SourceEntity._meta.db_table)
    cell_where, cell_params = _scope(lambda c: f"{cells}.{c}", project_ids, months)
    row_where, row_params = _scope(lambda c: f"r.{c}", project_ids, months)
    join, is_text, value = _pairs()
    columns = "r.project_id, r.entity_id, r.outlet, r.month, r.claim_key, r.document_id, r.source_id"
    claims = "COUNT(DISTINCT claim_key)"
    sql = (
        f"WITH a AS (SELECT {columns}, '' AS attribute, '' AS value FROM {rows} r "
        f"WHERE {row_where} UNION ALL SELECT {columns}, j.key, {value} FROM {rows} r{join} "
        f"WHERE {row_where} AND {is_text} AND j.key <> '' "
        f"AND LENGTH(j.key) <= {ATTRIBUTE_LENGTH} AND LENGTH({value}) <= {ATTRIBUTE_LENGTH}) "
        f"INSERT INTO {cells} (project_id, kind, entity_id, outlet, month, attribute, value, "
        "claims, documents, with_entity, anonymous, unattributed) "
        f"SELECT project_id, '{models.CellKind.SOURCE.value}', entity_id, '', month, "
        f"attribute, value, {claims}, COUNT(DISTINCT document_id), 0, 0, 0 FROM a "
        "WHERE source_id IS NOT NULL GROUP BY project_id, entity_id, month, attribute, value "
        f"UNION ALL SELECT project_id, '{models.CellKind.OUTLET.value}', NULL, outlet, month, "
        f"attribute, value, {claims}, COUNT(DISTINCT document_id), "
        "COUNT(DISTINCT CASE WHEN entity_id IS NOT NULL THEN claim_key END), "
        f"COUNT(DISTINCT CASE WHEN entity_id IN (SELECT id FROM {entities} "
        f"WHERE type = '{models.EntityType.ANONYMOUS.value}') THEN claim_key END), "
        "COUNT(DISTINCT CASE WHEN source_id IS NULL THEN claim_key END) FROM a "
        "GROUP BY project_id, outlet, month, attribute, value")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {cells} WHERE {cell_where}", cell_params)
        cursor.execute(sql, row_params + row_params)


def explorer_cells_remake(*, document_ids) -> None:
    """Make again the cells of the months of these documents (a list of ids, or a query of
    them): three statements (their projects and months, a DELETE, an INSERT). Call it in
    the transaction that made their rows again, after it."""
    *_, Document = _models()
    found = set(Document.objects.filter(pk__in=document_ids).values_list(
        "project_id", TruncMonth("published")).distinct().order_by())
    if found:
        _remake(sorted({p for p, _ in found}), {m for _, m in found})


def explorer_cells_remake_entity(*, entity) -> None:
    """Make again the cells of the months in which rows name `entity` (its type or its rows
    changed): three statements, or one when no row names it."""
    ExplorerRow, *_ = _models()
    months = set(ExplorerRow.objects.filter(project_id=entity.project_id, entity_id=entity.pk)
                 .values_list("month", flat=True).distinct().order_by())
    if months:
        _remake([entity.project_id], months)


def explorer_cells_rebuild(*, project=None, apps=None) -> None:
    """Every cell of `project` (None: of every project) made again from its rows."""
    _remake(None if project is None else [project.pk], None, apps)
