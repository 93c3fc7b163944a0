"""Export jobs after faults: a broker that cannot be reached, a lost message, a dead
worker, two runs of one job. The worker and restart tests are in integration/."""
import time
import zipfile
from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from annotator.models import Event, ExportJob, JobState
from annotator.services.exports import jobs as exports  # where export_job_run finds project_export
from annotator.services.exports import (MAX_RESUMES, export_job_run, export_job_start,
                                        export_jobs_resume_stale, export_path)

from tests.export_fixtures import export_dir, project  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

LONG_AGO = timedelta(hours=1)




@pytest.fixture
def broker_down():
    """The Celery app sends to a Redis port where nothing listens (a real, failing
    connection, not a stand-in); the app's connection pools are made again around it."""
    from config.celery import app
    from tests.integration.private_services import free_port

    def use(url, options):
        app.conf.broker_url, app.conf.broker_transport_options = url, options
        app._pool = None
        app.amqp._producer_pool = None

    before = (app.conf.broker_url, app.conf.broker_transport_options)
    nowhere = f"redis://127.0.0.1:{free_port()}/0"
    # Celery reads CELERY_BROKER_URL from the environment before its settings.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CELERY_BROKER_URL", nowhere)
        use(nowhere, {})
        try:
            yield
        finally:
            patch.undo()
            use(*before)


def start(project, fmt="jsonl"):
    return export_job_start(project=project, requested_by=project.admin, fmt=fmt)


def stale(job, **fields):
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - LONG_AGO, **fields)


def parts(project):
    from django.conf import settings

    return list((settings.EXPORT_DIR / f"project-{project.pk}").glob("*.part"))


def test_a_job_waits_with_a_note_when_the_broker_cannot_be_reached(
        project, broker_down, django_capture_on_commit_callbacks):
    began = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        job = start(project)
    assert time.monotonic() - began < 10  # a bounded retry, not a hang
    job.refresh_from_db()
    assert job.state == JobState.QUEUED and job.heartbeat_at
    assert "broker" in job.error and "sent again" in job.error
    ran = export_job_run(job_id=job.pk)  # what the watchdog's resend leads to
    assert ran.state == JobState.DONE and ran.error == ""


def test_the_watchdog_sends_again_a_queued_job_not_started_in_time(
        project, settings, django_capture_on_commit_callbacks):
    settings.JOB_STALE_SECONDS = 60  # the one setting for every kind of job
    waiting, fresh = start(project), start(project, fmt="csv")
    stale(waiting)
    with django_capture_on_commit_callbacks() as callbacks:
        assert export_jobs_resume_stale() == [waiting.pk]
    assert len(callbacks) == 1
    assert export_jobs_resume_stale() == []  # sent again just now: its heartbeat is new
    assert ExportJob.objects.get(pk=waiting.pk).state == JobState.QUEUED
    assert ExportJob.objects.get(pk=fresh.pk).state == JobState.QUEUED


def test_the_watchdog_sends_again_a_running_job_whose_heartbeat_stopped(
        project, django_capture_on_commit_callbacks):
    job = start(project)
    stale(job, state=JobState.RUNNING, attempts=1, done=3)  # its worker was killed
    with django_capture_on_commit_callbacks() as callbacks:
        assert export_jobs_resume_stale(older_than_seconds=60) == [job.pk]
    assert len(callbacks) == 1
    resumed = ExportJob.objects.get(pk=job.pk)
    assert resumed.state == JobState.QUEUED  # until a worker takes it
    assert Event.objects.filter(target_type="export_job", target_id=job.pk,
                                action="resume").count() == 1
    finished = export_job_run(job_id=job.pk)
    assert (finished.state, finished.done, finished.attempts) == (JobState.DONE, 7, 2)
    assert zipfile.ZipFile(export_path(finished)).testzip() is None
    assert parts(project) == []


def test_a_job_fails_visibly_when_resumed_too_often_without_getting_further(project):
    job = start(project)
    for _ in range(MAX_RESUMES):
        stale(job, state=JobState.RUNNING, done=3)
        assert export_jobs_resume_stale(older_than_seconds=60) == [job.pk]
    stale(job, state=JobState.RUNNING, done=3)
    assert export_jobs_resume_stale(older_than_seconds=60) == []
    failed = ExportJob.objects.get(pk=job.pk)
    assert failed.state == JobState.FAILED and failed.finished_at
    assert f"stopped {MAX_RESUMES + 1} times" in failed.error


def test_a_job_that_got_further_since_its_last_resume_is_not_failed(project):
    job = start(project)
    for done in range(MAX_RESUMES + 2):
        stale(job, state=JobState.RUNNING, done=done)
        assert export_jobs_resume_stale(older_than_seconds=60) == [job.pk]


def test_a_superseded_run_stops_and_deletes_its_file_when_a_later_run_starts(
        project, monkeypatch):
    job = start(project)
    real = exports.project_export

    def overtaken(**kwargs):
        progress = kwargs["progress"]

        def later_run_starts(done):
            ExportJob.objects.filter(pk=job.pk).update(attempts=F("attempts") + 1)
            progress(done)
        return real(**{**kwargs, "progress": later_run_starts})

    monkeypatch.setattr(exports, "project_export", overtaken)
    first = export_job_run(job_id=job.pk, progress_every=0)
    assert first.state == JobState.RUNNING and not first.file_name  # the later run's to finish
    assert parts(project) == []


def test_a_superseded_run_does_not_overwrite_the_file_of_the_run_that_finished(
        project, monkeypatch):
    job = start(project)
    real = exports.project_export
    calls = []

    def redelivered_meanwhile(**kwargs):
        calls.append(1)
        if len(calls) == 1:  # the first run: a second run starts and finishes meanwhile
            kwargs["bundle"].write("first-run.txt", ["the superseded run's file"])
            second = export_job_run(job_id=job.pk, progress_every=3600)
            assert second.state == JobState.DONE and second.attempts == 2
        return real(**kwargs)

    monkeypatch.setattr(exports, "project_export", redelivered_meanwhile)
    first = export_job_run(job_id=job.pk, progress_every=3600)
    assert (first.state, first.attempts) == (JobState.DONE, 2)
    archive = zipfile.ZipFile(export_path(first))
    assert "first-run.txt" not in archive.namelist()
    import hashlib

    assert hashlib.sha256(export_path(first).read_bytes()).hexdigest() == first.sha256
    assert parts(project) == []


def test_a_job_sent_again_after_it_ended_is_left_as_it_is(project):
    done = export_job_run(job_id=start(project).pk)
    failed = start(project)
    exports.export_job_fail(job_id=failed.pk, reason="given up")
    assert export_job_run(job_id=done.pk).finished_at == done.finished_at
    again = export_job_run(job_id=failed.pk)
    assert (again.state, again.error, again.attempts) == (JobState.FAILED, "given up", 0)
    assert export_jobs_resume_stale(older_than_seconds=0) == []


# --- Files left behind: partial files of dead runs, old finished files -----------------------

def part_of(job, run):
    """Where run `run` of the job writes (as export_job_run names it)."""
    from django.conf import settings

    folder = settings.EXPORT_DIR / f"project-{job.project_id}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"export-{job.pk}-{job.format}.run-{run}.zip.part"


def orphan(job, run, age_seconds=0):
    path = part_of(job, run)
    path.write_bytes(b"PK\x03\x04 half a zip")
    if age_seconds:
        when = time.time() - age_seconds
        import os

        os.utime(path, (when, when))
    return path


def watchdog(django_capture_on_commit_callbacks):
    """The beat task, as beat sends it; jobs it sends again are not sent (no broker here)."""
    from annotator.tasks import pretag_watchdog_task

    with django_capture_on_commit_callbacks():
        pretag_watchdog_task()


def test_the_watchdog_removes_partial_files_of_runs_that_are_not_running_any_more(
        project, django_capture_on_commit_callbacks):
    done = export_job_run(job_id=start(project).pk)
    failed = start(project)
    ExportJob.objects.filter(pk=failed.pk).update(state=JobState.RUNNING, attempts=1)
    exports.export_job_fail(job_id=failed.pk, reason="disk full")
    running = start(project, fmt="csv")
    ExportJob.objects.filter(pk=running.pk).update(state=JobState.RUNNING, attempts=3,
                                                   heartbeat_at=timezone.now())
    given_up = start(project, fmt="conll")  # the watchdog queued it again after run 1 died
    ExportJob.objects.filter(pk=given_up.pk).update(attempts=1)
    left = [orphan(done, 1), orphan(failed, 1), orphan(running, 2), orphan(given_up, 1)]
    gone_job = ExportJob(pk=987654, project=project, format="jsonl")  # its project was deleted
    left.append(orphan(gone_job, 1))
    current = orphan(running, 3)

    watchdog(django_capture_on_commit_callbacks)

    assert parts(project) == [current]
    assert not any(path.exists() for path in left)
    assert ExportJob.objects.get(pk=running.pk).state == JobState.RUNNING


def test_the_partial_file_of_a_run_that_died_mid_write_is_removed_and_the_job_completes(
        project, monkeypatch, django_capture_on_commit_callbacks):
    """A BaseException stands for kill -9 here: no handler of the run deletes its file.
    tests/integration/test_faults.py kills a real process instead."""
    job = start(project)
    real = exports.project_export

    def dies_mid_write(**kwargs):
        kwargs["bundle"].write("data.jsonl", ["the first documents"])
        raise SystemExit("killed")

    monkeypatch.setattr(exports, "project_export", dies_mid_write)
    with pytest.raises(SystemExit):
        export_job_run(job_id=job.pk)
    [left] = parts(project)
    assert left.name == f"export-{job.pk}-jsonl.run-1.zip.part"
    watchdog(django_capture_on_commit_callbacks)
    assert parts(project) == [left]  # its heartbeat is recent: the run may be alive

    stale(job)
    watchdog(django_capture_on_commit_callbacks)
    assert parts(project) == [] and ExportJob.objects.get(pk=job.pk).state == JobState.QUEUED
    monkeypatch.setattr(exports, "project_export", real)
    finished = export_job_run(job_id=job.pk)
    assert (finished.state, finished.attempts) == (JobState.DONE, 2)
    assert parts(project) == []


def test_partial_files_untouched_longer_than_a_task_may_run_are_removed_whatever_their_name(
        project, settings, django_capture_on_commit_callbacks):
    job = start(project)
    ExportJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING, attempts=1,
                                               heartbeat_at=timezone.now())
    too_old = settings.CELERY_TASK_TIME_LIMIT + 60
    folder = part_of(job, 1).parent
    unnamed_old, unnamed_new = folder / "export-5-jsonl.zip.part", folder / "mine.part"
    for path in (unnamed_old, unnamed_new):
        path.write_bytes(b"?")
    import os

    os.utime(unnamed_old, (time.time() - too_old,) * 2)
    stuck = orphan(job, 1, age_seconds=too_old)  # current by the database, dead by the clock

    watchdog(django_capture_on_commit_callbacks)

    assert not unnamed_old.exists() and not stuck.exists()
    assert unnamed_new.exists()  # not ours to judge until it is that old


def test_a_run_whose_file_the_cleanup_removed_after_the_watchdog_gave_up_on_it_fails_nothing(
        project, monkeypatch, django_capture_on_commit_callbacks):
    job = start(project)
    real = exports.project_export

    def given_up_meanwhile(**kwargs):
        result = real(**kwargs)
        stale(job)  # slow, not dead: the watchdog queues it again and cleans up
        watchdog(django_capture_on_commit_callbacks)
        for path in parts(project):  # (or anyone else does: the run must cope)
            path.unlink()
        return result

    monkeypatch.setattr(exports, "project_export", given_up_meanwhile)
    ran = export_job_run(job_id=job.pk)
    assert (ran.state, ran.error) == (JobState.QUEUED, "")  # the next run's, not failed
    assert parts(project) == []


def test_finished_exports_older_than_the_retention_are_removed_and_their_download_says_410(
        project, settings, django_capture_on_commit_callbacks):
    from rest_framework.test import APIClient

    settings.EXPORT_RETENTION_DAYS = 7
    old, recent = (export_job_run(job_id=start(project).pk) for _ in range(2))
    ExportJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=8))
    ExportJob.objects.filter(pk=recent.pk).update(
        finished_at=timezone.now() - timedelta(days=6))

    watchdog(django_capture_on_commit_callbacks)

    assert not export_path(old).exists() and export_path(recent).exists()
    expired = ExportJob.objects.get(pk=old.pk)
    assert expired.file_name == "" and expired.sha256 == old.sha256  # the row stays
    assert Event.objects.filter(target_type="export_job", target_id=old.pk,
                                action="expire").count() == 1
    client = APIClient()
    client.force_authenticate(project.admin)
    response = client.get(f"/api/export-jobs/{old.pk}/download/")
    assert response.status_code == 410
    assert response.json()["code"] == "export_expired"
    assert "kept 7 days" in response.json()["detail"] and "again" in response.json()["detail"]
    shown = client.get(f"/api/export-jobs/{old.pk}/").json()
    assert shown["expired"] is True and shown["download_url"] is None
    assert client.get(f"/api/export-jobs/{recent.pk}/download/").status_code == 200

    settings.EXPORT_RETENTION_DAYS = 0  # kept for ever
    ExportJob.objects.filter(pk=recent.pk).update(
        finished_at=timezone.now() - timedelta(days=400))
    watchdog(django_capture_on_commit_callbacks)
    assert export_path(recent).exists()


def test_finished_files_of_deleted_projects_are_removed(project, make_project,
                                                        django_capture_on_commit_callbacks):
    from annotator.services.documents import document_create

    other = make_project(admin=project.admin)
    document_create(project=other, title="X", text="Nobody said a thing.")
    job = export_job_run(job_id=export_job_start(project=other, requested_by=project.admin,
                                                 fmt="jsonl").pk)
    path = export_path(job)
    kept = export_path(export_job_run(job_id=start(project).pk))
    other.delete()  # the job goes with it, not its file
    watchdog(django_capture_on_commit_callbacks)
    assert not path.exists() and kept.exists()
