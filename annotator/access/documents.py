"""Documents for a user: opening one, its layers and statuses, and the assignment rule."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from annotator.access.projects import access_project
from annotator.access.roles import (ROLES_FOR, Forbidden, Need, allows, membership_for,
                                    object_id, remember_membership, require,
                                    sees_all_layers)
from annotator.access.rows import document_row
from annotator.models import Assignment, Document, Label, Membership, Project, Role


def access_document(user, document_id, need: Need = Need.READ, *,
                    text: bool = True, stamps: bool = False) -> Document:
    """The document if the user may `need` it. `text=False` leaves the text unread (a
    write reads only the slices it covers, services/layers.py): document.text is then
    read on first use. `stamps=True` reads its change stamps in the same query
    (document.read_stamps, for selectors.detail_cache)."""
    return _access_document(user, document_id, need, text=text, stamps=stamps)[0]


def access_document_and_label(user, document_id, need: Need, *,
                              label_name) -> tuple[Document, Label | None]:
    """access_document (without the text) and, in the same query, the label of the
    document's project named `label_name` (None if none is; label_in_project says why)."""
    name = label_name if isinstance(label_name, str) else None
    return _access_document(user, document_id, need, text=False, label_name=name)


def _access_document(user, document_id, need: Need, *, text: bool,
                     label_name: str | None = None,
                     stamps: bool = False) -> tuple[Document, Label | None]:
    number = object_id(document_id)  # one query, written out (access/rows.py)
    # PostgreSQL: a write reads the user's layer status here, not in a query of its own
    # (services/spans.py, "one statement"); SQLite reads it under the write lock.
    status = need is Need.ANNOTATE and connection.vendor == "postgresql"
    found = (document_row(user.pk, number, text=text, label_name=label_name,
                          layer_status=status, stamps=stamps)
             if user.is_authenticated else None)
    if found is None:
        raise Http404("No such document.")
    document, membership_id, role, assigned, label = found
    membership = remember_membership(user, document.project, membership_id, role)
    require(membership, need)
    require_document_open(membership, document, assigned=assigned)
    return document, label


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


# --- Assignment: who may open which document (issue #15) -----------------------------------
# A project whose setting `unassigned_open` is false opens a document to an annotator only
# when it is assigned to them; reviewers and admins see every document. These two are the
# one place that decides it: access_document and the label lookups (labels.py) call the first,
# the selectors of lists (project page, home, API list) filter with the second.

def unassigned_open(settings: dict) -> bool:
    """The project setting: may members open documents assigned to nobody (or others)?"""
    return settings.get("unassigned_open", True) is not False


def opens_unassigned(membership: Membership) -> bool:
    """Whether the member opens every document of the project (reviewers, admins, and
    anyone where `unassigned_open`), not only those assigned to them."""
    return allows(membership, Need.REVIEW) or unassigned_open(membership.project.settings)


def require_document_open(membership: Membership, document: Document, *,
                          assigned: bool | None = None) -> None:
    """403 unless the member may open this document under the project's assignment rule.
    `assigned`: whether it is assigned to the member, when the caller's query read it."""
    if opens_unassigned(membership):
        return
    if assigned is None:
        assigned = Assignment.objects.filter(document=document,
                                             annotator_id=membership.user_id).exists()
    if not assigned:
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
