"""Inserting many rows of one model at once, for the bulk write (services/bulk.py).

Django's bulk_create sends the same batched INSERT, but builds a model object for each
row and prepares each of its values through the field's whole chain of methods: at
10,000 spans and as many events, that was nine tenths of a bulk write's time. Here each
column gets one converter, chosen once (JSON encoded, datetimes adapted as the backend
wants them, the rest as they are), and the columns a row does not give take the field's
default. The database still checks every constraint and runs the span trigger.
"""
from __future__ import annotations

from django.db import connection, models
from django.utils import timezone

# Rows per INSERT on a backend without a small bound on parameters (PostgreSQL).
BATCH_ROWS = 2000


def _converter(field):
    """How a value of this field goes to the driver; None: as it is (integers, strings,
    booleans, None)."""
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
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


def rows_insert(model: type[models.Model], rows: list[dict], *, now=None,
                skip_conflicts: bool = False) -> list[int]:
    """INSERT these rows (dicts of attname: value, each naming the same columns) and return
    their new ids, in order. The other columns take row_defaults(model, now). Raises
    IntegrityError as a save would; with `skip_conflicts`, a row that would break a unique
    constraint is not inserted and has no id (ON CONFLICT DO NOTHING: no savepoint needed
    around it, and the transaction goes on, on PostgreSQL too).
    """
    if not rows:
        return []
    fields = _fields(model)
    named = set(rows[0])
    if any(set(row) != named for row in rows):
        raise ValueError("rows_insert: every row names the same columns")
    defaults = row_defaults(model, now or timezone.now())
    plan = []  # (attname, converter or None) of a given column, (None, its prepared default)
    for field in fields:
        convert = _converter(field)
        default = defaults[field.attname]
        plan.append((field.attname, convert) if field.attname in named
                    else (None, default if convert is None else convert(default)))
    quote = connection.ops.quote_name
    limit = connection.features.max_query_params
    per_batch = max(1, limit // len(fields)) if limit else BATCH_ROWS
    head = (f"INSERT INTO {quote(model._meta.db_table)} "
            f"({', '.join(quote(field.column) for field in fields)}) VALUES ")
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    returning = (" ON CONFLICT DO NOTHING" if skip_conflicts else "") + \
        f" RETURNING {quote(model._meta.pk.column)}"
    ids: list[int] = []
    with connection.cursor() as cursor:
        for first in range(0, len(rows), per_batch):
            batch = rows[first:first + per_batch]
            params = [convert if name is None else row[name] if convert is None
                      else convert(row[name]) for row in batch for name, convert in plan]
            cursor.execute(head + ", ".join([placeholder] * len(batch)) + returning, params)
            # Ids grow in insertion order (SQLite's AUTOINCREMENT under the write lock, a
            # sequence within one statement): sorted, they are the rows' ids in order.
            ids += sorted(row[0] for row in cursor.fetchall())
    return ids


_ONE_ROW: dict[tuple, tuple[str, list]] = {}


def row_insert(model: type[models.Model], values: dict, *, now,
               skip_conflicts: bool = False) -> int | None:
    """rows_insert of one row (None: skipped as a conflict), with its SQL and the prepared
    defaults of the columns it does not name kept per model and columns: every write
    inserts its event this way, and building them again was most of its cost."""
    key = (model, tuple(values), skip_conflicts, connection.vendor)
    found = _ONE_ROW.get(key)
    if found is None:
        fields, slots = _fields(model), []
        for field in fields:
            convert = _converter(field)
            if field.attname in values:
                slots.append(("given", field.attname, convert))
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                slots.append(("now", None, convert))
            elif callable(field.default):
                slots.append(("call", field, convert))
            else:
                default = field.get_default()
                slots.append(("fixed", default if convert is None else convert(default), None))
        quote = connection.ops.quote_name
        sql = (f"INSERT INTO {quote(model._meta.db_table)} "
               f"({', '.join(quote(field.column) for field in fields)}) VALUES "
               f"({', '.join(['%s'] * len(fields))})"
               + (" ON CONFLICT DO NOTHING" if skip_conflicts else "")
               + f" RETURNING {quote(model._meta.pk.column)}")
        found = _ONE_ROW[key] = (sql, slots)
    sql, slots = found
    params = []
    for kind, what, convert in slots:
        value = (values[what] if kind == "given" else now if kind == "now"
                 else what.get_default() if kind == "call" else what)
        params.append(value if convert is None else convert(value))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else row[0]
