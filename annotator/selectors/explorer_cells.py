"""The explorer's figures from its cells (models/explorer.py's ExplorerCell): the months
that a date range covers whole are read from their cells, the months it cuts (at most
two, its edges) from their rows, and selectors/explorer.py puts the two together in one
query (UNION ALL: a month is either's, never both's, so every figure is still a sum over
months). Cells are counted over all of a month's rows, or over those with one attribute
value: they answer any layer (the approved one, a member's own) without an outlet or a
type and with at most one attribute; the other filters read the rows.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection

from annotator.models import CellKind, ExplorerCell

SOURCE_COLUMNS = ("c.entity_id AS x_entity, c.month AS x_month, c.claims AS claims, "
                  "c.documents AS documents, c.second_hand AS second_hand")
OUTLET_COLUMNS = ("c.outlet AS outlet, c.month AS month, c.claims AS claims, "
                  "c.with_entity AS with_entity, c.anonymous AS anonymous, "
                  "c.documents AS documents, c.unattributed AS unattributed")


@dataclass(frozen=True)
class MonthSplit:
    """The whole months of a date range (`first`, `last`: first days, None: open) and the
    months it cuts, read from rows (`edges`)."""
    first: datetime.date | None
    last: datetime.date | None
    edges: tuple[datetime.date, ...]


def cells_answer(filters) -> bool:
    return not filters.outlet and not filters.source_type and len(filters.attributes) <= 1


def _month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next_month(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1)


def month_split(filters) -> MonthSplit:
    first = last = None
    edges = set()
    if filters.date_from:
        first = _month_of(filters.date_from)
        if filters.date_from.day != 1:
            edges.add(first)
            first = _next_month(first)
    if filters.date_to:
        last = _month_of(filters.date_to)
        if _next_month(last) - datetime.timedelta(days=1) != filters.date_to:
            edges.add(last)
            last = _month_of(last - datetime.timedelta(days=1))
    return MonthSplit(first, last, tuple(sorted(edges)))


def cell_select(*, project, filters, kind: CellKind, split: MonthSplit) -> tuple[str, tuple]:
    """The SELECT of the cells of `kind` that the filters read (the whole months)."""
    [(attribute, value)] = filters.attributes.items() or [("", "")]
    table = connection.ops.quote_name(ExplorerCell._meta.db_table)
    where = ["c.project_id = %s", "c.layer = %s", "c.kind = %s", "c.attribute = %s",
             "c.value = %s"]
    params = [project.pk, filters.layer, kind.value, attribute, value]
    if split.first is not None:
        where.append("c.month >= %s")
        params.append(split.first)
    if split.last is not None:
        where.append("c.month <= %s")
        params.append(split.last)
    columns = SOURCE_COLUMNS if kind == CellKind.SOURCE else OUTLET_COLUMNS
    return f"SELECT {columns} FROM {table} c WHERE {' AND '.join(where)}", tuple(params)
