"""The explorer's cells (models/explorer.py's ExplorerCell): each month's figures, counted
from that month's rows of the read model, so that the unfiltered and the date-range
figures read a few thousand cells instead of every row (decisions §21); every layer's
(the approved one and each member's own), each cell from its layer's rows.

A cell is made again whole from its rows, never adjusted by a difference: two statements
(a DELETE of the cells and an INSERT ... SELECT of the GROUP BYs over their rows), so
nothing that happened to the rows before can leave a cell off by one. Which cells: those of
a Scope, the cells of some entities (kind "s") or outlets (kind "o") in some months, which
`explorer_rows_refresh` takes from the rows it deleted and wrote (RETURNING); an entity's
change of type (the `anonymous` figure counts the types) remakes the outlet cells of its
rows' outlets and months, a merge the cells of both entities (and the outlets' when their
types differ).
The attribute cells list every string value of a row's attributes (JSON), read with the
database's own JSON table function (PostgreSQL's jsonb_each, SQLite's json_each): the only
SQL here that differs between the two.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from annotator import models

# What the attribute cells take: a value longer than this is no choice of a definition
# (the filters accept only those) and is left out.
ATTRIBUTE_LENGTH = 200


def _models(apps=None) -> tuple:
    if apps is None:
        return models.ExplorerRow, models.ExplorerCell, models.SourceEntity, models.Document
    return tuple(apps.get_model("annotator", name) for name in (
        "ExplorerRow", "ExplorerCell", "SourceEntity", "Document"))


def _among(column: str, values) -> tuple[str, list]:
    """column IN (values), a None among them: or column IS NULL."""
    known = sorted(v for v in values if v is not None)
    either = [f"{column} IN ({', '.join(['%s'] * len(known))})"] if known else []
    if None in values:
        either.append(f"{column} IS NULL")
    return f"({' OR '.join(either) or '1 = 0'})", known


@dataclass(frozen=True)
class Scope:
    """Which cells to make again: those of these projects and layers (None: all) whose
    entity (kind "s") or outlet (kind "o") and month are among these (None: any). A set of
    whole cells whatever it lists, so that counting the rows it takes gives exactly its
    cells."""
    projects: frozenset | None = None
    layers: frozenset | None = None
    entities: frozenset | None = None
    outlets: frozenset | None = None
    months: frozenset | None = None
    sources: bool = True     # kind "s" made again
    shares: bool = True      # kind "o" made again


def _where(scope: Scope, column_of) -> tuple[str, list, list]:
    """The condition of the scope's cells, over a table whose columns are `column_of(name)`
    (rows or cells), and its parameters."""
    common, params = ["1 = 1"], []
    for name, values in (("project_id", scope.projects), ("layer", scope.layers),
                         ("month", scope.months)):
        if values is not None:
            sql, known = _among(column_of(name), values)
            common.append(sql)
            params += known
    kinds = []
    for kind, wanted, name, values in (
            (models.CellKind.SOURCE, scope.sources, "entity_id", scope.entities),
            (models.CellKind.OUTLET, scope.shares, "outlet", scope.outlets)):
        if wanted:
            sql, known = _among(column_of(name), values) if values is not None else ("1 = 1", [])
            kinds.append((kind, sql, known))
    return " AND ".join(common), params, kinds


def _pairs() -> tuple[str, str, str]:
    """(the join, its condition, the value) listing each string attribute of a row r."""
    if connection.vendor == "postgresql":
        return (", jsonb_each(r.attributes) j", "jsonb_typeof(j.value) = 'string'",
                "j.value #>> '{}'")
    return ", json_each(r.attributes) j", "j.type = 'text'", "j.value"


def _remake(scope: Scope, apps=None) -> None:
    """The scope's cells: a DELETE and an INSERT ... SELECT of the GROUP BYs of its rows."""
    ExplorerRow, ExplorerCell, SourceEntity, _ = _models(apps)
    quote = connection.ops.quote_name
    rows, cells = quote(ExplorerRow._meta.db_table), quote(ExplorerCell._meta.db_table)
    entities = quote(SourceEntity._meta.db_table)
    common, common_params, kinds = _where(scope, lambda c: f"{cells}.{c}")
    if not kinds:
        return
    kind_sql = " OR ".join(f"({cells}.kind = '{kind.value}' AND {sql})" for kind, sql, _ in kinds)
    delete_params = common_params + [p for *_, known in kinds for p in known]
    row_common, row_params, row_kinds = _where(scope, lambda c: f"r.{c}")
    row_sql = f"{row_common} AND ({' OR '.join(f'({sql})' for _, sql, _ in row_kinds)})"
    row_params = row_params + [p for *_, known in row_kinds for p in known]
    _, _, a_kinds = _where(scope, lambda c: c)
    join, is_text, value = _pairs()
    columns = ("r.project_id, r.layer, r.entity_id, r.outlet, r.month, r.claim_key, "
               "r.document_id, r.source_id, r.second_hand")
    claims = "COUNT(DISTINCT claim_key)"
    selects, select_params = [], []
    for kind, sql, known in a_kinds:
        if kind == models.CellKind.SOURCE:
            selects.append(
                f"SELECT project_id, layer, '{kind.value}', entity_id, '', month, attribute, "
                f"value, {claims}, COUNT(DISTINCT document_id), 0, 0, 0, "
                "COUNT(DISTINCT CASE WHEN second_hand THEN claim_key END) FROM a "
                f"WHERE source_id IS NOT NULL AND {sql} "
                "GROUP BY project_id, layer, entity_id, month, attribute, value")
        else:
            selects.append(
                f"SELECT project_id, layer, '{kind.value}', NULL, outlet, month, attribute, "
                f"value, {claims}, COUNT(DISTINCT document_id), "
                "COUNT(DISTINCT CASE WHEN entity_id IS NOT NULL THEN claim_key END), "
                f"COUNT(DISTINCT CASE WHEN entity_id IN (SELECT id FROM {entities} "
                f"WHERE type = '{models.EntityType.ANONYMOUS.value}') THEN claim_key END), "
                f"COUNT(DISTINCT CASE WHEN source_id IS NULL THEN claim_key END), 0 FROM a "
                f"WHERE {sql} GROUP BY project_id, layer, outlet, month, attribute, value")
        select_params += known
    sql = (
        f"WITH a AS (SELECT {columns}, '' AS attribute, '' AS value FROM {rows} r "
        f"WHERE {row_sql} UNION ALL SELECT {columns}, j.key, {value} FROM {rows} r{join} "
        f"WHERE {row_sql} AND {is_text} AND j.key <> '' "
        f"AND LENGTH(j.key) <= {ATTRIBUTE_LENGTH} AND LENGTH({value}) <= {ATTRIBUTE_LENGTH}) "
        f"INSERT INTO {cells} (project_id, layer, kind, entity_id, outlet, month, attribute, "
        "value, claims, documents, with_entity, anonymous, unattributed, second_hand) "
        + " UNION ALL ".join(selects))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {cells} WHERE {common} AND ({kind_sql})", delete_params)
        cursor.execute(sql, row_params + row_params + select_params)


def explorer_cells_remake(*, keys) -> None:
    """Make again the cells that rows with these (project, layer, entity, outlet, month)
    count (explorer_rows_refresh gives those of the rows it deleted and of those it wrote):
    two statements, none for no key."""
    keys = set(keys)
    if keys:
        projects, layers, entities, outlets, months = (frozenset(k) for k in zip(*keys))
        _remake(Scope(projects=projects, layers=layers, entities=entities, outlets=outlets,
                      months=months))


def explorer_cells_remake_entity(*, entity, sources: bool = True, shares: bool = True,
                                 merged=None) -> None:
    """Make again the cells that `entity`'s rows count, in every layer its rows are in:
    its own (kind "s": its rows changed; and those of `merged`, whose rows are its own
    now) and the shares of their outlets and months (kind "o": a type changed). Three
    statements, or one when no row names it."""
    ExplorerRow, *_ = _models()
    keys = set(ExplorerRow.objects.filter(project_id=entity.project_id, entity_id=entity.pk)
               .values_list("layer", "outlet", "month").distinct().order_by())
    if keys:
        layers, outlets, months = (frozenset(k) for k in zip(*keys))
        named = frozenset([entity.pk] + ([merged.pk] if merged is not None else []))
        _remake(Scope(projects=frozenset([entity.project_id]), layers=layers, entities=named,
                      outlets=outlets, months=months, sources=sources, shares=shares))


def explorer_cells_rebuild(*, project=None, apps=None) -> None:
    """Every cell of `project` (None: of every project) made again from its rows."""
    _remake(Scope(projects=None if project is None else frozenset([project.pk])), apps)
