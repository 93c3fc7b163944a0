"""Reading labels as plain records: documents read in batches, values only."""
from __future__ import annotations

import json
from typing import Callable, Iterator

from django.db.models import Q

from annotator.formats.records import AttributionRecord, DocumentRecord, SpanRecord
from annotator.models import (Attribution, ClaimFragment, Document, ExportLayer, LabelStatus,
                              Project, ReviewDecision, ReviewState, Span)
from annotator.services.exports.layers import Layer

BATCH = 100


SPAN_FIELDS = ("pk", "document_id", "label__name", "start", "end", "annotator__username",
               "origin", "tagger_name", "tagger_version", "confidence", "review_state",
               "created_at", "updated_at")
ATTRIBUTION_FIELDS = ("pk", "document_id", "claim_id", "source_id", "cue_id", "attributes",
                      "annotator__username", "origin", "tagger_name", "tagger_version",
                      "confidence", "review_state", "created_at", "updated_at")


def _iso(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _provenance(row: dict, reviewer: str | None) -> dict:
    return {"annotators": [row["annotator__username"]], "reviewer": reviewer,
            "origin": row["origin"], "tagger": row["tagger_name"] or None,
            "tagger_version": row["tagger_version"] or None, "confidence": row["confidence"],
            "review_state": row["review_state"], "created_at": _iso(row["created_at"]),
            "updated_at": _iso(row["updated_at"])}


def _labelled(queryset, layer: Layer):
    queryset = queryset.filter(annotator__isnull=False, status=LabelStatus.ACCEPTED)
    if layer.kind == ExportLayer.ANNOTATOR:
        queryset = queryset.filter(annotator_id=layer.annotator_id)
    return queryset


def _reviewers(document_ids: list[int]) -> tuple[dict, dict]:
    """The reviewer of the latest decision on each span and attribution."""
    spans, attributions = {}, {}
    for span_id, attribution_id, reviewer in ReviewDecision.objects.filter(
            document_id__in=document_ids).filter(
            Q(span__isnull=False) | Q(attribution__isnull=False)).order_by(
            "created_at", "id").values_list("span_id", "attribution_id", "reviewer__username"):
        if span_id:
            spans[span_id] = reviewer
        else:
            attributions[attribution_id] = reviewer
    return spans, attributions


def documents_read(*, project: Project, layer: Layer, batch: int = BATCH,
                   on_document: Callable[[], None] | None = None) -> Iterator[DocumentRecord]:
    """Every document of the project with the layer's labels, in id order, batch by batch."""
    last = 0
    merge = layer.kind == ExportLayer.APPROVED
    while True:
        rows = list(Document.objects.filter(project=project, pk__gt=last).order_by("pk").values(
            "pk", "title", "text", "source_url", "metadata")[:batch])
        if not rows:
            return
        last = rows[-1]["pk"]
        ids = [row["pk"] for row in rows]
        attributions = _labelled(Attribution.objects.filter(document_id__in=ids), layer)
        if merge:
            attributions = attributions.filter(review_state=ReviewState.APPROVED)
        attribution_rows = list(attributions.order_by("pk").values(*ATTRIBUTION_FIELDS))
        fragments: dict[int, list[int]] = {}
        if attribution_rows:
            for attribution_id, span_id in ClaimFragment.objects.filter(
                    attribution__in=attributions).order_by(
                    "attribution_id", "position").values_list("attribution_id", "span_id"):
                fragments.setdefault(attribution_id, []).append(span_id)
        spans = _labelled(Span.objects.filter(document_id__in=ids), layer)
        if merge:
            spans = spans.filter(review_state=ReviewState.APPROVED)
        span_rows = list(spans.order_by("pk").values(*SPAN_FIELDS))
        # The spans an attribution links belong with it, whatever their own review state.
        linked = {i for a in attribution_rows for i in (a["claim_id"], a["source_id"],
                                                        a["cue_id"], *fragments.get(a["pk"], []))
                  if i}
        missing = sorted(linked - {row["pk"] for row in span_rows})
        for start in range(0, len(missing), 500):
            span_rows += Span.objects.filter(pk__in=missing[start:start + 500]).values(
                *SPAN_FIELDS)
        span_reviewers, attribution_reviewers = _reviewers(ids)
        by_document: dict[int, tuple[list, list]] = {i: ([], []) for i in ids}
        for row in span_rows:
            by_document[row["document_id"]][0].append(row)
        for row in attribution_rows:
            by_document[row["document_id"]][1].append(row)
        for row in rows:
            span_list, attribution_list = by_document[row["pk"]]
            yield _document_record(row, span_list, attribution_list, fragments, merge,
                                   span_reviewers, attribution_reviewers)
            if on_document:
                on_document()


def _document_record(row, span_rows, attribution_rows, fragments, merge, span_reviewers,
                     attribution_reviewers) -> DocumentRecord:
    text = row["text"]
    # Spans: merged by (label, start, end) in the approved layer.
    merged: dict = {}
    alias: dict[int, object] = {}
    for span in span_rows:
        key = (span["label__name"], span["start"], span["end"]) if merge else span["pk"]
        alias[span["pk"]] = key
        if key in merged:
            names = merged[key].provenance["annotators"]
            if span["annotator__username"] not in names:
                names.append(span["annotator__username"])
            continue
        merged[key] = SpanRecord(id="", label=span["label__name"], start=span["start"],
                                 end=span["end"],
                                 provenance=_provenance(span, span_reviewers.get(span["pk"])))
    ordered = sorted(merged.items(), key=lambda kv: (kv[1].start, -kv[1].end, kv[1].label,
                                                     kv[1].provenance["annotators"]))
    for number, (_, record) in enumerate(ordered, start=1):
        record.id = f"T{number}"
    span_id = {pk: merged[key].id for pk, key in alias.items()}
    position = {record.id: n for n, (_, record) in enumerate(ordered)}
    # Attributions: merged by what they link and their attributes in the approved layer.
    attributions: dict = {}
    for attribution in attribution_rows:
        claims = [span_id.get(attribution["claim_id"])] + [
            span_id.get(i) for i in fragments.get(attribution["pk"], [])]
        if None in claims:  # a claim span outside this layer's spans: cannot happen, see above
            continue
        source = span_id.get(attribution["source_id"])
        cue = span_id.get(attribution["cue_id"])
        key = ((tuple(claims), source, cue, json.dumps(attribution["attributes"], sort_keys=True))
               if merge else attribution["pk"])
        if key in attributions:
            names = attributions[key].provenance["annotators"]
            if attribution["annotator__username"] not in names:
                names.append(attribution["annotator__username"])
            continue
        attributions[key] = AttributionRecord(
            id="", claims=claims, source=source, cue=cue, attributes=attribution["attributes"],
            provenance=_provenance(attribution, attribution_reviewers.get(attribution["pk"])))
    attribution_list = sorted(attributions.values(), key=lambda a: (
        [position[c] for c in a.claims], position.get(a.source, -1), position.get(a.cue, -1),
        a.provenance["annotators"]))
    for number, record in enumerate(attribution_list, start=1):
        record.id = f"A{number}"
    return DocumentRecord(text=text, title=row["title"], id=row["pk"],
                          source_url=row["source_url"], metadata=row["metadata"],
                          spans=[record for _, record in ordered],
                          attributions=attribution_list)
