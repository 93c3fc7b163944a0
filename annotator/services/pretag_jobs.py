"""Pre-tagging jobs: start, run in batches, cancel, and resume after a worker died.

A job is a row with one item per document. A Celery task runs one batch of
pending items and queues the next batch; each document's suggestions and its
item's "done" are written in one transaction, and suggestions are unique per
document, tagger, version, label and offsets. So a task that is retried, run
twice, or resumed after `kill -9` makes exactly the suggestions an
uninterrupted run makes. Sending, resuming and failing are annotator/services/jobs.py's,
as for every kind of job.
"""
from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from annotator import pretag
from annotator.models import Document, JobState, PretagJob, PretagJobItem, Project
from annotator.services import jobs
from annotator.services.entity_suggestions import entity_index_for_project, entity_links_propose
from annotator.services.events import event_record
from annotator.services.suggestions import suggestions_store
from annotator.services.training import model_path, project_tagger_in_use

log = logging.getLogger(__name__)

ACTIVE = jobs.ACTIVE
MAX_RESUMES = jobs.MAX_RESUMES


# Sending a batch to the broker: annotator/services/jobs.py says why it retries briefly
# on the web side, longer on workers, and leaves a note on the job if it fails.
SEND_RETRY_WEB = jobs.SEND_RETRY_WEB
SEND_RETRY_WORKER = jobs.SEND_RETRY_WORKER
BROKER_DOWN = jobs.BROKER_DOWN


def pretag_job_send(*, job_id: int, retry_policy: dict | None = None) -> bool:
    """Queue the job's next batch. False, with a note on the job, if the broker is down."""
    return jobs.job_send(kind=KIND, job_id=job_id, retry_policy=retry_policy)


def _enqueue(job_id: int) -> None:
    jobs.job_enqueue(kind=KIND, job_id=job_id)


@transaction.atomic
def pretag_job_start(*, project: Project, requested_by, document_ids: list[int] | None = None,
                     tagger_name: str | None = None) -> PretagJob:
    """Create the job and queue its first batch (after commit). Returns at once.

    Without a tagger name, the project's choice (services/training.py): its model in
    use, or the rules tagger. A tagger that learns runs with the project's model in use.
    """
    model = project_tagger_in_use(project=project)
    if tagger_name is None and model is not None:
        tagger_name = model.tagger_name
    try:
        tagger = pretag.get_tagger(tagger_name)
    except KeyError:
        names = ", ".join(pretag.available_taggers())
        raise ValidationError({"tagger": f"{tagger_name!r} is not a tagger here ({names})."}) \
            from None
    takes_model = getattr(tagger, "takes_model", False)
    if takes_model and (model is None or model.tagger_name != tagger.name):
        raise ValidationError({"tagger": f"{tagger.name} needs a trained model, and this "
                                         "project has none in use: train one on the project "
                                         "page and choose it."})
    model = model if takes_model else None
    documents = Document.objects.filter(project=project)
    if document_ids is not None:
        wanted = set(document_ids)
        found = set(documents.filter(pk__in=wanted).values_list("pk", flat=True))
        if wanted - found:
            raise ValidationError({"documents": f"{min(wanted - found)} is not a document of "
                                                "this project."})
        documents = documents.filter(pk__in=found)
    ids = list(documents.order_by("pk").values_list("pk", flat=True))
    if not ids:
        raise ValidationError({"documents": "there is nothing to pre-tag: the project has no "
                                            "documents."})
    job = PretagJob.objects.create(project=project, tagger_name=tagger.name,
                                   tagger_version=model.tagger_version if model else tagger.version,
                                   tagger_model=model, requested_by=requested_by, total=len(ids))
    PretagJobItem.objects.bulk_create([PretagJobItem(job=job, document_id=i) for i in ids])
    event_record(project_id=project.pk, actor=requested_by, action="start",
                 target_type="pretag_job", target_id=job.pk,
                 after={"tagger": tagger.name, "version": job.tagger_version,
                        "model": model.version if model else None, "documents": len(ids)})
    _enqueue(job.pk)
    return job


def pretag_job_cancel(*, job: PretagJob, actor) -> PretagJob:
    return jobs.job_cancel(kind=KIND, job=job, actor=actor)


def pretag_job_fail(*, job_id: int, reason: str) -> None:
    jobs.job_fail(kind=KIND, job_id=job_id, reason=reason)


def _still_running(job_id: int) -> bool:
    return PretagJob.objects.filter(pk=job_id, state=JobState.RUNNING).exists()


def pretag_job_run_batch(*, job_id: int, batch_size: int | None = None) -> bool:
    """Tag the job's next pending documents. Returns True when more remain.

    Stops early (returning False) when the job was cancelled meanwhile.
    """
    batch_size = batch_size or settings.PRETAG_BATCH_SIZE
    now = timezone.now()
    with transaction.atomic():
        job = PretagJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state not in ACTIVE:
            return False
        if job.state == JobState.QUEUED:  # a worker takes it up: a run starts
            job.state, job.started_at, job.attempts = JobState.RUNNING, now, job.attempts + 1
        job.heartbeat_at = now
        job.error = ""  # a note that the job waited for the broker: it runs now
        job.save(update_fields=["state", "started_at", "attempts", "heartbeat_at", "error"])
    try:
        tagger = _tagger_of(job)
    except KeyError:
        pretag_job_fail(job_id=job_id, reason=f"The tagger {job.tagger_name!r} is not installed "
                                              "on the worker.")
        return False
    except ValueError as exc:  # the model: missing, corrupt, of another version (ModelError)
        pretag_job_fail(job_id=job_id, reason=f"The model this job uses cannot be loaded: {exc}")
        return False
    if tagger.version != job.tagger_version:
        pretag_job_fail(job_id=job_id, reason=f"The worker has {tagger.name} {tagger.version}, "
                                              f"the job asked for {job.tagger_version}: start "
                                              "a new job.")
        return False
    items = list(PretagJobItem.objects.filter(job_id=job_id, state=PretagJobItem.State.PENDING)
                 .select_related("document").order_by("pk")[:batch_size])
    index = entity_index_for_project(project=job.project) if items else None
    for item in items:
        if not _still_running(job_id):
            return False
        _tag_item(job, tagger, item, index)
    with transaction.atomic():
        more = PretagJobItem.objects.filter(job_id=job_id,
                                            state=PretagJobItem.State.PENDING).exists()
        if not more:
            PretagJob.objects.filter(pk=job_id, state=JobState.RUNNING).update(
                state=JobState.DONE, finished_at=timezone.now(), heartbeat_at=timezone.now())
    return more


def _tagger_of(job: PretagJob):
    """The job's tagger, with its model's directory for a tagger that learns."""
    if job.tagger_model_id is None:
        return pretag.get_tagger(job.tagger_name)
    model = job.tagger_model
    return pretag.get_tagger(job.tagger_name, model=str(model_path(model)))


def _tag_item(job: PretagJob, tagger, item: PretagJobItem, index) -> None:
    try:
        result = pretag.pretag_text(tagger, item.document.text)
    except Exception as exc:  # one document the tagger cannot handle must not stop the job
        log.exception("pre-tagger %s failed on document %s", tagger.name, item.document_id)
        with transaction.atomic():
            if PretagJobItem.objects.filter(pk=item.pk, state=PretagJobItem.State.PENDING).update(
                    state=PretagJobItem.State.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]):
                PretagJob.objects.filter(pk=job.pk).update(
                    done=F("done") + 1, errors=F("errors") + 1, heartbeat_at=timezone.now())
        return
    try:  # the entity each SOURCE suggestion may be (issue #16)
        entities = entity_links_propose(project=job.project, text=item.document.text,
                                        spans=result.spans, index=index)
    except Exception:  # a resolver bug costs the document its proposals, not its suggestions
        log.exception("entity resolver failed on document %s", item.document_id)
        entities = {}
    with transaction.atomic():
        spans, attributions = suggestions_store(
            document=item.document, tagger_name=job.tagger_name, tagger_version=job.tagger_version,
            spans=result.spans, attributions=result.attributions, entities=entities)
        made = spans + attributions
        # Counted once even if a resumed task tagged the same document meanwhile.
        if PretagJobItem.objects.filter(pk=item.pk, state=PretagJobItem.State.PENDING).update(
                state=PretagJobItem.State.DONE, suggestions=made):
            PretagJob.objects.filter(pk=job.pk).update(
                done=F("done") + 1, suggestions_made=F("suggestions_made") + made,
                heartbeat_at=timezone.now())


def pretag_jobs_resume_stale(*, older_than_seconds: float | None = None) -> list[int]:
    """Queue again the jobs whose worker stopped beating (they go on from their pending
    items); fail those resumed too often; send again those whose message was lost.
    annotator/services/jobs.py, "Resuming", says how."""
    return jobs.jobs_resume_stale(kind=KIND, older_than_seconds=older_than_seconds)


def _gave_up(job: PretagJob, times: int) -> str:
    return (f"The worker running this job stopped {times} times without finishing a "
            "document; giving up. See the worker logs.")


def _run(*, job_id: int) -> bool:
    return pretag_job_run_batch(job_id=job_id)


KIND = jobs.kind_register(jobs.JobKind(
    model=PretagJob, task="annotator.pretag_job", target_type="pretag_job",
    noun="pre-tagging", run=_run, restarts=False, gave_up=_gave_up))
