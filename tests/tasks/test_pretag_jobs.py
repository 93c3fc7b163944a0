"""Pre-tagging job services, run in this process (the worker tests are in integration/)."""
import pytest
from django.core.exceptions import ValidationError

from annotator.models import Event, JobState, PretagJob, PretagJobItem, Span
from annotator.pretag import TagResult, Tagger, register_tagger
from annotator.services.pretag_jobs import (pretag_job_cancel, pretag_job_run_batch,
                                            pretag_job_start, pretag_jobs_resume_stale)
from tests.pretag_corpus import make_articles

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(make_user):
    return make_user("jobadmin")


@pytest.fixture
def corpus(make_project, make_document, admin):
    project = make_project(admin=admin)
    documents = [make_document(project, text=t, title=f"D{i}")
                 for i, t in enumerate(make_articles(5))]
    return project, documents


def run_to_end(job):
    while pretag_job_run_batch(job_id=job.pk, batch_size=2):
        pass
    return PretagJob.objects.get(pk=job.pk)


def test_start_returns_a_queued_job_and_enqueues_it_after_commit(
        corpus, admin, django_capture_on_commit_callbacks):
    project, documents = corpus
    with django_capture_on_commit_callbacks() as callbacks:
        job = pretag_job_start(project=project, requested_by=admin)
    assert job.state == JobState.QUEUED and job.total == 5 and job.done == 0
    assert len(callbacks) == 1  # the task is sent only once the job row is committed
    assert PretagJobItem.objects.filter(job=job).count() == 5
    assert Event.objects.filter(target_type="pretag_job", action="start").exists()


def test_a_job_runs_in_batches_to_done_and_counts_its_suggestions(corpus, admin):
    project, _ = corpus
    job = pretag_job_start(project=project, requested_by=admin)
    assert pretag_job_run_batch(job_id=job.pk, batch_size=2) is True
    assert PretagJob.objects.get(pk=job.pk).state == JobState.RUNNING
    finished = run_to_end(job)
    assert finished.state == JobState.DONE and finished.done == 5 and finished.finished_at
    stored = Span.objects.filter(document__project=project, annotator__isnull=True).count()
    assert stored > 0 and finished.suggestions_made >= stored


def test_running_the_same_job_twice_creates_no_duplicates(corpus, admin):
    project, _ = corpus
    first = run_to_end(pretag_job_start(project=project, requested_by=admin))
    count = Span.objects.filter(document__project=project, annotator__isnull=True).count()
    second = run_to_end(pretag_job_start(project=project, requested_by=admin))
    assert second.state == JobState.DONE and second.suggestions_made == 0
    assert Span.objects.filter(document__project=project,
                               annotator__isnull=True).count() == count
    assert first.suggestions_made > 0


def test_selected_documents_only_and_foreign_ids_refused(corpus, admin, make_project,
                                                         make_document):
    project, documents = corpus
    job = pretag_job_start(project=project, requested_by=admin,
                           document_ids=[documents[0].pk, documents[2].pk])
    assert job.total == 2
    foreign = make_document(make_project(), text="Elsewhere.")
    with pytest.raises(ValidationError) as info:
        pretag_job_start(project=project, requested_by=admin, document_ids=[foreign.pk])
    assert "documents" in info.value.message_dict


def test_unknown_tagger_is_refused_with_the_available_ones(corpus, admin):
    project, _ = corpus
    with pytest.raises(ValidationError) as info:
        pretag_job_start(project=project, requested_by=admin, tagger_name="nope")
    assert "rules-attribution" in info.value.message_dict["tagger"][0]


def test_cancel_stops_the_next_batch(corpus, admin):
    project, _ = corpus
    job = pretag_job_start(project=project, requested_by=admin)
    pretag_job_run_batch(job_id=job.pk, batch_size=1)
    pretag_job_cancel(job=job, actor=admin)
    assert pretag_job_run_batch(job_id=job.pk, batch_size=1) is False
    stopped = PretagJob.objects.get(pk=job.pk)
    assert stopped.state == JobState.CANCELLED and stopped.done == 1
    with pytest.raises(Exception, match="already cancelled"):
        pretag_job_cancel(job=stopped, actor=admin)


class Exploding(Tagger):
    """Fails on texts that mention a fire, as a buggy tagger would."""
    name = "exploding"
    version = "1"

    def tag(self, text):
        if "fire" in text:
            raise RuntimeError("tagger bug")
        return TagResult()


def test_a_document_the_tagger_fails_on_is_counted_and_the_job_goes_on(
        make_project, make_document, admin):
    register_tagger("exploding", Exploding)
    project = make_project(admin=admin)
    make_document(project, text="A fire broke out.")
    make_document(project, text="All quiet.")
    finished = run_to_end(pretag_job_start(project=project, requested_by=admin,
                                           tagger_name="exploding"))
    assert finished.state == JobState.DONE and finished.done == 2 and finished.errors == 1
    failed = PretagJobItem.objects.get(job=finished, state=PretagJobItem.State.FAILED)
    assert "RuntimeError: tagger bug" in failed.error


def test_an_orphaned_running_job_is_resumed_then_failed_after_too_many_tries(
        corpus, admin, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    project, _ = corpus
    job = pretag_job_start(project=project, requested_by=admin)
    pretag_job_run_batch(job_id=job.pk, batch_size=1)
    long_ago = timezone.now() - timedelta(hours=1)
    PretagJob.objects.filter(pk=job.pk).update(heartbeat_at=long_ago)
    with django_capture_on_commit_callbacks() as callbacks:
        assert pretag_jobs_resume_stale(older_than_seconds=60) == [job.pk]
    assert len(callbacks) == 1
    assert pretag_jobs_resume_stale(older_than_seconds=60) == []  # heartbeat renewed
    PretagJob.objects.filter(pk=job.pk).update(heartbeat_at=long_ago, resumes=5)
    assert pretag_jobs_resume_stale(older_than_seconds=60) == []
    failed = PretagJob.objects.get(pk=job.pk)
    assert failed.state == JobState.FAILED and "stopped 6 times" in failed.error
