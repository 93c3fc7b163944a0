"""Fast paths for the largest responses."""
from __future__ import annotations

from annotator import selectors


# --- Fast paths for the largest responses ---------------------------------------------------
# A document with thousands of labels spends most of its time in DRF's per-field
# machinery. These build SpanOut's and AttributionOut's shapes directly, leaving
# timestamps as datetime objects for the JSON renderer to write (api/renderers.py);
# tests/api/test_fast_serializers.py keeps the JSON equal to the serializers'. The
# schema still documents the shapes through those serializers.

def _confidence(value) -> float | None:
    return None if value is None else float(value)


def span_row_dict(row: dict) -> dict:
    """SpanOut's shape from a row of selectors.span_rows."""
    return {"id": row["id"], "document": row["document_id"], "annotator": row["annotator_id"],
            "label": row["label_name"], "start": row["start"], "end": row["end"],
            "quote": row["quote"], "origin": row["origin"], "tagger_name": row["tagger_name"],
            "tagger_version": row["tagger_version"],
            "confidence": _confidence(row["confidence"]), "status": row["status"],
            "suggestion": row["suggestion_id"], "review_state": row["review_state"],
            "version": row["version"], "created_at": row["created_at"],
            "updated_at": row["updated_at"]}


def span_dict(span) -> dict:
    """SpanOut's shape from a Span (its label loaded)."""
    row = {column: getattr(span, column) for column in selectors.SPAN_COLUMNS}
    return span_row_dict({**row, "label_name": span.label.name})


def attribution_row_dict(row: dict) -> dict:
    """AttributionOut's shape from a row of selectors.attribution_rows."""
    return {"id": row["id"], "document": row["document_id"], "annotator": row["annotator_id"],
            "claims": [row["claim_id"], *row["fragment_ids"]], "source": row["source_id"],
            "cue": row["cue_id"], "attributes": row["attributes"], "origin": row["origin"],
            "tagger_name": row["tagger_name"], "tagger_version": row["tagger_version"],
            "confidence": _confidence(row["confidence"]), "status": row["status"],
            "suggestion": row["suggestion_id"], "review_state": row["review_state"],
            "version": row["version"], "created_at": row["created_at"],
            "updated_at": row["updated_at"]}


def document_detail_dict(detail) -> dict:
    """DocumentDetailOut's shape from selectors.document_detail (as rows)."""
    document = detail.document
    return {"id": document.pk, "project": document.project_id, "title": document.title,
            "text": document.text, "length": document.length,
            "text_sha256": document.text_sha256, "source_url": document.source_url,
            "metadata": document.metadata, "layer": detail.layer, "my_status": detail.my_status,
            "spans": [span_row_dict(row) for row in detail.spans],
            "attributions": [attribution_row_dict(row) for row in detail.attributions],
            "suggestions": {"spans": [span_row_dict(row) for row in detail.suggested_spans],
                            "attributions": [attribution_row_dict(row)
                                             for row in detail.suggested_attributions]}}
