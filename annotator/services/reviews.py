"""Review decisions on annotators' spans and attributions, and reviewers' corrections.

Decisions are append-only rows: a newer one on the same target supersedes the
older, which stays in the history. `review_state` on the row is the single
source of truth of what is approved (exports read it).

Two rules keep the approved layer whole (docs/decisions.md, section 10):
- approving an attribution approves its claim fragments, source and cue;
- rejecting a span rejects the attributions that use it.
Each such consequence is a decision of its own, with a note that says why.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from annotator import text
from annotator.models import (Attribution, ClaimFragment, Document, Event, Label, LabelStatus,
                              Origin, ReviewDecision, ReviewState, Span)
from annotator.services.events import event_record

STATE_FOR = {"approve": ReviewState.APPROVED, "reject": ReviewState.REJECTED}


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
    return reviews


def _quoted(span: Span, limit: int = 60) -> str:
    quote = " ".join(span.quote.split())
    return f"“{quote if len(quote) <= limit else quote[:limit - 1] + '…'}”"


def _with_reason(note: str, reason: str) -> str:
    return f"{reason}: {note}" if note else f"{reason}."


@transaction.atomic
def reviews_decide(*, reviewer, document: Document, decision: str, spans: list[Span] = (),
                   attributions: list[Attribution] = (), note: str = "") -> list[ReviewDecision]:
    """Approve or reject many labels of one document at once, with their consequences.

    Returns every decision written: the ones asked for first, then the consequences.
    """
    spans = list({s.pk: s for s in spans}.values())
    attributions = list({a.pk: a for a in attributions}.values())
    _check(decision, spans + attributions)
    targets = [("span", s, note) for s in spans] + [("attribution", a, note)
                                                    for a in attributions]
    state = STATE_FOR[decision]
    asked = {("span", s.pk) for s in spans} | {("attribution", a.pk) for a in attributions}
    if decision == "approve" and attributions:
        # An approved attribution brings its spans into the approved layer.
        roles = {}
        for a in attributions:
            for span_id in (a.claim_id, a.source_id, a.cue_id):
                if span_id:
                    roles.setdefault(span_id, a.pk)
        for fragment in ClaimFragment.objects.filter(attribution__in=attributions):
            roles.setdefault(fragment.span_id, fragment.attribution_id)
        for span in Span.objects.filter(pk__in=list(roles)).exclude(review_state=state):
            if ("span", span.pk) not in asked:
                targets.append(("span", span, _with_reason(
                    note, "approved with the attribution that uses it")))
    if decision == "reject" and spans:
        # An attribution cannot stand on a rejected span.
        span_ids = [s.pk for s in spans]
        by_id = {s.pk: s for s in spans}
        using = (Attribution.objects.filter(Q(claim__in=span_ids) | Q(source__in=span_ids)
                                            | Q(cue__in=span_ids)
                                            | Q(fragments__span__in=span_ids))
                 .exclude(review_state=state).distinct().prefetch_related("fragments"))
        for a in using:
            if ("attribution", a.pk) not in asked:
                parts = (a.claim_id, *[f.span_id for f in a.fragments.all()], a.source_id,
                         a.cue_id)
                used = by_id[next(i for i in parts if i in span_ids)]
                targets.append(("attribution", a, _with_reason(
                    note, f"its {used.label.name} {_quoted(used)} was rejected")))
    return _write(reviewer=reviewer, document=document, decision=decision, targets=targets)


def review_decide(*, reviewer, target: Span | Attribution, decision: str,
                  note: str = "") -> ReviewDecision:
    """Record one decision; it supersedes earlier ones on the same target, which stay."""
    kind = "spans" if isinstance(target, Span) else "attributions"
    return reviews_decide(reviewer=reviewer, document=target.document, decision=decision,
                          note=note, **{kind: [target]})[0]


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
        if span.review_state != ReviewState.APPROVED:
            _write(reviewer=reviewer, document=document, decision="approve",
                   targets=[("span", span, _correction_note(note))])
        return span
    from annotator.services.spans import span_snapshot

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
        reviews_decide(reviewer=reviewer, document=document, decision="reject", spans=replaced,
                       note=_with_reason(note, f"replaced by the reviewer's {label.name} "
                                               f"{_quoted(span)}"))
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
    from annotator.services.attributions import (attribution_insert, attribution_snapshot,
                                                 attributes_check, role_labels)

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
        reviews_decide(reviewer=reviewer, document=document, decision="reject",
                       attributions=replaced,
                       note=_with_reason(note, "replaced by the reviewer's attribution"))
    return attribution
