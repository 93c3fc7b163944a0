"""An annotator's layer of a document: may they still write in it, and what text a write covers.

Every write of an annotator's labels starts here, inside its transaction. One query
reads their status on the document and, for a write with offsets, the text at just
those offsets (SQL `substr`/`substring`, which count characters, that is code points,
like Python's str): a span written into a 1 MiB document reads a few bytes of it, not
the megabyte (issue #17). A bulk write reads the text once instead (`whole_text`).
"""
from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Substr

from annotator.errors import Conflict
from annotator.models import DocStatus, Document, DocumentStatus

LOCKED_STATUSES = {DocStatus.SUBMITTED, DocStatus.APPROVED}


def status_subquery(annotator, document_ref: str = "pk") -> Subquery:
    """The annotator's status on the document named by `document_ref` (None: no row yet)."""
    return Subquery(DocumentStatus.objects.filter(document=OuterRef(document_ref),
                                                  annotator=annotator).values("status")[:1])


def slice_expression(start: int, end: int, field: str = "text") -> Substr:
    """text[start:end] in SQL (positions from 1); the offsets were checked against the
    length first (text.check_offsets)."""
    return Substr(field, start + 1, end - start)


def layer_status_apply(*, document: Document, annotator, status: str | None) -> None:
    """Refuse a locked layer; mark a layer not yet started as in progress.

    `status` is what status_subquery read in this transaction. A submitted or approved
    document is locked until a reviewer returns it.
    """
    if status is None:
        row, created = DocumentStatus.objects.get_or_create(
            document=document, annotator=annotator, defaults={"status": DocStatus.IN_PROGRESS})
        if created:
            return
        status = row.status  # made in the meantime by another request
    if status in LOCKED_STATUSES:
        raise Conflict(f"You have {status} this document: it is locked until a reviewer "
                       "returns it.", current={"status": status}, code="document_locked")
    if status == DocStatus.NOT_STARTED:
        DocumentStatus.objects.filter(document=document, annotator=annotator).update(
            status=DocStatus.IN_PROGRESS)


def layer_open(*, document: Document, annotator, slices=(),
               whole_text: bool = False) -> list[str]:
    """Check the annotator may still change their labels here (Conflict if not), mark the
    document started, and return the text at each (start, end) of `slices` -- or, with
    `whole_text`, [the whole text]. One query (two the first time a layer is opened)."""
    annotations = {"layer_status": status_subquery(annotator)}
    for index, (start, end) in enumerate(slices):
        annotations[f"slice_{index}"] = slice_expression(start, end)
    fields = [*annotations, *(["text"] if whole_text else [])]
    status, *pieces = (Document.objects.filter(pk=document.pk).annotate(**annotations)
                       .values_list(*fields).get())
    layer_status_apply(document=document, annotator=annotator, status=status)
    return pieces
