"""Export jobs, run in this process: the task, its progress, a rerun, and failure."""
import zipfile

import pytest

from annotator.models import Event, ExportJob, JobState
from annotator.services.exports import jobs as exports  # where export_job_run finds project_export
from annotator.services.exports import export_job_run, export_job_start, export_path
from annotator.tasks import export_job_task

from tests.export_fixtures import export_dir, project  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db




def test_the_task_writes_the_zip_and_finishes_the_job_after_commit(
        project, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(export_job_task, "apply_async",
                        lambda args, **options: sent.append(args[0]))
    with django_capture_on_commit_callbacks(execute=True):
        job = export_job_start(project=project, requested_by=project.admin, fmt="brat")
    assert sent == [job.pk] and job.total == 7
    export_job_task.apply(args=[job.pk])  # in this process, as a worker would run it
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.done == 7 and job.finished_at
    archive = zipfile.ZipFile(export_path(job))
    assert sum(name.endswith(".txt") for name in archive.namelist()) == 7
    assert Event.objects.filter(target_type="export_job", target_id=job.pk).exists()


def test_progress_is_written_while_the_export_runs(project, monkeypatch):
    job = export_job_start(project=project, requested_by=project.admin, fmt="jsonl")
    seen = []
    real = exports.project_export

    def watching(**kwargs):
        progress = kwargs["progress"]

        def spy(done):
            progress(done)
            seen.append(ExportJob.objects.get(pk=job.pk).done)
        return real(**{**kwargs, "progress": spy})

    monkeypatch.setattr(exports, "project_export", watching)
    export_job_run(job_id=job.pk, progress_every=0)
    assert seen == [1, 2, 3, 4, 5, 6, 7]


def test_a_finished_job_is_not_run_again_and_a_redelivered_running_one_starts_over(project):
    job = export_job_run(job_id=export_job_start(project=project, requested_by=project.admin,
                                                 fmt="csv").pk)
    first = (job.sha256, job.finished_at)
    again = export_job_run(job_id=job.pk)
    assert (again.sha256, again.finished_at) == first
    running = export_job_start(project=project, requested_by=project.admin, fmt="jsonl")
    ExportJob.objects.filter(pk=running.pk).update(state=JobState.RUNNING, done=3)
    finished = export_job_run(job_id=running.pk)
    assert finished.state == JobState.DONE and finished.attempts == 1
    assert zipfile.ZipFile(export_path(finished)).testzip() is None


def test_a_failing_export_fails_the_job_with_its_reason_and_leaves_no_file(project,
                                                                           monkeypatch):
    job = export_job_start(project=project, requested_by=project.admin, fmt="jsonl")

    def broken(**kwargs):
        kwargs["bundle"].write("data.jsonl", ["half a file"])
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(exports, "project_export", broken)
    failed = export_job_run(job_id=job.pk)
    assert failed.state == JobState.FAILED and "disk on fire" in failed.error
    assert not failed.file_name
    from django.conf import settings

    assert not list((settings.EXPORT_DIR / f"project-{project.pk}").glob(f"export-{job.pk}-*"))
