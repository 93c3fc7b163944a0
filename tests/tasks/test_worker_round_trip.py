"""A real worker process answers a task sent through the configured broker.

In the core tier that is the quick start's stack (SQLite, kombu's filesystem
transport); in the integration tier, PostgreSQL and Redis.
"""
import pytest

from annotator.models import WorkerPing
from annotator.services.worker import worker_ping_start


@pytest.mark.django_db(transaction=True)
def test_worker_process_writes_its_answer_when_a_task_goes_through_the_broker(
        celery_worker_process, wait_for):
    ping = worker_ping_start()
    answered = wait_for(
        lambda: WorkerPing.objects.filter(pk=ping.pk, answered_at__isnull=False).first(),
        message=f"the worker's answer (log: {celery_worker_process.log})")
    assert answered.worker.startswith("test-")  # the name we gave the worker process
    assert answered.answered_at >= answered.created_at
