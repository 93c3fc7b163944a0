"""Member layers of the explorer's read model settled on read (decisions §21, "Member
layers: settled on read").

A single write that changes only a member's own labels that are not approved (an
attribution created, edited or deleted; a span moved, relabelled or deleted that only such
attributions use) does not refresh the document's rows: `explorer_layer_changed` marks
(document, layer) stale in one statement (ExplorerStale, an upsert adding 1 to `seq`).
A write that may change the approved layer refreshes at once, as before, and so do the
bulk writes and the imports (they would leave many marks, which one read then settles).

Every read of a member's layer (selectors/explorer.py's entry points) first calls
`explorer_layer_settle`: one query when nothing is stale; else, in one transaction, the
layer's rows of the marked documents made again (explorer_rows_refresh limited to that
layer) and each mark deleted only if its `seq` is still the one read, so that a write
that committed in the meantime keeps its mark for the next read.
"""
from __future__ import annotations

import logging

from django.db import IntegrityError, OperationalError, connection, transaction

from annotator.models import APPROVED_LAYER, ExplorerStale
from annotator.services.explorer_rows import explorer_rows_refresh

log = logging.getLogger(__name__)
UNMARK_CHUNK = 300   # marks per DELETE (two parameters each: SQLite's limits)


def _table() -> str:
    return connection.ops.quote_name(ExplorerStale._meta.db_table)


def explorer_layer_changed(*, project_id: int, document_id: int, layer: int,
                           approved: bool) -> None:
    """A single write changed `layer`'s labels (a member's user id) of the document, and
    the approved layer's too when `approved` (or when it may have): refresh the document's
    rows now (four statements at most), else mark the member's layer stale (one)."""
    if approved or layer == APPROVED_LAYER:
        explorer_rows_refresh(document_ids=[document_id])
        return
    with connection.cursor() as cursor:
        cursor.execute(*stale_mark_sql(project_id=project_id, document_id=document_id,
                                       layer=layer))


def stale_mark_sql(*, project_id: int, document_id: int, layer: int,
                   source: str = "") -> tuple[str, list]:
    """The upsert that marks (document, layer) stale, and its parameters; with `source`
    (a FROM clause: "FROM n") it marks once per row of it, inside a write of one statement
    (services/attributions.py)."""
    table = _table()
    values = f"SELECT %s, %s, %s, 1 {source}" if source else "VALUES (%s, %s, %s, 1)"
    return (f"INSERT INTO {table} (project_id, document_id, layer, seq) {values} "
            f"ON CONFLICT (document_id, layer) DO UPDATE SET seq = {table}.seq + 1",
            [project_id, document_id, layer])


def stale_marks(*, project_id: int, layer: int) -> list[tuple[int, int]]:
    """(document, seq) of the layer's marks, by document: one query."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT document_id, seq FROM {_table()} WHERE project_id = %s "
                       "AND layer = %s ORDER BY document_id", (project_id, layer))
        return [tuple(row) for row in cursor.fetchall()]


def stale_unmark(*, layer: int, marks: list[tuple[int, int]]) -> None:
    """Delete the marks (document, seq) of the layer whose seq is still the one given:
    one statement per UNMARK_CHUNK marks."""
    for start in range(0, len(marks), UNMARK_CHUNK):
        chunk = marks[start:start + UNMARK_CHUNK]
        pairs = " OR ".join(["(document_id = %s AND seq = %s)"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {_table()} WHERE layer = %s AND ({pairs})",
                           (layer, *(value for mark in chunk for value in mark)))


def explorer_layer_settle(*, project_id: int, layer: int) -> int:
    """Bring the member's layer of the project up to its labels before it is read: the
    number of documents refreshed. Nothing for the approved layer (never stale); one query
    when no document is stale; else, in one transaction, a refresh of the marked documents'
    rows of this layer (four statements) and one DELETE of the marks read (per 300).

    The marks are read before the transaction, so that a clean read takes no lock (SQLite
    takes the write lock at BEGIN): a write that commits after they were read has added
    to its mark's seq, which the DELETE then leaves, and the next read refreshes that
    document again. Two settles of one document at once (two requests of the page), or a
    settle and a review decision's refresh: the second's rows clash with the first's
    (unique per attribution and layer) or it waits for them; it gives up, rolled back, and
    the read shows the rows the other wrote, as fresh; the marks stay for the next read."""
    if layer == APPROVED_LAYER:
        return 0
    marks = stale_marks(project_id=project_id, layer=layer)
    if not marks:
        return 0
    try:
        with transaction.atomic():
            explorer_rows_refresh(document_ids=[document for document, _ in marks],
                                  layer=layer)
            stale_unmark(layer=layer, marks=marks)
    except (IntegrityError, OperationalError) as clash:
        log.warning("explorer: layer %s of project %s not settled (%s); read as it is",
                    layer, project_id, clash)
        return 0
    return len(marks)
