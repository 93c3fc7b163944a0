"""Turning ids into objects for a user, or 404. No other module decides permissions.

"Missing" and "forbidden" look the same (404), so ids of other projects leak nothing.

One module per kind of object; every name is re-exported here, so callers keep writing
`from annotator.access import Need` or `access.access_document(...)`:
- roles.py: needs, the roles that meet them, memberships, Forbidden, object_id
- projects.py: projects, members, API tokens, who creates projects
- documents.py: documents, layers, statuses, the assignment rule, assignments
- labels.py: spans, attributions, their traces, labels, who sees and reviews them
- entities.py: source entities
- jobs.py: pre-tagging, export and training jobs, trained models
"""
from django.http import Http404  # callers catch access.Http404 (management commands)

from annotator.access.documents import (STATUS_ACTION_NEEDS, access_assignment, access_document,
                                        access_document_and_label, access_document_status,
                                        access_layer,
                                        documents_in_project, documents_open_filter,
                                        opens_unassigned, require_document_open,
                                        unassigned_open)
from annotator.access.entities import access_entity, entity_in_project
from annotator.access.jobs import (access_export_job, access_pretag_job, access_tagger_model,
                                   access_training_job)
from annotator.access.labels import (LabelTrace, access_attribution, access_label,
                                     access_label_trace, access_project_layer, access_span,
                                     can_see, can_see_layer,
                                     label_in_project, may_review, own_spans_in_document,
                                     require_own_label,
                                     review_own_labels, row_in_document, rows_in_document,
                                     spans_in_document)
from annotator.access.projects import (access_api_token, access_membership, access_project,
                                       may_create_projects, require_project_creator)
from annotator.access.roles import (ROLES_FOR, Forbidden, Need, allows, membership_for,
                                    object_id, projects_for, require, require_staff,
                                    sees_all_layers)

__all__ = [
    "Forbidden", "Http404", "LabelTrace", "Need", "ROLES_FOR", "STATUS_ACTION_NEEDS",
    "access_api_token", "access_assignment", "access_attribution", "access_document",
    "access_document_and_label",
    "access_document_status", "access_entity", "access_export_job", "access_label",
    "access_label_trace", "access_layer", "access_membership", "access_pretag_job",
    "access_project", "access_project_layer", "access_span", "access_tagger_model",
    "access_training_job", "allows",
    "can_see", "can_see_layer", "documents_in_project", "documents_open_filter",
    "entity_in_project", "label_in_project", "may_create_projects", "may_review",
    "membership_for", "object_id", "opens_unassigned", "own_spans_in_document",
    "projects_for", "require",
    "require_document_open",
    "require_own_label", "require_project_creator", "require_staff", "review_own_labels",
    "row_in_document", "rows_in_document", "sees_all_layers", "spans_in_document",
    "unassigned_open",
]
