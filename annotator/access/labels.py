"""Labels, spans and attributions for a user: who sees, changes and reviews them."""
from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import Http404

from annotator.access.documents import require_document_open
from annotator.access.projects import _of_project
from annotator.access.rows import label_row, own_span_rows
from annotator.access.roles import (Forbidden, Need, _remember_membership, _with_role, allows,
                                    membership_for, object_id, remember_membership, require,
                                    sees_all_layers)
from annotator.models import Attribution, Document, Event, Label, Membership, Origin, Project, Span


# Visibility: reviewers and admins see every layer of their projects'
# documents; an annotator sees suggestions and their own labels (and the
# others' only when the project's settings say annotators see each other).

def require_own_label(row, user) -> None:
    """Only the annotator who made a span or attribution changes it (a suggestion is nobody's)."""
    if row.annotator_id is None:
        raise Forbidden("This is a suggestion: accept it to make it your own first.")
    if row.annotator_id != user.pk:
        raise Forbidden("Only the annotator who made a label changes it; reviewers use "
                        "review decisions.")


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


def can_see(membership: Membership, row) -> bool:
    """May this member see this span or attribution?"""
    return can_see_layer(membership, row.annotator_id)


def can_see_layer(membership: Membership, annotator_id: int | None) -> bool:
    """May this member see the labels of this annotator's layer (None: suggestions)?"""
    return (annotator_id is None or annotator_id == membership.user_id
            or sees_all_layers(membership))


def access_project_layer(user, project: Project, layer: str) -> int | None:
    """The layer of a whole project the user reads (the explorer): "approved" (None) for
    every member, or a member's username: that annotator's id, for those who may see the
    layer (can_see_layer: their own, or anyone's for those who see all layers)."""
    if layer == "approved":
        return None
    annotator_id = Membership.objects.filter(project=project, user__username=layer).values_list(
        "user_id", flat=True).first()
    if annotator_id is None:
        raise ValidationError({"layer": [f"{layer!r} is neither 'approved' nor the username "
                                         "of a member of this project."]})
    if not can_see_layer(membership_for(user, project), annotator_id):
        raise Forbidden("layer: you see the approved layer and your own, not other "
                        "annotators' layers.")
    return annotator_id


def _access_row(model, user, row_id, what: str, need: Need):
    number = object_id(row_id)
    # With its document (not the text: a write reads only the slices it covers,
    # services/layers.py), project and label (every answer names it): one query, written
    # out (access/rows.py).
    found = label_row(model, user.pk, number) if user.is_authenticated else None
    if found is None:
        raise Http404(f"No such {what}.")
    row, membership_id, role, assigned = found
    membership = remember_membership(user, row.document.project, membership_id, role)
    if not can_see(membership, row):
        raise Http404(f"No such {what}.")
    require_document_open(membership, row.document, assigned=assigned)
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
        if not user.is_authenticated:
            raise
        if model.objects.filter(pk=number).exists():
            # There: not for this user, or restored since the lookup above (two restores
            # at once); looked up again, the row answers for itself (404, or alive).
            row = _access_row(model, user, row_id, kind, need)
            return LabelTrace(kind=kind, id=row.pk, document=row.document, row=row)
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


def label_in_project(project: Project, name, *, found: Label | None = None) -> Label:
    """A label of this project by name, from a request's body (others' do not exist here).
    `found`: the label the caller's query read by this name (access_document_and_label)."""
    if found is not None and found.name == name and found.project_id == project.pk:
        return found
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
    return {span.pk: span for span in own_span_rows(document.pk, user.pk, clean)}


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


def access_label(user, project_id, label_id, need: Need = Need.MANAGE) -> Label:
    """A label of a project the user may `need` (labels are changed by admins)."""
    return _of_project(Label.objects, user, project_id, label_id, need, "No such label.")
