"""Reads, with their prefetching (STYLE.md)."""
from __future__ import annotations

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce

from annotator.access import projects_for
from annotator.models import Document, DocumentStatus, Membership


def document_queryset_with_status(*, user):
    """Documents annotated with `my_status` (not_started when there is no row)."""
    status = DocumentStatus.objects.filter(document=OuterRef("pk"), annotator=user).values(
        "status")[:1]
    return Document.objects.defer("text").annotate(
        my_status=Coalesce(Subquery(status), Value(DocumentStatus.Status.NOT_STARTED)),
        my_span_count=Count("spans", filter=Q(spans__annotator=user, spans__status="accepted"),
                            distinct=True),
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


def spans_for(document, *, annotator_ids=None, suggestions: bool = False):
    queryset = Span.objects.filter(document=document).select_related("label").order_by(
        "start", "-end", "id")
    if suggestions:
        return queryset.filter(annotator__isnull=True)
    # An annotator's layer: their labels, not their rejections of suggestions.
    queryset = queryset.filter(annotator__isnull=False, status=LabelStatus.ACCEPTED)
    if annotator_ids is not None:
        queryset = queryset.filter(annotator_id__in=annotator_ids)
    return queryset


def attributions_for(document, *, annotator_ids=None, suggestions: bool = False):
    fragments = Prefetch("fragments", queryset=ClaimFragment.objects.order_by("position"))
    queryset = Attribution.objects.filter(document=document).prefetch_related(fragments).order_by(
        "id")
    if suggestions:
        return queryset.filter(annotator__isnull=True)
    # An annotator's layer: their labels, not their rejections of suggestions.
    queryset = queryset.filter(annotator__isnull=False, status=LabelStatus.ACCEPTED)
    if annotator_ids is not None:
        queryset = queryset.filter(annotator_id__in=annotator_ids)
    return queryset


@dataclass
class DocumentLayers:
    document: object
    layer: str
    my_status: str
    spans: list
    attributions: list
    suggested_spans: list
    suggested_attributions: list


def document_detail(*, document, user, layer: str) -> DocumentLayers:
    """A document with one layer ("mine", "all" or an annotator's id) and its suggestions.

    For "mine", suggestions the user already accepted or rejected are left out.
    A fixed number of queries whatever the number of labels.
    """
    ids = None if layer == "all" else [user.pk if layer == "mine" else int(layer)]
    suggested_spans = spans_for(document, suggestions=True)
    suggested_attributions = attributions_for(document, suggestions=True)
    if layer == "mine":
        decided_spans = Span.objects.filter(document=document, annotator=user,
                                            suggestion__isnull=False).values("suggestion_id")
        decided_attributions = Attribution.objects.filter(
            document=document, annotator=user, suggestion__isnull=False).values("suggestion_id")
        suggested_spans = suggested_spans.exclude(pk__in=decided_spans)
        suggested_attributions = suggested_attributions.exclude(pk__in=decided_attributions)
    status = DocumentStatus.objects.filter(document=document, annotator=user).values_list(
        "status", flat=True).first() or DocumentStatus.Status.NOT_STARTED
    return DocumentLayers(document=document, layer=layer, my_status=status,
                          spans=list(spans_for(document, annotator_ids=ids)),
                          attributions=list(attributions_for(document, annotator_ids=ids)),
                          suggested_spans=list(suggested_spans),
                          suggested_attributions=list(suggested_attributions))


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
