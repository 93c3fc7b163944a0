"""A round trip through the broker, to prove a worker is listening."""
from __future__ import annotations

import socket

from django.db import transaction
from django.utils import timezone

from annotator.models import WorkerPing
from annotator.services.jobs import task_send

PING_TASK = "annotator.worker_ping"  # annotator/tasks.py's worker_ping_task


def worker_ping_start() -> WorkerPing:
    ping = WorkerPing.objects.create()
    transaction.on_commit(lambda: task_send(PING_TASK, (ping.pk,)))
    return ping


def worker_ping_answer(*, ping_id: int, worker: str = "") -> None:
    # An update by id: answering twice (a redelivered message) changes nothing new.
    WorkerPing.objects.filter(pk=ping_id, answered_at__isnull=True).update(
        answered_at=timezone.now(), worker=worker or socket.gethostname())
