"""Training a tagger model from a project's approved labels: a TrainingJob a worker runs.

    job = training_job_start(project=p, requested_by=admin)      # 409 with too few documents
    project_tagger_choose(project=p, actor=admin, model=job.model)  # its pre-tagging uses it

The training data is the approved layer (selectors/approved.py) of the project's
approved documents: those with an approved label, or that a reviewer approved. A
deterministic slice of them is held out, by a hash of the document id (HELD_OUT, at
least one): adding documents never moves one from the held-out slice into training.
The model learns from the rest in three passes, on 25, 50 and 100 % of the training
documents (the learning curve), each scored on the held-out slice, per label, exact
and overlap (annotator/pretag/evaluate.py); the last one is the model kept.

The job is a kind of annotator/services/jobs.py's (sending, resuming, failing). A
resumed job starts over, as a new run that trains into a folder of its own; only the
current run makes the model, and a superseded one deletes its folder.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import math
import shutil
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from annotator.errors import Conflict
from annotator.models import (DocStatus, Document, JobState, LabelStatus, Project, ReviewState,
                              TaggerModel, TrainingJob)
from annotator.pretag.learned import LoadedModel, train_records
from annotator.pretag.learned.model import dev_scores
from annotator.selectors import approved_layer_list_for_documents
from annotator.services import jobs
from annotator.services.events import event_record

log = logging.getLogger(__name__)

ACTIVE = jobs.ACTIVE
LEARNED = "learned-attribution"
RULES = "rules-attribution"
LABELS = ("CLAIM", "SOURCE", "CUE")
HELD_OUT = 0.2                     # of the approved documents, by the hash of their id
CURVE = (0.25, 0.5, 1.0)           # of the training documents
PROGRESS_EVERY = 0.5               # seconds between two progress writes


# --- The training data ------------------------------------------------------------------

def approved_documents(*, project: Project):
    """The project's documents with an approved label or a reviewer's approval."""
    return Document.objects.filter(project=project).filter(
        Q(spans__review_state=ReviewState.APPROVED, spans__annotator__isnull=False,
          spans__status=LabelStatus.ACCEPTED)
        | Q(statuses__status=DocStatus.APPROVED)).distinct()


def training_requirements(*, project: Project) -> dict:
    """{"approved": documents there, "needed": documents needed}: what the button says."""
    return {"approved": approved_documents(project=project).count(), "needed": _needed()}


def _needed() -> int:
    # Two at least: one to learn from, one held out to score on.
    return max(2, settings.TRAINING_MIN_DOCUMENTS)


def _rank(document_id: int, salt: str) -> int:
    return int(hashlib.sha256(f"{salt}:{document_id}".encode()).hexdigest()[:12], 16)


def split(document_ids: list[int]) -> tuple[list[int], list[int]]:
    """(training, held out): a document is held out when the hash of its id falls in the
    first HELD_OUT of the range; at least one is (the lowest hash), and one is left to
    train on. Training documents come in hash order, so a learning-curve fraction is a
    fixed sample, not the oldest documents."""
    limit = int(HELD_OUT * 16 ** 12)
    ranked = sorted(document_ids, key=lambda i: _rank(i, "held-out"))
    held = [i for i in ranked if _rank(i, "held-out") < limit]
    if not held:
        held = ranked[:1]
    if len(held) == len(ranked):
        held = held[:-1]
    training = sorted(set(document_ids) - set(held), key=lambda i: _rank(i, "curve"))
    return training, sorted(held)


def document_records(documents: list[Document]) -> dict[int, dict]:
    """The documents' approved layers (three queries for all), by document id, in
    read_annotated's shape (annotator/pretag/learned/data.py)."""
    layers = approved_layer_list_for_documents(document_ids=[d.pk for d in documents])
    return {d.pk: document_record(d, layer) for d, layer in zip(documents, layers)}


def document_record(document: Document, layer) -> dict:
    """A document's approved layer as a training record. Labels other than CLAIM, SOURCE
    and CUE are left out, and so are the roles that point at them."""
    spans = [{"id": str(s.id), "label": s.label, "start": s.start, "end": s.end}
             for s in layer.spans if s.label in LABELS]
    kept = {s["id"]: s["label"] for s in spans}

    def role(span, label):
        return str(span.id) if span is not None and kept.get(str(span.id)) == label else None

    attributions = []
    for a in layer.attributions:
        claims = [str(c.id) for c in a.claims if kept.get(str(c.id)) == "CLAIM"]
        if claims:
            attributions.append({"claims": claims, "source": role(a.source, "SOURCE"),
                                 "cue": role(a.cue, "CUE")})
    return {"id": str(document.pk), "text": document.text, "spans": spans,
            "attributions": attributions}


def records_sha256(records: list[dict]) -> str:
    """The SHA-256 of the records as JSON Lines (keys sorted, in the given order)."""
    digest = hashlib.sha256()
    for record in records:
        digest.update(json.dumps(record, sort_keys=True, ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()


# --- Starting -----------------------------------------------------------------------------

def _too_few(needs: dict) -> Conflict:
    return Conflict(f"Training needs at least {needs['needed']} approved documents; this "
                    f"project has {needs['approved']}. Approve more documents (or import "
                    "labelled ones as approved) and try again.",
                    current=needs, code="too_few_documents")


@transaction.atomic
def training_job_start(*, project: Project, requested_by, seed: int = 0,
                       max_iterations: int | None = None) -> TrainingJob:
    """Create the job and queue it (after commit). Returns at once.

    Conflict (409) with too few approved documents, or while another training job of
    the project is queued or running."""
    Project.objects.select_for_update().filter(pk=project.pk).first()  # one start at a time
    needs = training_requirements(project=project)
    if needs["approved"] < needs["needed"]:
        raise _too_few(needs)
    running = TrainingJob.objects.filter(project=project, state__in=ACTIVE).first()
    if running is not None:
        raise Conflict("A model is being trained for this project already: wait for it to "
                       "finish.", current={"job": running.pk, "state": running.state},
                       code="training_running")
    params = {"seed": int(seed),
              "max_iterations": int(max_iterations or settings.TRAINING_MAX_ITERATIONS)}
    job = TrainingJob.objects.create(project=project, tagger_name=LEARNED, params=params,
                                     requested_by=requested_by, heartbeat_at=timezone.now(),
                                     counts={"approved": needs["approved"]})
    event_record(project_id=project.pk, actor=requested_by, action="start",
                 target_type="training_job", target_id=job.pk,
                 after={"tagger": LEARNED, **params, "approved": needs["approved"]})
    jobs.job_enqueue(kind=KIND, job_id=job.pk)
    return job


def training_job_fail(*, job_id: int, reason: str, attempt: int | None = None) -> None:
    jobs.job_fail(kind=KIND, job_id=job_id, reason=reason, attempt=attempt)


# --- Running ------------------------------------------------------------------------------

class Superseded(Exception):
    """A later run of the job started (or the job ended): this run stops and cleans up."""


def model_path(model: TaggerModel) -> Path:
    return Path(settings.MODEL_DIR) / model.path


def _scores(scores: dict) -> dict:
    """dev_scores' figures without its report object."""
    return {k: v for k, v in scores.items() if k != "report"}


def _f1s(scores: dict, mode: str) -> dict:
    return {name: figures["f1"] for name, figures in scores[mode].items()}


def training_job_run(*, job_id: int) -> TrainingJob | None:
    """Train the job's model with its learning curve, make its TaggerModel, finish the job.

    Running it again (a retried, redelivered or resent task) starts over, as the job's
    new current run; an older run stops at its next progress report, or finds at the end
    that it was superseded, and deletes its folder. A job already done or failed is left
    as it is.
    """
    with transaction.atomic():
        job = TrainingJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state not in ACTIVE:
            return job
        attempt = job.attempts + 1
        now = timezone.now()
        TrainingJob.objects.filter(pk=job_id).update(
            state=JobState.RUNNING, started_at=now, heartbeat_at=now, done=0, error="",
            attempts=attempt, stage="reading the approved documents")
    current = TrainingJob.objects.filter(pk=job_id, state=JobState.RUNNING, attempts=attempt)
    relative = Path(f"project-{job.project_id}") / f"job-{job.pk}-run-{attempt}"
    folder = Path(settings.MODEL_DIR) / relative
    state = {"at": time.monotonic(), "base": 0, "stage": ""}

    def beat(**fields) -> None:
        if not current.update(heartbeat_at=timezone.now(), **fields):
            raise Superseded

    def on_progress(step: str, done: int, total: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - state["at"] >= PROGRESS_EVERY:
            state["at"] = now
            what = "reading documents" if step == "features" else "learning"
            beat(done=min(state["base"] + done, job.total),
                 stage=f"{state['stage']}: {what} ({done}/{total})")

    try:
        documents = list(approved_documents(project=job.project).order_by("pk"))
        needs = {"approved": len(documents), "needed": _needed()}
        if needs["approved"] < needs["needed"]:
            training_job_fail(job_id=job_id, reason=_too_few(needs).message, attempt=attempt)
            return TrainingJob.objects.get(pk=job_id)
        records = document_records(documents)
        training_ids, held_ids = split(list(records))
        training = [records[i] for i in training_ids]
        held = [records[i] for i in held_ids]
        iterations = job.params.get("max_iterations", settings.TRAINING_MAX_ITERATIONS)
        sizes = [max(1, math.ceil(f * len(training))) for f in CURVE]
        # Units of progress: per pass, its documents read, its iterations, the held-out
        # documents tagged.
        job.total = sum(n + iterations + len(held) for n in sizes)
        beat(total=job.total, counts={"approved": len(documents), "training": len(training),
                                      "held_out": len(held)})
        curve, scores, manifest = [], None, None
        folder.parent.mkdir(parents=True, exist_ok=True)
        for fraction, size in zip(CURVE, sizes):
            state["stage"] = f"learning curve, {round(fraction * 100)} % ({size} documents)"
            subset = training[:size]
            last = fraction == CURVE[-1]
            target = folder if last else Path(tempfile.mkdtemp(
                prefix=f".curve-{job.pk}-{attempt}-", dir=folder.parent)) / "model"
            try:
                manifest = train_records(
                    subset, str(target),
                    data={"file": f"project {job.project_id}, approved documents",
                          "sha256": records_sha256(subset)},
                    seed=job.params.get("seed", 0), workers=1,
                    params={"max_iterations": iterations}, stream=io.StringIO(),
                    on_progress=on_progress)
                state["base"] += size + iterations
                on_progress("scoring", 0, len(held), force=True)
                point = _scores(dev_scores(LoadedModel(target), held, None))
            finally:
                if not last:
                    shutil.rmtree(target.parent, ignore_errors=True)
            state["base"] += len(held)
            curve.append({"fraction": fraction, "documents": size,
                          "overlap": _f1s(point, "overlap"), "exact": _f1s(point, "exact")})
            if last:
                scores = point
        loaded = LoadedModel(folder)
        counts = {**manifest["training_data"]["counts"], "training": len(training),
                  "held_out": len(held), "approved": len(documents)}
        model = _model_create(job=job, current=current, relative=relative, loaded=loaded,
                              manifest=manifest, counts=counts, scores=scores, curve=curve)
    except Superseded:
        log.info("training job %s: run %s superseded, its folder deleted", job_id, attempt)
        shutil.rmtree(folder, ignore_errors=True)
        return TrainingJob.objects.get(pk=job_id)
    except (OperationalError, InterfaceError):
        shutil.rmtree(folder, ignore_errors=True)
        raise  # the task retries these
    except Exception as exc:  # the job says why rather than staying "running"
        shutil.rmtree(folder, ignore_errors=True)
        log.exception("training job %s failed", job_id)
        training_job_fail(job_id=job_id, reason=f"{type(exc).__name__}: {exc}", attempt=attempt)
        return TrainingJob.objects.get(pk=job_id)
    event_record(project_id=job.project_id, actor=job.requested_by, action="train",
                 target_type="tagger_model", target_id=model.pk,
                 after={"version": model.version, "tagger_version": model.tagger_version,
                        "training_sha256": model.training_sha256, "counts": counts})
    return TrainingJob.objects.get(pk=job_id)


def _model_create(*, job, current, relative, loaded, manifest, counts, scores, curve
                  ) -> TaggerModel:
    """The model's row, and the job done with it, if this run is still current."""
    for _ in range(3):  # two jobs of a project finishing at once take the next version
        try:
            with transaction.atomic():
                latest = TaggerModel.objects.filter(project_id=job.project_id).aggregate(
                    v=Max("version"))["v"] or 0
                model = TaggerModel.objects.create(
                    project_id=job.project_id, version=latest + 1, tagger_name=LEARNED,
                    tagger_version=f"{manifest['tagger_version']}+{loaded.model_id}",
                    created_by=job.requested_by, path=str(relative),
                    training_sha256=manifest["training_data"]["sha256"], counts=counts,
                    scores=scores, curve=curve)
                # The conditional UPDATE holds the row: a run starting meanwhile waits,
                # then finds the job done.
                if not current.update(state=JobState.DONE, finished_at=timezone.now(),
                                      heartbeat_at=timezone.now(), done=job.total,
                                      stage="done", model=model, counts=counts):
                    raise Superseded
                return model
        except IntegrityError:
            continue
    raise Conflict("Could not number the new model: try again.", code="model_version")


def training_job_cancel(*, job: TrainingJob, actor) -> TrainingJob:
    """Cancel it: its run stops at its next progress report and deletes its files; no
    model is made (the run's last step, making the model, needs the job still running)."""
    return jobs.job_cancel(kind=KIND, job=job, actor=actor)


def _gave_up(job: TrainingJob, times: int) -> str:
    return (f"The worker training this model stopped {times} times, never past step "
            f"{job.done} of {job.total}; giving up. See the worker logs (memory?), then "
            "train again.")


def _run(*, job_id: int) -> bool:
    training_job_run(job_id=job_id)
    return False  # one run trains the whole model


KIND = jobs.kind_register(jobs.JobKind(
    model=TrainingJob, task="annotator.training_job", target_type="training_job",
    noun="training", run=_run, restarts=True, gave_up=_gave_up))


# --- Choosing the project's tagger --------------------------------------------------------

def project_tagger_in_use(*, project: Project) -> TaggerModel | None:
    """The model the project's pre-tagging uses; None: the rules tagger."""
    return TaggerModel.objects.filter(project=project, in_use=True).first()


@transaction.atomic
def project_tagger_choose(*, project: Project, actor, model: TaggerModel | None
                          ) -> TaggerModel | None:
    """Make the project's pre-tagging use `model` (None: the rules tagger, needing no data)."""
    Project.objects.select_for_update().filter(pk=project.pk).first()
    before = project_tagger_in_use(project=project)
    TaggerModel.objects.filter(project=project, in_use=True).exclude(
        pk=getattr(model, "pk", None)).update(in_use=False)
    if model is not None:
        if model.project_id != project.pk:
            raise ValueError("the model is another project's")  # access.py resolves ids
        TaggerModel.objects.filter(pk=model.pk).update(in_use=True)
        model.in_use = True
    event_record(project_id=project.pk, actor=actor, action="choose_tagger",
                 target_type="project", target_id=project.pk,
                 before=_choice(before), after=_choice(model))
    return model


def _choice(model: TaggerModel | None) -> dict:
    if model is None:
        return {"tagger": RULES}
    return {"tagger": model.tagger_name, "model": model.pk, "version": model.version,
            "tagger_version": model.tagger_version}
