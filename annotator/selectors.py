"""Reads, with their prefetching (STYLE.md)."""
from __future__ import annotations

from django.db import connections
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce

from annotator.access import projects_for
from annotator.models import Document, DocumentStatus, Membership, Span


def document_queryset_with_status(*, user):
    """Documents annotated with `my_status` (not_started when there is no row)."""
    status = DocumentStatus.objects.filter(document=OuterRef("pk"), annotator=user).values(
        "status")[:1]
    # A correlated count, not a join + GROUP BY over every span of the project:
    # the page (and the paginator's COUNT) then stays cheap as projects grow.
    span_count = (Span.objects.filter(document=OuterRef("pk"), annotator=user,
                                      status="accepted")
                  .order_by().values("document").annotate(n=Count("pk")).values("n")[:1])
    return Document.objects.defer("text").annotate(
        my_status=Coalesce(Subquery(status), Value(DocumentStatus.Status.NOT_STARTED)),
        my_span_count=Coalesce(Subquery(span_count), Value(0)),
    )


def project_list_for_home(*, user):
    """The user's projects, each with its documents (and the user's status on each) and role.

    A fixed number of queries whatever the number of projects and documents.
    """
    documents = document_queryset_with_status(user=user).order_by("id")
    roles = Membership.objects.filter(user=user)
    return (projects_for(user).order_by("name")
            .prefetch_related(Prefetch("documents", queryset=documents, to_attr="docs"),
                              Prefetch("memberships", queryset=roles, to_attr="my_memberships")))


# --- The API's reads ----------------------------------------------------------------

from dataclasses import dataclass  # noqa: E402

from annotator.models import (Attribution, ClaimFragment, Event, LabelStatus,  # noqa: E402
                              ReviewDecision, Span)


def _labels_filter(*, annotator_ids=None, suggestions: bool = False) -> Q:
    """Suggestions, or annotators' layers: their labels, not their rejections of suggestions."""
    if suggestions:
        return Q(annotator__isnull=True)
    layer = Q(annotator__isnull=False, status=LabelStatus.ACCEPTED)
    return layer if annotator_ids is None else layer & Q(annotator_id__in=annotator_ids)


SPAN_ORDER = ("start", "-end", "id")


def spans_for(document, *, annotator_ids=None, suggestions: bool = False):
    return (Span.objects.filter(_labels_filter(annotator_ids=annotator_ids,
                                               suggestions=suggestions), document=document)
            .select_related("label").order_by(*SPAN_ORDER))


def attributions_for(document, *, annotator_ids=None, suggestions: bool = False):
    fragments = Prefetch("fragments", queryset=ClaimFragment.objects.order_by("position"))
    return (Attribution.objects.filter(_labels_filter(annotator_ids=annotator_ids,
                                                      suggestions=suggestions),
                                       document=document)
            .prefetch_related(fragments).order_by("id"))


def attributions_by_id(*, ids: list[int]):
    """These attributions, whatever their status, with their fragments in order."""
    fragments = Prefetch("fragments", queryset=ClaimFragment.objects.order_by("position"))
    return Attribution.objects.filter(pk__in=ids).prefetch_related(fragments).order_by("id")


@dataclass
class DocumentLayers:
    document: object
    layer: str
    my_status: str
    spans: list
    attributions: list
    suggested_spans: list
    suggested_attributions: list


# The columns the API's fast path reads as plain rows (annotator/api/serializers.py).
SPAN_COLUMNS = ("id", "document_id", "annotator_id", "start", "end", "quote", "origin",
                "tagger_name", "tagger_version", "confidence", "status", "suggestion_id",
                "review_state", "version", "created_at", "updated_at")
ATTRIBUTION_COLUMNS = ("id", "document_id", "annotator_id", "claim_id", "source_id", "cue_id",
                       "attributes", "origin", "tagger_name", "tagger_version", "confidence",
                       "status", "suggestion_id", "review_state", "version", "created_at",
                       "updated_at")


def span_rows(queryset) -> list[dict]:
    """Spans as dicts of SPAN_COLUMNS plus `label_name`: no model objects to build.

    The ORM writes the query; the rows skip its per-value converters, two thirds of
    the time for a long document: every column here is a number, a string, a decimal
    or a timestamp that the database driver already returns as such (timestamps naive
    in UTC on SQLite, aware on PostgreSQL; the serializer writes both the same way).
    tests/api/test_fast_serializers.py keeps the result equal to the serializers'.
    """
    sql, params = queryset.values(*SPAN_COLUMNS, label_name=F("label__name")).query \
        .sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def attribution_rows(queryset) -> list[dict]:
    """Attributions as dicts of ATTRIBUTION_COLUMNS plus `fragment_ids` (in order)."""
    rows = list(queryset.values(*ATTRIBUTION_COLUMNS))
    fragments: dict[int, list[int]] = {row["id"]: [] for row in rows}
    if fragments:
        for attribution_id, span_id in (ClaimFragment.objects
                                        .filter(attribution_id__in=list(fragments))
                                        .order_by("attribution_id", "position")
                                        .values_list("attribution_id", "span_id")):
            fragments[attribution_id].append(span_id)
    for row in rows:
        row["fragment_ids"] = fragments[row["id"]]
    return rows


def document_detail(*, document, user, layer: str, as_rows: bool = True) -> DocumentLayers:
    """A document with one layer ("mine", "all" or an annotator's id) and its suggestions.

    For "mine", suggestions the user already accepted or rejected are left out.
    A fixed number of queries whatever the number of labels. Labels come as plain
    rows (span_rows, attribution_rows; a layer and its suggestions in one query each)
    for the API's fast path, or, with as_rows=False, as model objects for the
    documented serializers.
    """
    ids = None if layer == "all" else [user.pk if layer == "mine" else int(layer)]
    suggested = {model: _labels_filter(suggestions=True) for model in (Span, Attribution)}
    if layer == "mine":
        for model in suggested:
            decided = model.objects.filter(document=document, annotator=user,
                                           suggestion__isnull=False).values("suggestion_id")
            suggested[model] &= ~Q(pk__in=decided)
    status = DocumentStatus.objects.filter(document=document, annotator=user).values_list(
        "status", flat=True).first() or DocumentStatus.Status.NOT_STARTED
    layer_filter = _labels_filter(annotator_ids=ids)
    if as_rows:
        spans = span_rows(Span.objects.filter(layer_filter | suggested[Span],
                                              document=document).order_by(*SPAN_ORDER))
        attributions = attribution_rows(Attribution.objects.filter(
            layer_filter | suggested[Attribution], document=document).order_by("id"))
        layer_spans, suggested_spans = _split(spans)
        layer_attributions, suggested_attributions = _split(attributions)
    else:
        layer_spans = list(spans_for(document, annotator_ids=ids))
        layer_attributions = list(attributions_for(document, annotator_ids=ids))
        suggested_spans = list(spans_for(document, suggestions=True).filter(suggested[Span]))
        suggested_attributions = list(attributions_for(document, suggestions=True).filter(
            suggested[Attribution]))
    return DocumentLayers(document=document, layer=layer, my_status=status,
                          spans=layer_spans, attributions=layer_attributions,
                          suggested_spans=suggested_spans,
                          suggested_attributions=suggested_attributions)


def _split(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """(annotators' rows, suggestions), each in the order given."""
    return ([row for row in rows if row["annotator_id"] is not None],
            [row for row in rows if row["annotator_id"] is None])


def document_list(*, project, user):
    """The project's documents with the user's status, label count and suggestion flag."""
    from django.db.models import Exists

    suggestions = Span.objects.filter(document=OuterRef("pk"), annotator__isnull=True)
    return (document_queryset_with_status(user=user).filter(project=project)
            .annotate(has_suggestions=Exists(suggestions)).order_by("id"))


def history_for(*, target_type: str, target_id: int):
    """Every event and review decision about one span or attribution, oldest first."""
    events = Event.objects.filter(target_type=target_type, target_id=target_id).select_related(
        "actor").order_by("created_at", "id")
    reviews = ReviewDecision.objects.filter(**{target_type: target_id}).select_related(
        "reviewer").order_by("created_at", "id")
    return list(events), list(reviews)


def reviews_for_document(*, document, annotator_id=None):
    queryset = ReviewDecision.objects.filter(document=document).select_related("reviewer")
    if annotator_id is not None:
        from django.db.models import Q as _Q

        queryset = queryset.filter(_Q(span__annotator_id=annotator_id)
                                   | _Q(attribution__annotator_id=annotator_id)
                                   | _Q(annotator_id=annotator_id))
    return queryset.order_by("created_at", "id")


# --- Reviewing: the queue, annotators' statuses, the approved layer, agreement ------------------

from datetime import timedelta  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.db.models import Min  # noqa: E402
from django.utils import timezone  # noqa: E402

from annotator.access import Need  # noqa: E402
from annotator.models import DocStatus, Origin, ReviewState  # noqa: E402

# Work that counts for agreement: what annotators declared finished. Returned work
# is being redone, and work in progress may change yet.
FINISHED = (DocStatus.SUBMITTED, DocStatus.APPROVED)


def review_queue(*, user, project_id: int | None = None, annotator_id: int | None = None,
                 older_than_days: int | None = None):
    """Documents with some annotator's work submitted, in projects the user reviews.

    Oldest first (by the earliest submission still waiting). A fixed number of
    queries for any page: the documents, then their waiting submissions.
    """
    waiting = DocumentStatus.objects.filter(status=DocStatus.SUBMITTED)
    if annotator_id is not None:
        waiting = waiting.filter(annotator_id=annotator_id)
    documents = Document.objects.defer("text").filter(
        project__in=projects_for(user, Need.REVIEW), pk__in=waiting.values("document_id"))
    if project_id is not None:
        documents = documents.filter(project_id=project_id)
    documents = documents.annotate(
        waiting_since=Min("statuses__updated_at",
                          filter=Q(statuses__status=DocStatus.SUBMITTED)),
        working=Count("statuses", filter=Q(statuses__status__in=[DocStatus.IN_PROGRESS,
                                                                  DocStatus.RETURNED]),
                      distinct=True))
    if older_than_days is not None:
        documents = documents.filter(
            waiting_since__lte=timezone.now() - timedelta(days=older_than_days))
    submitted = DocumentStatus.objects.filter(status=DocStatus.SUBMITTED).select_related(
        "annotator").order_by("updated_at", "id")
    return (documents.select_related("project").order_by("waiting_since", "id")
            .prefetch_related(Prefetch("statuses", queryset=submitted, to_attr="submitted")))


def submitted_count(*, project) -> int:
    """How many of the project's documents wait for review (someone's work submitted)."""
    return Document.objects.filter(project=project, statuses__status=DocStatus.SUBMITTED
                                   ).distinct().count()


def document_statuses(*, document):
    """Every annotator's status on the document, with how many labels they have there."""
    labels = (Span.objects.filter(document=document, annotator=OuterRef("annotator"),
                                  status=LabelStatus.ACCEPTED).exclude(origin=Origin.REVIEW)
              .values("annotator").annotate(n=Count("id")).values("n")[:1])
    return (DocumentStatus.objects.filter(document=document).select_related("annotator")
            .annotate(span_count=Coalesce(Subquery(labels), Value(0)))
            .order_by("annotator__username"))


@dataclass(frozen=True)
class ApprovedSpan:
    id: int                  # one of the identical approved rows: the first made
    label: str
    start: int
    end: int
    quote: str
    annotators: tuple        # whose rows these are (the reviewer's, for a correction)
    corrected: bool          # a reviewer's correction is among them


@dataclass(frozen=True)
class ApprovedAttribution:
    id: int
    claims: tuple            # ApprovedSpan, in fragment order
    source: ApprovedSpan | None
    cue: ApprovedSpan | None
    attributes: dict
    annotators: tuple
    corrected: bool


@dataclass
class ApprovedLayer:
    document: object
    spans: list              # ApprovedSpan, in text order
    attributions: list       # ApprovedAttribution


def _span_key(span) -> tuple:
    return (span.label.name, span.start, span.end)


def approved_layer(*, document) -> ApprovedLayer:
    """The one approved version of a document: what reviewers approved, across layers.

    Identical spans (label, start, end) of several annotators are one span, and
    identical attributions (same claim fragments, source, cue and attributes)
    one attribution. Three queries, whatever the number of labels.
    """
    rows = list(Span.objects.filter(document=document, annotator__isnull=False,
                                    status=LabelStatus.ACCEPTED).select_related("label")
                .order_by("id"))
    by_id = {s.pk: s for s in rows}
    groups: dict = {}
    for span in rows:
        if span.review_state == ReviewState.APPROVED:
            groups.setdefault(_span_key(span), []).append(span)
    attributions = list(attributions_for(document).filter(review_state=ReviewState.APPROVED))
    # An approved attribution's spans are approved too (services/reviews.py); should one not
    # be, the attribution still brings it, rather than lose a role.
    for a in attributions:
        for span_id in (a.claim_id, *[f.span_id for f in a.fragments.all()], a.source_id,
                        a.cue_id):
            span = by_id.get(span_id)
            if span is not None and span not in groups.get(_span_key(span), []):
                groups.setdefault(_span_key(span), []).append(span)

    def merged(copies) -> ApprovedSpan:
        first = copies[0]
        return ApprovedSpan(id=first.pk, label=first.label.name, start=first.start,
                            end=first.end, quote=first.quote,
                            annotators=tuple(sorted({c.annotator_id for c in copies})),
                            corrected=any(c.origin == Origin.REVIEW for c in copies))

    spans = {key: merged(copies) for key, copies in groups.items()}

    def layer_span(span_id):
        return spans[_span_key(by_id[span_id])] if span_id in by_id else None

    attribution_groups: dict = {}
    for a in attributions:
        claims = tuple(layer_span(i) for i in (a.claim_id, *[f.span_id for f in
                                                              a.fragments.all()]))
        key = (claims, layer_span(a.source_id), layer_span(a.cue_id),
               tuple(sorted(a.attributes.items())))
        attribution_groups.setdefault(key, []).append(a)
    result = [ApprovedAttribution(id=copies[0].pk, claims=key[0], source=key[1], cue=key[2],
                                  attributes=dict(copies[0].attributes),
                                  annotators=tuple(sorted({c.annotator_id for c in copies})),
                                  corrected=any(c.origin == Origin.REVIEW for c in copies))
              for key, copies in attribution_groups.items()]
    return ApprovedLayer(document=document,
                         spans=sorted(spans.values(), key=lambda s: (s.start, -s.end, s.label)),
                         attributions=sorted(result, key=lambda a: (a.claims[0].start, a.id)))


def agreement_for_project(*, project, document_id: int | None = None,
                          label: str | None = None) -> dict:
    """Agreement between the annotators of a project (or one document, or one label).

    Reads plain values in six queries whatever the number of documents and labels,
    then computes with annotator/agreement.py. Only finished work counts (FINISHED);
    reviewers' corrections are not an annotator's work and are left out.
    """
    from annotator import agreement

    statuses = DocumentStatus.objects.filter(document__project=project, status__in=FINISHED)
    if document_id is not None:
        statuses = statuses.filter(document_id=document_id)
    who: dict = {}
    for doc_id, annotator_id in statuses.values_list("document_id", "annotator_id"):
        who.setdefault(doc_id, set()).add(annotator_id)
    documents = list(Document.objects.filter(pk__in=list(who)).order_by("id")
                     .values_list("id", "title", "text"))
    labels = list(project.labels.order_by("position", "name").values_list("name", flat=True))
    if label is not None:
        labels = [name for name in labels if name == label]
    spans = (Span.objects.filter(document_id__in=list(who), annotator__isnull=False,
                                 status=LabelStatus.ACCEPTED).exclude(origin=Origin.REVIEW)
             .values_list("document_id", "annotator_id", "label__name", "start", "end"))
    layers = {doc_id: agreement.DocumentLayers(document=doc_id, text=text,
                                               annotators=tuple(sorted(who[doc_id])))
              for doc_id, _, text in documents}
    for doc_id, annotator_id, name, start, end in spans:
        layers[doc_id].spans.append(agreement.SpanItem(annotator_id, name, start, end))
    attribution_rows = list(
        Attribution.objects.filter(document_id__in=list(who), annotator__isnull=False,
                                   status=LabelStatus.ACCEPTED).exclude(origin=Origin.REVIEW)
        .values_list("id", "document_id", "annotator_id", "claim__start", "claim__end",
                     "source__start", "source__end", "cue__start", "cue__end"))
    fragments: dict = {}
    for attribution_id, start, end in (ClaimFragment.objects.filter(
            attribution_id__in=[row[0] for row in attribution_rows]).order_by(
            "attribution_id", "position").values_list("attribution_id", "span__start",
                                                      "span__end")):
        fragments.setdefault(attribution_id, []).append((start, end))
    for (pk, doc_id, annotator_id, c_start, c_end, s_start, s_end, q_start,
         q_end) in attribution_rows:
        layers[doc_id].attributions.append(agreement.AttributionItem(
            annotator_id, ((c_start, c_end), *fragments.get(pk, [])),
            None if s_start is None else (s_start, s_end),
            None if q_start is None else (q_start, q_end)))
    result = agreement.report(list(layers.values()), labels)
    names = dict(get_user_model().objects.filter(pk__in={a for ids in who.values() for a in ids})
                 .values_list("pk", "username"))
    titles = {doc_id: title for doc_id, title, _ in documents}
    result["annotators"] = [{"id": pk, "username": names[pk]} for pk in sorted(names)]
    result["labels_compared"] = labels
    for row in result["documents"]:
        row["title"] = titles[row["document"]]
        row["annotators"] = sorted(who[row["document"]])
    for row in result["pairs"]:
        row["a_username"], row["b_username"] = names[row["a"]], names[row["b"]]
    return result


def api_token_list_for_user(*, user):
    """The user's API tokens, newest first, revoked and expired ones included (a record)."""
    from annotator.models import ApiToken

    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
