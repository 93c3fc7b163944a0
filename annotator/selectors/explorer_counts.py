"""The explorer's counting (selectors/explorer.py shapes what it counts): the layer's
attributions, filtered (`explorer_claims`), and the SQL of the GROUP BYs over them: the
sources' claims and documents per month, and the outlets' claims, shares, documents and
claims without a source per month; from the read model's cells and the rows of a date
range's cut months where the cells answer (selectors/explorer_cells.py), else from its rows;
for the approved layer and for a member's own alike (the read model keeps both). Each is
one query whatever the number of documents and labels.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from annotator.models import (APPROVED_LAYER, CellKind, EntityType, ExplorerRow, Project,
                              SourceEntity)
from annotator.selectors.explorer_cells import cell_select, cells_answer, month_split


@dataclass(frozen=True)
class ExplorerFilter:
    """What the explorer reads: a layer (None: the approved one) and the filters."""
    annotator_id: int | None = None
    outlet: str | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    source_type: str = ""
    attributes: dict = field(default_factory=dict)   # attribute name → value

    @property
    def layer(self) -> int:
        """ExplorerRow.layer and ExplorerCell.layer of what it reads."""
        return APPROVED_LAYER if self.annotator_id is None else self.annotator_id


def _attribute_is(name: str, value: str) -> Coalesce:
    """attributes[name] == value, as COALESCE(attributes -> name = value, false): the same
    rows, but PostgreSQL, which has no statistics of a JSON key, estimates this at half of
    them, not at 0.5 %: with the plain equality it planned a sort of every row instead of
    the ordered index-only scan of the unfiltered figures (three times slower)."""
    return Coalesce(ExpressionWrapper(Q(**{f"attributes__{name}": value}),
                                      output_field=BooleanField()), Value(False),
                    output_field=BooleanField())


def explorer_claims(*, project: Project, filters: ExplorerFilter) -> QuerySet:
    """The layer's rows of the read model (ExplorerRow: the entity, the claim's place,
    outlet and month, written when labels change), filtered: the approved layer's, or one
    annotator's (their accepted attributions as they are, each with its own source's
    entity)."""
    rows = ExplorerRow.objects.filter(project=project, layer=filters.layer)
    if filters.outlet:
        rows = rows.filter(outlet=filters.outlet)
    if filters.date_from:
        rows = rows.filter(published__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(published__lte=filters.date_to)
    for name, value in filters.attributes.items():
        rows = rows.filter(_attribute_is(name, value))
    if filters.source_type:
        rows = rows.filter(entity_id__in=SourceEntity.objects.filter(
            project=project, type=filters.source_type).values("pk"))
    return rows


# The figures are GROUP BYs over one inner SELECT (Django writes it, for the database at
# hand), in SQL of our own around it (COUNT(DISTINCT CASE ...), LEFT JOIN, GROUP BY: what
# SQLite and PostgreSQL share).
_ROW_COLUMNS = {"x_entity": F("entity_id"), "x_claim": F("claim_key"),
                "x_document": F("document_id"), "x_source": F("source_id"),
                "x_outlet": F("outlet"), "x_month": F("month"),
                "x_second": F("second_hand")}


def _inner(rows: QuerySet) -> tuple[str, tuple]:
    sql, params = rows.values(**_ROW_COLUMNS).order_by().query.sql_with_params()
    return sql, tuple(params)


def _fetch(sql: str, params: tuple) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def _parts(project: Project, filters: ExplorerFilter, kind: CellKind, grouped) -> tuple:
    """The SELECTs of one figure's cells, UNION ALL: `grouped` (inner → a GROUP BY of rows)
    over the filtered rows, or the cells of the whole months and `grouped` over the rows of
    the months a date range cuts (selectors/explorer_cells.py). No join: on PostgreSQL each
    GROUP BY of rows reads an index of the rows in its order (models/explorer.py)."""
    rows = explorer_claims(project=project, filters=filters)
    if not cells_answer(filters):
        return grouped(_inner(rows))
    split = month_split(filters)
    parts = [cell_select(project=project, filters=filters, kind=kind, split=split)]
    if split.edges:
        parts.append(grouped(_inner(rows.filter(month__in=split.edges))))
    return " UNION ALL ".join(sql for sql, _ in parts), sum((p for _, p in parts), ())


def _share_columns(project: Project) -> str:
    """Claims, claims with an entity, anonymous claims. The type is a constant of ours and
    the project's id an integer, written into the SQL as they are; the anonymous entities
    are a hashed subquery (a few hundred ids), not a join."""
    anonymous = (f"SELECT id FROM {connection.ops.quote_name(SourceEntity._meta.db_table)} "
                 f"WHERE project_id = {int(project.pk)} "
                 f"AND type = '{EntityType.ANONYMOUS.value}'")
    return ("COUNT(DISTINCT t.x_claim) AS claims, "
            "COUNT(DISTINCT CASE WHEN t.x_entity IS NOT NULL THEN t.x_claim END) "
            "AS with_entity, "
            f"COUNT(DISTINCT CASE WHEN t.x_entity IN ({anonymous}) THEN t.x_claim END) "
            "AS anonymous")


def _by_source(inner: tuple[str, tuple]) -> tuple[str, tuple]:
    return ("SELECT t.x_entity AS x_entity, t.x_month AS x_month, "
            "COUNT(DISTINCT t.x_claim) AS claims, COUNT(DISTINCT t.x_document) AS documents, "
            # second_hand: the claims the source makes inside another's claim (an attribution
            # with a parent: in "X said that Y claimed Z", Z under Y); first-hand is the rest
            "COUNT(DISTINCT CASE WHEN t.x_second THEN t.x_claim END) AS second_hand "
            f"FROM ({inner[0]}) t WHERE t.x_source IS NOT NULL "
            "GROUP BY t.x_entity, t.x_month", inner[1])


def _by_outlet(project: Project):
    def grouped(inner: tuple[str, tuple]) -> tuple[str, tuple]:
        return (f"SELECT t.x_outlet AS outlet, t.x_month AS month, {_share_columns(project)}, "
                "COUNT(DISTINCT t.x_document) AS documents, "
                "COUNT(DISTINCT CASE WHEN t.x_source IS NULL THEN t.x_claim END) "
                f"AS unattributed FROM ({inner[0]}) t GROUP BY t.x_outlet, t.x_month", inner[1])
    return grouped


def _named(sql: str) -> str:
    """The sources' counts with the entity's name and type, joined after the counting."""
    entity_table = connection.ops.quote_name(SourceEntity._meta.db_table)
    return (f"SELECT r.*, e.name AS name, e.type AS type FROM ({sql}) r "
            f"LEFT JOIN {entity_table} e ON e.id = r.x_entity")


def source_counts(project: Project, filters: ExplorerFilter) -> list[dict]:
    """Claims and documents of each source and month (a claim and a document have one
    month each, so a source's figures are the sums of its months'), with the entity's name
    and type: one query."""
    sql, params = _parts(project, filters, CellKind.SOURCE, _by_source)
    return _fetch(_named(sql), params)


def outlet_counts(project: Project, filters: ExplorerFilter) -> list[dict]:
    """The claims, claims with an entity, anonymous claims, documents and claims without a
    source of each outlet and month: one query."""
    return _fetch(*_parts(project, filters, CellKind.OUTLET, _by_outlet(project)))
