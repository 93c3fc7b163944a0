from __future__ import annotations

from typing import Any

from annotator.models import Event


def event_record(*, project_id: int, action: str, target_type: str, target_id: int,
                 actor=None, document_id: int | None = None, before: Any = None,
                 after: Any = None, note: str = "", cause: Event | None = None) -> Event:
    return Event.objects.create(project_id=project_id, document_id=document_id, actor=actor,
                                action=action, target_type=target_type, target_id=target_id,
                                before=before, after=after, note=note, cause=cause)
