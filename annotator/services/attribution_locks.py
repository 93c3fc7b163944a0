"""Deleting an attribution in few statements (issue #17): the row locked and read in one
written-out query, the delete and its event in one more on PostgreSQL.

A delete reads the row, the actor's status on its document, the claim's fragments (for
its event) and whether it has children (second-hand claims whose parent it is); it then
deletes the row with what points to it and records its event. Through the ORM and
Django's collector that was eleven queries, each a round trip on PostgreSQL.
"""
from __future__ import annotations

import functools

from django.db import connection

from annotator.access.rows import Columns, fetch_one, quote, table
from annotator.models import Attribution, ClaimFragment, DocumentStatus, ReviewState
from annotator.services.events import write_with_event
from annotator.services.explorer_stale import explorer_layer_changed
from annotator.services.rows import dependents_sql


@functools.cache  # made on first use, once
def _columns() -> Columns:
    return Columns(Attribution, "r")


def attribution_locked(attribution_id: int, actor_id: int) -> Attribution | None:
    """The attribution, locked to this transaction (PostgreSQL; SQLite's writer holds the
    database), with `layer_status` (the actor's status on its document, or None),
    `fragment_ids` (the claim's span ids after the first, by position) and `has_children`;
    None when it is gone. One query."""
    columns, q = _columns(), quote
    pair = f"CAST(f.{q('position')} AS text) || ':' || CAST(f.{q('span_id')} AS text)"
    joined = (f"string_agg({pair}, ',')" if connection.vendor == "postgresql"
              else f"group_concat({pair}, ',')")
    lock = " FOR UPDATE OF r" if connection.features.has_select_for_update_of else ""
    row = fetch_one(
        f"SELECT {columns.sql()}, (SELECT {q('status')} FROM {table(DocumentStatus)} WHERE "
        f"{q('document_id')} = r.{q('document_id')} AND {q('annotator_id')} = %s), "
        f"(SELECT {joined} FROM {table(ClaimFragment)} f WHERE "
        f"f.{q('attribution_id')} = r.{q('id')}), EXISTS(SELECT 1 FROM {table(Attribution)} c "
        f"WHERE c.{q('parent_id')} = r.{q('id')}) FROM {table(Attribution)} r "
        f"WHERE r.{q('id')} = %s{lock}", [actor_id, attribution_id])
    if row is None:
        return None
    found = columns.build(row)
    found.layer_status, fragments, children = row[columns.width:]
    pairs = sorted(tuple(map(int, pair.split(":"))) for pair in (fragments or "").split(",")
                   if pair)
    found.fragment_ids = [span_id for _, span_id in pairs]
    found.has_children = bool(children)
    return found


def attribution_row_delete(row: Attribution, *, actor, before: dict) -> bool:
    """Delete the locked row (attribution_locked, at its version) that has no children,
    with what points to it (its fragments and review decisions; suggestions of it
    cleared), its event (`before`: its snapshot) and the explorer's mark or refresh, in
    statements written out: one on PostgreSQL when it is not approved. False when this does
    not apply (it has children, or a relation needs Django's collector): the caller then
    deletes it the long way."""
    dependents = None if row.has_children else dependents_sql(
        Attribution, "{ids}", none_of=frozenset({(Attribution, "parent")}))
    if dependents is None:
        return False
    approved = row.review_state == ReviewState.APPROVED
    layer = {"project_id": row.document.project_id, "document_id": row.document_id,
             "layer": row.annotator_id}
    found = write_with_event(
        (f"DELETE FROM {table(Attribution)} WHERE {quote('id')} = %s AND "
         f"{quote('version')} = %s", [row.pk, row.version]),
        target_id=row.pk, before=tuple(dependents), mark=None if approved else layer,
        event={"project_id": row.document.project_id, "document_id": row.document_id,
               "actor_id": actor.pk, "action": "delete", "target_type": "attribution",
               "before": before, "after": None, "note": "", "cause_id": None})
    if not found:  # the row is locked at this version: only a bug gets here
        raise RuntimeError(f"attribution {row.pk}: locked, yet not deleted")
    if approved:
        explorer_layer_changed(**layer, approved=True)
    return True
