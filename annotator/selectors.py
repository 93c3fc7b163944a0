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
        my_span_count=Count("spans", filter=Q(spans__annotator=user), distinct=True),
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
