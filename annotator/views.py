"""Server-rendered pages: home, a project's documents, and the workspace shell.

The workspace itself is plain JavaScript (static/annotator/) over the REST API;
this module only gives it its bootstrap data, through json_script.
"""
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timesince import timesince
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from annotator import access
from annotator.access import Need
from annotator.api.errors import unavailable_response
from annotator.formats import registry
from annotator.models import DocStatus, DocumentStatus, EntityType, Role
from annotator.password_gate import SESSION_KEY, password_changed
from annotator.selectors import (assignment_choices_for_project, dashboard_for_project,
                                 document_list_filtered, document_status_counts,
                                 next_document_for_user, project_list_for_home,
                                 review_queue_choices_for_user, review_queue_for_user)
from annotator.selectors.explorer import explorer_choices
from annotator.services.accounts import account_password_change
from annotator.services.projects import DEFAULT_ATTRIBUTES, DEFAULT_LABELS

HOME_DOCUMENTS_PER_PROJECT = 20


def _status_counts(statuses) -> list[tuple[str, str, int]]:
    counts = {value: 0 for value in DocStatus.values}
    for status in statuses:
        counts[status] += 1
    return [(value, DocStatus(value).label, n) for value, n in counts.items()]


@login_required
@require_GET
def home(request):
    projects = list(project_list_for_home(user=request.user))
    for project in projects:
        for document in project.docs:
            document.my_status_label = DocumentStatus.Status(document.my_status).label
        project.status_counts = _status_counts(d.my_status for d in project.docs)
        project.my_role = project.my_memberships[0].role if project.my_memberships else ""
        project.assigned_count = sum(1 for d in project.docs if d.assigned_to_me)
        project.more_documents = max(0, len(project.docs) - HOME_DOCUMENTS_PER_PROJECT)
        project.docs = project.docs[:HOME_DOCUMENTS_PER_PROJECT]
    return render(request, "annotator/home.html", {
        "projects": projects, "can_create_projects": access.may_create_projects(request.user)})


@login_required
@require_GET
def project_page(request, project_id):
    project = access.access_project(request.user, project_id)
    membership = access.membership_for(request.user, project)
    total, counts = document_status_counts(project=project, user=request.user)
    status = request.GET.get("status", "")
    query = request.GET.get("q", "").strip()[:200]
    documents = document_list_filtered(project=project, user=request.user, status=status,
                                       query=query)
    page = Paginator(documents, 50).get_page(request.GET.get("page"))
    for document in page:
        document.my_status_label = DocStatus(document.my_status).label
    return render(request, "annotator/project.html", {
        "project": project, "role": membership.role, "page": page, "counts": counts,
        "can_review": access.allows(membership, Need.REVIEW),
        "total": total, "status": status, "q": query,
        "statuses": DocStatus.choices,
        "jobs_config": {"project_id": project.pk, "csrf_token": get_token(request),
                        "can_manage": access.allows(membership, Need.MANAGE)},
        "transfers_config": _transfers_config(request, project, membership),
        "assign_config": _assign_config(request, project, membership)})


def _transfers_config(request, project, membership) -> dict:
    """What static/annotator/transfers.js needs: who may import (admins) and export
    (reviewers and admins), the formats, and the annotators one may export alone."""
    can_export = access.allows(membership, Need.REVIEW)
    annotators = sorted(project.memberships.values_list("user__username", flat=True)) \
        if can_export else []
    return {"project_id": project.pk, "csrf_token": get_token(request),
            "can_import": access.allows(membership, Need.MANAGE), "can_export": can_export,
            "export_formats": [{"value": v, "label": label}
                               for v, label in registry.export_choices()],
            "import_formats": [{"value": v, "label": label}
                               for v, label in registry.import_choices()],
            "annotators": annotators}


@login_required
@require_GET
def workspace(request, document_id):
    try:
        document = access.access_document(request.user, document_id)
    except access.Forbidden as exc:  # not assigned to an annotator of a closed project
        raise PermissionDenied(str(exc)) from None
    project = document.project
    membership = access.membership_for(request.user, project)
    config = {
        "document_id": document.pk,
        "csrf_token": get_token(request),
        "project_id": project.pk,
        "user": {"id": request.user.pk, "username": request.user.get_username()},
        "role": membership.role,
        "can_annotate": access.allows(membership, Need.ANNOTATE),
        "can_review": access.allows(membership, Need.REVIEW),
        "labels": list(project.labels.values("id", "name", "hotkey", "color", "description")),
        "attribute_definitions": project.attribute_definitions,
        "guidelines": project.guidelines,
        "role_labels": {"claim": "CLAIM", "source": "SOURCE", "cue": "CUE",
                        **project.settings.get("role_labels", {})},
    }
    if config["can_annotate"]:  # the "next document" key: the next assigned, not submitted
        following = next_document_for_user(user=request.user, document=document)
        config["next_document"] = (None if following is None else
                                   {"id": following.pk, "title": str(following)})
    return render(request, "annotator/workspace.html", {
        "document": document, "project": project, "config": config})


# --- Reviewing: the queue, the review view, agreement --------------------------------------

def _positive(value, *, upper=2**63 - 1):
    """A positive int from a query parameter, or None (a filter left out, never a 500)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 <= number < upper else None


@login_required
@require_GET
def review_queue_page(request):
    filters = {"project_id": _positive(request.GET.get("project")),
               "annotator_id": _positive(request.GET.get("annotator")),
               "older_than_days": _positive(request.GET.get("older_than_days"), upper=100_000)}
    reviewed, annotators = review_queue_choices_for_user(user=request.user)
    page = Paginator(review_queue_for_user(user=request.user, **filters), 50).get_page(
        request.GET.get("page"))
    return render(request, "annotator/review_queue.html", {
        "page": page, "projects": reviewed, "annotators": annotators, "filters": filters,
        "reviews_nothing": not reviewed.exists()})


def _require(user, project, need):
    try:
        access.require(access.membership_for(user, project), need)
    except access.Forbidden as exc:
        raise PermissionDenied(str(exc)) from None


@login_required
@require_GET
def review_page(request, document_id):
    """The review view: every annotator's layer, merged, for reviewers and admins."""
    document = access.access_document(request.user, document_id)
    project = document.project
    _require(request.user, project, Need.REVIEW)
    config = {
        "document_id": document.pk,
        "project_id": project.pk,
        "csrf_token": get_token(request),
        "user": {"id": request.user.pk, "username": request.user.get_username()},
        "labels": list(project.labels.values("id", "name", "hotkey", "color", "description")),
        "attribute_definitions": project.attribute_definitions,
        "role_labels": {"claim": "CLAIM", "source": "SOURCE", "cue": "CUE",
                        **project.settings.get("role_labels", {})},
        # The page offers decisions on one's own labels only when access.may_review allows them.
        "review_own_labels": access.review_own_labels(project.settings),
    }
    return render(request, "annotator/review.html", {
        "document": document, "project": project, "config": config})


@login_required
@require_GET
def agreement_page(request, project_id):
    project = access.access_project(request.user, project_id)
    if not access.sees_all_layers(access.membership_for(request.user, project)):
        raise PermissionDenied("Only reviewers and admins see agreement between annotators.")
    config = {"project_id": project.pk, "csrf_token": get_token(request),
              "labels": list(project.labels.values_list("name", flat=True))}
    return render(request, "annotator/agreement.html", {"project": project, "config": config})


@login_required
@require_GET
def explorer_page(request, project_id):
    """The explorer (issue #16): every member; the figures come from the sources API."""
    project = access.access_project(request.user, project_id)
    membership = access.membership_for(request.user, project)
    choices = explorer_choices(project=project,
                               layers_of_all=access.sees_all_layers(membership))
    layers = ["approved", *dict.fromkeys([request.user.username, *choices.pop("members")])]
    config = {"project_id": project.pk, "csrf_token": get_token(request), "layers": layers,
              **choices}
    return render(request, "annotator/explorer.html", {"project": project, "config": config})


@login_required
@require_GET
def entities_page(request, project_id):
    """A project's source entities (issue #16): every member reads them; reviewers and
    admins rename them, change their type and aliases, and merge one into another."""
    project = access.access_project(request.user, project_id)
    membership = access.membership_for(request.user, project)
    config = {"project_id": project.pk, "csrf_token": get_token(request),
              "can_edit": access.allows(membership, Need.REVIEW),
              "types": [{"value": value, "label": label} for value, label in EntityType.choices]}
    return render(request, "annotator/entities.html", {"project": project, "config": config})


# --- Assignment and progress (issue #15) -----------------------------------------------------

def _assign_config(request, project, membership) -> dict | None:
    """What static/annotator/assignments.js needs (admins only): the members one may assign
    to, with their loads, and the project's annotators per document."""
    if not access.allows(membership, Need.MANAGE):
        return None
    return {"project_id": project.pk, "csrf_token": get_token(request),
            "annotators_per_document": project.settings.get("annotators_per_document", 1),
            "annotators": [{"id": row["user_id"], "username": row["user__username"],
                            "role": row["role"], "assigned": row["assigned"]}
                           for row in assignment_choices_for_project(project=project)]}


@login_required
@require_GET
def dashboard_page(request, project_id):
    """A project's progress, for reviewers and admins (annotators: 403, as on agreement)."""
    project = access.access_project(request.user, project_id)
    _require(request.user, project, Need.REVIEW)
    dashboard = dashboard_for_project(project=project, page=request.GET.get("page"))
    now = timezone.now()
    for person in dashboard["annotators"]:
        at = person["last_activity_at"]
        person["since"] = ("" if at is None else "just now" if (now - at).total_seconds() < 60
                           else f"{timesince(at, now)} ago")
    for row in dashboard["document_page"]["results"]:
        for person in row["annotators"]:
            person["status_label"] = DocStatus(person["status"]).label
    return render(request, "annotator/dashboard.html", {"project": project, "d": dashboard})


@require_GET
def health(request):
    """For load balancers: the process is up and the database answers (else a JSON 503
    that says the database is down)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:  # whatever it is, the database cannot answer SELECT 1
        return unavailable_response(request, exc)
    return JsonResponse({"status": "ok"})


# --- Running a project: new project, settings, members (branch projects-ui) ------------------

def _project_form_config(request, project=None) -> dict:
    """What static/annotator/project-form.js needs to create or edit a project."""
    config = {"csrf_token": get_token(request), "project": None,
              "default_labels": DEFAULT_LABELS, "default_attributes": DEFAULT_ATTRIBUTES}
    if project is not None:
        config["project"] = {
            "id": project.pk, "name": project.name, "description": project.description,
            "guidelines": project.guidelines, "settings": project.settings,
            "attribute_definitions": project.attribute_definitions,
            "labels": list(project.labels.values("id", "name", "hotkey", "color",
                                                 "description"))}
    return config


@login_required
@require_GET
def project_new_page(request):
    if not access.may_create_projects(request.user):
        raise PermissionDenied("Only site staff create projects here.")
    return render(request, "annotator/project_form.html", {
        "project": None, "config": _project_form_config(request)})


@login_required
@require_GET
def project_settings_page(request, project_id):
    project = access.access_project(request.user, project_id)
    _require(request.user, project, Need.MANAGE)
    return render(request, "annotator/project_form.html", {
        "project": project, "config": _project_form_config(request, project)})


@login_required
@require_GET
def project_members_page(request, project_id):
    project = access.access_project(request.user, project_id)
    _require(request.user, project, Need.MANAGE)
    config = {"csrf_token": get_token(request), "project_id": project.pk,
              "user_id": request.user.pk, "roles": [{"value": v, "label": label}
                                                    for v, label in Role.choices]}
    return render(request, "annotator/members.html", {"project": project, "config": config})


@sensitive_post_parameters()
@login_required
@require_http_methods(["GET", "POST"])
def password_change_page(request):
    """Change my password (Django's form checks the current one and the validators); the
    service revokes my API tokens. Where a one-time password sent me here, `next` is the
    page I asked for."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = ""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        account_password_change(user=request.user,
                                new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)  # this session goes on
        password_changed(request)
        return redirect(target or "home")
    return render(request, "registration/password_change.html", {
        "form": form, "next": target, "required": bool(request.session.get(SESSION_KEY))})
