from __future__ import annotations

from typing import Any

from django.utils import timezone

from annotator.models import Event
from annotator.services.rows import row_insert


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
    event = Event(id=event_id, created_at=now, **values)
    if actor is not None:
        event.actor = actor
    return event


def event_record_bulk(*, project_id: int, action: str, target_type: str, actor=None,
                      items: list[dict]) -> None:
    """Many events of one action at once (one INSERT a thousand): each item gives target_id
    and optionally document_id, before, after and note, as event_record takes them."""
    Event.objects.bulk_create([
        Event(project_id=project_id, actor=actor, action=action, target_type=target_type,
              target_id=item["target_id"], document_id=item.get("document_id"),
              before=item.get("before"), after=item.get("after"), note=item.get("note", ""))
        for item in items], batch_size=1000)
