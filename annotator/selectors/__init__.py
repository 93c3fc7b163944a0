"""Reads, with their prefetching (STYLE.md), one module per part of the product.

Named `<noun>_list_for_<x>` (or `<noun>_for_<x>` for one thing), keyword-only. The
public names are re-exported here so that `from annotator import selectors` and
`from annotator.selectors import ...` keep working.
"""
from annotator.selectors.accounts import api_token_list_for_user
from annotator.selectors.entities import entity_list_for_project, entity_with_mentions
from annotator.selectors.approved import (ApprovedAttribution, ApprovedLayer, ApprovedSpan,
                                          approved_layer_for_document,
                                          approved_layer_list_for_documents)
from annotator.selectors.documents import (DocumentDetail, DocumentPage,
                                           document_detail_for_user,
                                           document_list_for_project, document_list_for_user,
                                           document_list_filtered, document_status_counts,
                                           project_list_for_home, project_list_with_roles)
from annotator.selectors.labels import (ATTRIBUTION_COLUMNS, SPAN_COLUMNS, SPAN_ORDER,
                                        attribution_list_by_id, attribution_list_for_document,
                                        attribution_row_list, attribution_row_list_by_id,
                                        history_list_for_label, span_list_for_document,
                                        span_row_list, span_row_list_by_id)
from annotator.selectors.reviews import (FINISHED, agreement_for_project,
                                         review_list_for_document, review_queue_choices_for_user,
                                         review_queue_for_user,
                                         status_list_for_document, submitted_count_for_project)
from annotator.selectors.progress import (assignment_choices_for_project,
                                          assignment_list_for_project, dashboard_for_project,
                                          next_document_for_user)

__all__ = [
    "ATTRIBUTION_COLUMNS", "FINISHED", "SPAN_COLUMNS", "SPAN_ORDER", "ApprovedAttribution",
    "ApprovedLayer", "ApprovedSpan", "DocumentDetail", "agreement_for_project",
    "assignment_choices_for_project", "assignment_list_for_project", "dashboard_for_project", "next_document_for_user",
    "api_token_list_for_user", "approved_layer_for_document",
    "approved_layer_list_for_documents", "attribution_list_by_id",
    "attribution_list_for_document", "attribution_row_list", "attribution_row_list_by_id",
    "entity_list_for_project", "entity_with_mentions",
    "DocumentPage",
    "document_detail_for_user", "document_list_for_project", "document_list_filtered", "document_list_for_user",
    "document_status_counts",
    "history_list_for_label", "project_list_for_home", "project_list_with_roles",
    "review_queue_choices_for_user", "review_list_for_document",
    "review_queue_for_user", "span_list_for_document", "span_row_list", "span_row_list_by_id",
    "status_list_for_document", "submitted_count_for_project",
]
