"""The approved layer: the one approved version of a document, decided here only.

What reviewers approved, across the annotators' layers: identical spans (label,
start, end) of several annotators are one span, and identical attributions (the
same claim fragments, source, cue and attributes) one attribution, each keeping
the rows it stands for (`copies`, first made first) for its provenance. An
approved attribution brings the spans it links, even one not approved itself.

The review pages and tests read one document (approved_layer_for_document); the export reads
its documents a batch at a time (approved_layer_list_for_documents), in three
queries whatever the number of documents and labels.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.db.models import Q

from annotator.models import Attribution, ClaimFragment, LabelStatus, Origin, ReviewState, Span

# The columns each copy keeps: what a label and its provenance say (services/exports).
# A SOURCE span's source entity, as exports write it (issue #16).
ENTITY_FIELDS = ("entity_id", "entity__name", "entity__type", "entity__aliases")
SPAN_COPY_FIELDS = ("pk", "document_id", "label__name", "start", "end", "quote",
                    "annotator_id", "annotator__username", "origin", "tagger_name",
                    "tagger_version", "confidence", "review_state", "created_at", "updated_at",
                    *ENTITY_FIELDS)
ATTRIBUTION_COPY_FIELDS = ("pk", "document_id", "claim_id", "source_id", "cue_id",
                           "attributes", "annotator_id", "annotator__username", "origin",
                           "tagger_name", "tagger_version", "confidence", "review_state",
                           "created_at", "updated_at", "parent_id")


@dataclass(frozen=True)
class ApprovedSpan:
    id: int                  # one of the identical approved rows: the first made
    label: str
    start: int
    end: int
    quote: str
    annotators: tuple        # whose rows these are (the reviewer's, for a correction)
    corrected: bool          # a reviewer's correction is among them
    copies: tuple = field(default=(), compare=False, repr=False)  # rows (SPAN_COPY_FIELDS)
    # The source entity (id) the span stands for: entity_copy's.
    entity: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ApprovedAttribution:
    id: int
    claims: tuple            # ApprovedSpan, in fragment order
    source: ApprovedSpan | None
    cue: ApprovedSpan | None
    attributes: dict
    annotators: tuple
    corrected: bool
    copies: tuple = field(default=(), compare=False, repr=False)  # ATTRIBUTION_COPY_FIELDS


@dataclass
class ApprovedLayer:
    document: object
    spans: list              # ApprovedSpan, in text order
    attributions: list       # ApprovedAttribution, by their claims' place in the text


def approved_layer_for_document(*, document) -> ApprovedLayer:
    """The approved layer of one document, in three queries."""
    [layer] = approved_layer_list_for_documents(document_ids=[document.pk])
    layer.document = document
    return layer


def approved_layer_list_for_documents(*, document_ids: list[int]) -> list[ApprovedLayer]:
    """The approved layer of each document (its `document` is the id), in the order given.

    Three queries whatever the number of documents and labels: the approved
    attributions, their fragments, and the spans approved or linked by them.
    """
    attributions = Attribution.objects.filter(
        document_id__in=document_ids, annotator__isnull=False, status=LabelStatus.ACCEPTED,
        review_state=ReviewState.APPROVED)
    attribution_rows = list(attributions.order_by("pk").values(*ATTRIBUTION_COPY_FIELDS))
    fragments: dict[int, list[int]] = {}
    fragment_rows = ClaimFragment.objects.filter(attribution__in=attributions)
    if attribution_rows:
        for attribution_id, span_id in fragment_rows.order_by(
                "attribution_id", "position").values_list("attribution_id", "span_id"):
            fragments.setdefault(attribution_id, []).append(span_id)
    # The spans an attribution links belong with it, whatever their own review state
    # (services/reviews.py approves them together; should one not be, no role is lost).
    linked = (Q(pk__in=attributions.values("claim_id"))
              | Q(pk__in=attributions.filter(source__isnull=False).values("source_id"))
              | Q(pk__in=attributions.filter(cue__isnull=False).values("cue_id"))
              | Q(pk__in=fragment_rows.values("span_id")))
    approved = Q(status=LabelStatus.ACCEPTED, review_state=ReviewState.APPROVED)
    span_rows = list(Span.objects.filter(approved | linked if attribution_rows else approved,
                                         document_id__in=document_ids,
                                         annotator__isnull=False)
                     .order_by("pk").values(*SPAN_COPY_FIELDS))
    by_document: dict[int, tuple[list, list]] = {i: ([], []) for i in document_ids}
    for row in span_rows:
        by_document[row["document_id"]][0].append(row)
    for row in attribution_rows:
        by_document[row["document_id"]][1].append(row)
    return [_merged(document_id, *by_document[document_id], fragments)
            for document_id in document_ids]


def entity_copy(copies) -> dict | None:
    """The copy whose source entity a label stands for: the first that names one (approved
    copies come first here, so a reviewer's choice wins). Exports read it too."""
    return next((copy for copy in copies if copy.get("entity_id")), None)


def _annotators(copies) -> tuple:
    return tuple(sorted({c["annotator_id"] for c in copies}))


def _corrected(copies) -> bool:
    return any(c["origin"] == Origin.REVIEW for c in copies)


def _merged(document, span_rows: list[dict], attribution_rows: list[dict],
            fragments: dict[int, list[int]]) -> ApprovedLayer:
    # Approved rows first, then the ones only linked, each first made first: the first
    # copy of a span is an approved one whenever there is one.
    span_rows = sorted(span_rows, key=lambda r: (r["review_state"] != ReviewState.APPROVED,
                                                 r["pk"]))
    groups: dict[tuple, list[dict]] = {}
    for row in span_rows:
        groups.setdefault((row["label__name"], row["start"], row["end"]), []).append(row)
    spans: dict[tuple, ApprovedSpan] = {}
    for (label, start, end), copies in groups.items():
        first = copies[0]
        spans[(label, start, end)] = ApprovedSpan(
            id=first["pk"], label=label, start=start, end=end, quote=first["quote"],
            annotators=_annotators(copies), corrected=_corrected(copies), copies=tuple(copies),
            entity=(entity_copy(copies) or {}).get("entity_id"))
    by_pk = {row["pk"]: spans[(row["label__name"], row["start"], row["end"])]
             for row in span_rows}
    attribution_groups: dict[tuple, list[dict]] = {}
    for row in attribution_rows:
        claims = tuple(by_pk.get(i) for i in (row["claim_id"], *fragments.get(row["pk"], [])))
        if None in claims:  # a claim span outside the document's spans: cannot happen
            continue
        key = (claims, by_pk.get(row["source_id"]), by_pk.get(row["cue_id"]),
               json.dumps(row["attributes"], sort_keys=True))
        attribution_groups.setdefault(key, []).append(row)
    ordered = sorted(spans.values(), key=lambda s: (s.start, -s.end, s.label))
    position = {span: n for n, span in enumerate(ordered)}
    attributions = [ApprovedAttribution(
        id=copies[0]["pk"], claims=claims, source=source, cue=cue,
        attributes=dict(copies[0]["attributes"]), annotators=_annotators(copies),
        corrected=_corrected(copies), copies=tuple(copies))
        for (claims, source, cue, _), copies in attribution_groups.items()]
    attributions.sort(key=lambda a: ([position[c] for c in a.claims], position.get(a.source, -1),
                                     position.get(a.cue, -1), a.id))
    return ApprovedLayer(document=document, spans=ordered, attributions=attributions)
