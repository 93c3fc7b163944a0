"""Sending a background job's task to the broker, for every kind of job.

Celery's default is to give up after about 0.6 s (raising), so a broker that was
down turned starting a job into a 500 after the job was committed, and the job
then waited as "queued" for ever: nothing looked at queued jobs again. Now the
web side tries briefly and, failing that, records why on the job and answers;
the watchdog (pretag_jobs_resume_stale, export_jobs_resume_stale) sends it again
later. Workers are not serving anyone and wait longer, riding out a broker restart.
"""
from __future__ import annotations

import logging

from annotator.models import JobState

log = logging.getLogger(__name__)

ACTIVE = (JobState.QUEUED, JobState.RUNNING)
SEND_RETRY_WEB = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5,
                  "interval_max": 1.0}
SEND_RETRY_WORKER = {"max_retries": 10, "interval_start": 0.5, "interval_step": 0.5,
                     "interval_max": 1.0}
BROKER_DOWN = ("Waiting for the message broker, which could not be reached ({error}); "
               "the job is sent again when it is back.")


def job_send(*, task, model, job_id: int, retry_policy: dict | None = None) -> bool:
    """Send `task(job_id)` with bounded retries. False, with a note in the job's `error`
    (cleared when a run starts), if the broker could not be reached."""
    from kombu.exceptions import KombuError

    try:
        task.apply_async((job_id,), retry=True, retry_policy=retry_policy or SEND_RETRY_WEB)
    except (KombuError, OSError) as exc:
        log.warning("%s %s not sent, the watchdog sends it later: %s",
                    model._meta.verbose_name, job_id, exc)
        model.objects.filter(pk=job_id, state__in=ACTIVE).update(
            error=BROKER_DOWN.format(error=f"{type(exc).__name__}: {exc}"[:500]))
        return False
    return True
