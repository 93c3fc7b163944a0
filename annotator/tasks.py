"""Celery tasks: each takes ids and calls a service (STYLE.md)."""
from celery import Task, shared_task
from celery.signals import worker_ready
from django.db import InterfaceError, OperationalError

from annotator.services import pretag_jobs
from annotator.services.worker import worker_ping_answer


@shared_task(name="annotator.worker_ping")
def worker_ping_task(ping_id: int) -> None:
    from celery import current_task

    worker_ping_answer(ping_id=ping_id, worker=current_task.request.hostname or "")


class PretagTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Retries used up (or a bug): the job says why instead of staying "running".
        pretag_jobs.pretag_job_fail(job_id=args[0], reason=f"The pre-tagging task failed: "
                                                           f"{type(exc).__name__}: {exc}")


@shared_task(bind=True, base=PretagTask, name="annotator.pretag_job",
             acks_late=True, reject_on_worker_lost=True,
             # A database restart or a dropped connection: try again, waiting longer each time.
             autoretry_for=(OperationalError, InterfaceError), retry_backoff=2,
             retry_backoff_max=60, retry_jitter=True, max_retries=8)
def pretag_job_task(self, job_id: int) -> None:
    if pretag_jobs.pretag_job_run_batch(job_id=job_id):
        # If the broker stays down, the job keeps its place (and says so) instead of
        # failing: the watchdog sends it again once its heartbeat is stale.
        pretag_jobs.pretag_job_send(job_id=job_id, retry_policy=pretag_jobs.SEND_RETRY_WORKER)


class ExportTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        from annotator.services.exports import export_job_fail

        export_job_fail(job_id=args[0], reason=f"The export task failed: "
                                               f"{type(exc).__name__}: {exc}")


@shared_task(bind=True, base=ExportTask, name="annotator.export_job",
             acks_late=True, reject_on_worker_lost=True,
             autoretry_for=(OperationalError, InterfaceError), retry_backoff=2,
             retry_backoff_max=60, retry_jitter=True, max_retries=8)
def export_job_task(self, job_id: int) -> None:
    from annotator.services.exports import export_job_run

    export_job_run(job_id=job_id)


# The name is older than export jobs (settings' beat schedule uses it): it watches both,
# then removes the export files nobody will read (after the resumes: a run given up on
# just now leaves a partial file that goes in the same pass) and deletes the API's
# idempotency keys past their time.
@shared_task(name="annotator.pretag_watchdog")
def pretag_watchdog_task() -> None:
    from annotator.services.exports import export_files_clean, export_jobs_resume_stale
    from annotator.services.idempotency import idempotency_keys_expire

    try:
        pretag_jobs.pretag_jobs_resume_stale()
    finally:  # one kind's trouble must not keep the other waiting
        try:
            export_jobs_resume_stale()
        finally:
            try:
                export_files_clean()
            finally:
                idempotency_keys_expire()


@worker_ready.connect
def _resume_orphaned_jobs(sender=None, **kwargs):
    # Through the broker, so that the worker's own pool runs it.
    pretag_watchdog_task.delay()
