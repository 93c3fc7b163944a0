"""Spans and attributions: querysets, plain rows for the API's fast path, history."""
from __future__ import annotations

from django.db import connections
from django.db.models import F, Prefetch, Q

from annotator.models import Attribution, ClaimFragment, Event, LabelStatus, ReviewDecision, Span


def _labels_filter(*, annotator_ids=None, suggestions: bool = False) -> Q:
    """Suggestions, or annotators' layers: their labels, not their rejections of suggestions."""
    if suggestions:
        return Q(annotator__isnull=True)
    layer = Q(annotator__isnull=False, status=LabelStatus.ACCEPTED)
    return layer if annotator_ids is None else layer & Q(annotator_id__in=annotator_ids)


SPAN_ORDER = ("start", "-end", "id")


def span_list_for_document(*, document, annotator_ids=None, suggestions: bool = False):
    return (Span.objects.filter(_labels_filter(annotator_ids=annotator_ids,
                                               suggestions=suggestions), document=document)
            .select_related("label").order_by(*SPAN_ORDER))


def attribution_list_for_document(*, document, annotator_ids=None,
                                  suggestions: bool = False):
    fragments = Prefetch("fragments", queryset=ClaimFragment.objects.order_by("position"))
    return (Attribution.objects.filter(_labels_filter(annotator_ids=annotator_ids,
                                                      suggestions=suggestions),
                                       document=document)
            .prefetch_related(fragments).order_by("id"))


def attribution_list_by_id(*, ids: list[int]):
    """These attributions, whatever their status, with their fragments in order."""
    fragments = Prefetch("fragments", queryset=ClaimFragment.objects.order_by("position"))
    return Attribution.objects.filter(pk__in=ids).prefetch_related(fragments).order_by("id")


# The columns the API's fast path reads as plain rows (annotator/api/serializers.py).
SPAN_COLUMNS = ("id", "document_id", "annotator_id", "start", "end", "quote", "origin",
                "tagger_name", "tagger_version", "confidence", "status", "suggestion_id",
                "review_state", "version", "created_at", "updated_at", "entity_id",
                "suggested_entity_id", "suggested_entity_name", "suggested_entity_type",
                "suggested_entity_by")
ATTRIBUTION_COLUMNS = ("id", "document_id", "annotator_id", "claim_id", "source_id", "cue_id",
                       "attributes", "origin", "tagger_name", "tagger_version", "confidence",
                       "status", "suggestion_id", "review_state", "version", "created_at",
                       "updated_at", "parent_id")


def span_row_list(*, queryset) -> list[dict]:
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


def attribution_row_list(*, queryset) -> list[dict]:
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


def span_row_list_by_id(*, ids: list[int]) -> list[dict]:
    """These spans, whatever their status, as span_row_list gives them, in the order of `ids`."""
    if not ids:  # no query (and none to write: an empty IN is no SQL)
        return []
    rows = {row["id"]: row for row in span_row_list(queryset=Span.objects.filter(pk__in=ids))}
    return [rows[i] for i in ids if i in rows]


def attribution_row_list_by_id(*, ids: list[int]) -> list[dict]:
    """These attributions, whatever their status, as attribution_row_list gives them, in the
    order of `ids`."""
    if not ids:
        return []
    rows = {row["id"]: row for row in attribution_row_list(
        queryset=Attribution.objects.filter(pk__in=ids))}
    return [rows[i] for i in ids if i in rows]


def history_list_for_label(*, target_type: str, target_id: int):
    """Every event and review decision about one span or attribution, oldest first."""
    events = Event.objects.filter(target_type=target_type, target_id=target_id).select_related(
        "actor").order_by("created_at", "id")
    reviews = ReviewDecision.objects.filter(**{target_type: target_id}).select_related(
        "reviewer").order_by("created_at", "id")
    return list(events), list(reviews)
