"""The one output path of spans and attributions: every endpoint writes them here.

span_row_dict and attribution_row_dict write SpanOut's and AttributionOut's shapes
from the selectors' plain rows (selectors.span_row_list, attribution_row_list, and their
*_by_id forms); span_dict and attribution_dict make such a row of a model object
first. The DRF serializers SpanOut and AttributionOut only document the shapes (the
OpenAPI schema, and test_fast_serializers.py, which keeps the JSON equal to theirs).

Why not the serializers themselves: a document with thousands of labels spends most
of its time in DRF's per-field machinery. These leave timestamps as datetime objects
for the JSON renderer to write (api/renderers.py).
"""
from __future__ import annotations

from django.utils import timezone

from annotator.selectors import ATTRIBUTION_COLUMNS, SPAN_COLUMNS
from annotator.selectors.label_json import JsonText


def _confidence(value) -> float | None:
    return None if value is None else float(value)


def _provenance(row: dict) -> dict:
    """What spans and attributions both say of where they come from and where they stand."""
    return {"origin": row["origin"], "tagger_name": row["tagger_name"],
            "tagger_version": row["tagger_version"], "confidence": _confidence(row["confidence"]),
            "status": row["status"], "suggestion": row["suggestion_id"],
            "review_state": row["review_state"], "version": row["version"],
            "created_at": row["created_at"], "updated_at": row["updated_at"]}


def span_row_dict(row: dict) -> dict:
    """SpanOut's shape from a row of selectors.span_row_list."""
    return {"id": row["id"], "document": row["document_id"], "annotator": row["annotator_id"],
            "label": row["label_name"], "start": row["start"], "end": row["end"],
            "quote": row["quote"], "entity": row["entity_id"],
            "suggested_entity": suggested_entity_dict(row), **_provenance(row)}


def suggested_entity_dict(row: dict) -> dict | None:
    """A suggestion's proposed source entity (issue #16): an entity of the project (`id`)
    or a new one (`id` null) made when it is accepted; None when it proposes none."""
    if row["suggested_entity_id"] is None and not row["suggested_entity_name"]:
        return None
    return {"id": row["suggested_entity_id"], "name": row["suggested_entity_name"] or "",
            "type": row["suggested_entity_type"] or "other",
            "by": row["suggested_entity_by"] or ""}


def span_dict(span) -> dict:
    """SpanOut's shape from a Span (its label loaded)."""
    row = {column: getattr(span, column) for column in SPAN_COLUMNS}
    return span_row_dict({**row, "label_name": span.label.name})


def attribution_row_dict(row: dict) -> dict:
    """AttributionOut's shape from a row of selectors.attribution_row_list."""
    return {"id": row["id"], "document": row["document_id"], "annotator": row["annotator_id"],
            "claims": [row["claim_id"], *row["fragment_ids"]], "source": row["source_id"],
            "cue": row["cue_id"], "attributes": row["attributes"], "parent": row["parent_id"],
            **_provenance(row)}


def attribution_dict(attribution) -> dict:
    """AttributionOut's shape from an Attribution: its `fragment_ids` when a service set them
    (it knows what it wrote), else its fragments (prefetched in order, or read)."""
    row = {column: getattr(attribution, column) for column in ATTRIBUTION_COLUMNS}
    fragment_ids = getattr(attribution, "fragment_ids", None)
    if fragment_ids is None:
        fragment_ids = [f.span_id for f in attribution.fragments.all()]
    return attribution_row_dict({**row, "fragment_ids": fragment_ids})


def suggestion_decided_dict(*, spans: list[dict], attributions: list[dict]) -> dict:
    """SuggestionDecidedOut's shape from rows of spans and attributions."""
    return {"spans": [span_row_dict(row) for row in spans],
            "attributions": [attribution_row_dict(row) for row in attributions]}


def span_restored_dict(*, span: dict, attributions: list[dict], skipped: list[dict]) -> dict:
    """SpanRestoredOut's shape from the span's row, its attributions' rows and what was
    skipped ({"attribution": id, "reason": ...})."""
    return {"span": span_row_dict(span),
            "attributions": [attribution_row_dict(row) for row in attributions],
            "skipped": [{"attribution": item["attribution"], "reason": item["reason"]}
                        for item in skipped]}


def document_list_row_dict(row: dict, *, sees_assignees: bool, zone=None) -> dict:
    """DocumentListOut's shape from a row of selectors.DocumentPage (timestamps in the
    current time zone, as DRF writes them; `zone`: that zone, when the caller asked it
    once for a whole page)."""
    return {"id": row["id"], "project": row["project_id"], "title": row["title"],
            "length": row["length"], "text_sha256": row["text_sha256"],
            "source_url": row["source_url"], "metadata": row["metadata"],
            "created_at": timezone.localtime(row["created_at"], zone),
            "my_status": row["my_status"],
            "my_span_count": row["my_span_count"], "has_suggestions": row["has_suggestions"],
            "assigned_to_me": row["assigned_to_me"],
            "assignees": row.get("assignees", []) if sees_assignees else None}


def _spans(spans):
    """Rows of spans as SpanOut's shapes, or the JSON array the database wrote of them
    (selectors/label_json.py), as it is."""
    return spans if isinstance(spans, JsonText) else [span_row_dict(row) for row in spans]


def _attributions(attributions):
    """As _spans, of attributions."""
    return attributions if isinstance(attributions, JsonText) else [
        attribution_row_dict(row) for row in attributions]


def document_detail_dict(detail) -> dict:
    """DocumentDetailOut's shape from selectors.document_detail_for_user (as rows)."""
    document = detail.document
    return {"id": document.pk, "project": document.project_id, "title": document.title,
            "text": document.text, "length": document.length,
            "text_sha256": document.text_sha256, "source_url": document.source_url,
            "metadata": document.metadata, "layer": detail.layer, "my_status": detail.my_status,
            "spans": _spans(detail.spans),
            "attributions": _attributions(detail.attributions),
            "suggestions": {"spans": _spans(detail.suggested_spans),
                            "attributions": _attributions(detail.suggested_attributions)}}
