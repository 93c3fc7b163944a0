"""Who a user is in a project: the needs, the roles that meet them, and the membership.

The other modules of annotator.access build on these (and this one on none of them).
"""
from __future__ import annotations

from enum import Enum

from django.db.models import F
from django.http import Http404

from annotator.models import Membership, Project, Role


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


def _with_role(queryset, user, project_path: str):
    """Rows of the user's projects, each annotated with the user's membership id and role.

    One query: the membership is joined in (one row per project and user, by constraint).
    """
    prefix = f"{project_path}__memberships" if project_path else "memberships"
    return queryset.filter(**{f"{prefix}__user": user}).annotate(
        _membership_id=F(f"{prefix}__id"), _membership_role=F(f"{prefix}__role"))


def _remember_membership(user, project: Project, row) -> Membership:
    """The membership the access query saw, kept on the project for membership_for()."""
    return remember_membership(user, project, row._membership_id, row._membership_role)


def remember_membership(user, project: Project, membership_id: int, role: str) -> Membership:
    """The membership a written-out access query read (access/rows.py), kept on the
    project for membership_for()."""
    membership = Membership(id=membership_id, user_id=user.pk, project=project, role=role)
    project._access_membership = membership
    return membership


class Forbidden(Exception):
    """Visible to the user, but this action is not theirs to take (HTTP 403)."""


def membership_for(user, project: Project) -> Membership:
    """The user's membership in a project (404 if none); free after an access_* lookup."""
    seen = getattr(project, "_access_membership", None)
    if seen is not None and seen.user_id == user.pk:
        return seen
    membership = Membership.objects.filter(user=user, project=project).first()
    if membership is None:
        raise Http404("No such project.")
    return membership


def allows(membership: Membership, need: Need) -> bool:
    """Does this member's role allow `need`? (Pages ask it to show or hide actions.)"""
    return membership.role in _roles(need)


def require(membership: Membership, need: Need) -> None:
    if not allows(membership, need):
        raise Forbidden(f"Your role in this project ({membership.role}) cannot {need.value}.")


def require_staff(user, message: str) -> None:
    """Site staff only (creating a project is not any project's role to give)."""
    if not user.is_staff:
        raise Forbidden(message)


def sees_all_layers(membership: Membership) -> bool:
    return (allows(membership, Need.REVIEW)
            or bool(membership.project.settings.get("annotators_see_each_other")))


def object_id(value) -> int:
    """An id from a URL or a body, or 404: never a database error for 10**30 or 'abc'."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404("No such object.") from None
    if isinstance(value, bool) or not 0 < number < 2**63:
        raise Http404("No such object.")
    return number
