from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from annotator import access
from annotator import text as text_mod
from annotator.errors import Conflict
from annotator.facets import document_outlet, document_published
from annotator.models import (Attribution, DocStatus, Document, DocumentStatus, LabelStatus,
                              Project, ReviewDecision, ReviewState, Span)
from annotator.services.events import event_record

MAX_TITLE = 500


def document_prepare(*, title: str, text: str) -> tuple[str, str]:
    """Check a document before it is stored: (title, text).

    The text is kept exactly as given, "\r\n" and combining marks and all (DESIGN.md,
    "Offsets"): the sender's offsets into their copy must fit ours."""
    if not isinstance(text, str):
        raise ValidationError({"text": "must be a string."})
    if not text.strip():
        raise ValidationError({"text": "is empty."})
    if "\x00" in text:
        raise ValidationError({"text": "contains a NUL character."})
    title = (title or "").strip()
    if len(title) > MAX_TITLE:
        raise ValidationError({"title": f"is longer than {MAX_TITLE} characters."})
    return title, text


def document_create(*, project: Project, title: str, text: str, metadata: dict | None = None,
                    source_url: str = "") -> tuple[Document, bool]:
    """Store a document once per project: the same text again returns the stored one.

    Returns (document, created).
    """
    title, text = document_prepare(title=title, text=text)
    digest = text_mod.sha256(text)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                project=project, title=title, text=text, length=len(text),
                text_sha256=digest, metadata=metadata or {}, source_url=source_url,
                outlet=document_outlet(metadata or {}, source_url),
                published=document_published(metadata or {}))
            return document, True
    except IntegrityError:
        # Same text already in this project (maybe stored by a concurrent request).
        existing = Document.objects.filter(project=project, text_sha256=digest).first()
        if existing is None:
            raise
        return existing, False


# --- Per-annotator status ------------------------------------------------------

# action: (statuses it starts from, status it leads to). Who may take each action is
# access.STATUS_ACTION_NEEDS.
TRANSITIONS = {
    "start": ({DocStatus.NOT_STARTED, DocStatus.RETURNED}, DocStatus.IN_PROGRESS),
    "submit": ({DocStatus.NOT_STARTED, DocStatus.IN_PROGRESS, DocStatus.RETURNED},
               DocStatus.SUBMITTED),
    "return": ({DocStatus.SUBMITTED, DocStatus.APPROVED}, DocStatus.RETURNED),
    "approve": ({DocStatus.SUBMITTED}, DocStatus.APPROVED),
}


@transaction.atomic
def document_status_change(*, document: Document, actor, annotator, action: str,
                           note: str = "") -> DocumentStatus:
    """Move one annotator's status on one document. Reviewers return and approve.

    The caller has checked the actor's role for the action (access.py).
    """
    if action not in TRANSITIONS:
        raise ValidationError({"action": f"must be one of {', '.join(TRANSITIONS)}."})
    sources, target = TRANSITIONS[action]
    row, _ = DocumentStatus.objects.select_for_update().get_or_create(document=document,
                                                                      annotator=annotator)
    if row.status not in sources:
        raise Conflict(f"Cannot {action} a document that is {row.get_status_display().lower()}.",
                       current={"status": row.status}, code="bad_transition")
    if action == "approve":
        _refuse_own_work(document=document, actor=actor, row=row)
        _refuse_undecided(document=document, annotator=annotator)
    before = {"status": row.status}
    row.status = target
    row.version += 1
    row.save(update_fields=["status", "version", "updated_at"])
    if action in ("return", "approve"):
        ReviewDecision.objects.create(document=document, reviewer=actor, annotator=annotator,
                                      decision=action, note=note)
    event_record(project_id=document.project_id, document_id=document.pk, actor=actor,
                 action=action, target_type="document_status", target_id=row.pk,
                 before=before, after={"status": target, "annotator": annotator.pk}, note=note)
    return row


def _refuse_own_work(*, document: Document, actor, row: DocumentStatus) -> None:
    """Approving one's own work on a document is approving one's own labels (access.py)."""
    if not access.may_review(access.membership_for(actor, document.project), row,
                             document.project.settings):
        raise access.Forbidden("This is your own work on the document: another reviewer "
                               "approves it (the project's setting review_own_labels is off).")


def _refuse_undecided(*, document: Document, annotator) -> None:
    """A document is approved once every label of the annotator's layer is decided."""
    undecided = {model.__name__.lower() + "s": list(
        model.objects.filter(document=document, annotator=annotator,
                             status=LabelStatus.ACCEPTED, review_state=ReviewState.PENDING)
        .order_by("id").values_list("id", flat=True)) for model in (Span, Attribution)}
    count = sum(map(len, undecided.values()))
    if count:
        raise Conflict(f"{count} label(s) of this annotator are still undecided: approve or "
                       "reject each first.", current={"undecided": undecided},
                       code="undecided_labels")
