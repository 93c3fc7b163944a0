"""Claims that say the same thing in several documents: the groups, kept by a worker
(models/claim_groups.py; the decisions note "Same claim, several articles").

- *When.* Every service that changes a document's approved claims refreshes its explorer
  rows (services/explorer_rows.py), which calls `claim_groups_mark`: once the transaction
  commits, each project concerned gets a queued `ClaimGroupJob` unless it has one already
  (a partial unique constraint: one queued per project), sent CLAIM_GROUPS_DELAY_SECONDS
  later, so that a burst of changes (a review session, an import) is one run. Nothing
  is computed on a request.
- *What a run does* (`claim_groups_update`): it compares the project's approved claims
  (the explorer rows' claim places) with the claims it grouped last time; the documents
  whose claims differ are the changed ones. Their claims are normalised and hashed again;
  the groups their old claims were in, and the groups their new claims are similar to,
  are grouped again as a whole; every other group stays as it is. Since the groups are
  the connected components of a fixed similarity (near_duplicates.py), that gives the
  groups a grouping from scratch would: a test compares both after random changes.
  A change lost between a commit and its callback (a process killed in that instant) is
  found by the next run of the project, which compares everything.
- *Two runs at once* (two workers; a run queued while one runs): each writes in one
  transaction that locks the project row and first checks that the stored groups are still
  those it read (their count and largest id); if not, it compares again.
"""
from __future__ import annotations

import logging
from collections import Counter
from functools import partial
from typing import Callable

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Count, Max
from django.utils import timezone

from annotator.models import (APPROVED_LAYER, ClaimGroupJob, ClaimGroupMember, Document,
                              ExplorerRow, JobState, Project)
from annotator.services import jobs

log = logging.getLogger(__name__)

CHUNK = 900          # ids per IN (...): under SQLite's limit of bound parameters
INSERT_BATCH = 2000
MAX_PASSES = 5
KEEP_RUNS = 20


class Superseded(Exception):
    """The job was cancelled, or a later run of it started: this run stops."""


# --- Scheduling ----------------------------------------------------------------------------

def claim_groups_mark(*, document_ids) -> None:
    """These documents' approved claims may have changed: once the transaction commits,
    a run for their projects. `document_ids`: a list of ids, or a query of them."""
    ids = list(document_ids) if isinstance(document_ids, (list, tuple, set, frozenset)) \
        else document_ids
    # robust: a failure here (the broker, say) is logged; the change is already committed
    # and the next change of the project, or the watchdog, sends its run.
    transaction.on_commit(partial(_schedule_for_documents, ids), robust=True)


def _schedule_for_documents(document_ids) -> None:
    project_ids = Document.objects.filter(pk__in=document_ids).values_list(
        "project_id", flat=True).distinct()
    claim_groups_schedule(project_ids=list(project_ids))


def claim_groups_schedule(*, project_ids, full: bool = False,
                          delay: float | None = None) -> list[int]:
    """A queued run for each project that has none yet; the ids of those made. A run
    already queued takes the changes too (it reads them when it starts)."""
    made = []
    countdown = settings.CLAIM_GROUPS_DELAY_SECONDS if delay is None else delay
    for project_id in sorted(set(project_ids)):
        try:
            with transaction.atomic():
                job = ClaimGroupJob.objects.create(project_id=project_id, full=full,
                                                   heartbeat_at=timezone.now())
        except IntegrityError:  # one is queued already (or the project is gone)
            continue
        made.append(job.pk)
        transaction.on_commit(partial(jobs.job_send, kind=KIND, job_id=job.pk,
                                      countdown=countdown))
    return made


# --- Grouping ------------------------------------------------------------------------------

def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _stamp(project_id: int) -> tuple:
    return tuple(ClaimGroupMember.objects.filter(project_id=project_id).aggregate(
        n=Count("pk"), last=Max("pk")).values())


def _claim_texts(project_id: int, document_ids: list[int]) -> dict[int, tuple]:
    """claim_key -> (document, start, end, text) of the approved claims of these documents."""
    texts = {}
    for chunk in _chunks(document_ids):
        rows = ExplorerRow.objects.filter(project_id=project_id, layer=APPROVED_LAYER,
                                          document_id__in=chunk).values_list(
            "claim_key", "document_id", "claim_start", "claim_end", "claim__quote")
        for key, document_id, start, end, quote in rows:
            texts[key] = (document_id, start, end, quote)
    return texts


def claim_groups_update(*, project_id: int, full: bool = False,
                        beat: Callable[[], None] = lambda: None) -> dict:
    """Group the claims of the project's changed documents again (`full`: every claim);
    what it did, in counts. Safe to run at any time, and again."""
    # numpy and datasketch: only the workers and the commands that group load them.
    from annotator import near_duplicates as nd

    for _ in range(MAX_PASSES):
        stamp = _stamp(project_id)
        # The places first (a few integers a claim): a run with nothing to do, the usual
        # one after an entity link or a decision that changed no claim, stops here.
        stored_places = set(ClaimGroupMember.objects.filter(project_id=project_id).values_list(
            "claim_key", "document_id", "claim_start", "claim_end"))
        places = set(ExplorerRow.objects.filter(
            project_id=project_id, layer=APPROVED_LAYER).values_list(
            "claim_key", "document_id", "claim_start", "claim_end").distinct())
        changed_places = (places | stored_places) if full else (places ^ stored_places)
        changed_docs = sorted({place[1] for place in changed_places})
        if not changed_docs:
            return {"documents": 0, "claims": 0, "groups": 0}
        beat()
        members = list(ClaimGroupMember.objects.filter(project_id=project_id).values_list(
            "claim_key", "document_id", "claim_start", "claim_end", "normalised", "signature",
            "group_key"))
        texts = _claim_texts(project_id, changed_docs)
        changed = [nd.Claim(key, nd.normalise(quote)) for key, (_, _, _, quote) in texts.items()]
        in_changed = set(changed_docs)
        stored = [nd.Stored(nd.Claim(key, normalised, nd.signature_from_bytes(signature)), group)
                  for key, document_id, _, _, normalised, signature, group in members
                  if document_id not in in_changed]
        removed_groups = {row[6] for row in members if row[1] in in_changed}
        groups = nd.regroup(changed=changed, stored=stored, removed_groups=removed_groups)
        beat()
        with transaction.atomic():
            list(Project.objects.select_for_update().filter(pk=project_id).values_list("pk"))
            if _stamp(project_id) != stamp:
                continue  # another run wrote meanwhile: compare again
            fresh = {c.key: (*texts[c.key][:3], c.normalised, nd.signature_bytes(c.signature))
                     for c in changed}
            _write(project_id, groups, fresh, members, in_changed)
        return {"documents": len(changed_docs), "claims": len(changed),
                "groups": len(set(groups.values()))}
    raise RuntimeError(f"the claim groups of project {project_id} kept changing under "
                       f"{MAX_PASSES} runs in a row")


def _write(project_id, groups: dict, fresh: dict, members: list, in_changed: set) -> None:
    """Replace the rows of the changed documents and of the groups made again."""
    sizes = Counter(groups.values())
    old = {row[0]: row for row in members}
    doomed = sorted({row[0] for row in members if row[1] in in_changed} | set(groups))
    for chunk in _chunks(doomed):
        ClaimGroupMember.objects.filter(project_id=project_id, claim_key__in=chunk).delete()
    rows = []
    for key, group in groups.items():
        if key in fresh:
            document_id, start, end, normalised, signature = fresh[key]
        else:
            _, document_id, start, end, normalised, signature, _ = old[key]
        rows.append(ClaimGroupMember(
            project_id=project_id, document_id=document_id, claim_key=key, claim_start=start,
            claim_end=end, normalised=normalised, signature=bytes(signature), group_key=group,
            group_size=sizes[group]))
    ClaimGroupMember.objects.bulk_create(rows, batch_size=INSERT_BATCH)


# --- The job -------------------------------------------------------------------------------

def claim_group_job_run(*, job_id: int) -> ClaimGroupJob | None:
    """Run the job (a redelivered or resent one again, as a new run); a finished one is
    left as it is."""
    with transaction.atomic():
        job = ClaimGroupJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state not in jobs.ACTIVE:
            return job
        attempt, now = job.attempts + 1, timezone.now()
        ClaimGroupJob.objects.filter(pk=job_id).update(
            state=JobState.RUNNING, started_at=now, heartbeat_at=now, done=0, error="",
            attempts=attempt)
    current = ClaimGroupJob.objects.filter(pk=job_id, state=JobState.RUNNING, attempts=attempt)

    def beat() -> None:
        if not current.update(heartbeat_at=timezone.now()):
            raise Superseded

    try:
        counts = claim_groups_update(project_id=job.project_id, full=job.full, beat=beat)
        if current.update(state=JobState.DONE, finished_at=timezone.now(), counts=counts,
                          total=counts["documents"], done=counts["documents"]):
            _forget_old_runs(job.project_id)
    except Superseded:
        log.info("claim group job %s: run %s superseded", job_id, attempt)
    except (OperationalError, InterfaceError):
        raise  # the task retries these
    except Exception as exc:  # the job says why rather than staying "running"
        log.exception("claim group job %s failed", job_id)
        jobs.job_fail(kind=KIND, job_id=job_id, reason=f"{type(exc).__name__}: {exc}",
                      attempt=attempt)
    return ClaimGroupJob.objects.get(pk=job_id)


def _forget_old_runs(project_id: int) -> None:
    """A project gets a run per burst of changes: keep its last KEEP_RUNS finished ones."""
    finished = ClaimGroupJob.objects.filter(project_id=project_id, state=JobState.DONE)
    keep = finished.order_by("-finished_at", "-pk").values_list("pk", flat=True)[:KEEP_RUNS]
    finished.exclude(pk__in=list(keep)).delete()


def claim_groups_rebuild(*, project: Project) -> dict:
    """Every claim of the project grouped again, in this process (the command)."""
    return claim_groups_update(project_id=project.pk, full=True)


def _gave_up(job: ClaimGroupJob, times: int) -> str:
    return (f"The worker grouping this project's claims stopped {times} times; giving up. "
            "See the worker logs; `manage.py claim_groups_rebuild` groups them again.")


def _run(*, job_id: int) -> bool:
    claim_group_job_run(job_id=job_id)
    return False  # one run does it all


KIND = jobs.kind_register(jobs.JobKind(
    model=ClaimGroupJob, task="annotator.claim_group_job", target_type="claim_group_job",
    noun="claim grouping", run=_run, restarts=True, gave_up=_gave_up))
