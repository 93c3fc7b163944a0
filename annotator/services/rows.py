"""Inserting many rows of one model at once, for the bulk write (services/bulk.py).

Django's bulk_create sends the same batched INSERT, but builds a model object for each
row and prepares each of its values through the field's whole chain of methods: at
10,000 spans and as many events, that was nine tenths of a bulk write's time. Here the
rows come as tuples in the order of the columns they give; each column gets one
converter, chosen once (JSON written by orjson, datetimes adapted as the backend wants
them, the rest as they are), and the columns a row does not give take the field's
default, prepared once for all rows. The database still checks every constraint and runs
the span trigger.
"""
from __future__ import annotations

import functools
import json
import sqlite3
from operator import itemgetter

import orjson
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone

from annotator.models import Event

# Rows per INSERT on a backend without a small bound on parameters (PostgreSQL).
BATCH_ROWS = 2000
# Parameters per statement on SQLite: Django says 999 (the bound of SQLite before 3.32);
# the library's own bound is read when the connection can tell it, up to this.
SQLITE_PARAMS = 32_766


def json_text(value) -> str:
    """A JSON column's value as text: orjson, or the json module for what orjson refuses
    (integers wider than 64 bits, keys that are not strings). Values here come from
    checked input or from the database, so they hold no NaN (orjson would write null)."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # orjson.JSONEncodeError
        return json.dumps(value)


def _converter(field):
    """How a value of this field goes to the driver; None: as it is (integers, strings,
    booleans, None)."""
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.JSONField) and field.encoder is None:
        if connection.vendor == "postgresql":
            # here: the module imports the PostgreSQL driver, which SQLite does not need
            from django.db.backends.postgresql.psycopg_any import Jsonb
            return lambda value: None if value is None else Jsonb(value, dumps=json_text)
        return lambda value: None if value is None else json_text(value)
    if isinstance(field, (models.JSONField, models.DecimalField)):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def _fields(model) -> list:
    return [field for field in model._meta.concrete_fields if not field.primary_key]


def row_defaults(model: type[models.Model], now) -> dict:
    """What a new row of `model` holds in each column it is not given (attname: value):
    the field's default, `now` for auto_now(_add) fields."""
    return {field.attname: now if getattr(field, "auto_now", False)
            or getattr(field, "auto_now_add", False) else field.get_default()
            for field in _fields(model)}


def rows_insert(model: type[models.Model], rows: list[dict], *, now=None) -> list[int]:
    """INSERT these rows (dicts of attname: value, each naming the same columns) and return
    their new ids, in order. The other columns take row_defaults(model, now). Raises
    IntegrityError as a save would.
    """
    if not rows:
        return []
    columns = tuple(rows[0])
    if any(row.keys() != rows[0].keys() for row in rows):
        raise ValueError("rows_insert: every row names the same columns")
    pick = itemgetter(*columns)
    values = [pick(row) for row in rows] if len(columns) > 1 else [(pick(row),) for row in rows]
    return values_insert(model, columns, values, now=now)


def _batch_rows(width: int, shared: int = 0) -> int:
    """Rows per INSERT: `width` parameters each, and `shared` once per statement."""
    if connection.vendor != "sqlite":
        limit = connection.features.max_query_params
        return max(1, (limit - shared) // width) if limit else BATCH_ROWS
    connection.ensure_connection()
    try:
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except AttributeError:  # Python before 3.11
        limit = connection.features.max_query_params
    return max(1, (min(limit, SQLITE_PARAMS) - shared) // width)


def values_insert(model: type[models.Model], columns: tuple[str, ...], values: list,
                  *, now=None, same: dict | None = None) -> list[int]:
    """rows_insert of rows given as tuples, each in the order of `columns` (attnames);
    `same` gives the columns that hold one value in every row (attname: value)."""
    if not values:
        return []
    fields = {field.attname: field for field in _fields(model)}
    if any(name not in fields for name in (*columns, *(same or ()))):
        raise ValueError(f"values_insert: {model.__name__} has no column among {columns}")
    given = [fields[name] for name in columns]
    rest = [field for name, field in fields.items() if name not in columns]
    defaults = {**row_defaults(model, now or timezone.now()), **(same or {})}
    rest_values = []
    for field in rest:
        convert = _converter(field)
        default = defaults[field.attname]
        rest_values.append(default if convert is None else convert(default))
    rest_values = tuple(rest_values)
    converters = [(index, convert) for index, field in enumerate(given)
                  if (convert := _converter(field)) is not None]
    quote = connection.ops.quote_name
    sqlite = connection.vendor == "sqlite"
    # On SQLite the columns every row shares are sent once per statement, not once per
    # row (INSERT ... SELECT column1, ..., %s FROM (VALUES ...)): a span gives 6 of its 22
    # columns, and SQLite binds (and Django's wrapper rewrites, %s to ?) a third as many
    # parameters. PostgreSQL would type a VALUES list of parameters as text: plain VALUES.
    per_row = len(given) if sqlite and rest else len(given) + len(rest)
    per_batch = _batch_rows(per_row, len(rest) if sqlite else 0)
    names = ", ".join(quote(field.column) for field in [*given, *rest])
    row_placeholder = "(" + ", ".join(["%s"] * per_row) + ")"
    if sqlite and rest:
        picked = ", ".join([f"column{index + 1}" for index in range(len(given))]
                           + ["%s"] * len(rest))
        head, tail, shared = (f"INSERT INTO {quote(model._meta.db_table)} ({names}) "
                              f"SELECT {picked} FROM (VALUES "), ")", list(rest_values)
        rest_values = ()
    else:
        head, tail, shared = (f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ",
                              "", [])
    returning = f" RETURNING {quote(model._meta.pk.column)}"
    ids: list[int] = []
    with connection.cursor() as cursor:
        for first in range(0, len(values), per_batch):
            params: list = list(shared)
            for row in values[first:first + per_batch]:
                if converters:
                    row = list(row)
                    for index, convert in converters:
                        row[index] = convert(row[index])
                params += row
                if rest_values:
                    params += rest_values
            count = min(per_batch, len(values) - first)
            cursor.execute(head + ", ".join([row_placeholder] * count) + tail + returning,
                           params)
            # Ids grow in insertion order (SQLite's AUTOINCREMENT under the write lock, a
            # sequence within one statement; rows go in in the order of VALUES): sorted,
            # they are the rows' ids in order.
            ids += sorted(row[0] for row in cursor.fetchall())
    return ids


_ONE_ROW: dict[tuple, tuple[str, list]] = {}


def _one_row(model: type[models.Model], names: tuple[str, ...]) -> tuple[str, list]:
    """(the quoted column list of an INSERT of one row of `model` giving `names`, how each
    of its values is made), kept per model and columns: every write inserts its event this
    way, and building them again was most of its cost."""
    key = (model, names, connection.vendor)
    found = _ONE_ROW.get(key)
    if found is None:
        fields, slots = _fields(model), []
        for field in fields:
            convert = _converter(field)
            if field.attname in names:
                slots.append(("given", field.attname, convert))
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                slots.append(("now", None, convert))
            elif callable(field.default):
                slots.append(("call", field, convert))
            else:
                default = field.get_default()
                slots.append(("fixed", default if convert is None else convert(default), None))
        quote = connection.ops.quote_name
        found = _ONE_ROW[key] = (", ".join(quote(field.column) for field in fields), slots)
    return found


def _one_row_params(slots: list, values: dict, now) -> list:
    params = []
    for kind, what, convert in slots:
        value = (values[what] if kind == "given" else now if kind == "now"
                 else what.get_default() if kind == "call" else what)
        params.append(value if convert is None else convert(value))
    return params


def row_insert(model: type[models.Model], values: dict, *, now,
               skip_conflicts: bool = False) -> int | None:
    """rows_insert of one row (its SQL and prepared defaults kept: _one_row). With
    `skip_conflicts`, a row that would break a unique constraint is not inserted (None):
    ON CONFLICT DO NOTHING, so no savepoint is needed around it and the transaction goes
    on, on PostgreSQL too."""
    here = connections[DEFAULT_DB_ALIAS]  # the connection itself: its proxy looks it up
    key = (model, tuple(values), here.vendor, skip_conflicts)
    found = _ONE_INSERT.get(key)
    if found is None:
        columns, slots = _one_row(model, key[1])
        quote = here.ops.quote_name
        found = _ONE_INSERT[key] = (
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "
            f"({', '.join(['%s'] * len(slots))})"
            + (" ON CONFLICT DO NOTHING" if skip_conflicts else "")
            + f" RETURNING {quote(model._meta.pk.column)}", slots)
    sql, slots = found
    with here.cursor() as cursor:
        cursor.execute(sql, _one_row_params(slots, values, now))
        row = cursor.fetchone()
    return None if row is None else row[0]


_ONE_INSERT: dict[tuple, tuple[str, list]] = {}  # row_insert's SQL, per model and columns


def row_insert_with_event(model: type[models.Model], values: dict, *, now, event: dict,
                          unless: tuple[str, list] = ("", []),
                          then: tuple[tuple[str, list], ...] = ()) -> int | None:
    """PostgreSQL: INSERT one row of `model` and the Event of its creation in ONE
    statement (statement_with_event); the new row's id, or None: nothing written.

    The row goes in ON CONFLICT DO NOTHING and only when the SQL condition `unless` (with
    its parameters) is false; skipped, nothing else is written either. The event's
    `target_id` and the "id" of its `after` are the new row's."""
    quote = connection.ops.quote_name
    columns, slots = _one_row(model, tuple(values))
    params = _one_row_params(slots, values, now)
    condition, condition_params = unless
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({columns}) SELECT "
           f"{', '.join(['%s'] * len(params))}"
           + (f" WHERE NOT ({condition})" if condition else "")
           + f" ON CONFLICT DO NOTHING RETURNING {quote(model._meta.pk.column)} AS id")
    return statement_with_event((sql, params + condition_params), now=now, event=event,
                                then=then, id_in_after=True)


def statement_with_event(first: tuple[str, list], *, now, event: dict,
                         then: tuple[tuple[str, list], ...] = (),
                         id_in_after: bool = False) -> int | None:
    """PostgreSQL: a write and its Event in ONE statement, a data-modifying CTE (issue #17:
    each statement is a round trip to the server, and a write of one statement needs no
    BEGIN and COMMIT either). `first` (SQL and parameters) writes one row and returns its
    id `AS id`; the event (its columns as event_record takes them) is the one of that
    row (`target_id`, and with `id_in_after` the "id" of its `after`), written only if
    `first` wrote a row; each statement of `then` runs in the same statement and may name
    the row's id `n.id` (SELECT ... FROM n: nothing when `first` wrote nothing). The row's
    id, or None when `first` wrote nothing."""
    quote = connection.ops.quote_name
    sql, params = first
    parts, params = [f"n AS ({sql})"], list(params)
    for index, (then_sql, then_params) in enumerate(then):
        parts.append(f"t{index} AS ({then_sql})")
        params += then_params
    event_values = {**event, "target_id": None}
    event_columns, event_slots = _one_row(Event, tuple(event_values))
    picked = []
    for (_, what, _), param in zip(event_slots,
                                   _one_row_params(event_slots, event_values, now)):
        if what == "target_id":
            picked.append("n.id")
        elif what == "after" and id_in_after:
            picked.append("jsonb_set(CAST(%s AS jsonb), '{id}', to_jsonb(n.id))")
            params.append(param)
        else:
            picked.append("%s")
            params.append(param)
    sql = (f"WITH {', '.join(parts)} INSERT INTO {quote(Event._meta.db_table)} "
           f"({event_columns}) SELECT {', '.join(picked)} FROM n "
           f"RETURNING {quote('target_id')}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else row[0]


def dependents_sql(model: type[models.Model], ids: str, *,
                   none_of: frozenset = frozenset()) -> list[str] | None:
    """_dependents_sql, written once per process for each model, vendor and relations."""
    found = _dependents_sql(model, ids, none_of, connection.vendor)
    return None if found is None else list(found)


@functools.cache
def _dependents_sql(model: type[models.Model], ids: str, none_of: frozenset,
                    vendor: str) -> tuple[str, ...] | None:
    """What deleting rows of `model` does to the rows that point to them, written out as
    Django's delete() would do it (its collector reads and writes each relation apart,
    issue #17): a DELETE of the rows of a relation with on_delete CASCADE to a model that
    nothing points to, an UPDATE ... = NULL for SET_NULL. `ids`: SQL giving the ids
    deleted (a parameter, or a subquery). Relations in `none_of` ((model, field name))
    are known to hold no such rows (the caller read so under its lock) and are left out;
    None when another relation would need more (a cascade further down, PROTECT...):
    the caller then uses delete()."""
    quote = connection.ops.quote_name
    statements = []
    for relation in model._meta.related_objects:
        related, field = relation.related_model, relation.field
        if (related, field.name) in none_of:
            continue
        target = f"{quote(related._meta.db_table)}"
        where = f"{quote(field.column)} IN ({ids})"
        if relation.on_delete is models.CASCADE and not related._meta.related_objects:
            statements.append(f"DELETE FROM {target} WHERE {where}")
        elif relation.on_delete is models.SET_NULL:
            statements.append(f"UPDATE {target} SET {quote(field.column)} = NULL WHERE {where}")
        elif relation.on_delete is not models.DO_NOTHING:
            return None
    return tuple(statements)
