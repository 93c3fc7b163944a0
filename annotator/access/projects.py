"""Projects, members and API tokens by id for a user, and who creates projects."""
from __future__ import annotations

from django.conf import settings as django_settings  # `settings` names projects' settings here
from django.http import Http404

from annotator.access.roles import Forbidden, Need, object_id, remember_membership, require
from annotator.access.rows import project_row
from annotator.models import ApiToken, Membership, Project


def access_project(user, project_id, need: Need = Need.READ) -> Project:
    """The project if the user is a member (any role); 403 if the role lacks `need`."""
    number = object_id(project_id)  # one query, written out (access/rows.py)
    found = project_row(user.pk, number) if user.is_authenticated else None
    if found is None:
        raise Http404("No such project.")
    project, membership_id, role = found
    require(remember_membership(user, project, membership_id, role), need)
    return project


def access_api_token(user, token_id):
    """One of the user's own API tokens; anybody else's does not exist for them."""
    token = (ApiToken.objects.filter(user=user, pk=object_id(token_id)).first()
             if user.is_authenticated else None)
    if token is None:
        raise Http404("No such token.")
    return token


# --- Objects of a project, by id from the URL ----------------------------------

def _of_project(queryset, user, project_id, row_id, need: Need, missing: str):
    """A row of `queryset` in a project the user may `need`, by id from the URL, or 404."""
    project = access_project(user, project_id, need)
    found = queryset.filter(project=project, pk=object_id(row_id)).first()
    if found is None:
        raise Http404(missing)
    return found


def access_membership(user, project_id, membership_id, need: Need = Need.MANAGE) -> Membership:
    """A membership of a project the user may `need` (members are managed by admins)."""
    return _of_project(Membership.objects.select_related("user"), user, project_id,
                       membership_id, need, "No such member.")


# --- Creating projects (settings.PROJECT_CREATORS) -----------------------------------------

def may_create_projects(user) -> bool:
    """Who creates projects: site staff ("staff", the default) or anyone signed in ("anyone").
    The API, the New project page and the home page's link all ask this."""
    if not user.is_authenticated:
        return False
    return user.is_staff or getattr(django_settings, "PROJECT_CREATORS", "staff") == "anyone"


def require_project_creator(user) -> None:
    if not may_create_projects(user):
        raise Forbidden("Only site staff create projects here (the PROJECT_CREATORS setting).")
