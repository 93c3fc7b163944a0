"""An annotator's layer of a document: may they still write in it, and what text a write covers.

Every write of an annotator's labels starts here, inside its transaction. One query
reads their status on the document and, for a write with offsets, the text at just
those offsets (SQL `substr`/`substring`, which count characters, that is code points,
like Python's str): a span written into a 1 MiB document reads a few bytes of it, not
the megabyte (issue #17). A bulk write reads the text once instead (`whole_text`).
"""
from __future__ import annotations

from django.db import connection
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
    status, *pieces = _layer_read(document.pk, annotator.pk, slices, whole_text)
    layer_status_apply(document=document, annotator=annotator, status=status)
    return pieces


def _layer_read(document_id: int, annotator_id: int, slices, whole_text: bool) -> tuple:
    """(status or None, *slices, [text]) in one SELECT, written out: it runs on every write,
    and building it through the ORM (a subquery and a function per slice) cost more than
    the query itself. substr(text, from 1, count) is the same function on both backends."""
    quote = connection.ops.quote_name
    columns = [f"(SELECT {quote('status')} FROM {quote(DocumentStatus._meta.db_table)} "
               f"WHERE {quote('document_id')} = %s AND {quote('annotator_id')} = %s)"]
    params = [document_id, annotator_id]
    for start, end in slices:
        columns.append(f"substr({quote('text')}, %s, %s)")
        params += [start + 1, end - start]
    if whole_text:
        columns.append(quote("text"))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {quote(Document._meta.db_table)} "
                       f"WHERE {quote('id')} = %s", [*params, document_id])
        row = cursor.fetchone()
    if row is None:
        raise Document.DoesNotExist(f"document {document_id}")
    return row
