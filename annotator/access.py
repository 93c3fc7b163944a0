"""Turning ids into objects for a user, or 404. No other module decides permissions.

"Missing" and "forbidden" look the same (404), so ids of other projects leak nothing.
"""
from __future__ import annotations

from enum import Enum

from django.http import Http404

from annotator.models import Document, Membership, Project, Role


class Need(Enum):
    READ = "read"          # any member
    ANNOTATE = "annotate"  # annotators and admins
    REVIEW = "review"      # reviewers and admins
    MANAGE = "manage"      # admins

ROLES_FOR = {
    Need.READ: {Role.ADMIN, Role.ANNOTATOR, Role.REVIEWER},
    Need.ANNOTATE: {Role.ADMIN, Role.ANNOTATOR},
    Need.REVIEW: {Role.ADMIN, Role.REVIEWER},
    Need.MANAGE: {Role.ADMIN},
}


def _roles(need: Need) -> list[str]:
    return [role.value for role in ROLES_FOR[need]]


def projects_for(user, need: Need = Need.READ):
    if not user.is_authenticated:
        return Project.objects.none()
    return Project.objects.filter(memberships__user=user, memberships__role__in=_roles(need))


def role_in(user, project: Project) -> str | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, project=project).values_list(
        "role", flat=True).first()


def access_project(user, project_id, need: Need = Need.READ) -> Project:
    try:
        return projects_for(user, need).get(pk=int(project_id))
    except (Project.DoesNotExist, TypeError, ValueError):
        raise Http404("No such project.") from None


def access_document(user, document_id, need: Need = Need.READ) -> Document:
    try:
        return Document.objects.select_related("project").get(
            pk=int(document_id), project__in=projects_for(user, need))
    except (Document.DoesNotExist, TypeError, ValueError):
        raise Http404("No such document.") from None
