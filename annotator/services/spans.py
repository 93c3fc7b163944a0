"""Writing an annotator's spans: create, bulk create, update, delete.

Every change writes an Event with the state before and after. Offsets are
checked against the text (annotator/text.py) and, again, by the database.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from annotator import text
from annotator.access import require_own_label
from annotator.errors import Conflict
from annotator.models import (DocStatus, Document, DocumentStatus, Event, Label, LabelStatus,
                              Span)
from annotator.services.events import event_record
from annotator.services.locks import versioned_delete_check, versioned_update

LOCKED_STATUSES = {DocStatus.SUBMITTED, DocStatus.APPROVED}


class BulkError(Exception):
    """Errors of a bulk request, keyed by the index of the bad item."""

    def __init__(self, errors: dict):
        super().__init__("bulk request refused")
        self.errors = errors


def span_snapshot(span: Span) -> dict:
    """The span as events keep it: everything a restore needs to make it again."""
    return {"id": span.pk, "document": span.document_id, "annotator": span.annotator_id,
            "label": span.label.name, "start": span.start, "end": span.end,
            "quote": span.quote, "origin": span.origin, "status": span.status,
            "review_state": span.review_state, "version": span.version,
            "tagger_name": span.tagger_name, "tagger_version": span.tagger_version,
            "confidence": span.confidence, "suggestion": span.suggestion_id,
            "entity": span.entity_id, "created_at": iso_time(span.created_at)}


def iso_time(value) -> str | None:
    return value.isoformat() if value else None


def _fresh_snapshot(span: Span) -> dict:
    return span_snapshot(Span.objects.select_related("label").get(pk=span.pk))


def annotator_layer_open(*, document: Document, annotator) -> None:
    """Check the annotator may still change their labels here, and mark the document started.

    A submitted or approved document is locked until a reviewer returns it.
    """
    row, _ = DocumentStatus.objects.get_or_create(document=document, annotator=annotator)
    if row.status in LOCKED_STATUSES:
        raise Conflict(f"You have {row.status} this document: it is locked until a reviewer "
                       "returns it.", current={"status": row.status}, code="document_locked")
    if row.status == DocStatus.NOT_STARTED:
        DocumentStatus.objects.filter(pk=row.pk).update(status=DocStatus.IN_PROGRESS)


def _check_label(document: Document, label: Label) -> None:
    if label.project_id != document.project_id:
        raise ValidationError({"label": f"{label.name!r} is not part of this project."})


def _insert(document: Document, annotator, label: Label, start: int, end: int,
            quote: str | None) -> Span:
    covered = text.check_span(document.text, start, end, quote)
    _check_label(document, label)
    try:
        with transaction.atomic():
            return Span.objects.create(document=document, annotator=annotator, label=label,
                                       start=start, end=end, quote=covered)
    except IntegrityError:
        existing = Span.objects.select_related("label").filter(
            document=document, annotator=annotator, label=label, start=start, end=end,
            status=LabelStatus.ACCEPTED).first()
        if existing is None:
            raise
        raise Conflict(f"You already have a {label.name} span at [{start}, {end}).",
                       current=span_snapshot(existing), code="duplicate") from None


@transaction.atomic
def span_create(*, document: Document, annotator, label: Label, start: int, end: int,
                quote: str | None = None) -> Span:
    """An annotator's own span. The quote, when given, must equal text[start:end]."""
    annotator_layer_open(document=document, annotator=annotator)
    span = _insert(document, annotator, label, start, end, quote)
    event_record(project_id=document.project_id, document_id=document.pk, actor=annotator,
                 action="create", target_type="span", target_id=span.pk,
                 after=span_snapshot(span))
    return span


@transaction.atomic
def spans_bulk_create(*, document: Document, annotator, items: list[dict]) -> list[Span]:
    """All or nothing: one bad item means no span is stored; errors are keyed by index."""
    annotator_layer_open(document=document, annotator=annotator)
    labels = {label.name: label for label in document.project.labels.all()}
    errors, prepared = {}, []
    for index, item in enumerate(items):
        try:
            label = labels.get(item["label"])
            if label is None:
                raise ValidationError({"label": f"{item['label']!r} is not a label of this "
                                                f"project ({', '.join(labels)})."})
            covered = text.check_span(document.text, item["start"], item["end"],
                                      item.get("quote"))
            prepared.append(Span(document=document, annotator=annotator, label=label,
                                 start=item["start"], end=item["end"], quote=covered))
        except ValidationError as exc:
            errors[str(index)] = exc.message_dict
    seen = {}
    for index, item in enumerate(items):
        key = (item.get("label"), item.get("start"), item.get("end"))
        if key in seen:
            errors.setdefault(str(index), {"non_field_errors": [f"repeats item {seen[key]}."]})
        seen.setdefault(key, index)
    if errors:
        raise BulkError(errors)
    try:
        with transaction.atomic():
            created = Span.objects.bulk_create(prepared)  # ids come back on PostgreSQL and SQLite
    except IntegrityError:
        raise Conflict("At least one of these spans already exists in your layer; nothing "
                       "was stored.", code="duplicate") from None
    Event.objects.bulk_create([
        Event(project_id=document.project_id, document_id=document.pk, actor=annotator,
              action="create", target_type="span", target_id=span.pk,
              after=span_snapshot(span)) for span in created])
    return created


@transaction.atomic
def span_update(*, span: Span, actor, expected_version: int, label: Label | None = None,
                start: int | None = None, end: int | None = None,
                quote: str | None = None) -> Span:
    require_own_label(span, actor)
    annotator_layer_open(document=span.document, annotator=actor)
    before = span_snapshot(span)
    new_label = label or span.label
    _check_label(span.document, new_label)
    new_start = span.start if start is None else start
    new_end = span.end if end is None else end
    covered = text.check_span(span.document.text, new_start, new_end, quote)
    try:
        with transaction.atomic():
            fresh = versioned_update(span, expected_version=expected_version,
                                     snapshot=lambda s: _fresh_snapshot(s), label=new_label,
                                     start=new_start, end=new_end, quote=covered)
    except IntegrityError:
        raise Conflict(f"You already have a {new_label.name} span at [{new_start}, {new_end}).",
                       current=before, code="duplicate") from None
    after = _fresh_snapshot(fresh)
    event_record(project_id=span.document.project_id, document_id=span.document_id,
                 actor=actor, action="update", target_type="span", target_id=span.pk,
                 before=before, after=after)
    return Span.objects.select_related("label").get(pk=span.pk)


@transaction.atomic
def span_delete(*, span: Span, actor, expected_version: int) -> None:
    """Delete a span; attributions that use it lose that role (or go, if it was the claim)."""
    require_own_label(span, actor)
    annotator_layer_open(document=span.document, annotator=actor)
    versioned_delete_check(span, expected_version=expected_version,
                           snapshot=lambda s: _fresh_snapshot(s))
    # Imported here: services/attributions.py imports this module (annotator_layer_open).
    from annotator.services.attributions import attributions_detach_span

    # Recorded first, so that what it does to attributions names it as the cause:
    # undoing the delete (services/restores.py) finds and undoes those too.
    deleted = event_record(project_id=span.document.project_id, document_id=span.document_id,
                           actor=actor, action="delete", target_type="span",
                           target_id=span.pk, before=span_snapshot(span))
    attributions_detach_span(span=span, actor=actor, cause=deleted)
    Span.objects.filter(pk=span.pk).delete()

