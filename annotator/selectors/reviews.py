"""Reviewing: the queue, annotators' statuses, review decisions, agreement.

The approved layer is in selectors/approved.py."""
from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Min, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from annotator import agreement
from annotator.access import Need, projects_for
from annotator.models import (Attribution, ClaimFragment, DocStatus, Document, DocumentStatus,
                              LabelStatus, Origin, ReviewDecision, Span)


def review_list_for_document(*, document, annotator_id=None):
    queryset = ReviewDecision.objects.filter(document=document).select_related("reviewer")
    if annotator_id is not None:
        queryset = queryset.filter(Q(span__annotator_id=annotator_id)
                                   | Q(attribution__annotator_id=annotator_id)
                                   | Q(annotator_id=annotator_id))
    return queryset.order_by("created_at", "id")


# Work that counts for agreement: what annotators declared finished. Returned work
# is being redone, and work in progress may change yet.
FINISHED = (DocStatus.SUBMITTED, DocStatus.APPROVED)


def review_queue_for_user(*, user, project_id: int | None = None,
                          annotator_id: int | None = None, older_than_days: int | None = None):
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


def review_queue_choices_for_user(*, user) -> tuple:
    """What the review queue page filters by: (the projects the user reviews, by name; the
    annotators with submitted work in them, by username)."""
    reviewed = projects_for(user, Need.REVIEW).order_by("name")
    annotators = (get_user_model().objects.filter(
        document_statuses__status=DocStatus.SUBMITTED,
        document_statuses__document__project__in=reviewed).distinct().order_by("username"))
    return reviewed, annotators


def submitted_count_for_project(*, project) -> int:
    """How many of the project's documents wait for review (someone's work submitted)."""
    return Document.objects.filter(project=project, statuses__status=DocStatus.SUBMITTED
                                   ).distinct().count()


def status_list_for_document(*, document):
    """Every annotator's status on the document, with how many labels they have there."""
    labels = (Span.objects.filter(document=document, annotator=OuterRef("annotator"),
                                  status=LabelStatus.ACCEPTED).exclude(origin=Origin.REVIEW)
              .values("annotator").annotate(n=Count("id")).values("n")[:1])
    return (DocumentStatus.objects.filter(document=document).select_related("annotator")
            .annotate(span_count=Coalesce(Subquery(labels), Value(0)))
            .order_by("annotator__username"))


def agreement_for_project(*, project, document_id: int | None = None,
                          label: str | None = None) -> dict:
    """Agreement between the annotators of a project (or one document, or one label).

    Reads plain values in six queries whatever the number of documents and labels,
    then computes with annotator/agreement.py. Only finished work counts (FINISHED);
    reviewers' corrections are not an annotator's work and are left out.
    """
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
