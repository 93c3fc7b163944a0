"""Training on a real worker process (Redis, PostgreSQL), then pre-tagging with the model.

The worker's pool process is a daemon: training there must not start processes of its own
(annotator/pretag/learned/model.py trains in-process with workers=1)."""
import pytest

from annotator.models import JobState, PretagJob, Span, TrainingJob
from annotator.services.pretag_jobs import pretag_job_start
from annotator.services.training import project_tagger_choose, training_job_start
from tests.services.test_training import FAST, bootstrap


@pytest.mark.django_db(transaction=True)
def test_a_model_trained_on_the_worker_pre_tags_and_its_suggestions_name_it(
        celery_worker_process, wait_for, make_user, make_project):
    admin = make_user()
    project = make_project(admin=admin)
    bootstrap(project, admin, count=12)     # the worker's TRAINING_MIN_DOCUMENTS is 10
    job = training_job_start(project=project, requested_by=admin, max_iterations=FAST)
    done = wait_for(lambda: TrainingJob.objects.filter(pk=job.pk).exclude(
        state__in=(JobState.QUEUED, JobState.RUNNING)).first(), timeout=180,
        message=f"the training to finish (log: {celery_worker_process.log})")
    assert done.state == JobState.DONE, done.error
    assert done.done == done.total > 0 and done.attempts == 1
    model = done.model
    assert [p["fraction"] for p in model.curve] == [0.25, 0.5, 1.0]
    project_tagger_choose(project=project, actor=admin, model=model)
    pretag = pretag_job_start(project=project, requested_by=admin)
    tagged = wait_for(lambda: PretagJob.objects.filter(pk=pretag.pk).exclude(
        state__in=(JobState.QUEUED, JobState.RUNNING)).first(), timeout=120,
        message=f"the pre-tagging to finish (log: {celery_worker_process.log})")
    assert tagged.state == JobState.DONE, tagged.error
    assert tagged.suggestions_made > 0 and tagged.errors == 0
    versions = set(Span.objects.filter(document__project=project, annotator=None)
                   .values_list("tagger_name", "tagger_version"))
    assert versions == {("learned-attribution", model.tagger_version)}
