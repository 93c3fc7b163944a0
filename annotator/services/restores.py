"""Undoing a delete: the same span or attribution again, same id, same fields, its history.

A delete event keeps the row as it was (`before`). A span's delete is also the
`cause` of the events of what it did to the attributions that used the span: one
whose only claim it was is deleted, the others lose it (as source, cue or claim
fragment). Restoring the span restores those with it: the deleted attributions
come back, and an attribution that lost the span gets it back in the same place
if nothing changed it since (its version is still the one the detach left).

The row is inserted with its old id. On PostgreSQL the id came from the table's
sequence when the row was first made, so the sequence is already past it; on
SQLite Django's AUTOINCREMENT never hands out an id again. Either way, a restore
never collides with a new row, nor a new row with a restored one.

Review decisions on a span or attribution go with it when it is deleted (the
rows cascade); their events stay, and a restore writes the decisions again from
them, at their original times, so that the restored label is reviewed as it was.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.dateparse import parse_datetime

from annotator import text
from annotator.access import Forbidden, LabelTrace
from annotator.errors import Conflict
from annotator.models import (Attribution, Document, Event, Label, LabelStatus, Origin,
                              ReviewDecision, SourceEntity, Span)
from annotator.services.attributions import (UNSET, _resolve, _write_fragments,
                                             attribution_same, attribution_snapshot,
                                             attribution_update, dedup_key_of)
from annotator.services.events import event_record
from annotator.services.explorer_rows import explorer_rows_refresh
from annotator.services.nesting import parent_resolve, spans_offsets
from annotator.services.spans import annotator_layer_open, span_snapshot


@dataclass
class Restored:
    """A restored span and what came back with it."""

    span: Span
    attributions: list[Attribution] = field(default_factory=list)  # restored or re-linked
    skipped: list[dict] = field(default_factory=list)  # {"attribution": id, "reason": "..."}


@transaction.atomic
def span_restore(*, trace: LabelTrace, actor) -> Restored:
    """Make a deleted span again, and undo what its delete did to attributions."""
    _check(trace, actor)
    span = _span_insert(trace.document, trace.snapshot)
    restored = event_record(project_id=trace.document.project_id, document_id=trace.document.pk,
                            actor=actor, action="restore", target_type="span", target_id=span.pk,
                            after=span_snapshot(span), note="its delete was undone")
    result = Restored(span=span)
    # The deleted attributions first: a child that lost its parent with them gets it back.
    effects = sorted(Event.objects.filter(cause=trace.deleted, target_type="attribution"),
                     key=lambda e: (e.action != "delete", e.created_at, e.id))
    for effect in effects:
        try:
            with transaction.atomic():
                if effect.action == "delete":
                    attribution = _attribution_insert(trace.document, effect.before, actor=actor,
                                                      cause=restored)
                else:
                    attribution = _relink(effect, actor=actor, span=span, cause=restored)
            result.attributions.append(attribution)
        except (Conflict, ValidationError) as refused:
            reason = refused.message if isinstance(refused, Conflict) else "; ".join(
                refused.messages)
            result.skipped.append({"attribution": effect.target_id, "reason": reason})
    explorer_rows_refresh(document_ids=[trace.document.pk])  # it may come back approved
    return result


@transaction.atomic
def attribution_restore(*, trace: LabelTrace, actor) -> Attribution:
    """Make a deleted attribution again; 409 if a span it links is gone."""
    _check(trace, actor)
    attribution = _attribution_insert(trace.document, trace.snapshot, actor=actor, cause=None)
    restored = Event.objects.filter(target_type="attribution", target_id=attribution.pk,
                                    action="restore").latest("id")
    for effect in Event.objects.filter(cause=trace.deleted, target_type="attribution",
                                       action="update").order_by("created_at", "id"):
        try:  # its children, which lost it as parent, get it back if unchanged since
            with transaction.atomic():
                _relink(effect, actor=actor, cause=restored,
                        note=f"its parent attribution {attribution.pk} was restored")
        except (Conflict, ValidationError):
            pass  # changed since, or deleted: the child stays as its annotator left it
    explorer_rows_refresh(document_ids=[trace.document.pk])  # it may come back approved
    return attribution


def _check(trace: LabelTrace, actor) -> None:
    if trace.row is not None:
        current = (span_snapshot(trace.row) if trace.kind == "span"
                   else attribution_snapshot(trace.row))
        raise Conflict(f"This {trace.kind} is not deleted: there is nothing to restore.",
                       current=current, code="not_deleted")
    owner = trace.snapshot.get("annotator")
    if owner is None:
        raise Forbidden("This was a suggestion: the pre-tagger proposes it again when it runs.")
    if owner != actor.pk:
        raise Forbidden("Only the annotator who made a label restores it.")
    annotator_layer_open(document=trace.document, annotator=actor)


def _tagger(snapshot: dict) -> dict:
    """Provenance fields; a pre-tagger's label deleted before they were recorded cannot
    come back as it was."""
    tagger = {"origin": snapshot["origin"], "tagger_name": snapshot.get("tagger_name", ""),
              "tagger_version": snapshot.get("tagger_version", ""),
              "confidence": snapshot.get("confidence")}
    if tagger["origin"] == Origin.PRETAG and not tagger["tagger_name"]:
        raise Conflict("It was deleted before this server kept which pre-tagger made it: it "
                       "cannot be restored as it was; label it again.", code="not_restorable")
    return tagger


def _common(snapshot: dict) -> dict:
    return {**_tagger(snapshot), "status": snapshot["status"],
            "review_state": snapshot["review_state"],
            # A restore is a change: a client holding the old version reloads first.
            "version": snapshot["version"] + 1}


def _suggestion(model, snapshot: dict) -> int | None:
    """The suggestion it was made from, if that is still there (else, like SET_NULL, none)."""
    suggestion = snapshot.get("suggestion")
    return suggestion if suggestion and model.objects.filter(pk=suggestion).exists() else None


def _entity(document: Document, snapshot: dict) -> int | None:
    """The source entity the span mentioned, if it is still there (merged away: none)."""
    entity = snapshot.get("entity")
    return entity if entity and SourceEntity.objects.filter(
        pk=entity, project_id=document.project_id).exists() else None


def _insert(model, snapshot: dict, *, duplicate, **fields):
    """Insert the row with its old id (and created_at); Conflict if it clashes."""
    try:
        with transaction.atomic():
            row = model.objects.create(pk=snapshot["id"], **fields)
    except IntegrityError:
        what = model.__name__.lower()
        if model.objects.filter(pk=snapshot["id"]).exists():
            raise Conflict(f"This {what} was restored meanwhile.", code="not_deleted") from None
        existing = duplicate()
        raise Conflict(f"You made the same {what} again since it was deleted: delete that one "
                       "to restore this one.", code="duplicate",
                       current=existing and (span_snapshot(existing) if model is Span
                                             else attribution_snapshot(existing))) from None
    created_at = parse_datetime(snapshot.get("created_at") or "")
    if created_at is not None:  # auto_now_add ignores a given value
        model.objects.filter(pk=row.pk).update(created_at=created_at)
        row.created_at = created_at
    return row


def _span_insert(document: Document, snapshot: dict) -> Span:
    label = Label.objects.filter(project_id=document.project_id, name=snapshot["label"]).first()
    if label is None:
        raise Conflict(f"Its label {snapshot['label']} is no longer part of this project.",
                       code="label_gone")
    start, end = snapshot["start"], snapshot["end"]
    quote = text.check_span(document.text, start, end, snapshot["quote"])  # the text never changes

    def duplicate():
        return Span.objects.select_related("label").filter(
            document=document, annotator_id=snapshot["annotator"], label=label, start=start,
            end=end, status=LabelStatus.ACCEPTED).first()

    span = _insert(Span, snapshot, duplicate=duplicate, document=document,
                   annotator_id=snapshot["annotator"], label=label, start=start, end=end,
                   quote=quote, suggestion_id=_suggestion(Span, snapshot),
                   entity_id=_entity(document, snapshot), **_common(snapshot))
    _reviews_restore("span", span)
    return Span.objects.select_related("label").get(pk=span.pk)


def _attribution_insert(document: Document, snapshot: dict, *, actor, cause) -> Attribution:
    claims, source, cue = snapshot["claims"], snapshot["source"], snapshot["cue"]
    gone = sorted(set(i for i in (*claims, source, cue) if i) - set(
        Span.objects.filter(pk__in=[i for i in (*claims, source, cue) if i], document=document,
                            annotator_id=snapshot["annotator"]).values_list("pk", flat=True)))
    if gone:
        raise Conflict(f"Span {gone[0]} that it links is deleted: restore that span first.",
                       code="span_gone", current={"deleted_spans": gone})
    try:  # the same checks as a new attribution: a span may have been relabelled since
        claim_spans, source_span, cue_span = _resolve(document, actor, claims, source, cue)
    except ValidationError as invalid:
        raise Conflict("Its spans changed since it was deleted: "
                       + "; ".join(invalid.messages), code="spans_changed") from None

    key = dedup_key_of(claim_spans, source_span, cue_span)

    def duplicate():
        return attribution_same(document=document, annotator=snapshot["annotator"], key=key)

    existing = duplicate() if snapshot["status"] == LabelStatus.ACCEPTED else None
    if existing is not None:
        raise Conflict("You made the same attribution again since it was deleted: delete that "
                       "one to restore this one.", code="duplicate",
                       current=attribution_snapshot(existing))
    attribution = _insert(Attribution, snapshot, duplicate=duplicate, document=document,
                          annotator_id=snapshot["annotator"], claim=claim_spans[0],
                          source=source_span, cue=cue_span, attributes=snapshot["attributes"],
                          dedup_key=key, suggestion_id=_suggestion(Attribution, snapshot),
                          parent=_parent(document, snapshot, actor,
                                         spans_offsets(claim_spans, source_span, cue_span)),
                          **_common(snapshot))
    _write_fragments(attribution, claim_spans)
    _reviews_restore("attribution", attribution)
    event_record(project_id=document.project_id, document_id=document.pk, actor=actor,
                 action="restore", target_type="attribution", target_id=attribution.pk,
                 after=attribution_snapshot(attribution), cause=cause,
                 note="its delete was undone" if cause is None
                 else f"with its claim span {claim_spans[0].pk}")
    return Attribution.objects.get(pk=attribution.pk)


def _parent(document: Document, snapshot: dict, actor, spans: list) -> Attribution | None:
    """The parent it had, if that is still there and still holds it (else none)."""
    try:
        return parent_resolve(document=document, annotator=actor, child_pk=snapshot["id"],
                              parent_id=snapshot.get("parent"), child_spans=spans)
    except ValidationError:
        return None


def _relink(effect: Event, *, actor, cause: Event, span: Span | None = None,
            note: str = "") -> Attribution:
    """Give an attribution back the span (or the parent) its delete took out, if nothing
    changed it since."""
    attribution = Attribution.objects.select_related("document").filter(
        pk=effect.target_id).first()
    if attribution is None:
        raise Conflict("It was deleted after the span was.", code="deleted")
    if attribution.version != effect.after["version"]:
        raise Conflict("It was changed after the span was deleted: link the span again "
                       "yourself if it still belongs there.", code="stale_version")
    # Unchanged since, so `before` differs from it only by the span given back.
    before = effect.before
    # Its parent back, if that is there again (restored with it); else as it is now.
    parent = before.get("parent")
    if parent is not None and not Attribution.objects.filter(pk=parent).exists():
        parent = UNSET
    return attribution_update(attribution=attribution, actor=actor,
                              expected_version=effect.after["version"],
                              claims=before["claims"], source=before["source"],
                              cue=before["cue"], parent=parent,
                              note=note or f"span {span.pk} was restored", cause=cause)


def _reviews_restore(kind: str, row) -> None:
    """Write again the review decisions the row lost when it was deleted, from their events."""
    events = [event for event in Event.objects.filter(
        target_type=kind, target_id=row.pk, action__in=["approve", "reject"],
        actor__isnull=False).order_by("created_at", "id")
        # A review's event records the review state alone (a suggestion's reject, a whole row).
        if isinstance(event.after, dict) and set(event.after) == {"review_state"}]
    decisions = ReviewDecision.objects.bulk_create([
        ReviewDecision(document_id=row.document_id, reviewer_id=event.actor_id,
                       decision=event.action, note=event.note, **{kind: row})
        for event in events])
    for decision, event in zip(decisions, events):
        ReviewDecision.objects.filter(pk=decision.pk).update(created_at=event.created_at)

