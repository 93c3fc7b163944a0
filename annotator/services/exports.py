"""Exporting a project: labels of one layer, with provenance, in one of the formats.

The layers (docs/decisions.md, "Import and export"):

- "approved": spans and attributions a reviewer approved (review_state
  "approved"), of every annotator, with identical spans (same label and
  offsets) and identical attributions merged into one whose provenance lists
  every annotator. An approved attribution brings the spans it links, even
  one not approved itself (its provenance says so).
- "annotator": one annotator's labels (accepted, not their rejections).
- "all": every annotator's labels, unmerged, each with its annotator.

Suggestions nobody accepted are not labels and are never exported.

Documents are read in batches (`BATCH` at a time, values only, four queries
a batch) and turned into the plain records of annotator/formats/, which the
writers stream into a bundle (a zip, or a folder): memory stays flat however
large the project. A background job (ExportJob) runs the same function in a
Celery worker and keeps its progress on its row.
"""
from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from annotator.formats import brat, conll, doccano, jsonl, manifest, tabular
from annotator.formats.archive import Bundle, ZipBundle
from annotator.formats.records import AttributionRecord, DocumentRecord, SpanRecord
from annotator.models import (Attribution, ClaimFragment, Document, Event, ExportFormat,
                              ExportJob, ExportLayer, JobState, LabelStatus, Membership,
                              Project, ReviewDecision, ReviewState, Span)
from annotator.services import job_send
from annotator.services.attributions import role_labels
from annotator.services.events import event_record

log = logging.getLogger(__name__)

BATCH = 100
ACTIVE = (JobState.QUEUED, JobState.RUNNING)

LOSSY = {
    ExportFormat.JSONL: None,
    ExportFormat.BRAT: "document titles and metadata (the file name stands for the title); "
                       "the provenance of a claim fragment used only inside a claim in "
                       "fragments (its claim's note holds the first fragment's)",
    ExportFormat.CONLL: "links (attributions, attributes), provenance, and whatever BIO "
                        "cannot hold: see loss-report.jsonl",
    ExportFormat.CSV: "spans that belong to no attribution, and the document text",
    ExportFormat.DOCCANO: "attributes and provenance; titles",
}
DATA_FILE = {ExportFormat.JSONL: "data.jsonl", ExportFormat.CONLL: "data.conll",
             ExportFormat.CSV: "attributions.csv", ExportFormat.DOCCANO: "doccano.jsonl"}


@dataclass(frozen=True)
class Layer:
    kind: str                   # an ExportLayer value
    annotator_id: int | None = None
    annotator_name: str = ""

    def describe(self) -> dict:
        if self.kind == ExportLayer.ANNOTATOR:
            return {"layer": self.kind, "annotator": self.annotator_name}
        return {"layer": self.kind}


def layer_parse(*, project: Project, value: str) -> Layer:
    """"approved", "all" or "annotator:NAME" (a member of the project) → Layer."""
    if not isinstance(value, str):
        raise ValidationError({"layer": "must be approved, all or annotator:NAME."})
    if value in (ExportLayer.APPROVED, ExportLayer.ALL):
        return Layer(kind=value)
    kind, _, name = value.partition(":")
    if kind != ExportLayer.ANNOTATOR or not name:
        raise ValidationError({"layer": f"{value!r} is not approved, all or annotator:NAME."})
    user = get_user_model().objects.filter(
        username=name, pk__in=Membership.objects.filter(project=project).values("user")).first()
    if user is None:
        raise ValidationError({"layer": f"{name!r} is not a member of this project."})
    return Layer(kind=ExportLayer.ANNOTATOR, annotator_id=user.pk, annotator_name=name)


# --- Reading labels as plain records ---------------------------------------------------------

SPAN_FIELDS = ("pk", "document_id", "label__name", "start", "end", "annotator__username",
               "origin", "tagger_name", "tagger_version", "confidence", "review_state",
               "created_at", "updated_at")
ATTRIBUTION_FIELDS = ("pk", "document_id", "claim_id", "source_id", "cue_id", "attributes",
                      "annotator__username", "origin", "tagger_name", "tagger_version",
                      "confidence", "review_state", "created_at", "updated_at")


def _iso(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _provenance(row: dict, reviewer: str | None) -> dict:
    return {"annotators": [row["annotator__username"]], "reviewer": reviewer,
            "origin": row["origin"], "tagger": row["tagger_name"] or None,
            "tagger_version": row["tagger_version"] or None, "confidence": row["confidence"],
            "review_state": row["review_state"], "created_at": _iso(row["created_at"]),
            "updated_at": _iso(row["updated_at"])}


def _labelled(queryset, layer: Layer):
    queryset = queryset.filter(annotator__isnull=False, status=LabelStatus.ACCEPTED)
    if layer.kind == ExportLayer.ANNOTATOR:
        queryset = queryset.filter(annotator_id=layer.annotator_id)
    return queryset


def _reviewers(document_ids: list[int]) -> tuple[dict, dict]:
    """The reviewer of the latest decision on each span and attribution."""
    spans, attributions = {}, {}
    for span_id, attribution_id, reviewer in ReviewDecision.objects.filter(
            document_id__in=document_ids).filter(
            Q(span__isnull=False) | Q(attribution__isnull=False)).order_by(
            "created_at", "id").values_list("span_id", "attribution_id", "reviewer__username"):
        if span_id:
            spans[span_id] = reviewer
        else:
            attributions[attribution_id] = reviewer
    return spans, attributions


def documents_read(*, project: Project, layer: Layer, batch: int = BATCH,
                   on_document: Callable[[], None] | None = None) -> Iterator[DocumentRecord]:
    """Every document of the project with the layer's labels, in id order, batch by batch."""
    last = 0
    merge = layer.kind == ExportLayer.APPROVED
    while True:
        rows = list(Document.objects.filter(project=project, pk__gt=last).order_by("pk").values(
            "pk", "title", "text", "source_url", "metadata")[:batch])
        if not rows:
            return
        last = rows[-1]["pk"]
        ids = [row["pk"] for row in rows]
        attributions = _labelled(Attribution.objects.filter(document_id__in=ids), layer)
        if merge:
            attributions = attributions.filter(review_state=ReviewState.APPROVED)
        attribution_rows = list(attributions.order_by("pk").values(*ATTRIBUTION_FIELDS))
        fragments: dict[int, list[int]] = {}
        if attribution_rows:
            for attribution_id, span_id in ClaimFragment.objects.filter(
                    attribution__in=attributions).order_by(
                    "attribution_id", "position").values_list("attribution_id", "span_id"):
                fragments.setdefault(attribution_id, []).append(span_id)
        spans = _labelled(Span.objects.filter(document_id__in=ids), layer)
        if merge:
            spans = spans.filter(review_state=ReviewState.APPROVED)
        span_rows = list(spans.order_by("pk").values(*SPAN_FIELDS))
        # The spans an attribution links belong with it, whatever their own review state.
        linked = {i for a in attribution_rows for i in (a["claim_id"], a["source_id"],
                                                        a["cue_id"], *fragments.get(a["pk"], []))
                  if i}
        missing = sorted(linked - {row["pk"] for row in span_rows})
        for start in range(0, len(missing), 500):
            span_rows += Span.objects.filter(pk__in=missing[start:start + 500]).values(
                *SPAN_FIELDS)
        span_reviewers, attribution_reviewers = _reviewers(ids)
        by_document: dict[int, tuple[list, list]] = {i: ([], []) for i in ids}
        for row in span_rows:
            by_document[row["document_id"]][0].append(row)
        for row in attribution_rows:
            by_document[row["document_id"]][1].append(row)
        for row in rows:
            span_list, attribution_list = by_document[row["pk"]]
            yield _document_record(row, span_list, attribution_list, fragments, merge,
                                   span_reviewers, attribution_reviewers)
            if on_document:
                on_document()


def _document_record(row, span_rows, attribution_rows, fragments, merge, span_reviewers,
                     attribution_reviewers) -> DocumentRecord:
    text = row["text"]
    # Spans: merged by (label, start, end) in the approved layer.
    merged: dict = {}
    alias: dict[int, object] = {}
    for span in span_rows:
        key = (span["label__name"], span["start"], span["end"]) if merge else span["pk"]
        alias[span["pk"]] = key
        if key in merged:
            names = merged[key].provenance["annotators"]
            if span["annotator__username"] not in names:
                names.append(span["annotator__username"])
            continue
        merged[key] = SpanRecord(id="", label=span["label__name"], start=span["start"],
                                 end=span["end"],
                                 provenance=_provenance(span, span_reviewers.get(span["pk"])))
    ordered = sorted(merged.items(), key=lambda kv: (kv[1].start, -kv[1].end, kv[1].label,
                                                     kv[1].provenance["annotators"]))
    for number, (_, record) in enumerate(ordered, start=1):
        record.id = f"T{number}"
    span_id = {pk: merged[key].id for pk, key in alias.items()}
    position = {record.id: n for n, (_, record) in enumerate(ordered)}
    # Attributions: merged by what they link and their attributes in the approved layer.
    attributions: dict = {}
    for attribution in attribution_rows:
        claims = [span_id.get(attribution["claim_id"])] + [
            span_id.get(i) for i in fragments.get(attribution["pk"], [])]
        if None in claims:  # a claim span outside this layer's spans: cannot happen, see above
            continue
        source = span_id.get(attribution["source_id"])
        cue = span_id.get(attribution["cue_id"])
        key = ((tuple(claims), source, cue, json.dumps(attribution["attributes"], sort_keys=True))
               if merge else attribution["pk"])
        if key in attributions:
            names = attributions[key].provenance["annotators"]
            if attribution["annotator__username"] not in names:
                names.append(attribution["annotator__username"])
            continue
        attributions[key] = AttributionRecord(
            id="", claims=claims, source=source, cue=cue, attributes=attribution["attributes"],
            provenance=_provenance(attribution, attribution_reviewers.get(attribution["pk"])))
    attribution_list = sorted(attributions.values(), key=lambda a: (
        [position[c] for c in a.claims], position.get(a.source, -1), position.get(a.cue, -1),
        a.provenance["annotators"]))
    for number, record in enumerate(attribution_list, start=1):
        record.id = f"A{number}"
    return DocumentRecord(text=text, title=row["title"], id=row["pk"],
                          source_url=row["source_url"], metadata=row["metadata"],
                          spans=[record for _, record in ordered],
                          attributions=attribution_list)


# --- Writing a bundle ------------------------------------------------------------------------

def _annotation_conf(project: Project, roles: dict) -> str:
    """brat's annotation.conf, so that the collection opens in brat as it is."""
    labels = list(project.labels.values_list("name", flat=True))
    lines = ["[entities]", *labels, "", "[relations]", "<OVERLAP>\tArg1:<ANY>, Arg2:<ANY>, "
             "<OVL-TYPE>:<ANY>", "", "[events]",
             f"{roles['claim']}\tSource?:{roles['source']}, Cue?:{roles['cue']}", "",
             "[attributes]"]
    for definition in project.attribute_definitions:
        if definition.get("applies_to", "attribution") != "attribution":
            continue
        values = "|".join(str(c).replace(" ", "_") for c in definition["choices"])
        lines.append(f"{definition['name']}\tArg:{roles['claim']}, Value:{values}")
    return "\n".join(lines) + "\n"


def project_export(*, project: Project, fmt: str, layer: Layer, bundle: Bundle,
                   progress: Callable[[int], None] | None = None) -> dict:
    """Write the project's documents with the layer's labels into the bundle; returns the
    manifest (also written, last, as manifest.json)."""
    if fmt not in ExportFormat.values:
        raise ValidationError({"format": f"must be one of {', '.join(ExportFormat.values)}."})
    roles = role_labels(project)
    counts = {"documents": 0, "spans": 0, "attributions": 0}
    done = 0

    def tick():
        nonlocal done
        done += 1
        if progress:
            progress(done)

    def documents() -> Iterator[DocumentRecord]:
        for document in documents_read(project=project, layer=layer, on_document=tick):
            counts["documents"] += 1
            counts["spans"] += len(document.spans)
            counts["attributions"] += len(document.attributions)
            yield document

    label_names = list(project.labels.values_list("name", flat=True))
    attribute_names = [d["name"] for d in project.attribute_definitions
                       if d.get("applies_to", "attribution") == "attribution"]
    if fmt == ExportFormat.JSONL:
        bundle.write(DATA_FILE[fmt], jsonl.write(documents()))
    elif fmt == ExportFormat.DOCCANO:
        bundle.write(DATA_FILE[fmt], doccano.write(documents(), roles))
    elif fmt == ExportFormat.CSV:
        bundle.write(DATA_FILE[fmt], tabular.write(documents(), attribute_names))
    elif fmt == ExportFormat.CONLL:
        # The loss report waits in a temporary file: a zip takes one entry at a time.
        with tempfile.TemporaryFile() as losses:
            lost = 0

            def record_loss(item):
                nonlocal lost
                lost += 1
                losses.write((json.dumps(item, ensure_ascii=False) + "\n").encode("utf-8"))

            bundle.write(DATA_FILE[fmt], conll.write(documents(), label_names, record_loss))
            losses.seek(0)
            bundle.write("loss-report.jsonl", iter(lambda: losses.read(1 << 16), b""))
            counts["lost"] = lost
    else:
        bundle.write("annotation.conf", [_annotation_conf(project, roles)])
        for index, document in enumerate(documents()):
            stem = brat.file_stem(document, index)
            bundle.write(f"{stem}.txt", [document.text])
            bundle.write(f"{stem}.ann", brat.write_ann(document, roles))
    labels = list(project.labels.values("name", "color", "description"))
    result = manifest.build(
        fmt=fmt, created_at=_iso(timezone.now()), project={"id": project.pk,
                                                           "name": project.name},
        filters=layer.describe(), counts=counts, label_set=labels,
        attribute_definitions=project.attribute_definitions, files=list(bundle.files),
        lossy=LOSSY[fmt])
    bundle.write("manifest.json", [manifest.dumps(result)])
    return result


# --- Background jobs --------------------------------------------------------------------
#
# A job survives what pre-tagging jobs survive (docs/deploy.md, "Health checks"): a
# broker that cannot be reached when it is sent (it waits, saying so, and the watchdog
# sends it again), a message Redis lost (the watchdog sends a job still queued after
# PRETAG_STALE_SECONDS again), a worker killed mid-export (its heartbeat stops; the
# watchdog sends it again, and fails it after MAX_RESUMES resumes that got no further).
# A job may so run twice at once: each run writes a file of its own, and only the
# job's current run (the latest started) may finish it.

MAX_RESUMES = 5


def export_job_send(*, job_id: int, retry_policy: dict | None = None) -> bool:
    """Send the job to a worker. False, with a note on the job, if the broker is down."""
    from annotator.tasks import export_job_task

    return job_send.job_send(task=export_job_task, model=ExportJob, job_id=job_id,
                             retry_policy=retry_policy)


def _enqueue(job_id: int) -> None:
    transaction.on_commit(lambda: export_job_send(job_id=job_id))


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
    """Fail the job if it is still active (and, given `attempt`, if that run is current).

    A run is current while the job runs it: once the watchdog has queued the job again,
    the run is superseded even before the next one starts, and fails nothing.
    """
    jobs = ExportJob.objects.filter(pk=job_id, state__in=ACTIVE)
    if attempt is not None:
        jobs = jobs.filter(attempts=attempt, state=JobState.RUNNING)
    jobs.update(state=JobState.FAILED, error=reason[:2000], finished_at=timezone.now())


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
    import hashlib
    import time

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


def _stuck_resumes(job: ExportJob) -> int:
    """How many resumes in a row found the job no further than it is now.

    A run starts over, so "further" is how far the run got: a worker that dies at the
    same document every time (out of memory, say) counts up; a run that got further
    than the last one resets the count.
    """
    count = 0
    for after in (Event.objects.filter(target_type="export_job", target_id=job.pk,
                                       action="resume")
                  .order_by("-created_at", "-pk").values_list("after", flat=True)
                  [:MAX_RESUMES + 1]):
        if (after or {}).get("done", -1) < job.done:
            break
        count += 1
    return count


def export_jobs_resume_stale(*, older_than_seconds: float | None = None) -> list[int]:
    """Send again the export jobs whose message was lost or whose worker stopped.

    - queued after PRETAG_STALE_SECONDS since last sent: the broker was down when it was
      sent, or Redis restarted without persistence and lost the message. A job that
      merely waits behind others gets a second message, which is harmless (runs check
      that they are current).
    - running with no heartbeat for as long: its worker died (Redis would redeliver the
      message only after the visibility timeout). It is queued and sent again; after
      MAX_RESUMES resumes in a row that got no further, the job fails, saying why.

    Run by the watchdog task with pretag_jobs_resume_stale.
    """
    from datetime import timedelta

    seconds = settings.PRETAG_STALE_SECONDS if older_than_seconds is None else older_than_seconds
    now = timezone.now()
    cutoff = now - timedelta(seconds=seconds)
    resumed = []
    with transaction.atomic():
        waiting = ExportJob.objects.select_for_update(skip_locked=True).filter(
            Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff),
            state=JobState.QUEUED)
        for job in waiting:
            ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=now)
            _enqueue(job.pk)
            resumed.append(job.pk)
        stale = ExportJob.objects.select_for_update(skip_locked=True).filter(
            Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff),
            state=JobState.RUNNING)
        for job in stale:
            stuck = _stuck_resumes(job)
            if stuck >= MAX_RESUMES:
                export_job_fail(job_id=job.pk, reason=(
                    f"The worker running this export stopped {stuck + 1} times, never "
                    f"past document {job.done} of {job.total}; giving up. See the worker "
                    "logs, then start the export again."))
                event_record(project_id=job.project_id, action="fail", target_type="export_job",
                             target_id=job.pk, after={"done": job.done},
                             note="No heartbeat from its worker, too many times.")
                continue
            # Queued again until a worker takes it: waiting there behind other tasks is
            # not a resume without progress, and a run still alive stops at its next beat.
            ExportJob.objects.filter(pk=job.pk).update(state=JobState.QUEUED, done=0,
                                                       heartbeat_at=now)
            event_record(project_id=job.project_id, action="resume", target_type="export_job",
                         target_id=job.pk, after={"done": job.done, "run": job.attempts},
                         note="No heartbeat from its worker: sent again.")
            _enqueue(job.pk)
            resumed.append(job.pk)
    if resumed:
        log.warning("sent again export jobs whose worker stopped or whose message was not "
                    "sent: %s", resumed)
    return resumed


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
    import time

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
        from datetime import timedelta

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
