"""Reading labels as plain records: documents read in batches, values only."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

from django.db.models import Q

from annotator.formats.records import AttributionRecord, DocumentRecord, EntityRecord, SpanRecord
from annotator.models import (Attribution, ClaimFragment, ClaimGroupMember, Document,
                              ExportLayer, LabelStatus, Project, ReviewDecision, Span)
from annotator.selectors.approved import (ENTITY_FIELDS, approved_layer_list_for_documents,
                                         entity_copy)
from annotator.services.exports.layers import Layer

BATCH = 100


SPAN_FIELDS = ("pk", "document_id", "label__name", "start", "end", "annotator__username",
               "origin", "tagger_name", "tagger_version", "confidence", "review_state",
               "created_at", "updated_at", *ENTITY_FIELDS)
ATTRIBUTION_FIELDS = ("pk", "document_id", "claim_id", "source_id", "cue_id", "attributes",
                      "annotator__username", "origin", "tagger_name", "tagger_version",
                      "confidence", "review_state", "created_at", "updated_at", "parent_id")


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


@dataclass(frozen=True, eq=False)
class _Label:
    """One label of a layer that is not merged: a span or an attribution with its one row,
    shaped as the approved layer's (selectors/approved.py) for the records below."""
    copies: tuple
    label: str = ""
    start: int = 0
    end: int = 0
    claims: tuple = ()
    source: object = None
    cue: object = None
    attributes: dict | None = None


def _unmerged(span_rows: list[dict], attribution_rows: list[dict],
              fragments: dict[int, list[int]]) -> tuple[list, list]:
    spans = {row["pk"]: _Label(copies=(row,), label=row["label__name"], start=row["start"],
                               end=row["end"]) for row in span_rows}
    attributions = []
    for row in attribution_rows:
        claims = tuple(spans.get(i) for i in (row["claim_id"], *fragments.get(row["pk"], [])))
        if None in claims:  # a claim span outside this layer's spans: cannot happen, see below
            continue
        attributions.append(_Label(copies=(row,), claims=claims, source=spans.get(
            row["source_id"]), cue=spans.get(row["cue_id"]), attributes=row["attributes"]))
    return list(spans.values()), attributions


def documents_read(*, project: Project, layer: Layer, batch: int = BATCH,
                   on_document: Callable[[], None] | None = None) -> Iterator[DocumentRecord]:
    """Every document of the project with the layer's labels, in id order, batch by batch.

    The approved layer is the selector's (selectors/approved.py); the other layers are
    the annotators' rows as they are."""
    last = 0
    numbering: dict[int, str] = {}   # claim group key -> "G1", "G2", ... in export order
    while True:
        rows = list(Document.objects.filter(project=project, pk__gt=last).order_by("pk").values(
            "pk", "title", "text", "source_url", "metadata")[:batch])
        if not rows:
            return
        last = rows[-1]["pk"]
        ids = [row["pk"] for row in rows]
        groups: dict[tuple, int] = {}
        if layer.kind == ExportLayer.APPROVED:
            labels = [(approved.spans, approved.attributions)
                      for approved in approved_layer_list_for_documents(document_ids=ids)]
            groups = _claim_groups(ids)
        else:
            labels = _layer_labels(ids, layer)
        span_reviewers, attribution_reviewers = _reviewers(ids)
        for row, (spans, attributions) in zip(rows, labels):
            record = _document_record(row, spans, attributions, span_reviewers,
                                      attribution_reviewers)
            spans_of = record.span_map() if groups else {}
            for attribution in record.attributions if groups else ():
                claim = spans_of[attribution.claims[0]]
                key = groups.get((row["pk"], claim.start, claim.end))
                if key is not None:
                    attribution.claim_group = numbering.setdefault(key, f"G{len(numbering) + 1}")
            yield record
            if on_document:
                on_document()


def _claim_groups(ids: list[int]) -> dict[tuple, int]:
    """(document, claim start, end) -> group key, of the claims said in several places
    (models/claim_groups.py, kept by a worker). One query a batch."""
    return {(d, start, end): key for d, start, end, key in ClaimGroupMember.objects.filter(
        document_id__in=ids, group_size__gt=1).values_list(
        "document_id", "claim_start", "claim_end", "group_key")}


def _layer_labels(ids: list[int], layer: Layer) -> list[tuple[list, list]]:
    """(spans, attributions) of each document, one per row of the layer, unmerged."""
    attributions = _labelled(Attribution.objects.filter(document_id__in=ids), layer)
    attribution_rows = list(attributions.order_by("pk").values(*ATTRIBUTION_FIELDS))
    fragments: dict[int, list[int]] = {}
    if attribution_rows:
        for attribution_id, span_id in ClaimFragment.objects.filter(
                attribution__in=attributions).order_by(
                "attribution_id", "position").values_list("attribution_id", "span_id"):
            fragments.setdefault(attribution_id, []).append(span_id)
    span_rows = list(_labelled(Span.objects.filter(document_id__in=ids), layer)
                     .order_by("pk").values(*SPAN_FIELDS))
    # The spans an attribution links belong with it, whatever their own state.
    linked = {i for a in attribution_rows for i in (a["claim_id"], a["source_id"],
                                                    a["cue_id"], *fragments.get(a["pk"], []))
              if i}
    missing = sorted(linked - {row["pk"] for row in span_rows})
    for start in range(0, len(missing), 500):
        span_rows += Span.objects.filter(pk__in=missing[start:start + 500]).values(*SPAN_FIELDS)
    by_document: dict[int, tuple[list, list]] = {i: ([], []) for i in ids}
    for row in span_rows:
        by_document[row["document_id"]][0].append(row)
    for row in attribution_rows:
        by_document[row["document_id"]][1].append(row)
    return [_unmerged(*by_document[i], fragments) for i in ids]


def _parents(attributions, record_of_row: dict[int, AttributionRecord]) -> None:
    """Second-hand claims: a record's parent is the record of its copies' parent, the
    first copy's that is in this layer (an approved child of an unapproved parent has
    none here, as the parent is not exported)."""
    for attribution in attributions:
        record = record_of_row[attribution.copies[0]["pk"]]
        for copy in attribution.copies:
            parent = record_of_row.get(copy.get("parent_id"))
            if parent is not None and parent is not record:
                record.parent = parent.id
                break


def _names(copies) -> list[str]:
    """The annotators' usernames of a label's copies, first made first, each once."""
    names: list[str] = []
    for copy in copies:
        if copy["annotator__username"] not in names:
            names.append(copy["annotator__username"])
    return names


def _document_record(row, spans, attributions, span_reviewers,
                     attribution_reviewers) -> DocumentRecord:
    """The record of one document: its labels numbered T1.., A1.. in text order, each with
    the provenance of its first copy and the names of every copy's annotator."""
    records, mentioned = {}, {}
    for span in spans:
        first = span.copies[0]
        provenance = _provenance(first, span_reviewers.get(first["pk"]))
        provenance["annotators"] = _names(span.copies)
        records[span] = SpanRecord(id="", label=span.label, start=span.start, end=span.end,
                                   provenance=provenance)
        mentioned[span] = entity_copy(span.copies)
    ordered = sorted(records.items(), key=lambda kv: (kv[1].start, -kv[1].end, kv[1].label,
                                                      kv[1].provenance["annotators"]))
    entities: dict[int, EntityRecord] = {}
    for number, (span, record) in enumerate(ordered, start=1):
        record.id = f"T{number}"
        copy = mentioned[span]
        if copy is not None:  # entities numbered E1.. in the order the text mentions them
            entity = entities.setdefault(copy["entity_id"], EntityRecord(
                id=f"E{len(entities) + 1}", name=copy["entity__name"],
                type=copy["entity__type"], aliases=list(copy["entity__aliases"] or [])))
            record.entity = entity.id
    position = {record.id: n for n, (_, record) in enumerate(ordered)}

    def span_id(span) -> str | None:
        return records[span].id if span is not None else None

    attribution_records = []
    record_of_row: dict[int, AttributionRecord] = {}   # each copy's id → its label's record
    for attribution in attributions:
        first = attribution.copies[0]
        provenance = _provenance(first, attribution_reviewers.get(first["pk"]))
        provenance["annotators"] = _names(attribution.copies)
        record = AttributionRecord(
            id="", claims=[span_id(c) for c in attribution.claims],
            source=span_id(attribution.source), cue=span_id(attribution.cue),
            attributes=first["attributes"], provenance=provenance)
        attribution_records.append(record)
        record_of_row.update({copy["pk"]: record for copy in attribution.copies})
    attribution_records.sort(key=lambda a: (
        [position[c] for c in a.claims], position.get(a.source, -1), position.get(a.cue, -1),
        a.provenance["annotators"]))
    for number, record in enumerate(attribution_records, start=1):
        record.id = f"A{number}"
    _parents(attributions, record_of_row)
    return DocumentRecord(text=row["text"], title=row["title"], id=row["pk"],
                          source_url=row["source_url"], metadata=row["metadata"],
                          spans=[record for _, record in ordered],
                          attributions=attribution_records, entities=list(entities.values()))
