"""Queries the ORM writes once per shape: the hot reads run its SQL with new values.

A document's detail is the same few queries for every document and user; building and
compiling them through the ORM took a third of the request (issue #17). compiled()
builds the queryset once with stand-in values, keeps its SQL and where each stand-in
went in the parameters, and from then on only puts the real values there. The ORM
still writes the SQL (joins, quoting, the backend's dialect): a model change is picked
up when the process starts.
"""
from __future__ import annotations

from django.db import connection

_SQL: dict[tuple, tuple[str, list, list]] = {}
# Stand-ins: integers no id or constant of these queries can be.
_STAND_IN = -(10**15)


def compiled(key: str, build, **values: int) -> tuple[str, list]:
    """(sql, params) of build(**values): build is called once per key and backend, with
    stand-in integers for `values` (ids), which must reach the SQL only as parameters."""
    found = _SQL.get((key, connection.vendor))
    if found is None:
        stand_ins = {name: _STAND_IN - index for index, name in enumerate(values)}
        sql, params = build(**stand_ins).query.sql_with_params()
        by_value = {value: name for name, value in stand_ins.items()}
        slots = [(index, by_value[param]) for index, param in enumerate(params)
                 if isinstance(param, int) and param in by_value]
        if str(_STAND_IN)[:6] in sql:
            raise ValueError(f"compiled({key!r}): a stand-in was written into the SQL")
        found = _SQL[(key, connection.vendor)] = (sql, list(params), slots)
    sql, params, slots = found
    params = list(params)
    for index, name in slots:
        params[index] = values[name]
    return sql, params


def fetch_dicts(sql: str, params: list) -> list[dict]:
    """The rows as dicts by column name (values as the driver returns them)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def fetch_rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
