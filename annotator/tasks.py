"""Celery tasks: each takes ids and calls a service (STYLE.md).

The only module that makes Celery task objects. Services send tasks by name
(annotator/services/jobs.py), so they never import this module, which imports them.
A job's task is `job_task(KIND)`: a `JobTask` that runs the kind's run function.
"""
from celery import Task, current_task, shared_task
from celery.signals import worker_ready
from django.db import InterfaceError, OperationalError

from annotator.services import claim_groups, jobs, pretag_jobs, training, worker
from annotator.services.exports import files as export_files
from annotator.services.exports import jobs as export_jobs
from annotator.services.idempotency import idempotency_keys_expire


@shared_task(name=worker.PING_TASK)
def worker_ping_task(ping_id: int) -> None:
    worker.worker_ping_answer(ping_id=ping_id, worker=current_task.request.hostname or "")


class JobTask(Task):
    """The task of one kind of job: takes the job's id, runs it, sends it again while it
    says there is more; the job's row, not a result backend, holds its state."""

    acks_late = True
    reject_on_worker_lost = True
    # A database restart or a dropped connection: try again, waiting longer each time.
    autoretry_for = (OperationalError, InterfaceError)
    retry_backoff = 2
    retry_backoff_max = 60
    retry_jitter = True
    max_retries = 8

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Retries used up (or a bug): the job says why instead of staying "running".
        jobs.job_task_failed(task=self.name, job_id=args[0], exc=exc)


def job_task(kind: jobs.JobKind):
    """The task of a kind of job, under the kind's task name."""
    def run(self, job_id: int) -> None:
        jobs.job_task_run(task=self.name, job_id=job_id)

    run.__name__ = run.__qualname__ = kind.task.rpartition(".")[2] + "_task"
    return shared_task(bind=True, base=JobTask, name=kind.task)(run)


pretag_job_task = job_task(pretag_jobs.KIND)
export_job_task = job_task(export_jobs.KIND)
training_job_task = job_task(training.KIND)
claim_group_job_task = job_task(claim_groups.KIND)


# The name is older than export jobs (settings' beat schedule uses it): it resumes the
# stale jobs of every kind, then removes the export files nobody will read (after the
# resumes: a run given up on just now leaves a partial file that goes in the same pass)
# and deletes the API's idempotency keys past their time.
@shared_task(name="annotator.pretag_watchdog")
def pretag_watchdog_task() -> None:
    try:
        jobs.jobs_resume_stale_all()
    finally:  # one chore's trouble must not keep the others waiting
        try:
            export_files.export_files_clean()
        finally:
            idempotency_keys_expire()


@worker_ready.connect
def _resume_orphaned_jobs(sender=None, **kwargs):
    # Through the broker, so that the worker's own pool runs it.
    pretag_watchdog_task.delay()
