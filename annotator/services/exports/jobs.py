"""Background jobs: an export as an ExportJob that a Celery worker runs."""
from __future__ import annotations

import hashlib
import logging
import os
import re
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from annotator.formats.archive import ZipBundle
from annotator.models import Document, ExportFormat, ExportJob, ExportLayer, JobState, Project
from annotator.services import jobs
from annotator.services.events import event_record
from annotator.services.exports.bundle import project_export
from annotator.services.exports.layers import Layer, layer_parse

log = logging.getLogger(__name__)

ACTIVE = jobs.ACTIVE


# --- Background jobs --------------------------------------------------------------------
#
# A job survives what every job survives (annotator/services/jobs.py; docs/deploy.md,
# "Health checks"): a broker that cannot be reached when it is sent (it waits, saying
# so, and the watchdog sends it again), a message Redis lost (the watchdog sends a job
# still queued after JOB_STALE_SECONDS again), a worker killed mid-export (its heartbeat
# stops; the watchdog queues it again, and fails it after MAX_RESUMES resumes that got
# no further). A resumed export starts over: a job may so run twice at once, each run
# writes a file of its own, and only the job's current run (the latest started) may
# finish it.

MAX_RESUMES = jobs.MAX_RESUMES


def export_job_send(*, job_id: int, retry_policy: dict | None = None) -> bool:
    """Send the job to a worker. False, with a note on the job, if the broker is down."""
    return jobs.job_send(kind=KIND, job_id=job_id, retry_policy=retry_policy)


def _enqueue(job_id: int) -> None:
    jobs.job_enqueue(kind=KIND, job_id=job_id)


@transaction.atomic
def export_job_start(*, project: Project, requested_by, fmt: str,
                     layer: str = ExportLayer.APPROVED) -> ExportJob:
    """Create the job and queue it (after commit). Returns at once."""
    if fmt not in ExportFormat.values:
        raise ValidationError({"format": f"must be one of {', '.join(ExportFormat.values)}."})
    parsed = layer_parse(project=project, value=layer)
    job = ExportJob.objects.create(project=project, format=fmt, layer=parsed.kind,
                                   annotator_id=parsed.annotator_id, requested_by=requested_by,
                                   total=Document.objects.filter(project=project).count(),
                                   heartbeat_at=timezone.now())  # sent just after commit
    event_record(project_id=project.pk, actor=requested_by, action="start",
                 target_type="export_job", target_id=job.pk,
                 after={"format": fmt, **parsed.describe()})
    _enqueue(job.pk)
    return job


def export_path(job: ExportJob) -> Path:
    return Path(settings.EXPORT_DIR) / job.file_name


def download_name(job: ExportJob) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", job.project.name).strip("-").lower() or "project"
    layer = job.layer if job.layer != ExportLayer.ANNOTATOR else \
        f"annotator-{job.annotator.username if job.annotator_id else 'gone'}"
    return f"{slug}-{job.format}-{layer}-{job.pk}.zip"


def export_job_fail(*, job_id: int, reason: str, attempt: int | None = None) -> None:
    """Fail the job if it is still active (and, given `attempt`, if that run is current)."""
    jobs.job_fail(kind=KIND, job_id=job_id, reason=reason, attempt=attempt)


class Superseded(Exception):
    """A later run of the job started (or the job ended): this run stops and cleans up."""


def export_job_run(*, job_id: int, progress_every: float = 0.5) -> ExportJob | None:
    """Write the job's zip (to a file of this run's own, renamed when complete) and finish
    the job.

    Running it again (a retried, redelivered or resent task) writes the file again from
    the start, as the job's new current run; an older run still going stops at its next
    progress report, or finds at the end that it was superseded, and deletes its file.
    A job already done or failed is left as it is.
    """
    with transaction.atomic():
        # of=("self",): PostgreSQL locks no outer-joined (nullable) row.
        job = ExportJob.objects.select_for_update(of=("self",)).select_related(
            "project", "annotator").filter(pk=job_id).first()
        if job is None or job.state not in ACTIVE:
            return job
        attempt = job.attempts + 1
        now = timezone.now()
        # error="": a note that the job waited for the broker; it runs now.
        ExportJob.objects.filter(pk=job_id).update(
            state=JobState.RUNNING, started_at=now, heartbeat_at=now, done=0, error="",
            attempts=attempt)
    if job.layer == ExportLayer.ANNOTATOR and job.annotator_id is None:
        export_job_fail(job_id=job_id, reason="The annotator of this export was deleted.",
                        attempt=attempt)
        return ExportJob.objects.get(pk=job_id)
    layer = Layer(kind=job.layer, annotator_id=job.annotator_id,
                  annotator_name=job.annotator.username if job.annotator_id else "")
    relative = Path(f"project-{job.project_id}") / f"export-{job.pk}-{job.format}.zip"
    target = Path(settings.EXPORT_DIR) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    # Two runs of one job (a redelivered message and a resent one) never share a file;
    # the name says whose it is, for export_files_clean (PART_NAME).
    partial = target.with_name(f"{target.stem}.run-{attempt}.zip.part")
    current = ExportJob.objects.filter(pk=job_id, state=JobState.RUNNING, attempts=attempt)
    last_report = [time.monotonic()]

    def beat(**fields) -> None:
        if not current.update(heartbeat_at=timezone.now(), **fields):
            raise Superseded

    def progress(done: int) -> None:
        now = time.monotonic()
        if now - last_report[0] >= progress_every:
            last_report[0] = now
            beat(done=min(done, job.total))

    try:
        with ZipBundle(partial) as bundle:
            result = project_export(project=job.project, fmt=job.format, layer=layer,
                                    bundle=bundle, progress=progress)
        digest, size = hashlib.sha256(), 0
        with partial.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
                size += len(chunk)
        documents = result["counts"]["documents"]
        with transaction.atomic():
            # The conditional UPDATE holds the row until the file is in place: a run
            # starting meanwhile waits, then finds the job done.
            if not current.update(
                    state=JobState.DONE, finished_at=timezone.now(), heartbeat_at=timezone.now(),
                    file_name=str(relative), sha256=digest.hexdigest(), size=size,
                    counts=result["counts"], total=max(job.total, documents), done=documents):
                raise Superseded
            os.replace(partial, target)
    except Superseded:
        log.info("export job %s: run %s superseded, its file deleted", job_id, attempt)
        partial.unlink(missing_ok=True)
        return ExportJob.objects.get(pk=job_id)
    except (OperationalError, InterfaceError):
        partial.unlink(missing_ok=True)
        raise  # the task retries these
    except Exception as exc:  # the job says why rather than staying "running"
        partial.unlink(missing_ok=True)
        if not current.exists():  # superseded meanwhile: the cleanup may have taken its file
            log.info("export job %s: run %s superseded (%s)", job_id, attempt, exc)
            return ExportJob.objects.get(pk=job_id)
        log.exception("export job %s failed", job_id)
        export_job_fail(job_id=job_id, reason=f"{type(exc).__name__}: {exc}", attempt=attempt)
        return ExportJob.objects.get(pk=job_id)
    return ExportJob.objects.get(pk=job_id)


def export_jobs_resume_stale(*, older_than_seconds: float | None = None) -> list[int]:
    """Send again the export jobs whose message was lost or whose worker stopped (queued
    again: the next run starts over); fail those resumed too often without getting
    further. annotator/services/jobs.py, "Resuming", says how."""
    return jobs.jobs_resume_stale(kind=KIND, older_than_seconds=older_than_seconds)


def _gave_up(job: ExportJob, times: int) -> str:
    return (f"The worker running this export stopped {times} times, never past document "
            f"{job.done} of {job.total}; giving up. See the worker logs, then start the "
            "export again.")


def _run(*, job_id: int) -> bool:
    export_job_run(job_id=job_id)
    return False  # one run writes the whole file


KIND = jobs.kind_register(jobs.JobKind(
    model=ExportJob, task="annotator.export_job", target_type="export_job", noun="export",
    run=_run, restarts=True, gave_up=_gave_up))
