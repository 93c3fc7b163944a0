"""Writes of one statement on PostgreSQL (issue #17): no BEGIN, no COMMIT, one round trip.

On PostgreSQL every statement is a message to another process and back, and a write's
transaction adds two more (BEGIN, COMMIT). When the access query has read the
annotator's layer as open (access/rows.py, `layer_status`), a span create (or an
attribution create, after its spans' query) writes the row, its fragments, its event and
the explorer's stale mark in ONE statement, a data-modifying CTE
(services/rows.py, row_insert_with_event), which PostgreSQL runs atomically on its own.
The statement writes nothing when the layer was locked in the meantime or the row is a
duplicate; the caller then runs the write's transaction as before, which says why (409)
with the same answer as ever. SQLite has no data-modifying CTEs, and there a statement
costs no round trip: the writes keep their transaction (services/spans.py,
attributions.py).
"""
from __future__ import annotations

from django.db import connection
from django.utils import timezone

from annotator import text
from annotator.access.rows import quote, table
from annotator.models import (Attribution, ClaimFragment, DocStatus, Document, DocumentStatus,
                              Label, Span)
from annotator.services.attributions import (_insert_values, _resolve, attribution_snapshot,
                                             attributes_check)
from annotator.services.explorer_stale import stale_mark_sql
from annotator.services.layers import LOCKED_STATUSES, text_cached
from annotator.services.nesting import parent_resolve, spans_offsets
from annotator.services.rows import row_insert_with_event
from annotator.services.spans import _check_label, span_snapshot


def layer_open_read(document: Document, annotator) -> bool:
    """Did the access query read the annotator's layer of the document as open and started
    (document.read_layer_status, PostgreSQL: access/rows.py)? Then a write needs neither
    the status query nor the status row's upsert (services/layers.py). Read once."""
    read = getattr(document, "read_layer_status", None)
    document.read_layer_status = None
    return read is not None and read[0] == annotator.pk and read[1] in OPEN_STATUSES


OPEN_STATUSES = {DocStatus.IN_PROGRESS, DocStatus.RETURNED}


def layer_locked_sql(document_id: int, annotator_id: int) -> tuple[str, list]:
    """The SQL condition (and its parameters) "the annotator's layer of the document is
    locked", for a write of one statement: a submit that committed since the access query
    read the status stops it."""
    return (f"EXISTS(SELECT 1 FROM {table(DocumentStatus)} WHERE {quote('document_id')} = %s "
            f"AND {quote('annotator_id')} = %s AND {quote('status')} IN (%s, %s))",
            [document_id, annotator_id, *sorted(LOCKED_STATUSES)])


def span_create_one_statement(document: Document, annotator, label: Label, start: int,
                              end: int, quote_given: str | None) -> Span | None:
    """PostgreSQL, the layer read open by the access query and the text held: the span and
    its event in one statement, outside any transaction of its own (no BEGIN, no COMMIT:
    three round trips where there were seven, issue #17). None when this does not apply
    or wrote nothing (a duplicate, or the layer locked in the meantime): the transaction
    of services/spans.py's _span_create then does it, or says why not, as before."""
    if connection.vendor != "postgresql" or not layer_open_read(document, annotator):
        return None
    whole = text_cached(document)
    if whole is None:
        return None
    text.check_offsets(document.length, start, end)
    covered = text.check_quote(whole[start:end], start, end, quote_given)
    _check_label(document, label)
    now = timezone.now()
    values = {"document_id": document.pk, "annotator_id": annotator.pk, "label_id": label.pk,
              "start": start, "end": end, "quote": covered}
    span = Span(document=document, annotator=annotator, label=label, start=start, end=end,
                quote=covered, created_at=now, updated_at=now)
    after = span_snapshot(span)
    del after["id"]  # the new row's: filled in by the statement
    span.pk = row_insert_with_event(
        Span, values, now=now, unless=layer_locked_sql(document.pk, annotator.pk),
        event={"project_id": document.project_id, "document_id": document.pk,
               "actor_id": annotator.pk, "action": "create", "target_type": "span",
               "before": None, "after": after, "note": "", "cause_id": None})
    return None if span.pk is None else span


def attribution_create_one_statement(*, document: Document, annotator, claims, source, cue,
                                     attributes, parent) -> Attribution | None:
    """PostgreSQL, the layer read open by the access query: after the spans' query, the
    attribution, its fragments, its event and the explorer's stale mark in one statement
    with no BEGIN and COMMIT (four round trips where there were nine, issue #17). None
    when it wrote nothing (a duplicate, or the layer locked since): the transaction of
    services/attributions.py's _attribution_create then says why, as before."""
    claim_spans, source_span, cue_span = _resolve(document, annotator, claims, source, cue)
    clean = attributes_check(document.project, attributes or {})
    parent_row = parent_resolve(document=document, annotator=annotator, parent_id=parent,
                                child_pk=None,
                                child_spans=spans_offsets(claim_spans, source_span, cue_span))
    _, given, values = _insert_values(document, annotator, claim_spans, source_span,
                                        cue_span, {"attributes": clean, "parent": parent_row})
    now = timezone.now()
    attribution = Attribution(created_at=now, updated_at=now, **given)
    attribution.fragment_ids = [span.pk for span in claim_spans[1:]]
    after = attribution_snapshot(attribution, attribution.fragment_ids)
    del after["id"]  # the new row's: filled in by the statement
    then = [stale_mark_sql(project_id=document.project_id, document_id=document.pk,
                           layer=annotator.pk, source="FROM n")]
    if attribution.fragment_ids:
        q = connection.ops.quote_name
        pairs = ", ".join(["(%s, %s)"] * len(attribution.fragment_ids))
        then.append((f"INSERT INTO {q(ClaimFragment._meta.db_table)} ({q('attribution_id')}, "
                     f"{q('span_id')}, {q('position')}) SELECT n.id, v.span_id, v.position "
                     f"FROM n, (VALUES {pairs}) v(span_id, position)",
                     [value for position, span_id in enumerate(attribution.fragment_ids, 1)
                      for value in (span_id, position)]))
    attribution.pk = row_insert_with_event(
        Attribution, values, now=now, unless=layer_locked_sql(document.pk, annotator.pk),
        then=tuple(then),
        event={"project_id": document.project_id, "document_id": document.pk,
               "actor_id": annotator.pk, "action": "create", "target_type": "attribution",
               "before": None, "after": after, "note": "", "cause_id": None})
    return None if attribution.pk is None else attribution
