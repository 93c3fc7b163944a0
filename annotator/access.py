"""Turning ids into objects for a user, or 404. No other module decides permissions.

"Missing" and "forbidden" look the same (404), so ids of other projects leak nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from django.conf import settings as django_settings  # `settings` names projects' settings here
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Q
from django.http import Http404

from annotator.models import (ApiToken, Assignment, Attribution, Document, Event, ExportJob, Label,
                              Membership, Origin, PretagJob, Project, Role, SourceEntity, Span,
                              TaggerModel, TrainingJob)


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
    membership = Membership(id=row._membership_id, user_id=user.pk, project=project,
                            role=row._membership_role)
    project._access_membership = membership
    return membership


def access_project(user, project_id, need: Need = Need.READ) -> Project:
    """The project if the user is a member (any role); 403 if the role lacks `need`."""
    number = object_id(project_id)
    project = (_with_role(Project.objects.all(), user, "").filter(pk=number).first()
               if user.is_authenticated else None)
    if project is None:
        raise Http404("No such project.")
    require(_remember_membership(user, project, project), need)
    return project


def access_document(user, document_id, need: Need = Need.READ, *,
                    text: bool = True) -> Document:
    """The document if the user may `need` it. `text=False` leaves the text unread (a
    write reads only the slices it covers, services/layers.py): document.text is then
    read on first use."""
    number = object_id(document_id)
    documents = Document.objects.select_related("project")
    if not text:
        documents = documents.defer("text")
    document = (_with_role(documents, user, "project").filter(pk=number).order_by().first()
                if user.is_authenticated else None)
    if document is None:
        raise Http404("No such document.")
    membership = _remember_membership(user, document.project, document)
    require(membership, need)
    require_document_open(membership, document)
    return document


# --- Labels and annotations -------------------------------------------------
# Visibility: reviewers and admins see every layer of their projects'
# documents; an annotator sees suggestions and their own labels (and the
# others' only when the project's settings say annotators see each other).

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


def require_own_label(row, user) -> None:
    """Only the annotator who made a span or attribution changes it (a suggestion is nobody's)."""
    if row.annotator_id is None:
        raise Forbidden("This is a suggestion: accept it to make it your own first.")
    if row.annotator_id != user.pk:
        raise Forbidden("Only the annotator who made a label changes it; reviewers use "
                        "review decisions.")


def sees_all_layers(membership: Membership) -> bool:
    return (allows(membership, Need.REVIEW)
            or bool(membership.project.settings.get("annotators_see_each_other")))


def review_own_labels(settings: dict) -> bool:
    """The project setting that lets a reviewer decide labels they made themselves."""
    return settings.get("review_own_labels", False) is True


def may_review(membership: Membership, row, settings: dict) -> bool:
    """May this member approve or reject this label (a span or attribution), or approve this
    annotator's work (a DocumentStatus row)?

    Reviewers and admins decide others' work. Their own only when the project says so
    (`review_own_labels`, off by default): a label is reviewed by someone who did not make
    it, admins included, and a reviewer who also annotated the document reviews only the
    others' labels. A reviewer's correction (origin "review") is the exception: making it
    was the review act, so its maker may still reject it (take it back).
    """
    if not allows(membership, Need.REVIEW):
        return False
    if getattr(row, "origin", None) == Origin.REVIEW:
        return True
    return row.annotator_id != membership.user_id or review_own_labels(settings)


def access_api_token(user, token_id):
    """One of the user's own API tokens; anybody else's does not exist for them."""
    token = (ApiToken.objects.filter(user=user, pk=object_id(token_id)).first()
             if user.is_authenticated else None)
    if token is None:
        raise Http404("No such token.")
    return token


def object_id(value) -> int:
    """An id from a URL or a body, or 404: never a database error for 10**30 or 'abc'."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404("No such object.") from None
    if isinstance(value, bool) or not 0 < number < 2**63:
        raise Http404("No such object.")
    return number


def can_see(membership: Membership, row) -> bool:
    """May this member see this span or attribution?"""
    return can_see_layer(membership, row.annotator_id)


def can_see_layer(membership: Membership, annotator_id: int | None) -> bool:
    """May this member see the labels of this annotator's layer (None: suggestions)?"""
    return (annotator_id is None or annotator_id == membership.user_id
            or sees_all_layers(membership))


def _access_row(model, user, row_id, what: str, need: Need):
    number = object_id(row_id)
    # The label comes along (every answer names it); the document's text does not (a
    # write reads only the slices it covers, services/layers.py).
    rows = model.objects.select_related("document__project", *(
        ["label"] if model is Span else [])).defer("document__text")
    row = (_with_role(rows, user, "document__project").filter(pk=number).order_by().first()
           if user.is_authenticated else None)
    if row is None:
        raise Http404(f"No such {what}.")
    membership = _remember_membership(user, row.document.project, row)
    if not can_see(membership, row):
        raise Http404(f"No such {what}.")
    require_document_open(membership, row.document)
    if need is not Need.READ:
        # Checked here, not only by ownership: a member who made labels as an annotator
        # and is now a reviewer changes them no more (reviewers use review decisions).
        require(membership, need)
    return row


def access_span(user, span_id, need: Need = Need.READ):
    return _access_row(Span, user, span_id, "span", need)


def access_attribution(user, attribution_id, need: Need = Need.READ):
    return _access_row(Attribution, user, attribution_id, "attribution", need)


@dataclass(frozen=True)
class LabelTrace:
    """A span or attribution for a user: the row, or what its delete event kept of it."""

    kind: str                       # "span" or "attribution"
    id: int
    document: Document
    row: object | None              # the Span or Attribution; None once deleted
    deleted: object | None = None   # the delete Event when row is None

    @property
    def snapshot(self) -> dict:
        """The row as it was when it was deleted."""
        return self.deleted.before


def access_label_trace(user, kind: str, row_id, need: Need = Need.READ) -> LabelTrace:
    """A span or attribution, alive or deleted, for a user who may see it; else 404.

    A deleted one is seen by whoever would see it now had it not been deleted: a
    member of its document's project, under can_see applied to the last snapshot
    of it (its delete event's `before`). Its history answers; a restore needs more.
    """
    model = {"span": Span, "attribution": Attribution}[kind]
    try:
        row = _access_row(model, user, row_id, kind, need)
        return LabelTrace(kind=kind, id=row.pk, document=row.document, row=row)
    except Http404:
        number = object_id(row_id)
        if not user.is_authenticated or model.objects.filter(pk=number).exists():
            raise  # there, but not for this user
    last = (Event.objects.filter(target_type=kind, target_id=number)
            .order_by("-created_at", "-id").first())
    snapshot = last.before if last is not None and last.action == "delete" else None
    if not isinstance(snapshot, dict) or last.document_id is None:
        raise Http404(f"No such {kind}.")
    document = (_with_role(Document.objects.select_related("project"), user, "project")
                .filter(pk=last.document_id).first())
    if document is None:
        raise Http404(f"No such {kind}.")
    membership = _remember_membership(user, document.project, document)
    if not can_see_layer(membership, snapshot.get("annotator")):
        raise Http404(f"No such {kind}.")
    require_document_open(membership, document)
    if need is not Need.READ:
        require(membership, need)
    return LabelTrace(kind=kind, id=number, document=document, row=None, deleted=last)


def label_in_project(project: Project, name) -> Label:
    """A label of this project by name, from a request's body (others' do not exist here)."""
    label = Label.objects.filter(project=project, name=name).order_by().first() if isinstance(
        name, str) else None
    if label is None:
        names = ", ".join(project.labels.values_list("name", flat=True))
        raise ValidationError({"label": f"{name!r} is not a label of this project ({names})."})
    return label


def spans_in_document(document: Document, ids, *, field: str, user,
                      found: dict | None = None) -> dict:
    """Resolve span ids for an attribution: each must be in this document and the user's own.

    `found`: own_spans_in_document's answer for these ids (and maybe more), when the
    caller read the spans of several fields at once; the answer holds only `ids`.
    """
    clean = []
    for value in ids:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError({field: f"{value!r} is not a span id."})
        clean.append(value)
    if found is None:
        found = own_spans_in_document(document, clean, user=user)
    missing = [i for i in clean if i not in found]
    if missing:
        raise ValidationError({field: f"span {missing[0]} is not one of your spans in this "
                                      "document."})
    return {i: found[i] for i in clean}


def own_spans_in_document(document: Document, ids, *, user) -> dict:
    """{id: span} of the user's own spans of this document among `ids` (with their labels);
    what is not a span id is skipped (spans_in_document names it)."""
    clean = [value for value in ids if isinstance(value, int) and not isinstance(value, bool)
             and 0 < value < 2**63]
    if not clean:
        return {}
    return {s.pk: s for s in Span.objects.select_related("label").filter(
        pk__in=clean, document=document, annotator=user).order_by()}


def rows_in_document(model, document: Document, ids, *, field: str) -> list:
    """Spans or attributions of any annotator's layer in this document, in the order given.

    For reviewers (the caller has required Need.REVIEW). Suggestions, rows of other
    documents and unknown ids are all "not a … of this document" (400, naming the field).
    """
    wanted = list(dict.fromkeys(ids))
    found = {row.pk: row for row in model.objects.select_related(
        *(["label"] if model.__name__ == "Span" else [])).filter(
        pk__in=wanted, document=document, annotator__isnull=False)}
    missing = [i for i in wanted if i not in found]
    if missing:
        what = model.__name__.lower()
        raise ValidationError({field: f"{missing[0]} is not an annotator's {what} in this "
                                      "document."})
    return [found[i] for i in wanted]


def row_in_document(model, document: Document, row_id, *, field: str):
    """One span or attribution of this document, any layer, suggestions too; else a 400."""
    row = model.objects.select_related("document__project").filter(
        pk=row_id, document=document).first()
    if row is None:
        raise ValidationError({field: [f"{row_id} is not a {field} of this document."]})
    return row


# --- Objects of a project, by id from the URL ----------------------------------

def _of_project(queryset, user, project_id, row_id, need: Need, missing: str):
    """A row of `queryset` in a project the user may `need`, by id from the URL, or 404."""
    project = access_project(user, project_id, need)
    found = queryset.filter(project=project, pk=object_id(row_id)).first()
    if found is None:
        raise Http404(missing)
    return found


def access_label(user, project_id, label_id, need: Need = Need.MANAGE) -> Label:
    """A label of a project the user may `need` (labels are changed by admins)."""
    return _of_project(Label.objects, user, project_id, label_id, need, "No such label.")


def access_membership(user, project_id, membership_id, need: Need = Need.MANAGE) -> Membership:
    """A membership of a project the user may `need` (members are managed by admins)."""
    return _of_project(Membership.objects.select_related("user"), user, project_id,
                       membership_id, need, "No such member.")


def access_entity(user, project_id, entity_id, need: Need = Need.READ) -> SourceEntity:
    """A source entity of a project the user may `need`: every member reads them, annotators
    create them and link spans, reviewers and admins change, merge and delete them."""
    return _of_project(SourceEntity.objects, user, project_id, entity_id, need,
                       "No such entity in this project.")


def entity_in_project(project: Project, entity_id, *, field: str) -> SourceEntity:
    """An entity named in a request's body: one of this project's, or a 400 on `field`
    (an id of another project's entity is as unknown here as a made-up one)."""
    try:
        number = object_id(entity_id)
    except Http404:
        number = None
    found = None if number is None else SourceEntity.objects.filter(
        project=project, pk=number).first()
    if found is None:
        raise ValidationError({field: [f"{entity_id} is not an entity of this project."]})
    return found


def _access_job(queryset, user, job_id, need: Need, what: str):
    job = queryset.filter(pk=object_id(job_id), project__in=projects_for(user)).first()
    if job is None:
        raise Http404(f"No such {what}.")
    if need is not Need.READ:
        require(membership_for(user, job.project), need)
    return job


def access_pretag_job(user, job_id, need: Need = Need.READ) -> PretagJob:
    """A pre-tagging job of one of the user's projects (any member follows it)."""
    return _access_job(PretagJob.objects.select_related("requested_by"), user, job_id, need,
                       "job")


def access_export_job(user, job_id, need: Need = Need.REVIEW) -> ExportJob:
    """An export job of a project where the user reviews or administers; else 404/403."""
    return _access_job(ExportJob.objects.select_related("project", "requested_by", "annotator"),
                       user, job_id, need, "export")


# --- Layers and statuses of a document -----------------------------------------

def access_layer(user, document: Document, layer: str) -> str:
    """The layer of `document` the user asks to see: "mine", "all" or an annotator's id.

    Another annotator's layer (or all of them) only for those who see all layers;
    the user's own id is "mine".
    """
    if layer not in ("mine", "all"):
        try:
            layer = str(object_id(layer))
        except Http404:
            raise ValidationError({"layer": ["must be 'mine', 'all' or a user id."]}) from None
        if int(layer) == user.pk:
            layer = "mine"
    if layer != "mine" and not sees_all_layers(membership_for(user, document.project)):
        raise Forbidden("Only reviewers and admins see other annotators' layers.")
    return layer


# Who takes each step of an annotator's status on a document (services/documents.py
# knows the steps themselves): annotators move their own work, reviewers decide it.
STATUS_ACTION_NEEDS = {"start": Need.ANNOTATE, "submit": Need.ANNOTATE,
                       "return": Need.REVIEW, "approve": Need.REVIEW}


def access_document_status(user, document_id, *, action: str,
                           annotator_id: int | None = None) -> tuple[Document, object]:
    """(document, annotator) for a status change: whose status the user may move.

    Starting and submitting is one's own; returning and approving names the annotator,
    a member of the document's project.
    """
    need = STATUS_ACTION_NEEDS[action]
    document = access_document(user, document_id, need)
    if need is Need.REVIEW:
        if annotator_id is None:
            raise ValidationError({"annotator": ["whose work? give the user id."]})
        annotator = get_user_model().objects.filter(
            pk=annotator_id, memberships__project=document.project).first()
        if annotator is None:
            raise ValidationError({"annotator": ["not a member of this project."]})
        return document, annotator
    if annotator_id not in (None, user.pk):
        raise Forbidden("You start and submit your own work only.")
    return document, user


def access_tagger_model(user, project_id, model_id, need: Need = Need.READ) -> TaggerModel:
    """A trained model of a project the user may `need` (any member reads it)."""
    return _of_project(TaggerModel.objects.select_related("created_by"), user, project_id,
                       model_id, need, "No such model in this project.")


def access_training_job(user, project_id, job_id, need: Need = Need.READ) -> TrainingJob:
    """A training job of a project the user may `need` (any member follows it)."""
    return _of_project(TrainingJob.objects.select_related("requested_by"), user, project_id,
                       job_id, need, "No such training job in this project.")


# --- Assignment: who may open which document (issue #15) -----------------------------------
# A project whose setting `unassigned_open` is false opens a document to an annotator only
# when it is assigned to them; reviewers and admins see every document. These two are the
# one place that decides it: access_document and the label lookups above call the first,
# the selectors of lists (project page, home, API list) filter with the second.

def unassigned_open(settings: dict) -> bool:
    """The project setting: may members open documents assigned to nobody (or others)?"""
    return settings.get("unassigned_open", True) is not False


def require_document_open(membership: Membership, document: Document) -> None:
    """403 unless the member may open this document under the project's assignment rule."""
    if allows(membership, Need.REVIEW) or unassigned_open(membership.project.settings):
        return
    if not Assignment.objects.filter(document=document, annotator_id=membership.user_id).exists():
        raise Forbidden("This document is not assigned to you: in this project annotators "
                        "open only the documents assigned to them.")


def documents_open_filter(user) -> Q:
    """A filter on Document: the documents of the user's projects the user may open.

    Documents of projects where the user only annotates and `unassigned_open` is false
    pass only when assigned to the user (one subquery each, whatever the number of projects).
    """
    restricted = [role.value for role in Role if role not in ROLES_FOR[Need.REVIEW]]
    closed = Membership.objects.filter(user=user, role__in=restricted,
                                       project__settings__unassigned_open=False)
    mine = Assignment.objects.filter(document=OuterRef("pk"), annotator=user)
    return ~Q(project_id__in=closed.values("project_id")) | Q(Exists(mine))


def documents_in_project(project: Project, ids, *, field: str) -> list[Document]:
    """Documents of this project by id, from a request's body, in the order given; any id
    that is not one of its documents is a 400 naming the field."""
    wanted = list(dict.fromkeys(ids))
    found = {d.pk: d for d in Document.objects.defer("text").filter(project=project,
                                                                       pk__in=wanted)}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise ValidationError({field: [f"{missing[0]} is not a document of this project."]})
    return [found[i] for i in wanted]


def access_assignment(user, project_id, assignment_id, need: Need = Need.MANAGE) -> Assignment:
    """An assignment of a project the user may `need` (admins assign and unassign)."""
    project = access_project(user, project_id, need)
    found = (Assignment.objects.select_related("document", "annotator")
             .filter(document__project=project, pk=object_id(assignment_id)).first())
    if found is None:
        raise Http404("No such assignment in this project.")
    return found


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
