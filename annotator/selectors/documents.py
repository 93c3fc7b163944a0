"""Documents: lists with the user's status, the home page, one document with its layers."""
from __future__ import annotations

from dataclasses import dataclass

import functools
import json
from datetime import datetime
from datetime import timezone as dt_timezone

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce

from annotator.access import documents_open_filter, projects_for
from annotator.models import (Assignment, Attribution, Document, DocStatus, DocumentStatus,
                              LabelStatus, Membership, Span)
from annotator.selectors.compiled import compiled, fetch_dicts, fetch_rows
from annotator.selectors.label_json import JsonText, json_arrays_sql
from annotator.services.layers import text_cached, text_remember
from annotator.selectors.labels import (ATTRIBUTION_COLUMNS, SPAN_COLUMNS, SPAN_ORDER,
                                        _labels_filter, attribution_list_for_document,
                                        span_list_for_document)


def document_list_for_user(*, user):
    """Documents annotated with `my_status` (not_started when there is no row)."""
    status = DocumentStatus.objects.filter(document=OuterRef("pk"), annotator=user).values(
        "status")[:1]
    # A correlated count, not a join + GROUP BY over every span of the project:
    # the page (and the paginator's COUNT) then stays cheap as projects grow.
    span_count = (Span.objects.filter(document=OuterRef("pk"), annotator=user,
                                      status="accepted")
                  .order_by().values("document").annotate(n=Count("pk")).values("n")[:1])
    # Only the documents the user may open (access.py: the project's `unassigned_open`),
    # those assigned to the user marked, to come first.
    return Document.objects.defer("text").filter(documents_open_filter(user)).annotate(
        my_status=Coalesce(Subquery(status), Value(DocumentStatus.Status.NOT_STARTED)),
        my_span_count=Coalesce(Subquery(span_count), Value(0)),
        assigned_to_me=Exists(Assignment.objects.filter(document=OuterRef("pk"), annotator=user)),
    )


def project_list_for_home(*, user):
    """The user's projects, each with its documents (and the user's status on each) and role.

    A fixed number of queries whatever the number of projects and documents.
    """
    documents = document_list_for_user(user=user).order_by("-assigned_to_me", "id")
    roles = Membership.objects.filter(user=user)
    return (projects_for(user).order_by("name")
            .prefetch_related(Prefetch("documents", queryset=documents, to_attr="docs"),
                              Prefetch("memberships", queryset=roles, to_attr="my_memberships")))


def project_list_with_roles(*, user) -> list[tuple]:
    """The user's projects by name, each with its labels and the user's role: [(project, role)]."""
    roles = dict(Membership.objects.filter(user=user).values_list("project_id", "role"))
    projects = projects_for(user).prefetch_related("labels").order_by("name")
    return [(project, roles[project.pk]) for project in projects]


@dataclass
class DocumentDetail:
    """A document with one layer and its suggestions (document_detail_for_user); what
    agreement.DocumentLayers holds is another thing: annotators' labels to compare."""
    document: object
    layer: str
    my_status: str
    spans: list
    attributions: list
    suggested_spans: list
    suggested_attributions: list


def document_detail_for_user(*, document, user, layer: str,
                             as_rows: bool = True) -> DocumentDetail:
    """A document with one layer ("mine", "all" or an annotator's id) and its suggestions.

    For "mine", suggestions the user already accepted or rejected are left out.
    A fixed number of queries whatever the number of labels. Labels come as plain
    rows (span_row_list, attribution_row_list; a layer and its suggestions in one query each)
    for the API's fast path, or, with as_rows=False, as model objects for the
    documented serializers.
    """
    if as_rows:
        return _detail_rows(document=document, user=user, layer=layer)
    ids = None if layer == "all" else [user.pk if layer == "mine" else int(layer)]
    suggested = _suggested_filters(document, user, layer)
    layer_spans = list(span_list_for_document(document=document, annotator_ids=ids))
    layer_attributions = list(attribution_list_for_document(document=document,
                                                            annotator_ids=ids))
    suggested_spans = list(span_list_for_document(document=document, suggestions=True)
                           .filter(suggested[Span]))
    suggested_attributions = list(attribution_list_for_document(
        document=document, suggestions=True).filter(suggested[Attribution]))
    return DocumentDetail(document=document, layer=layer, my_status=_my_status(document, user),
                          spans=layer_spans, attributions=layer_attributions,
                          suggested_spans=suggested_spans,
                          suggested_attributions=suggested_attributions)


def _suggested_filters(document, user, layer: str) -> dict:
    """{model: filter} of the suggestions shown with `layer`: for "mine", not those the
    user already accepted or rejected."""
    suggested = {model: _labels_filter(suggestions=True) for model in (Span, Attribution)}
    if layer == "mine":
        for model in suggested:
            decided = model.objects.filter(document=document, annotator=user,
                                           suggestion__isnull=False).values("suggestion_id")
            suggested[model] &= ~Q(pk__in=decided)
    return suggested


def _status_sql(document, user) -> tuple[str, list]:
    return compiled("detail-status", lambda document, user: DocumentStatus.objects
                    .filter(document=document, annotator=user).values("status")[:1],
                    document=document.pk, user=user.pk)


def _my_status(document, user) -> str:
    found = fetch_rows(*_status_sql(document, user))
    return (found[0][0] if found else None) or DocumentStatus.Status.NOT_STARTED


def _layer_querysets(kind: str, document: int, user: int, other: int) -> tuple:
    """(spans, attributions) of a document's layer and its suggestions, as values() rows:
    the layer of the user (kind "mine"), of one annotator (`other`) or of all ("all")."""
    ids = None if kind == "all" else [user if kind == "mine" else other]
    suggested = _suggested_filters(document, user, kind)
    layer_filter = _labels_filter(annotator_ids=ids)
    spans = (Span.objects.filter(layer_filter | suggested[Span], document=document)
             .order_by(*SPAN_ORDER).values(*SPAN_COLUMNS, label_name=F("label__name")))
    attributions = Attribution.objects.filter(layer_filter | suggested[Attribution],
                                              document=document)
    return spans, attributions


def _detail_rows(*, document, user, layer: str) -> DocumentDetail:
    """document_detail_for_user as JSON written by the database (selectors/label_json.py):
    one query (and one for the text, unless this process holds it): the user's status and
    the JSON arrays of the spans and of the attributions, each compiled once per kind of
    layer (selectors/compiled.py)."""
    _text_load(document)
    kind = layer if layer in ("mine", "all") else "one"
    values = {"document": document.pk, "user": user.pk,
              "other": int(layer) if kind == "one" else 0}
    spans = json_arrays_sql("span", *compiled(
        f"detail-spans-{kind}", lambda **v: _layer_querysets(kind, **v)[0], **values))
    attributions = json_arrays_sql("attribution", *compiled(
        f"detail-attributions-{kind}", lambda **v: _layer_querysets(kind, **v)[1]
        .order_by("id").values(*ATTRIBUTION_COLUMNS), **values))
    status = _status_sql(document, user)
    [(my_status, *arrays)] = fetch_rows(
        f"SELECT ({status[0]}), s.labels, s.suggestions, a.labels, a.suggestions "
        f"FROM ({spans[0]}) s, ({attributions[0]}) a", status[1] + spans[1] + attributions[1])
    spans, suggested_spans, attributions, suggested_attributions = map(JsonText, arrays)
    return DocumentDetail(document=document, layer=layer,
                          my_status=my_status or DocumentStatus.Status.NOT_STARTED,
                          spans=spans, attributions=attributions,
                          suggested_spans=suggested_spans,
                          suggested_attributions=suggested_attributions)


def _text_load(document) -> None:
    """Set document.text (deferred by the access query) from this process's copy of it,
    or read it once and keep it: a text never changes once stored (services/layers.py).
    A 1 MiB text is then not read out of the database on every fetch."""
    if "text" not in document.get_deferred_fields():
        return
    text = text_cached(document)
    if text is None:
        [(text,)] = fetch_rows(f"SELECT {connection.ops.quote_name('text')} FROM "
                               f"{connection.ops.quote_name(Document._meta.db_table)} WHERE "
                               f"{connection.ops.quote_name('id')} = %s", [document.pk])
        text_remember(document, text)
    document.text = text


def document_list_for_project(*, project, user):
    """The project's documents with the user's status, label count and suggestion flag,
    those assigned to the user first, each with its assignees (`assignee_rows`)."""
    suggestions = Span.objects.filter(document=OuterRef("pk"), annotator__isnull=True)
    assignees = Assignment.objects.select_related("annotator").order_by("annotator__username")
    return (document_list_for_user(user=user).filter(project=project)
            .annotate(has_suggestions=Exists(suggestions)).order_by("-assigned_to_me", "id")
            .prefetch_related(Prefetch("assignments", queryset=assignees,
                                       to_attr="assignee_rows")))


def document_list_filtered(*, project, user, status: str = "", query: str = ""):
    """document_list_for_project, narrowed to the user's status (when one of DocStatus) and
    to documents whose title or text holds `query` (the project page's filters)."""
    documents = document_list_for_project(project=project, user=user)
    if status in DocumentStatus.Status.values:
        documents = documents.filter(my_status=status)
    if query:
        documents = documents.filter(Q(title__icontains=query) | Q(text__icontains=query))
    return documents


def document_status_counts(*, project, user) -> tuple[int, list[tuple[str, str, int]]]:
    """(number of documents, [(status, its label, how many of them the user has there)]).

    Documents without a status row of the user's count as not started.
    """
    open_documents = project.documents.filter(documents_open_filter(user))
    total = open_documents.count()
    mine = dict(DocumentStatus.objects.filter(document__in=open_documents, annotator=user)
                .exclude(status=DocumentStatus.Status.NOT_STARTED).values_list("status")
                .annotate(n=Count("id")))
    mine[DocumentStatus.Status.NOT_STARTED] = total - sum(mine.values())
    return total, [(value, label, mine.get(value, 0))
                   for value, label in DocumentStatus.Status.choices]


_LIST_FIELDS = ("id", "project_id", "title", "length", "text_sha256", "source_url", "metadata",
                "created_at", "my_status", "my_span_count", "has_suggestions", "assigned_to_me")


def _assigned_sql() -> str:
    """Whether document `d` is assigned to the user of the one parameter."""
    q = connection.ops.quote_name
    return (f"EXISTS(SELECT 1 FROM {q(Assignment._meta.db_table)} a WHERE "
            f"a.{q('document_id')} = d.{q('id')} AND a.{q('annotator_id')} = %s)")


def _page_sql(*, assigned_only: bool, counted: bool) -> str:
    return _page_sql_for(connection.vendor, assigned_only, counted)


@functools.cache
def _page_sql_for(vendor: str, assigned_only: bool, counted: bool) -> str:
    """The SQL of a page of the project's documents (its parameters: DocumentPage._params),
    those assigned to the user first, as
    document_list_for_project orders them. `assigned_only`: only the documents assigned
    to the user (access.opens_unassigned is false for them). `counted`: each row also says
    how many documents the whole list has (`total`), so a page that has rows needs no
    COUNT of its own. PostgreSQL works out the status, count and suggestion columns for
    the page's rows only (after the LIMIT); SQLite for the rows it sorts, as before."""
    q = connection.ops.quote_name

    def t(model) -> str:
        return q(model._meta.db_table)

    document = ", ".join(f"d.{q(Document._meta.get_field(name).column)}"
                         for name in _LIST_FIELDS[:8])
    assigned = _assigned_sql()
    return (
        f"SELECT {document}, "
        f"COALESCE((SELECT s.{q('status')} FROM {t(DocumentStatus)} s WHERE "
        f"s.{q('document_id')} = d.{q('id')} AND s.{q('annotator_id')} = %s), %s) "
        f"AS {q('my_status')}, "
        f"(SELECT COUNT(*) FROM {t(Span)} x WHERE x.{q('document_id')} = d.{q('id')} AND "
        f"x.{q('annotator_id')} = %s AND x.{q('status')} = %s) AS {q('my_span_count')}, "
        f"EXISTS(SELECT 1 FROM {t(Span)} x WHERE x.{q('document_id')} = d.{q('id')} AND "
        f"x.{q('annotator_id')} IS NULL) AS {q('has_suggestions')}, "
        f"{assigned} AS {q('assigned_to_me')}"
        + (f", COUNT(*) OVER () AS {q('total')}" if counted else "")
        + f" FROM {t(Document)} d WHERE d.{q('project_id')} = %s"
        + (f" AND {assigned}" if assigned_only else "")
        + f" ORDER BY {q('assigned_to_me')} DESC, d.{q('id')} LIMIT %s OFFSET %s")


class DocumentPage:
    """document_list_for_project without filters, as rows for a paginator to count and
    slice (the API's list): SQL written out (`_page_sql`); on PostgreSQL a page is one
    query that counts the list as well when the view said which page it will ask for
    (`expect`); plus one for its assignees when `with_assignees`. Each row is a dict of _LIST_FIELDS
    (metadata decoded, created_at aware) and, with assignees, `assignees`
    ([{"id", "username"}] by username). `assigned_only`: the member opens only the
    documents assigned to them (not access.opens_unassigned)."""

    def __init__(self, *, project, user, with_assignees: bool, assigned_only: bool,
                 expect: slice | None = None):
        self.project, self.user = project.pk, user.pk
        self.with_assignees, self.assigned_only = with_assignees, assigned_only
        self.expect = expect
        self.fetched: tuple[slice, list[dict]] | None = None

    def _params(self, window: slice) -> list:
        user = self.user
        params = [user, DocStatus.NOT_STARTED, user, LabelStatus.ACCEPTED, user, self.project]
        if self.assigned_only:
            params.append(user)
        return params + [window.stop - window.start, window.start]

    def count(self) -> int:
        # PostgreSQL: one statement (one round trip) for the page and its count. SQLite has no
        # round trip to save, and its window over every row cost more than a COUNT (0.5 ms
        # against 1.0 ms of CPU for a page of 20 of 201, docs/benchmarks.md).
        if self.expect is not None and connection.vendor == "postgresql":
            rows = fetch_dicts(_page_sql(assigned_only=self.assigned_only, counted=True),
                               self._params(self.expect))
            if rows:  # else a page past the end, or no documents: counted on its own
                self.fetched = (self.expect, rows)
                return rows[0]["total"]
        q = connection.ops.quote_name
        sql = (f"SELECT COUNT(*) FROM {q(Document._meta.db_table)} d "
               f"WHERE d.{q('project_id')} = %s")
        params = [self.project]
        if self.assigned_only:
            sql += f" AND {_assigned_sql()}"
            params.append(self.user)
        return fetch_rows(sql, params)[0][0]

    def __getitem__(self, window: slice) -> list[dict]:
        if (self.fetched is not None and self.fetched[0].start == window.start
                and window.stop - window.start <= self.fetched[0].stop - self.fetched[0].start):
            rows = self.fetched[1][:window.stop - window.start]
        else:
            rows = fetch_dicts(_page_sql(assigned_only=self.assigned_only, counted=False),
                               self._params(window))
        for row in rows:
            row.pop("total", None)
            if isinstance(row["metadata"], str):
                row["metadata"] = json.loads(row["metadata"])
            row["created_at"] = _aware(row["created_at"])
            row["has_suggestions"] = bool(row["has_suggestions"])
            row["assigned_to_me"] = bool(row["assigned_to_me"])
        if self.with_assignees and rows:
            found = {row["id"]: [] for row in rows}
            for document_id, annotator_id, username in fetch_rows(*_assignees_sql(list(found))):
                found[document_id].append({"id": annotator_id, "username": username})
            for row in rows:
                row["assignees"] = found[row["id"]]
        return rows


def _aware(value):
    """A timestamp as the ORM gives it: aware (SQLite's driver returns it naive, in UTC)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value is None or value.tzinfo else value.replace(tzinfo=dt_timezone.utc)


def _assignees_sql(document_ids: list[int]) -> tuple[str, list]:
    quote = connection.ops.quote_name
    user_table = quote(get_user_model()._meta.db_table)
    return (f"SELECT a.{quote('document_id')}, a.{quote('annotator_id')}, "
            f"u.{quote('username')} FROM {quote(Assignment._meta.db_table)} a JOIN "
            f"{user_table} u ON u.{quote('id')} = a.{quote('annotator_id')} "
            f"WHERE a.{quote('document_id')} IN ({', '.join(['%s'] * len(document_ids))}) "
            f"ORDER BY u.{quote('username')}, a.{quote('id')}", document_ids)
