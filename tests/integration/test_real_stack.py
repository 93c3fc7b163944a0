"""The smoke test of the production path: Redis broker, worker process, PostgreSQL."""
import pytest
import redis
from django.conf import settings
from django.db import connection

from annotator.models import WorkerPing
from annotator.services.worker import worker_ping_start


@pytest.mark.django_db(transaction=True)
def test_task_sent_through_redis_is_run_by_worker_process_and_row_lands_in_postgres(
        celery_worker_process, wait_for):
    ping = worker_ping_start()
    answered = wait_for(
        lambda: WorkerPing.objects.filter(pk=ping.pk, answered_at__isnull=False).first(),
        message=f"the worker's answer (log: {celery_worker_process.log})")
    assert connection.vendor == "postgresql"
    assert answered.worker.startswith("test-")
    # The message really went through Redis: the worker's queue exists there
    # (kombu keeps a binding for it) and holds nothing left undelivered.
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    queue = celery_worker_process.process.args[celery_worker_process.process.args.index("-Q") + 1]
    assert client.llen(queue) == 0
    assert any(queue.encode() in member for member in client.smembers("_kombu.binding." + queue))


@pytest.mark.django_db(transaction=True)
def test_database_trigger_refuses_span_past_text_on_postgres(document, annotator_user):
    from django.db import IntegrityError

    from annotator.models import Span

    with pytest.raises(IntegrityError, match="ends past the text"):
        Span.objects.create(document=document, annotator=annotator_user,
                            label=document.project.labels.get(name="CLAIM"),
                            start=len(document.text) - 1, end=len(document.text) + 1, quote="xx")
