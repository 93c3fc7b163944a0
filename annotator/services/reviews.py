"""Review decisions on annotators' spans and attributions, and reviewers' corrections.

Decisions are append-only rows: a newer one on the same target supersedes the
older, which stays in the history. `review_state` on the row is the single
source of truth of what is approved (exports read it).

Two rules keep the approved layer whole (docs/decisions.md, "Review: one approved layer,
decided on merged items, kept whole by two rules"):
- approving an attribution approves its claim fragments, source and cue;
- rejecting a span rejects the attributions that use it.
Each such consequence is a decision of its own, with a note that says why.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from annotator import access, text
from annotator.access import Forbidden
from annotator.errors import Conflict
from annotator.models import (Attribution, Document, Event, Label, LabelStatus, Origin,
                              ReviewDecision, ReviewState, Span)
from annotator.services.attributions import (attribution_insert, attribution_snapshot,
                                             attributes_check, role_labels)
from annotator.services.explorer_rows import explorer_rows_refresh
from annotator.services.events import event_record
from annotator.services.spans import span_snapshot

STATE_FOR = {"approve": ReviewState.APPROVED, "reject": ReviewState.REJECTED}

# Why a label asked for was left as it is (undecided_only, the default of bulk requests).
ALREADY_DECIDED = "already_decided"
OWN_LABEL = "own_label"
REJECTED_PART = "rejected_part"
LEFT_REASONS = (ALREADY_DECIDED, OWN_LABEL, REJECTED_PART)


@dataclass
class Left:
    """A label asked for and left as it was, with the reason (one of LEFT_REASONS)."""
    kind: str  # "span" or "attribution"
    row: Span | Attribution
    reason: str
    detail: str


@dataclass
class ReviewOutcome:
    decisions: list[ReviewDecision]  # the ones asked for first, then the consequences
    left: list[Left] = field(default_factory=list)


def _check(decision: str, rows) -> None:
    if decision not in STATE_FOR:
        raise ValidationError({"decision": "must be 'approve' or 'reject'."})
    for row in rows:
        if row.annotator_id is None:
            raise ValidationError({"target": "suggestions are not reviewed: review the labels "
                                             "annotators made of them."})


def _write(*, reviewer, document: Document, decision: str, targets: list[tuple[str, object, str]]
           ) -> list[ReviewDecision]:
    """One decision, state change and event per (kind, row, note); a few queries in all."""
    state = STATE_FOR[decision]
    reviews = ReviewDecision.objects.bulk_create([
        ReviewDecision(document=document, reviewer=reviewer, decision=decision, note=note,
                       **{kind: row}) for kind, row, note in targets])
    for kind, model in (("span", Span), ("attribution", Attribution)):
        ids = [row.pk for k, row, _ in targets if k == kind]
        if ids:
            model.objects.filter(pk__in=ids).update(review_state=state)
    Event.objects.bulk_create([
        Event(project_id=document.project_id, document=document, actor=reviewer, action=decision,
              target_type=kind, target_id=row.pk, before={"review_state": row.review_state},
              after={"review_state": state}, note=note) for kind, row, note in targets])
    for _, row, _ in targets:
        row.review_state = state
    explorer_rows_refresh(document_ids=[document.pk])
    return reviews


def _quoted(span: Span, limit: int = 60) -> str:
    quote = " ".join(span.quote.split())
    return f"“{quote if len(quote) <= limit else quote[:limit - 1] + '…'}”"


def _with_reason(note: str, reason: str) -> str:
    return f"{reason}: {note}" if note else f"{reason}."


def _named(kind: str, row) -> str:
    return (f"{row.label.name} {_quoted(row)} (span {row.pk})" if kind == "span"
            else f"attribution {row.pk}")


def _parts(attribution: Attribution) -> list[int]:
    """The ids of the spans an attribution links: claim fragments, source, cue."""
    return [i for i in (attribution.claim_id,
                        *[f.span_id for f in attribution.fragments.all()],
                        attribution.source_id, attribution.cue_id) if i]


def _lock(*, document: Document, decision: str, span_ids: list[int],
          attribution_ids: list[int]) -> tuple[dict[int, Span], dict[int, Attribution]]:
    """Lock every row this decision may write, then read them as they are now.

    Without the lock, two simultaneous decisions could store their states in the other
    order than their ReviewDecision rows (the newest decision would not be the state).
    Every decision locks spans before attributions, each by id: two requests listing the
    same rows in other orders, or reaching them through other consequences, wait for each
    other instead of deadlocking. What the consequences may touch is found first,
    without the lock, and read again under it.
    """
    span_ids, attribution_ids = set(span_ids), set(attribution_ids)
    if decision == "approve" and attribution_ids:
        for a in Attribution.objects.filter(pk__in=attribution_ids).prefetch_related("fragments"):
            span_ids.update(_parts(a))
    if decision == "reject" and span_ids:
        attribution_ids.update(Attribution.objects.filter(
            Q(claim__in=span_ids) | Q(source__in=span_ids) | Q(cue__in=span_ids)
            | Q(fragments__span__in=span_ids)).values_list("pk", flat=True))
    spans = {s.pk: s for s in Span.objects.select_for_update(of=("self",)).select_related(
        "label").filter(pk__in=span_ids, document=document).order_by("pk")}
    attributions = {a.pk: a for a in Attribution.objects.select_for_update().filter(
        pk__in=attribution_ids, document=document).order_by("pk").prefetch_related("fragments")}
    if decision == "approve" and any(i not in spans for a in attributions.values()
                                     for i in _parts(a)):
        # Its annotator relinked it between the two reads: decide on what it is now.
        raise Conflict("An attribution changed while it was being decided: reload it and "
                       "decide again.", code="changed")
    return spans, attributions


@transaction.atomic
def review_bulk_decide(*, reviewer, document: Document, decision: str,
                       spans: list[Span] = (), attributions: list[Attribution] = (),
                       note: str = "", undecided_only: bool = True) -> ReviewOutcome:
    """Approve or reject many labels of one document at once, with their consequences.

    undecided_only (the default): only labels still pending are decided; the others are
    left with the reason (already decided, the reviewer's own label, an attribution whose
    span was rejected), so that a bulk approval never overrides an explicit decision.
    Otherwise every label asked for is decided (a newer decision supersedes an older
    one), the reviewer's own labels are refused (403) unless the project allows it, and
    approving an attribution whose span a reviewer rejected is refused (409) unless the
    request names that span too. Returns the decisions written and the labels left.
    """
    _check(decision, list(spans) + list(attributions))
    state = STATE_FOR[decision]
    asked_spans = list(dict.fromkeys(s.pk for s in spans))
    asked_attributions = list(dict.fromkeys(a.pk for a in attributions))
    locked_spans, locked_attributions = _lock(document=document, decision=decision,
                                              span_ids=asked_spans,
                                              attribution_ids=asked_attributions)
    if any(i not in locked_spans for i in asked_spans) or any(
            i not in locked_attributions for i in asked_attributions):
        raise Conflict("A label was deleted while it was being decided: reload the document.",
                       code="changed")
    asked = ([("span", locked_spans[i]) for i in asked_spans]
             + [("attribution", locked_attributions[i]) for i in asked_attributions])

    membership = access.membership_for(reviewer, document.project)
    settings = document.project.settings
    left: list[Left] = []
    own = [(kind, row) for kind, row in asked if not access.may_review(membership, row, settings)]
    own_keys = {(kind, row.pk) for kind, row in own}
    if own and not undecided_only:
        raise Forbidden("You made these labels, so another reviewer decides them (the "
                        "project's setting review_own_labels is off): "
                        + ", ".join(_named(kind, row) for kind, row in own) + ".")
    left += [Left(kind, row, OWN_LABEL, "you made it: another reviewer decides it")
             for kind, row in own]
    chosen = [(kind, row) for kind, row in asked if (kind, row.pk) not in own_keys]
    if undecided_only:
        left += [Left(kind, row, ALREADY_DECIDED, f"already {row.review_state}")
                 for kind, row in chosen if row.review_state != ReviewState.PENDING]
        chosen = [(kind, row) for kind, row in chosen if row.review_state == ReviewState.PENDING]

    consequences: list[tuple[str, object, str]] = []
    if decision == "approve":
        # An approved attribution brings its spans into the approved layer, but never over
        # a span a reviewer rejected: that attribution is left (or refused), with the reason.
        approving = {row.pk for kind, row in chosen if kind == "span"}
        kept = []
        for kind, row in chosen:
            rejected = [] if kind == "span" else [
                locked_spans[i] for i in _parts(row)
                if i not in approving and locked_spans[i].review_state == ReviewState.REJECTED]
            if not rejected:
                kept.append((kind, row))
                continue
            reason = "; ".join(f"its {s.label.name} {_quoted(s)} (span {s.pk}) was rejected"
                               for s in rejected)
            if not undecided_only:
                raise Conflict(f"Attribution {row.pk} cannot be approved: {reason}. Approve "
                               "that span in the same request, or leave the attribution.",
                               current={"spans": [s.pk for s in rejected]},
                               code=REJECTED_PART)
            left.append(Left(kind, row, REJECTED_PART, reason))
        chosen = kept
        queued = set(approving)
        for kind, row in chosen:
            if kind == "attribution":
                for span_id in _parts(row):
                    span = locked_spans[span_id]
                    if span_id not in queued and span.review_state != state:
                        queued.add(span_id)
                        consequences.append(("span", span, _with_reason(
                            note, "approved with the attribution that uses it")))
    else:
        # An attribution cannot stand on a rejected span.
        rejecting = {row.pk: row for kind, row in chosen if kind == "span"}
        asked_ids = {row.pk for kind, row in chosen if kind == "attribution"}
        for a in locked_attributions.values():
            if a.pk in asked_ids or a.review_state == state:
                continue
            used = next((rejecting[i] for i in _parts(a) if i in rejecting), None)
            if used is not None:
                consequences.append(("attribution", a, _with_reason(
                    note, f"its {used.label.name} {_quoted(used)} was rejected")))
    targets = [(kind, row, note) for kind, row in chosen] + consequences
    decisions = _write(reviewer=reviewer, document=document, decision=decision,
                       targets=targets) if targets else []
    return ReviewOutcome(decisions=decisions, left=left)


def review_decide(*, reviewer, target: Span | Attribution, decision: str,
                  note: str = "") -> ReviewDecision:
    """Record one explicit decision; it supersedes earlier ones on the same target, which stay."""
    kind = "spans" if isinstance(target, Span) else "attributions"
    return review_bulk_decide(reviewer=reviewer, document=target.document, decision=decision,
                              note=note, undecided_only=False, **{kind: [target]}).decisions[0]


# --- Corrections: the reviewer's own labels, approved as they are made ------------------------

def _correction_note(note: str) -> str:
    return _with_reason(note, "reviewer's correction")


def _reviewer_span(*, document: Document, reviewer, label: Label, start: int, end: int,
                   quote: str | None, note: str) -> Span:
    """The reviewer's span at these offsets: made (origin "review", approved) or reused."""
    covered = text.check_span(document.text, start, end, quote)
    if label.project_id != document.project_id:
        raise ValidationError({"label": f"{label.name!r} is not part of this project."})
    try:
        with transaction.atomic():
            span = Span.objects.create(document=document, annotator=reviewer, label=label,
                                       start=start, end=end, quote=covered, origin=Origin.REVIEW,
                                       review_state=ReviewState.APPROVED)
    except IntegrityError:
        # The reviewer has this span already (an earlier correction): approve it again.
        span = Span.objects.select_related("label").get(
            document=document, annotator=reviewer, label=label, start=start, end=end,
            status=LabelStatus.ACCEPTED)
        if not access.may_review(access.membership_for(reviewer, document.project), span,
                                 document.project.settings):
            # The reviewer made this very label as an annotator: approving it here would be
            # approving their own label under the name of a correction.
            raise Forbidden(f"You made {_named('span', span)} yourself, so another reviewer "
                            "decides it (the project's setting review_own_labels is off).")
        if span.review_state != ReviewState.APPROVED:
            _write(reviewer=reviewer, document=document, decision="approve",
                   targets=[("span", span, _correction_note(note))])
        return span
    ReviewDecision.objects.create(document=document, reviewer=reviewer, span=span,
                                  decision="approve", note=_correction_note(note))
    event_record(project_id=document.project_id, document_id=document.pk, actor=reviewer,
                 action="correct", target_type="span", target_id=span.pk,
                 after=span_snapshot(span), note=note)
    return span


@transaction.atomic
def review_correct_span(*, document: Document, reviewer, label: Label, start: int, end: int,
                        quote: str | None = None, replaces: list[Span] = (),
                        note: str = "") -> Span:
    """A reviewer's correction: their own span, approved, and what it replaces rejected."""
    span = _reviewer_span(document=document, reviewer=reviewer, label=label, start=start,
                          end=end, quote=quote, note=note)
    replaced = [s for s in replaces if s.pk != span.pk]
    if replaced:
        review_bulk_decide(reviewer=reviewer, document=document, decision="reject",
                           spans=replaced, undecided_only=False,
                           note=_with_reason(note, f"replaced by the reviewer's {label.name} "
                                                   f"{_quoted(span)}"))
    explorer_rows_refresh(document_ids=[document.pk])  # an approved SOURCE copy: its entity
    return span


@transaction.atomic
def review_correct_attribution(*, document: Document, reviewer, claims: list[Span],
                               source: Span | None = None, cue: Span | None = None,
                               attributes: dict | None = None,
                               replaces: list[Attribution] = (), note: str = "") -> Attribution:
    """A reviewer's attribution built from any annotator's spans of this document.

    Each span is copied into the reviewer's layer (or reused there), so that the
    attribution, like every attribution, links spans of one layer.
    """
    roles = role_labels(document.project)
    if not claims:
        raise ValidationError({"claims": "needs at least one CLAIM span id."})
    for field, spans in (("claims", claims), ("source", [source]), ("cue", [cue])):
        wanted = roles["claim" if field == "claims" else field]
        for span in spans:
            if span is not None and span.label.name != wanted:
                raise ValidationError({field: f"span {span.pk} is a {span.label.name}, not a "
                                              f"{wanted}."})
    keys = [(s.start, s.end) for s in claims]
    if len(set(keys)) != len(keys):
        raise ValidationError({"claims": "lists the same claim twice."})
    if source is not None and cue is not None and (source.start, source.end) == (
            cue.start, cue.end):
        raise ValidationError({"cue": "covers the same text as the source."})
    clean = attributes_check(document.project, attributes or {})

    def copy(span):
        if span is None:
            return None
        return _reviewer_span(document=document, reviewer=reviewer, label=span.label,
                              start=span.start, end=span.end, quote=None, note=note)

    claim_copies = [copy(s) for s in claims]
    attribution, created = attribution_insert(
        document=document, annotator=reviewer, claims=claim_copies, source=copy(source),
        cue=copy(cue), existing_ok=True, attributes=clean, origin=Origin.REVIEW,
        review_state=ReviewState.APPROVED)
    if not created:
        # The reviewer has this attribution already (an earlier correction): it takes the
        # attributes given now and is approved again, as _reviewer_span does with a span.
        if attribution.attributes != clean:
            before = attribution_snapshot(attribution)
            Attribution.objects.filter(pk=attribution.pk).update(
                attributes=clean, version=attribution.version + 1)
            attribution.attributes, attribution.version = clean, attribution.version + 1
            event_record(project_id=document.project_id, document_id=document.pk,
                         actor=reviewer, action="correct", target_type="attribution",
                         target_id=attribution.pk, before=before,
                         after=attribution_snapshot(attribution), note=note)
        if attribution.review_state != ReviewState.APPROVED:
            _write(reviewer=reviewer, document=document, decision="approve",
                   targets=[("attribution", attribution, _correction_note(note))])
    else:
        ReviewDecision.objects.create(document=document, reviewer=reviewer,
                                      attribution=attribution, decision="approve",
                                      note=_correction_note(note))
        event_record(project_id=document.project_id, document_id=document.pk, actor=reviewer,
                     action="correct", target_type="attribution", target_id=attribution.pk,
                     after=attribution_snapshot(attribution), note=note)
    replaced = [a for a in replaces if a.pk != attribution.pk]
    if replaced:
        review_bulk_decide(reviewer=reviewer, document=document, decision="reject",
                           attributions=replaced, undecided_only=False,
                           note=_with_reason(note, "replaced by the reviewer's attribution"))
    explorer_rows_refresh(document_ids=[document.pk])
    return attribution
