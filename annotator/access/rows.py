"""The lookups every API request makes, written out in SQL (issue #17).

Building them through the ORM (joins, select_related, the compiler) cost more than
running them: before, a span create spent a quarter of its time compiling SQL, and
its token, document and label lookups half of it. The columns come from the models'
own fields (a new field is read with no change here), and each value goes through
the converters the ORM would apply (timestamps made aware, JSON decoded), so the
objects are the ones the ORM would have built.
"""
from __future__ import annotations

import functools

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

from annotator.models import (ApiToken, Assignment, Document, DocumentChange, DocumentStatus,
                              Label, Membership, Project, Span)


class Columns:
    """A model's concrete columns under a table alias, and its objects made from them."""

    def __init__(self, model, alias: str, *, leave_out: tuple[str, ...] = ()):
        self.model, self.alias = model, alias
        self.fields = [f for f in model._meta.concrete_fields if f.attname not in leave_out]
        self.names = [f.attname for f in self.fields]
        self.width = len(self.fields)
        self._id = self.names.index(model._meta.pk.attname)
        self._plans: dict[str, list] = {}  # vendor: [(column, its converters)]
        self._sql: dict[str, str] = {}  # vendor: the select list
        self._plain = plain_model(model)

    def sql(self) -> str:
        found = self._sql.get(connection.vendor)
        if found is None:
            quote = connection.ops.quote_name
            found = self._sql[connection.vendor] = ", ".join(
                f"{self.alias}.{quote(f.column)}" for f in self.fields)
        return found

    def _plan(self, here) -> list:
        plan = self._plans.get(here.vendor)
        if plan is None:
            plan = []
            for field in self.fields:
                column = field.get_col(self.alias)
                converters = (here.ops.get_db_converters(column)
                              + column.get_db_converters(here))
                plan.append((column, converters))
            self._plans[here.vendor] = plan
        return plan

    def build(self, row, first: int = 0):
        """The model object of row[first:first + width] (None when its id is NULL: a LEFT
        JOIN that found nothing)."""
        values = list(row[first:first + self.width])
        if values[self._id] is None:
            return None
        here = current()  # the thread's connection, looked up once (not per attribute)
        for index, (column, converters) in enumerate(self._plan(here)):
            for convert in converters:
                values[index] = convert(values[index], column, here)
        if self._plain and not (pre_init.receivers or post_init.receivers):
            return plain_instance(self.model, here.alias, self.names, values)
        return self.model.from_db(here.alias, self.names, values)


def current():
    """The thread's database connection itself: `django.db.connection` is a proxy that
    finds it again (a thread-local lookup) on every attribute read."""
    return connections[DEFAULT_DB_ALIAS]


def plain_model(model) -> bool:
    """Whether Model.__init__ does nothing for `model` but set its state and its columns'
    attributes: no __init__ or from_db of its own, and every column's attribute a plain
    DeferredAttribute (a foreign key's: ForeignKeyDeferredAttribute, whose __set__ only
    forgets a cached related object, and a new object has none). The pre_init and
    post_init signals are checked at each build (plain_instance's callers)."""
    return (model.__init__ is Model.__init__
            and model.from_db.__func__ is Model.from_db.__func__
            and all(type(getattr(model, field.attname, None)) in
                    (DeferredAttribute, ForeignKeyDeferredAttribute)
                    for field in model._meta.concrete_fields))


def plain_instance(model, db: str, names, values):
    """model.from_db(db, names, values) for a plain_model with no pre_init / post_init
    receivers, without Model.__init__'s loop over every field and its two signals (a
    tenth of a span create's CPU went into building the five objects its lookups read):
    the same object, its state saying "from the database `db`", the columns not named
    deferred (read on first use) as from_db leaves them."""
    instance = model.__new__(model)
    state = instance._state = ModelState()
    state.adding, state.db = False, db
    instance.__dict__.update(zip(names, values))
    return instance


@functools.cache
def _new_plan(model) -> tuple[bool, list, dict]:
    """(plain_model, [(column attribute, its field)], {relation name: (its field, the
    attribute of the column it points to)}) for saved_instance."""
    fields = [(field.attname, field) for field in model._meta.concrete_fields]
    relations = {field.name: (field, field.target_field.attname)
                 for field in model._meta.concrete_fields if field.is_relation}
    return plain_model(model), fields, relations


def saved_instance(model, **given):
    """What `model(**given)` makes (a keyword names a column's attribute or, with a related
    object, a relation; every other column gets its default), marked as stored in the
    current database, as the ORM's create() returns it: for a row a write has just
    INSERTed itself (services/rows.py). Without Model.__init__ when plain_model (its loop
    over keyword arguments cost a span create about a third of what its INSERT did)."""
    here = current()
    plain, fields, relations = _new_plan(model)
    if not plain or pre_init.receivers or post_init.receivers:
        instance = model(**given)
        instance._state.adding, instance._state.db = False, here.alias
        return instance
    instance = plain_instance(model, here.alias, (), ())
    state = instance._state
    for name in [name for name in given if name in relations]:
        field, target = relations[name]
        value = given.pop(name)
        given[field.attname] = None if value is None else getattr(value, target)
        state.fields_cache[name] = value
    attributes = instance.__dict__
    for attname, field in fields:
        attributes[attname] = given.pop(attname) if attname in given else field.get_default()
    if given:
        raise TypeError(f"{model.__name__} has no field named {', '.join(given)}.")
    return instance


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def table(model) -> str:
    return quote(model._meta.db_table)


def fetch_one(sql: str, params: list) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


# --- A document for a user, with the user's membership (and a label) ----------------------

# Made on first use (the models are ready by then), once: functools.cache hands every
# thread the whole dict, never one half-filled.
@functools.cache
def _columns() -> dict:
    return {True: Columns(Document, "d"), False: Columns(Document, "d", leave_out=("text",)),
            "project": Columns(Project, "p"), "label": Columns(Label, "l")}


@functools.cache
def _row_columns(model) -> Columns:
    return Columns(model, "r")


@functools.cache
def _token_columns() -> tuple[Columns, Columns]:
    return Columns(ApiToken, "t"), Columns(get_user_model(), "u")


def _membership_sql(document_ref: str) -> tuple[str, str]:
    """(the select list's membership columns, the joins to project and membership) for the
    document `document_ref` and the user of the first two parameters."""
    columns = (f"m.{quote('id')}, m.{quote('role')}, EXISTS(SELECT 1 FROM {table(Assignment)} a "
               f"WHERE a.{quote('document_id')} = {document_ref} "
               f"AND a.{quote('annotator_id')} = %s)")
    joins = (f"JOIN {table(Project)} p ON p.{quote('id')} = d.{quote('project_id')} "
             f"JOIN {table(Membership)} m ON m.{quote('project_id')} = d.{quote('project_id')} "
             f"AND m.{quote('user_id')} = %s")
    return columns, joins


@functools.cache
def _document_sql(vendor: str, text: bool, label: bool, layer_status: bool,
                  stamps: bool) -> str:
    """document_row's query (its parameters: the user's id, again with `layer_status`, once
    more, the label's name with `label`, the document's id), written once per process."""
    columns = _columns()
    member_columns, joins = _membership_sql(f"d.{quote('id')}")
    select = [columns[text].sql(), columns["project"].sql(), member_columns]
    if label:
        select.append(columns["label"].sql())
        joins += (f" LEFT JOIN {table(Label)} l ON l.{quote('project_id')} = "
                  f"d.{quote('project_id')} AND l.{quote('name')} = %s")
    if layer_status:
        select.append(f"(SELECT s.{quote('status')} FROM {table(DocumentStatus)} s WHERE "
                      f"s.{quote('document_id')} = d.{quote('id')} AND "
                      f"s.{quote('annotator_id')} = %s)")
    if stamps:
        select.append(_stamps_sql(f"d.{quote('id')}"))
    return (f"SELECT {', '.join(select)} FROM {table(Document)} d {joins} "
            f"WHERE d.{quote('id')} = %s")


def document_row(user_id: int, document_id: int, *, text: bool,
                 label_name: str | None = None, layer_status: bool = False,
                 stamps: bool = False) -> tuple | None:
    """(document with its project, membership id, role, assigned to the user?, label named
    `label_name` in its project or None), or None when the user is not a member of the
    document's project (or there is no such document): one query. Without `text` the
    document's text is deferred (read on first use). With `layer_status`, the user's
    status on the document is read in the same query: `document.read_layer_status` is
    (user id, status or None), for a write of one statement (services/spans.py). With
    `stamps`, so are the document's change stamps: `document.read_stamps` is what
    selectors.detail_cache.document_stamps returns, for a read of a kept detail."""
    columns = _columns()
    document_columns, project_columns = columns[text], columns["project"]
    # The select list's user ids (the assignment; the layer status), then the joins' one.
    params = [user_id, user_id, user_id] if layer_status else [user_id, user_id]
    if label_name is not None:
        params.append(label_name)
    params.append(document_id)
    row = fetch_one(_document_sql(connection.vendor, text, label_name is not None,
                                  layer_status, stamps), params)
    if row is None:
        return None
    document = document_columns.build(row)
    project = project_columns.build(row, document_columns.width)
    document.project = project
    at = document_columns.width + project_columns.width
    label = None
    if label_name is not None:
        label = columns["label"].build(row, at + 3)
        if label is not None:
            label.project = project
    if stamps:
        document.read_stamps = parse_stamps(row[-1])
    if layer_status:
        document.read_layer_status = (user_id, row[-2 if stamps else -1])
    return document, row[at], row[at + 1], bool(row[at + 2]), label


def _stamps_sql(document_ref: str) -> str:
    """A select-list subquery: the document's (layer, stamp) pairs as 'layer:stamp,...'
    (NULL when it has none)."""
    pair = (f"CAST(c.{quote('layer')} AS TEXT) || ':' || CAST(c.{quote('stamp')} AS TEXT)")
    together = ("group_concat({}, ',')" if connection.vendor == "sqlite"
                else "string_agg({}, ',')").format(pair)
    return (f"(SELECT {together} FROM {table(DocumentChange)} c "
            f"WHERE c.{quote('document_id')} = {document_ref})")


def parse_stamps(joined: str | None) -> tuple:
    """((layer, stamp), ...) by layer, from _stamps_sql's text."""
    if not joined:
        return ()
    return tuple(sorted(tuple(int(n) for n in pair.split(":")) for pair in joined.split(",")))


# --- A project for a user, with the user's membership ----------------------------------

@functools.cache
def _project_sql(vendor: str) -> str:
    projects = _columns()["project"]
    return (f"SELECT {projects.sql()}, m.{quote('id')}, m.{quote('role')} "
            f"FROM {table(Project)} p JOIN {table(Membership)} m ON "
            f"m.{quote('project_id')} = p.{quote('id')} AND m.{quote('user_id')} = %s "
            f"WHERE p.{quote('id')} = %s")


def project_row(user_id: int, project_id: int) -> tuple | None:
    """(project, membership id, role), or None when the user is not a member of the project
    (or there is no such project): one query (one membership per project and user, by
    constraint)."""
    projects = _columns()["project"]
    row = fetch_one(_project_sql(connection.vendor), [user_id, project_id])
    if row is None:
        return None
    return projects.build(row), row[projects.width], row[projects.width + 1]


# --- An API token and its user ---------------------------------------------------------

@functools.cache
def _token_sql(vendor: str) -> str:
    tokens, users = _token_columns()
    return (f"SELECT {tokens.sql()}, {users.sql()} FROM {table(ApiToken)} t "
            f"JOIN {table(users.model)} u ON u.{quote('id')} = t.{quote('user_id')} "
            f"WHERE t.{quote('digest')} = %s")


def token_row(digest: str):
    """The ApiToken with this digest, its user loaded (None if there is none): one query."""
    tokens, users = _token_columns()
    row = fetch_one(_token_sql(connection.vendor), [digest])
    if row is None:
        return None
    token = tokens.build(row)
    token.user = users.build(row, tokens.width)
    return token


# --- A span or attribution for a user -------------------------------------------------

@functools.cache
def _label_sql(vendor: str, model) -> str:
    """label_row's query (parameters: the user's id twice, the row's id), written once."""
    columns, others = _row_columns(model), _columns()
    member_columns, joins = _membership_sql(f"r.{quote('document_id')}")
    select = [columns.sql(), others[False].sql(), others["project"].sql(), member_columns]
    joins = f"JOIN {table(Document)} d ON d.{quote('id')} = r.{quote('document_id')} " + joins
    if model is Span:
        select.append(others["label"].sql())
        joins += f" JOIN {table(Label)} l ON l.{quote('id')} = r.{quote('label_id')}"
    return (f"SELECT {', '.join(select)} FROM {table(model)} r {joins} "
            f"WHERE r.{quote('id')} = %s")


def label_row(model, user_id: int, row_id: int) -> tuple | None:
    """(the span or attribution, with its document (text deferred), project and, for a
    span, its label; membership id, role, assigned to the user?), or None when there is
    no such row in a project of the user's: one query."""
    columns, others = _row_columns(model), _columns()
    document_columns, project_columns = others[False], others["project"]
    row = fetch_one(_label_sql(connection.vendor, model), [user_id, user_id, row_id])
    if row is None:
        return None
    found = columns.build(row)
    document = document_columns.build(row, columns.width)
    at = columns.width + document_columns.width
    document.project = project_columns.build(row, at)
    found.document = document
    at += project_columns.width
    if model is Span:
        found.label = others["label"].build(row, at + 3)
        found.label.project = document.project
    return found, row[at], row[at + 1], bool(row[at + 2])


@functools.cache
def _own_spans_sql(vendor: str) -> str:
    """own_span_rows's query, its list of ids left as "%s" (the one % it holds)."""
    spans, labels = _row_columns(Span), _columns()["label"]
    return (f"SELECT {spans.sql()}, {labels.sql()} FROM {table(Span)} r JOIN "
            f"{table(Label)} l ON l.{quote('id')} = r.{quote('label_id')} WHERE "
            f"r.{quote('id')} IN (%s) AND "
            f"r.{quote('document_id')} = %%s AND r.{quote('annotator_id')} = %%s")


def own_span_rows(document_id: int, user_id: int, ids: list[int]) -> list:
    """The user's spans of this document among `ids`, with their labels: one query."""
    spans, labels = _row_columns(Span), _columns()["label"]
    sql = _own_spans_sql(connection.vendor) % ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, document_id, user_id])
        rows = cursor.fetchall()
    found = []
    for row in rows:
        span = spans.build(row)
        span.label = labels.build(row, spans.width)
        found.append(span)
    return found
