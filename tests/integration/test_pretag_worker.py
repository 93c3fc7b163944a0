"""Pre-tagging jobs on real worker processes, Redis and PostgreSQL, including kill -9."""
import time

import pytest

from annotator.models import Attribution, JobState, PretagJob, Span
from annotator.services.pretag_jobs import pretag_job_start
from tests.pretag_corpus import make_articles


def stored_suggestions(project):
    spans = set(Span.objects.filter(document__project=project, annotator__isnull=True)
                .values_list("document_id", "label__name", "start", "end"))
    attributions = Attribution.objects.filter(document__project=project,
                                              annotator__isnull=True).count()
    return spans, attributions


def expected_suggestions(documents):
    from annotator.pretag import get_tagger, pretag_text

    tagger = get_tagger()
    spans, attributions = set(), 0
    for document in documents:
        result = pretag_text(tagger, document.text)
        spans |= {(document.pk, s.label, s.start, s.end) for s in result.spans}
        attributions += len(result.attributions)
    return spans, attributions


@pytest.mark.django_db(transaction=True)
def test_job_runs_on_the_worker_and_reports_progress(celery_worker_process, wait_for,
                                                     make_user, make_project, make_document):
    admin = make_user()
    project = make_project(admin=admin)
    documents = [make_document(project, text=t, title=f"A{i}")
                 for i, t in enumerate(make_articles(7))]
    job = pretag_job_start(project=project, requested_by=admin)
    done = wait_for(lambda: PretagJob.objects.filter(pk=job.pk, state=JobState.DONE).first(),
                    message=f"the job to finish (log: {celery_worker_process.log})")
    assert (done.done, done.total, done.errors) == (7, 7, 0)
    spans, attributions = stored_suggestions(project)
    assert (spans, attributions) == expected_suggestions(documents)
    assert done.suggestions_made == len(spans) + attributions > 0


@pytest.mark.django_db(transaction=True)
def test_job_completes_exactly_once_when_its_worker_is_killed_mid_job(
        celery_worker_process, wait_for, make_user, make_project, make_document):
    admin = make_user()
    project = make_project(admin=admin)
    documents = [make_document(project, text=t, title=f"K{i}")
                 for i, t in enumerate(make_articles(40))]
    job = pretag_job_start(project=project, requested_by=admin)
    wait_for(lambda: PretagJob.objects.get(pk=job.pk).done >= 6,
             message=f"the job to start (log: {celery_worker_process.log})")
    celery_worker_process.kill()
    killed = PretagJob.objects.get(pk=job.pk)
    assert killed.state == JobState.RUNNING and killed.done < killed.total
    time.sleep(3)  # longer than PRETAG_STALE_SECONDS: the heartbeat is now stale
    celery_worker_process.start()  # a new worker resumes orphaned jobs when it starts
    finished = wait_for(lambda: PretagJob.objects.filter(pk=job.pk, state=JobState.DONE).first(),
                        timeout=120, message=f"the resumed job (log: {celery_worker_process.log})")
    assert (finished.done, finished.total, finished.errors) == (40, 40, 0)
    assert finished.attempts >= 1
    assert stored_suggestions(project) == expected_suggestions(documents)


@pytest.mark.django_db(transaction=True)
def test_cancelled_job_stops_and_says_so(celery_worker_process, wait_for, make_user,
                                          make_project, make_document):
    from annotator.services.pretag_jobs import pretag_job_cancel

    admin = make_user()
    project = make_project(admin=admin)
    for i, text in enumerate(make_articles(60)):
        make_document(project, text=text, title=f"C{i}")
    job = pretag_job_start(project=project, requested_by=admin)
    wait_for(lambda: PretagJob.objects.get(pk=job.pk).done >= 1, message="the job to start")
    pretag_job_cancel(job=PretagJob.objects.get(pk=job.pk), actor=admin)
    time.sleep(2)
    stopped = PretagJob.objects.get(pk=job.pk)
    assert stopped.state == JobState.CANCELLED and stopped.done < 60
    assert "Cancelled by" in stopped.error
    later = PretagJob.objects.get(pk=job.pk).done
    time.sleep(1)
    assert PretagJob.objects.get(pk=job.pk).done == later  # nothing runs after the cancel
