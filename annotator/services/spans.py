from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from annotator import text
from annotator.models import Document, Label, Span
from annotator.services.events import event_record


def span_snapshot(span: Span) -> dict:
    return {"id": span.pk, "label": span.label.name, "start": span.start, "end": span.end,
            "quote": span.quote, "status": span.status, "version": span.version}


@transaction.atomic
def span_create(*, document: Document, annotator: AbstractBaseUser, label: Label, start: int,
                end: int, quote: str | None = None) -> Span:
    """An annotator's own span. The quote, when given, must equal text[start:end]."""
    covered = text.check_span(document.text, start, end, quote)
    if label.project_id != document.project_id:
        raise ValidationError({"label": f"{label.name!r} is not part of this project."})
    span = Span.objects.create(document=document, annotator=annotator, label=label,
                               start=start, end=end, quote=covered)
    event_record(project_id=document.project_id, document_id=document.pk, actor=annotator,
                 action="create", target_type="span", target_id=span.pk,
                 after=span_snapshot(span))
    return span
