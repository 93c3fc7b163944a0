"""The one job framework: kinds, the resume state on the row, the settings' names, and
services that never import the tasks (annotator/services/jobs.py)."""
import ast
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from annotator.models import (ClaimGroupJob, Event, ExportJob, Job, JobState, PretagJob,
                              TrainingJob)
from annotator.services import jobs
from annotator.services.exports import export_job_start, export_jobs_resume_stale
from annotator.services.pretag_jobs import (pretag_job_run_batch, pretag_job_start,
                                            pretag_jobs_resume_stale)
from tests.export_fixtures import export_dir, project  # noqa: F401  (fixtures)
from tests.migrations import latest, migrate

ROOT = Path(__file__).resolve().parents[2]
LONG_AGO = timedelta(hours=1)


def test_every_kind_of_job_is_a_job_with_a_task_of_its_name():
    import annotator.tasks as tasks

    assert {kind.model for kind in jobs.KINDS.values()} == {PretagJob, ExportJob, TrainingJob,
                                                            ClaimGroupJob}
    for name, kind in jobs.KINDS.items():
        assert issubclass(kind.model, Job) and kind.task == name
        task = {"annotator.pretag_job": tasks.pretag_job_task,
                "annotator.export_job": tasks.export_job_task,
                "annotator.training_job": tasks.training_job_task,
                "annotator.claim_group_job": tasks.claim_group_job_task}[name]
        assert isinstance(task, tasks.JobTask) and task.name == name
        assert task.acks_late and task.max_retries == 8


def test_importing_every_service_in_a_fresh_interpreter_does_not_import_the_tasks():
    code = ("import django, pkgutil, importlib, sys; django.setup()\n"
            "import annotator.services as s\n"
            "for m in pkgutil.walk_packages(s.__path__, 'annotator.services.'):\n"
            "    importlib.import_module(m.name)\n"
            "print('annotator.tasks' in sys.modules)\n")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    assert out.strip() == "False"


def test_only_the_tasks_module_imports_task_objects_or_celery_task_machinery():
    """A static check: no module of the app imports annotator.tasks (not even inside a
    function), and only annotator/tasks.py imports Celery's Task or shared_task."""
    offenders = []
    for path in (ROOT / "annotator").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = {alias.name for alias in node.names}
                if node.module == "annotator.tasks" or (
                        node.module == "annotator" and "tasks" in names):
                    offenders.append(f"{path.relative_to(ROOT)} imports annotator.tasks")
                if (node.module or "").startswith("celery") and names & {"Task", "shared_task"} \
                        and path.name != "tasks.py":
                    offenders.append(f"{path.relative_to(ROOT)} imports {names}")
            elif isinstance(node, ast.Import):
                if any(alias.name == "annotator.tasks" for alias in node.names):
                    offenders.append(f"{path.relative_to(ROOT)} imports annotator.tasks")
    assert offenders == []


def test_the_stale_time_is_job_stale_seconds_and_the_old_name_still_counts(settings):
    settings.JOB_STALE_SECONDS = 33
    assert jobs.stale_seconds() == 33
    settings.PRETAG_STALE_SECONDS = 44  # a settings module of before the rename
    assert jobs.stale_seconds() == 44


@pytest.mark.parametrize("environ, expected", [
    ({"JOB_STALE_SECONDS": "7"}, 7),
    ({"PRETAG_STALE_SECONDS": "9"}, 9),  # the old name, when the new one is not set
    ({"JOB_STALE_SECONDS": "7", "PRETAG_STALE_SECONDS": "9"}, 7),
    ({}, 120),
])
def test_the_environment_sets_the_stale_time_under_either_name(environ, expected):
    env = {k: v for k, v in os.environ.items()
           if k not in ("JOB_STALE_SECONDS", "PRETAG_STALE_SECONDS")}
    env.update(environ, DJANGO_SETTINGS_MODULE="config.settings")
    out = subprocess.run([sys.executable, "-c", "from django.conf import settings; "
                          "print(settings.JOB_STALE_SECONDS)"], cwd=ROOT, env=env,
                         check=True, capture_output=True, text=True).stdout
    assert int(out) == expected


@pytest.mark.django_db
def test_the_resume_state_is_on_the_row_not_read_back_from_the_event_log(project):
    job = export_job_start(project=project, requested_by=project.admin, fmt="jsonl")
    for _ in range(jobs.MAX_RESUMES):
        ExportJob.objects.filter(pk=job.pk).update(
            state=JobState.RUNNING, done=2, heartbeat_at=timezone.now() - LONG_AGO)
        assert export_jobs_resume_stale(older_than_seconds=60) == [job.pk]
        Event.objects.filter(target_type="export_job", action="resume").delete()
    resumed = ExportJob.objects.get(pk=job.pk)
    assert (resumed.resumes, resumed.progress_at_resume) == (jobs.MAX_RESUMES, 2)
    ExportJob.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, done=2, heartbeat_at=timezone.now() - LONG_AGO)
    assert export_jobs_resume_stale(older_than_seconds=60) == []
    failed = ExportJob.objects.get(pk=job.pk)
    assert failed.state == JobState.FAILED and "stopped 6 times" in failed.error
    assert Event.objects.filter(target_type="export_job", target_id=job.pk,
                                action="fail").exists()


@pytest.mark.django_db
def test_a_resumed_pretag_job_goes_on_running_from_where_it_is(make_project, make_document,
                                                               make_user):
    admin = make_user("framework")
    project = make_project(admin=admin)
    for text in ("The minister said the deal is dead.", "Nothing here.", "All quiet."):
        make_document(project, text=text)
    job = pretag_job_start(project=project, requested_by=admin)
    pretag_job_run_batch(job_id=job.pk, batch_size=1)
    PretagJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - LONG_AGO)
    assert pretag_jobs_resume_stale(older_than_seconds=60) == [job.pk]
    resumed = PretagJob.objects.get(pk=job.pk)
    assert (resumed.state, resumed.done, resumed.attempts) == (JobState.RUNNING, 1, 1)
    assert (resumed.resumes, resumed.progress_at_resume) == (1, 1)
    pretag_job_run_batch(job_id=job.pk, batch_size=1)  # it got further: counting restarts
    PretagJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - LONG_AGO)
    assert pretag_jobs_resume_stale(older_than_seconds=60) == [job.pk]
    assert PretagJob.objects.get(pk=job.pk).resumes == 1


# --- The migration that moved the resume state onto the row --------------------------------

BEFORE = [("annotator", "0008_api_tokens")]
AFTER = [("annotator", "0012_job_resume_state")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_job_and_carries_its_resume_count_over(make_user,
                                                                         make_project):
    admin = make_user("migrator")
    project = make_project(admin=admin)
    newest = latest()
    try:
        old = migrate(BEFORE)
        OldPretag, OldExport = (old.get_model("annotator", n) for n in ("PretagJob",
                                                                         "ExportJob"))
        OldEvent = old.get_model("annotator", "Event")
        now = timezone.now()
        stuck = OldPretag.objects.create(project_id=project.pk, tagger_name="rules",
                                         tagger_version="1", state="running", total=9,
                                         done=4, attempts=3, started_at=now)
        finished = OldPretag.objects.create(project_id=project.pk, tagger_name="rules",
                                            tagger_version="1", state="done", total=2,
                                            done=2, started_at=now)
        export = OldExport.objects.create(project_id=project.pk, format="jsonl",
                                          state="queued", total=9, attempts=3)
        for target_type, target_id, done in [("pretag_job", stuck.pk, 4),
                                             ("export_job", export.pk, 6),
                                             ("export_job", export.pk, 5),
                                             ("export_job", export.pk, 5)]:
            OldEvent.objects.create(project_id=project.pk, action="resume",
                                    target_type=target_type, target_id=target_id,
                                    after={"done": done})
        new = migrate(AFTER)
        NewPretag, NewExport = (new.get_model("annotator", n) for n in ("PretagJob",
                                                                         "ExportJob"))
        moved = NewPretag.objects.get(pk=stuck.pk)
        assert (moved.resumes, moved.progress_at_resume, moved.attempts) == (3, 4, 1)
        assert (moved.state, moved.done, moved.total) == ("running", 4, 9)
        assert NewPretag.objects.get(pk=finished.pk).attempts == 1
        moved_export = NewExport.objects.get(pk=export.pk)
        # Three resumes in a row got no further than the one before: 6, 5, 5.
        assert (moved_export.resumes, moved_export.progress_at_resume,
                moved_export.attempts) == (3, 5, 3)
        back = migrate(BEFORE)
        assert back.get_model("annotator", "PretagJob").objects.get(pk=stuck.pk).attempts == 3
    finally:
        migrate(newest)
