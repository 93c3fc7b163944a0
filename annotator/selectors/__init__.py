"""Reads, with their prefetching (STYLE.md), one module per part of the product.

The public names are re-exported here so that `from annotator import selectors` and
`from annotator.selectors import ...` keep working.
"""
from annotator.selectors.accounts import api_token_list_for_user
from annotator.selectors.approved import (ApprovedAttribution, ApprovedLayer, ApprovedSpan,
                                          approved_layer, approved_layer_list_for_documents)
from annotator.selectors.documents import (DocumentLayers, document_detail, document_list,
                                           document_queryset_with_status, project_list_for_home)
from annotator.selectors.labels import (ATTRIBUTION_COLUMNS, SPAN_COLUMNS, SPAN_ORDER,
                                        attribution_rows, attributions_by_id, attributions_for,
                                        history_for, span_rows, spans_for)
from annotator.selectors.reviews import (FINISHED, agreement_for_project, document_statuses,
                                         review_queue, reviews_for_document, submitted_count)

__all__ = [
    "ATTRIBUTION_COLUMNS", "FINISHED", "SPAN_COLUMNS", "SPAN_ORDER", "ApprovedAttribution",
    "ApprovedLayer", "ApprovedSpan", "DocumentLayers", "agreement_for_project",
    "api_token_list_for_user", "approved_layer", "approved_layer_list_for_documents",
    "attribution_rows", "attributions_by_id", "attributions_for", "document_detail", "document_list", "document_queryset_with_status",
    "document_statuses", "history_for", "project_list_for_home", "review_queue",
    "reviews_for_document", "span_rows", "spans_for", "submitted_count",
]
