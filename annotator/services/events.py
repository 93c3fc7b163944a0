from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils import timezone

from annotator.access.rows import saved_instance
from annotator.models import Event
from annotator.services.rows import row_insert, statement_with_event


def event_record(*, project_id: int, action: str, target_type: str, target_id: int,
                 actor=None, document_id: int | None = None, before: Any = None,
                 after: Any = None, note: str = "", cause: Event | None = None) -> Event:
    """One event, INSERTed by services/rows.py (every write records one: through the ORM
    its compile cost more than the INSERT, issue #17); the Event as the ORM would return it."""
    now = timezone.now()
    values = {"project_id": project_id, "document_id": document_id,
              "actor_id": None if actor is None else actor.pk, "action": action,
              "target_type": target_type, "target_id": target_id, "before": before,
              "after": after, "note": note, "cause_id": None if cause is None else cause.pk}
    event_id = row_insert(Event, values, now=now)
    if actor is not None:
        del values["actor_id"]
        return saved_instance(Event, id=event_id, created_at=now, actor=actor, **values)
    return saved_instance(Event, id=event_id, created_at=now, **values)


def event_record_bulk(*, project_id: int, action: str, target_type: str, actor=None,
                      items: list[dict]) -> None:
    """Many events of one action at once (one INSERT a thousand): each item gives target_id
    and optionally document_id, before, after and note, as event_record takes them."""
    Event.objects.bulk_create([
        Event(project_id=project_id, actor=actor, action=action, target_type=target_type,
              target_id=item["target_id"], document_id=item.get("document_id"),
              before=item.get("before"), after=item.get("after"), note=item.get("note", ""))
        for item in items], batch_size=1000)


def write_with_event(write: tuple[str, list], *, target_id: int, event: dict,
                     before: tuple[str, ...] = (), mark: dict | None = None) -> bool:
    """A versioned UPDATE or DELETE of one row (`write`: SQL and parameters), the
    statements `before` (SQL naming the row's id `{ids}`: what a delete does to the rows
    that point to it, services/rows.py's dependents_sql) and the Event of the change
    (`event`: its columns but target_id, as statement_with_event takes them); with `mark`
    (explorer_layer_changed's project_id, document_id and layer) the layer's stale mark too.
    On PostgreSQL ONE statement (issue #17: a round trip each), written only if `write`
    found its row; on SQLite one statement each, in-process. Whether `write` found its row
    (False: nothing written). No savepoint: an IntegrityError (a duplicate) goes up to the
    caller's transaction, whose 409 rolls it back."""
    # Imported here: the explorer's modules import this one (through services/jobs.py).
    from annotator.services.explorer_stale import explorer_layer_changed, stale_mark_sql

    now = timezone.now()
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        sql, params = write
        then = tuple((statement.format(ids="SELECT id FROM n"), []) for statement in before)
        if mark is not None:
            then += (stale_mark_sql(**mark, source="FROM n"),)
        return statement_with_event((f"{sql} RETURNING {quote('id')} AS id", params),
                                    now=now, event=event, then=then) is not None
    with connection.cursor() as cursor:
        for statement in before:
            cursor.execute(statement.format(ids="%s"), [target_id])
        cursor.execute(*write)
        if not cursor.rowcount:
            return False
    row_insert(Event, {**event, "target_id": target_id}, now=now)
    if mark is not None:
        explorer_layer_changed(**mark, approved=False)
    return True
