"""Celery tasks: each takes ids and calls a service (STYLE.md)."""
from celery import shared_task

from annotator.services.worker import worker_ping_answer


@shared_task(name="annotator.worker_ping")
def worker_ping_task(ping_id: int) -> None:
    from celery import current_task

    worker_ping_answer(ping_id=ping_id, worker=current_task.request.hostname or "")
