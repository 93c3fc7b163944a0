"""An annotator's layer of a document: may they still write in it, and what text a write covers.

Every write of an annotator's labels starts here, inside its transaction. One query
reads their status on the document (on PostgreSQL a span or attribution create reads it
with the document instead, and writes in one statement: services/single_writes.py); a write with offsets slices the text, which each
process reads once per document and keeps (issue #17): a document's text never changes
once stored (DESIGN.md, "Offsets"), and the cache is keyed by id and SHA-256 as well.
So a span written into a 1 MiB document does not read the megabyte again, nor make the
database walk it (SQLite's substr() loads the whole value and counts characters from
its start: 2 ms at the end of a 1 MiB text, as much as reading it).
"""
from __future__ import annotations

import functools
import threading
from collections import OrderedDict

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import OuterRef, Subquery

from annotator.errors import Conflict
from annotator.models import DocStatus, Document, DocumentStatus

LOCKED_STATUSES = {DocStatus.SUBMITTED, DocStatus.APPROVED}
# Code points of texts a process keeps (a few large documents; about 16 to 64 MB).
CACHE_CODE_POINTS = 16_000_000

_texts: OrderedDict[tuple[int, str], str] = OrderedDict()
_texts_lock = threading.Lock()
_cached = [0]  # code points held


def text_cached(document: Document) -> str | None:
    """The document's text if this process has read it (most recently used last)."""
    key = (document.pk, document.text_sha256)
    with _texts_lock:
        found = _texts.get(key)
        if found is not None:
            _texts.move_to_end(key)
        return found


def text_remember(document: Document, text: str) -> None:
    if len(text) > CACHE_CODE_POINTS:
        return
    key = (document.pk, document.text_sha256)
    with _texts_lock:
        if key in _texts:
            return
        _texts[key] = text
        _cached[0] += len(text)
        while _cached[0] > CACHE_CODE_POINTS:
            _, gone = _texts.popitem(last=False)
            _cached[0] -= len(gone)


def status_subquery(annotator, document_ref: str = "pk") -> Subquery:
    """The annotator's status on the document named by `document_ref` (None: no row yet)."""
    return Subquery(DocumentStatus.objects.filter(document=OuterRef(document_ref),
                                                  annotator=annotator).values("status")[:1])


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
    `whole_text`, [the whole text]. One query (two the first time a layer is opened); the
    same query reads the text when this process does not hold it yet."""
    text = text_cached(document) if slices or whole_text else None
    read_text = (bool(slices) or whole_text) and text is None
    status, *rest = _layer_read(document.pk, annotator.pk, read_text)
    layer_status_apply(document=document, annotator=annotator, status=status)
    if read_text:
        text = rest[0]
        text_remember(document, text)
    return [text[start:end] for start, end in slices] + ([text] if whole_text else [])


@functools.cache
def _layer_sql(vendor: str, read_text: bool) -> str:
    quote = connection.ops.quote_name
    columns = [f"(SELECT {quote('status')} FROM {quote(DocumentStatus._meta.db_table)} "
               f"WHERE {quote('document_id')} = %s AND {quote('annotator_id')} = %s)"]
    if read_text:
        columns.append(quote("text"))
    return (f"SELECT {', '.join(columns)} FROM {quote(Document._meta.db_table)} "
            f"WHERE {quote('id')} = %s")


def _layer_read(document_id: int, annotator_id: int, read_text: bool) -> tuple:
    """(status or None[, text]) in one SELECT, written out: it runs on every write, and
    building it through the ORM (a subquery) cost more than the query itself."""
    here = connections[DEFAULT_DB_ALIAS]  # the connection itself: its proxy looks it up
    with here.cursor() as cursor:
        cursor.execute(_layer_sql(here.vendor, read_text),
                       [document_id, annotator_id, document_id])
        row = cursor.fetchone()
    if row is None:
        raise Document.DoesNotExist(f"document {document_id}")
    return row
