"""Files nobody will read any more: partial files of dead runs, exports past keeping."""
from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from annotator.models import ExportJob, JobState
from annotator.services.events import event_record
from annotator.services.exports.jobs import export_path

log = logging.getLogger(__name__)

# --- Files nobody will read any more -----------------------------------------------------
#
# A run killed mid-write (kill -9, a lost machine) leaves its partial file behind: nothing
# of the run is left to delete it. Finished exports are kept EXPORT_RETENTION_DAYS days.
# The watchdog calls export_files_clean after it has resumed stale jobs, so that the
# partial file of a run it has just given up on goes in the same pass.

PART_NAME = re.compile(r"^export-(?P<job>[0-9]+)-[a-z]+\.run-(?P<run>[0-9]+)\.zip\.part$")
ZIP_NAME = re.compile(r"^export-(?P<job>[0-9]+)-[a-z]+\.zip$")


@dataclass
class Cleaned:
    parts: list[str]     # partial files removed, relative to EXPORT_DIR
    expired: list[int]   # jobs whose finished file was removed
    orphans: list[str]   # finished files of jobs that are gone


def export_files_clean(*, now=None) -> Cleaned:
    """Remove partial files of runs that are not running, and finished files past keeping.

    - A partial file (export-JOB-FORMAT.run-RUN.zip.part) goes unless RUN is the run its
      job is running now: the job is gone, done, failed, cancelled, or queued again (the
      run was given up) or running a later run. Whatever its name, one untouched for
      longer than CELERY_TASK_TIME_LIMIT goes too: no run lives that long.
    - A finished export's zip goes EXPORT_RETENTION_DAYS days after it finished (0:
      kept for ever); the job keeps its row, counts and checksum, and its download
      answers 410. A zip whose job is gone (its project was deleted) goes at once.
    """
    root = Path(settings.EXPORT_DIR)
    result = Cleaned(parts=[], expired=[], orphans=[])
    if not root.is_dir():
        return result
    now = now or timezone.now()
    # Files first, jobs second: a run makes its job current before it creates its file,
    # so a file seen here belongs to a run the query below already knows.
    parts, zips = [], []
    for path in root.rglob("*"):
        name = PART_NAME.match(path.name) if path.name.endswith(".part") else ZIP_NAME.match(
            path.name)
        try:
            modified = path.stat().st_mtime
        except FileNotFoundError:  # removed meanwhile (a run that finished or stopped)
            continue
        if path.name.endswith(".part"):
            if time.time() - modified > settings.CELERY_TASK_TIME_LIMIT:
                parts.append((path, None))
            elif name:
                parts.append((path, (int(name["job"]), int(name["run"]))))
        elif name:
            zips.append((path, int(name["job"])))
    jobs = {row["pk"]: row for row in ExportJob.objects.filter(
        pk__in={run[0] for _, run in parts if run} | {job for _, job in zips}).values(
        "pk", "state", "attempts", "file_name")}
    for path, run in parts:
        job = jobs.get(run[0]) if run else None
        if run and job and job["state"] == JobState.RUNNING and job["attempts"] == run[1]:
            continue  # the current run's
        path.unlink(missing_ok=True)
        result.parts.append(str(path.relative_to(root)))
    for path, job_id in zips:
        if job_id not in jobs:
            path.unlink(missing_ok=True)
            result.orphans.append(str(path.relative_to(root)))
    if settings.EXPORT_RETENTION_DAYS > 0:
        cutoff = now - timedelta(days=settings.EXPORT_RETENTION_DAYS)
        for job in ExportJob.objects.filter(state=JobState.DONE,
                                            finished_at__lt=cutoff).exclude(file_name=""):
            # The row first: a download from now on answers 410, not a vanishing file.
            if ExportJob.objects.filter(pk=job.pk, file_name=job.file_name).update(
                    file_name=""):
                export_path(job).unlink(missing_ok=True)
                event_record(project_id=job.project_id, action="expire",
                             target_type="export_job", target_id=job.pk,
                             before={"file_name": job.file_name},
                             note=f"Kept {settings.EXPORT_RETENTION_DAYS} days "
                                  "(EXPORT_RETENTION_DAYS).")
                result.expired.append(job.pk)
    if result.parts or result.expired or result.orphans:
        log.info("export files removed: partial %s, expired jobs %s, orphaned %s",
                 result.parts, result.expired, result.orphans)
    return result
