"""Background jobs of every kind: send them to a worker, resume the stale ones, fail them.

A kind of job (pre-tagging, export, the training to come) is a subclass of models.Job
and a run function; its service module declares a `JobKind` and annotator/tasks.py
gives it a task (`job_task(KIND)`). This module does the rest for every kind:

- Sending. Celery's default is to give up after about 0.6 s (raising), so a broker
  that was down turned starting a job into a 500 after the job was committed, and the
  job then waited as "queued" for ever. Now the web side tries briefly and, failing
  that, records why on the job and answers; the watchdog sends it again later.
  Workers are not serving anyone and wait longer, riding out a broker restart.
  Tasks are sent by name through the Celery app: services never import annotator.tasks
  (which imports services), so there is no import cycle between them.
- Resuming (`jobs_resume_stale`, run by the watchdog task and by every worker when it
  starts). A job still queued JOB_STALE_SECONDS after it was last sent had its message
  lost (Redis restarted without persistence) or never sent (the broker was down): it is
  sent again; one that merely waits behind others gets a second message, which is
  harmless (runs are idempotent). A running job without a heartbeat for as long lost
  its worker (Redis would redeliver only after the visibility timeout): it is sent
  again, and failed, saying why, after MAX_RESUMES resumes in a row that got no further.
  The job's resume state is on its row (`resumes`, `progress_at_resume`).
- Failing: only a job still active, and given a run, only while that run is current.
- Cancelling (`job_cancel`): a queued or running job is marked cancelled at once; its run
  stops at its next step (pre-tagging before its next batch, training at its next
  progress report), since every run writes only while its job is still running.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import KombuError

from annotator.errors import Conflict
from annotator.models import Job, JobState
from annotator.services.events import event_record

log = logging.getLogger(__name__)

ACTIVE = (JobState.QUEUED, JobState.RUNNING)
MAX_RESUMES = 5
SEND_RETRY_WEB = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5,
                  "interval_max": 1.0}
SEND_RETRY_WORKER = {"max_retries": 10, "interval_start": 0.5, "interval_step": 0.5,
                     "interval_max": 1.0}
BROKER_DOWN = ("Waiting for the message broker, which could not be reached ({error}); "
               "the job is sent again when it is back.")


@dataclass(frozen=True)
class JobKind:
    """One kind of job, as its service module declares it."""

    model: type[Job]
    task: str          # the Celery task's name (annotator/tasks.py gives it a task)
    target_type: str   # in the event log
    noun: str          # "The {noun} task failed: ..."
    # run(job_id=...) does the work; True when the job goes on in another task (the
    # next batch), which is then sent.
    run: Callable[..., bool]
    # True: a resumed job starts over, as a new run (its file is written again from the
    # start). False: it goes on from where it is (pre-tagging skips its done items).
    restarts: bool
    # The job's error when it is given up, given how many times its worker stopped.
    gave_up: Callable[[Job, int], str]


KINDS: dict[str, JobKind] = {}


def kind_register(kind: JobKind) -> JobKind:
    KINDS[kind.task] = kind
    return kind


def stale_seconds() -> float:
    """JOB_STALE_SECONDS; PRETAG_STALE_SECONDS, its old name, still counts when a
    settings module sets it (config/settings.py reads both from the environment)."""
    old = getattr(settings, "PRETAG_STALE_SECONDS", None)
    return settings.JOB_STALE_SECONDS if old is None else old


# --- Sending ---------------------------------------------------------------------------

def task_send(name: str, args: tuple, *, retry_policy: dict | None = None,
              countdown: float | None = None) -> None:
    """Send the task by name. The task object when this process has it (a worker, a
    test), the broker's message otherwise: the same message either way."""
    options = {"retry": True, "retry_policy": retry_policy} if retry_policy else {}
    if countdown:
        options["countdown"] = countdown
    task = current_app.tasks.get(name)
    if task is None:
        current_app.send_task(name, args, **options)
    else:
        task.apply_async(args, **options)


def job_send(*, kind: JobKind, job_id: int, retry_policy: dict | None = None,
             countdown: float | None = None) -> bool:
    """Send the job's task with bounded retries (to run `countdown` seconds later, if
    given). False, with a note in the job's `error` (cleared when a run starts), if the
    broker could not be reached."""
    try:
        task_send(kind.task, (job_id,), retry_policy=retry_policy or SEND_RETRY_WEB,
                  countdown=countdown)
    except (KombuError, OSError) as exc:
        log.warning("%s %s not sent, the watchdog sends it later: %s",
                    kind.model._meta.verbose_name, job_id, exc)
        kind.model.objects.filter(pk=job_id, state__in=ACTIVE).update(
            error=BROKER_DOWN.format(error=f"{type(exc).__name__}: {exc}"[:500]))
        return False
    return True


def job_enqueue(*, kind: JobKind, job_id: int) -> None:
    """Send the job once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: job_send(kind=kind, job_id=job_id))


# --- Running: what the task base class calls ------------------------------------------------

def job_task_run(*, task: str, job_id: int) -> None:
    kind = KINDS[task]
    if kind.run(job_id=job_id):
        # If the broker stays down, the job keeps its place (and says so) instead of
        # failing: the watchdog sends it again once its heartbeat is stale.
        job_send(kind=kind, job_id=job_id, retry_policy=SEND_RETRY_WORKER)


def job_task_failed(*, task: str, job_id: int, exc: BaseException) -> None:
    """The task gave up (retries used up, or a bug): the job says why instead of staying
    "running"."""
    kind = KINDS[task]
    job_fail(kind=kind, job_id=job_id,
             reason=f"The {kind.noun} task failed: {type(exc).__name__}: {exc}")


# --- Failing -------------------------------------------------------------------------------

def job_fail(*, kind: JobKind, job_id: int, reason: str, attempt: int | None = None) -> None:
    """Fail the job if it is still active (and, given `attempt`, if that run is current).

    A run is current while the job runs it: once the watchdog has queued the job again,
    the run is superseded even before the next one starts, and fails nothing.
    """
    jobs = kind.model.objects.filter(pk=job_id, state__in=ACTIVE)
    if attempt is not None:
        jobs = jobs.filter(attempts=attempt, state=JobState.RUNNING)
    jobs.update(state=JobState.FAILED, error=reason[:2000], finished_at=timezone.now())


@transaction.atomic
def job_cancel(*, kind: JobKind, job: Job, actor) -> Job:
    """Cancel a queued or running job; a finished one is a 409 saying how it ended."""
    updated = kind.model.objects.filter(pk=job.pk, state__in=ACTIVE).update(
        state=JobState.CANCELLED, finished_at=timezone.now(),
        error=f"Cancelled by {actor.get_username()}.")
    job.refresh_from_db()
    if not updated:
        raise Conflict(f"The job is already {job.state}.", current={"state": job.state},
                       code="job_finished")
    event_record(project_id=job.project_id, actor=actor, action="cancel",
                 target_type=kind.target_type, target_id=job.pk)
    return job


# --- Resuming --------------------------------------------------------------------------

def jobs_resume_stale(*, kind: JobKind, older_than_seconds: float | None = None) -> list[int]:
    """Send again the kind's jobs whose message was lost or whose worker stopped; fail
    those resumed too often without getting further. Returns the ids sent again."""
    seconds = stale_seconds() if older_than_seconds is None else older_than_seconds
    model = kind.model
    now = timezone.now()
    cutoff = now - timedelta(seconds=seconds)
    resumed = []
    with transaction.atomic():
        # For a queued job, `heartbeat_at` is when it was last sent.
        waiting = model.objects.select_for_update(skip_locked=True).filter(
            Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff),
            state=JobState.QUEUED)
        for job in waiting:
            model.objects.filter(pk=job.pk).update(heartbeat_at=now)
            job_enqueue(kind=kind, job_id=job.pk)
            resumed.append(job.pk)
        stale = model.objects.select_for_update(skip_locked=True).filter(
            Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff),
            state=JobState.RUNNING)
        for job in stale:
            if _resume(kind, job, now):
                resumed.append(job.pk)
    if resumed:
        log.warning("sent again %s whose worker stopped or whose message was not sent: %s",
                    model._meta.verbose_name_plural, resumed)
    return resumed


def _resume(kind: JobKind, job: Job, now) -> bool:
    """Queue the stale running job again, or fail it; True if it was sent again.

    "Further" is how far the job got: a restarting kind's run starts over, so that is
    how far this run got against the last one. A worker that dies at the same document
    every time (out of memory, say) counts up; a job that moved on between resumes (it
    lost several workers, or only waited behind other jobs long enough to look
    orphaned) starts counting again.
    """
    stuck = job.progress_at_resume is not None and job.done <= job.progress_at_resume
    if stuck and job.resumes >= MAX_RESUMES:
        job_fail(kind=kind, job_id=job.pk, reason=kind.gave_up(job, job.resumes + 1))
        event_record(project_id=job.project_id, action="fail", target_type=kind.target_type,
                     target_id=job.pk, after={"done": job.done},
                     note="No heartbeat from its worker, too many times.")
        return False
    fields = {"resumes": job.resumes + 1 if stuck else 1, "progress_at_resume": job.done,
              "heartbeat_at": now}
    if kind.restarts:
        # Queued again until a worker takes it: waiting there behind other tasks is not
        # a resume without progress, and a run still alive stops at its next beat.
        fields.update(state=JobState.QUEUED, done=0)
    kind.model.objects.filter(pk=job.pk).update(**fields)
    event_record(project_id=job.project_id, action="resume", target_type=kind.target_type,
                 target_id=job.pk, after={"done": job.done, "run": job.attempts},
                 note="No heartbeat from its worker: sent again.")
    job_enqueue(kind=kind, job_id=job.pk)
    return True


def jobs_resume_stale_all(*, older_than_seconds: float | None = None) -> dict[str, list[int]]:
    """Every kind's stale jobs, one kind after the other: one kind's trouble does not
    keep the others waiting (the first error is raised once all had their turn)."""
    resumed, failure = {}, None
    for name, kind in KINDS.items():
        try:
            resumed[name] = jobs_resume_stale(kind=kind, older_than_seconds=older_than_seconds)
        except Exception as exc:  # noqa: BLE001  (raised below, after the other kinds)
            log.exception("resuming %s failed", kind.model._meta.verbose_name_plural)
            failure = failure or exc
    if failure is not None:
        raise failure
    return resumed
