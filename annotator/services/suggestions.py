"""Suggestions: a pre-tagger's proposals, and annotators' decisions on them.

A suggestion has no annotator. Accepting one makes a copy in the annotator's
layer (origin and tagger kept, `suggestion` pointing back); rejecting one
makes a copy with status "rejected", so the suggestion stays for the others.
Both are idempotent: one decision row per annotator and suggestion.

Accepting what the annotator already has (the same span, or an attribution of the
same spans) makes no copy: their own row is linked to the suggestion (`suggestion`
set, an "accept" event) and keeps what they gave it, attributes included.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from annotator import text
from annotator.models import (Attribution, ClaimFragment, Document, Event, LabelStatus, Origin,
                              Span, attribution_dedup_key)
from annotator.services.attributions import (_write_fragments, attribution_insert,
                                             attribution_same, attribution_snapshot,
                                             dedup_key_of)
from annotator.errors import Conflict
from annotator.services.entity_suggestions import entities_for_accept, suggested_entities_write
from annotator.services.explorer_rows import explorer_rows_refresh
from annotator.services.nesting import accepted_parents_link, suggested_parents_store
from annotator.services.rows import row_defaults, rows_insert
from annotator.services.spans import annotator_layer_open, span_snapshot


@dataclass
class SuggestedSpan:
    key: str                # the tagger's own id for the span, used by attributions
    label: str
    start: int
    end: int
    confidence: float | None = None


@dataclass
class SuggestedAttribution:
    claims: list[str]       # span keys, in text order
    source: str | None = None
    cue: str | None = None
    confidence: float | None = None
    attributes: dict = field(default_factory=dict)
    parent: int | None = None   # the index (in the list stored with it) of its parent


@transaction.atomic
def suggestions_store(*, document: Document, tagger_name: str, tagger_version: str,
                      spans: list[SuggestedSpan],
                      attributions: list[SuggestedAttribution],
                      entities: dict[str, dict] | None = None) -> tuple[int, int]:
    """Store a tagger's output for one document, idempotently. Returns (spans, attributions) new.

    Storing the same output twice (a retried task, a repeated job) adds nothing.
    An attribution's `parent` (an index of `attributions`) is checked as an annotator's
    is (annotator/nesting.py) and set on the stored row.
    `entities` gives SOURCE spans (by key) their proposed entity
    (services/entity_suggestions.py); a suggestion stored before gets the new proposal.
    """
    entities = entities or {}
    if not tagger_name or not tagger_version:
        raise ValidationError({"tagger_name": "a tagger name and version are required."})
    labels = {label.name: label for label in document.project.labels.all()}
    rows, keys = [], {}
    for index, item in enumerate(spans):
        label = labels.get(item.label)
        if label is None:
            raise ValidationError({f"spans[{index}].label": f"{item.label!r} is not a label "
                                                            "of this project."})
        try:
            quote = text.check_span(document.text, item.start, item.end)
        except ValidationError as exc:
            raise ValidationError({f"spans[{index}].{k}": v
                                   for k, v in exc.message_dict.items()}) from None
        if item.key in keys:
            raise ValidationError({f"spans[{index}].key": f"{item.key!r} is used twice."})
        keys[item.key] = (label.pk, item.start, item.end)
        rows.append(Span(document=document, annotator=None, label=label, start=item.start,
                         end=item.end, quote=quote, origin=Origin.PRETAG,
                         status=LabelStatus.SUGGESTED, tagger_name=tagger_name,
                         tagger_version=tagger_version, confidence=item.confidence,
                         **entities.get(item.key, {})))
    before_spans = Span.objects.filter(document=document, annotator__isnull=True,
                                       tagger_name=tagger_name,
                                       tagger_version=tagger_version).count()
    Span.objects.bulk_create(rows, ignore_conflicts=True)
    stored = {(s.label_id, s.start, s.end): s.pk for s in Span.objects.filter(
        document=document, annotator__isnull=True, tagger_name=tagger_name,
        tagger_version=tagger_version).only("pk", "label_id", "start", "end")}
    new_spans = len(stored) - before_spans
    suggested_entities_write(stored={key: stored[where] for key, where in keys.items()},
                             proposals=entities)

    def span_id(key, where):
        if key is None:
            return None
        if key not in keys:
            raise ValidationError({where: f"{key!r} is not the key of a suggested span."})
        return stored[keys[key]]

    attribution_rows, fragment_lists = [], []
    for index, item in enumerate(attributions):
        if not item.claims:
            raise ValidationError({f"attributions[{index}].claims": "needs a claim."})
        claim_ids = [span_id(k, f"attributions[{index}].claims") for k in item.claims]
        source_id = span_id(item.source, f"attributions[{index}].source")
        cue_id = span_id(item.cue, f"attributions[{index}].cue")
        # As for an annotator's attribution (services/attributions.py): the database refuses
        # a source or cue that is the claim, PostgreSQL loudly, SQLite's bulk insert silently.
        if source_id is not None and source_id in claim_ids:
            raise ValidationError({f"attributions[{index}].source": "is one of the claims."})
        if cue_id is not None and cue_id in claim_ids:
            raise ValidationError({f"attributions[{index}].cue": "is one of the claims."})
        dedup = attribution_dedup_key(claim_ids, source_id, cue_id)
        attribution_rows.append(Attribution(
            document=document, annotator=None, claim_id=claim_ids[0], source_id=source_id,
            cue_id=cue_id, attributes=item.attributes, origin=Origin.PRETAG,
            status=LabelStatus.SUGGESTED, tagger_name=tagger_name, tagger_version=tagger_version,
            confidence=item.confidence, dedup_key=dedup))
        fragment_lists.append((dedup, claim_ids[1:]))
    existing = set(Attribution.objects.filter(
        document=document, annotator__isnull=True, tagger_name=tagger_name,
        tagger_version=tagger_version).values_list("dedup_key", flat=True))
    fresh_rows = [row for row in attribution_rows if row.dedup_key not in existing]
    Attribution.objects.bulk_create(fresh_rows, ignore_conflicts=True)
    by_key = dict(Attribution.objects.filter(
        document=document, annotator__isnull=True, tagger_name=tagger_name,
        tagger_version=tagger_version,
        dedup_key__in=[r.dedup_key for r in fresh_rows]).values_list("dedup_key", "pk"))
    ClaimFragment.objects.bulk_create([
        ClaimFragment(attribution_id=by_key[dedup], span_id=span_pk, position=position)
        for dedup, rest in fragment_lists if dedup in by_key
        for position, span_pk in enumerate(rest, start=1)], ignore_conflicts=True)
    suggested_parents_store(attributions, attribution_rows,
                            {key: (where[1], where[2]) for key, where in keys.items()})
    return new_spans, len(by_key)


def _accept_fresh_spans(suggestions: list[Span], annotator, events: list,
                        entity_of: dict[int, int]) -> dict[int, Span]:
    """Accept at once the suggestions the annotator has neither decided nor drawn: one
    batched INSERT (services/rows.py, as the bulk write stores spans) after two reads,
    whatever their number. {suggestion id: the annotator's new span}; the others are
    left to _decide_span, one by one, as they need more than a copy."""
    if not suggestions:
        return {}
    document_id = suggestions[0].document_id
    decided = set(Span.objects.filter(annotator=annotator, suggestion__in=suggestions)
                  .order_by().values_list("suggestion_id", flat=True))
    drawn = set(Span.objects.filter(document_id=document_id, annotator=annotator,
                                    status=LabelStatus.ACCEPTED).order_by()
                .values_list("label_id", "start", "end"))
    fresh, seen = [], set()
    for suggestion in suggestions:
        key = (suggestion.label_id, suggestion.start, suggestion.end)
        if suggestion.pk in decided or key in drawn or key in seen:
            continue  # linked or decided again one by one (two taggers may agree)
        seen.add(key)
        fresh.append(suggestion)
    now = timezone.now()
    given = [{"document_id": document_id, "annotator_id": annotator.pk,
              "label_id": item.label_id, "start": item.start, "end": item.end,
              "quote": item.quote, "origin": Origin.PRETAG, "tagger_name": item.tagger_name,
              "tagger_version": item.tagger_version, "confidence": item.confidence,
              "status": LabelStatus.ACCEPTED, "suggestion_id": item.pk,
              "entity_id": entity_of.get(item.pk)} for item in fresh]
    try:
        with transaction.atomic():
            ids = rows_insert(Span, given, now=now)
    except IntegrityError:
        raise Conflict("These suggestions were decided in the meantime by another request "
                       "of yours; nothing was written.", code="duplicate") from None
    defaults = row_defaults(Span, now)
    own = {}
    for item, row, pk in zip(fresh, given, ids):
        span = Span(**{**defaults, **row, "id": pk})
        span.label = item.label
        own[item.pk] = span
        events.append(("accept", "span", pk, None, span_snapshot(span)))
    return own


def _decide_span(suggestion: Span, annotator, status: str, events: list,
                 entity_of: dict[int, int]) -> Span:
    entity_id = entity_of.get(suggestion.pk)
    if status == LabelStatus.ACCEPTED:
        # The annotator already drew this very span: accepting links it, adds nothing.
        same = Span.objects.filter(
            document_id=suggestion.document_id, annotator=annotator, label_id=suggestion.label_id,
            start=suggestion.start, end=suggestion.end, status=LabelStatus.ACCEPTED).first()
        if same is not None:
            # Their own span keeps the entity they gave it; one without gets the proposal.
            entity_id = same.entity_id or entity_id
            if same.suggestion_id is None or same.entity_id != entity_id:
                before = span_snapshot(same)
                version = same.version + (same.entity_id != entity_id)
                Span.objects.filter(pk=same.pk).update(suggestion=suggestion, entity_id=entity_id,
                                                       version=version)
                same.suggestion, same.entity_id, same.version = suggestion, entity_id, version
                events.append(("accept", "span", same.pk, before, span_snapshot(same)))
            return same
    own, created = Span.objects.get_or_create(
        annotator=annotator, suggestion=suggestion,
        defaults=dict(document_id=suggestion.document_id, label_id=suggestion.label_id,
                      start=suggestion.start, end=suggestion.end, quote=suggestion.quote,
                      origin=Origin.PRETAG, tagger_name=suggestion.tagger_name,
                      tagger_version=suggestion.tagger_version,
                      confidence=suggestion.confidence, status=status,
                      entity_id=entity_id if status == LabelStatus.ACCEPTED else None))
    if created or own.status != status:
        before = None if created else span_snapshot(own)
        if not created:
            # A rejection turned into an acceptance takes the proposed entity too.
            entity_id = own.entity_id or entity_id if status == LabelStatus.ACCEPTED \
                else own.entity_id
            Span.objects.filter(pk=own.pk).update(status=status, version=own.version + 1,
                                                  entity_id=entity_id)
            own.status, own.version, own.entity_id = status, own.version + 1, entity_id
        events.append(("accept" if status == LabelStatus.ACCEPTED else "reject", "span",
                       own.pk, before, span_snapshot(own)))
    return own


def _reject_attribution(suggestion: Attribution, annotator, events: list) -> Attribution:
    """A row of status "rejected" that says no (or turns an acceptance into a no)."""
    own, created = Attribution.objects.get_or_create(
        annotator=annotator, suggestion=suggestion,
        defaults=dict(document_id=suggestion.document_id, claim_id=suggestion.claim_id,
                      dedup_key=attribution_dedup_key([suggestion.claim_id], None, None),
                      attributes=suggestion.attributes, origin=Origin.PRETAG,
                      tagger_name=suggestion.tagger_name,
                      tagger_version=suggestion.tagger_version,
                      confidence=suggestion.confidence, status=LabelStatus.REJECTED))
    if not created and own.status != LabelStatus.REJECTED:
        Attribution.objects.filter(pk=own.pk).update(status=LabelStatus.REJECTED,
                                                     version=own.version + 1)
        own.status, own.version = LabelStatus.REJECTED, own.version + 1
        created = True
    if created:
        events.append(("reject", "attribution", own.pk, None, attribution_snapshot(own)))
    return own


def _accept_attribution(suggestion: Attribution, document: Document, annotator, mapped: dict,
                        events: list) -> Attribution:
    """The annotator's attribution for an accepted suggestion, of their own spans (`mapped`).

    One they already have with these spans is linked, not copied. An earlier rejection
    row becomes the acceptance (or gives way to the linked row).
    """
    decided = Attribution.objects.filter(annotator=annotator, suggestion=suggestion).first()
    if decided is not None and decided.status == LabelStatus.ACCEPTED:
        return decided  # accepted before: nothing to do
    fragment_ids = [f.span_id for f in sorted(suggestion.fragments.all(),
                                              key=lambda f: f.position)]
    claims = [mapped[i] for i in (suggestion.claim_id, *fragment_ids)]
    source, cue = mapped.get(suggestion.source_id), mapped.get(suggestion.cue_id)
    key = dedup_key_of(claims, source, cue)
    same = attribution_same(document=document, annotator=annotator, key=key)
    if same is None and decided is None:
        own, created = attribution_insert(
            document=document, annotator=annotator, claims=claims, source=source, cue=cue,
            existing_ok=True, suggestion=suggestion, attributes=suggestion.attributes,
            origin=Origin.PRETAG, tagger_name=suggestion.tagger_name,
            tagger_version=suggestion.tagger_version, confidence=suggestion.confidence)
        if created:
            events.append(("accept", "attribution", own.pk, None, attribution_snapshot(own)))
        return own  # or the row a concurrent accept made a moment ago
    if same is None:
        # Rejected before: that row becomes the acceptance, made of the annotator's spans.
        before = attribution_snapshot(decided)
        Attribution.objects.filter(pk=decided.pk).update(
            claim=claims[0], source=source, cue=cue, dedup_key=key,
            status=LabelStatus.ACCEPTED, version=decided.version + 1)
        own = Attribution.objects.get(pk=decided.pk)
        _write_fragments(own, claims)
        events.append(("accept", "attribution", own.pk, before, attribution_snapshot(own)))
        return own
    if decided is not None:
        # The rejection row gives way: the link to the suggestion moves to `same`.
        events.append(("delete", "attribution", decided.pk, attribution_snapshot(decided), None))
        Attribution.objects.filter(pk=decided.pk).delete()
    if same.suggestion_id is None:
        before = attribution_snapshot(same)
        Attribution.objects.filter(pk=same.pk).update(suggestion=suggestion,
                                                      version=same.version + 1)
        same.suggestion, same.version = suggestion, same.version + 1
        events.append(("accept", "attribution", same.pk, before, attribution_snapshot(same)))
    return same


@transaction.atomic
def suggestions_decide(*, document: Document, annotator, decision: str, span_ids: list[int],
                       attribution_ids: list[int]) -> dict:
    """Accept or reject suggestions of this document, many at once, all or nothing.

    Accepting an attribution accepts its spans too. Returns the annotator's rows.
    """
    if decision not in ("accept", "reject"):
        raise ValidationError({"decision": "must be 'accept' or 'reject'."})
    annotator_layer_open(document=document, annotator=annotator)
    status = LabelStatus.ACCEPTED if decision == "accept" else LabelStatus.REJECTED
    suggested_spans = {s.pk: s for s in Span.objects.select_related("label").filter(
        document=document, annotator__isnull=True, pk__in=span_ids)}
    missing = [i for i in span_ids if i not in suggested_spans]
    if missing:
        raise ValidationError({"spans": f"{missing[0]} is not a suggestion in this document."})
    suggested_attributions = {a.pk: a for a in Attribution.objects.prefetch_related(
        "fragments").filter(document=document, annotator__isnull=True, pk__in=attribution_ids)}
    missing = [i for i in attribution_ids if i not in suggested_attributions]
    if missing:
        raise ValidationError({"attributions": f"{missing[0]} is not a suggestion in this "
                                               "document."})
    events: list = []
    parts = {}  # the suggested spans of the suggested attributions, read at once
    if status == LabelStatus.ACCEPTED and suggested_attributions:
        part_ids = {i for a in suggested_attributions.values()
                    for i in (a.claim_id, a.source_id, a.cue_id,
                              *[f.span_id for f in a.fragments.all()]) if i}
        parts = {p.pk: p for p in Span.objects.select_related("label").filter(
            pk__in=part_ids).order_by()}
    accepting = [*suggested_spans.values(),
                 *[p for p in parts.values() if p.pk not in suggested_spans]]
    entity_of = (entities_for_accept(project_id=document.project_id, suggestions=accepting,
                                     actor=annotator)
                 if status == LabelStatus.ACCEPTED else {})
    own_spans = (_accept_fresh_spans(accepting, annotator, events, entity_of)
                 if status == LabelStatus.ACCEPTED else {})
    for pk, suggestion in suggested_spans.items():
        if pk not in own_spans:
            own_spans[pk] = _decide_span(suggestion, annotator, status, events, entity_of)
    own_attributions, touched = [], {pk: own_spans[pk] for pk in suggested_spans}
    for suggestion in suggested_attributions.values():
        if status == LabelStatus.REJECTED:
            own_attributions.append(_reject_attribution(suggestion, annotator, events))
            continue
        part_ids = [suggestion.claim_id, *[f.span_id for f in suggestion.fragments.all()],
                    suggestion.source_id, suggestion.cue_id]
        mapped = {}
        for part_id in dict.fromkeys(i for i in part_ids if i):
            if part_id not in own_spans:
                own_spans[part_id] = _decide_span(parts[part_id], annotator, status, events,
                                                  entity_of)
            mapped[part_id] = touched[part_id] = own_spans[part_id]
        own_attributions.append(_accept_attribution(suggestion, document, annotator, mapped,
                                                    events))
    if own_attributions and status == LabelStatus.ACCEPTED:
        own_attributions = accepted_parents_link(
            document=document, annotator=annotator, accepted=own_attributions, events=events,
            snapshot=attribution_snapshot)
    Event.objects.bulk_create([
        Event(project_id=document.project_id, document_id=document.pk, actor=annotator,
              action=action, target_type=kind, target_id=pk, before=before, after=after)
        for action, kind, pk, before, after in events])
    # A rejection may turn an approved label of the annotator's into a rejected one.
    explorer_rows_refresh(document_ids=[document.pk])
    return {"spans": list(touched.values()), "attributions": own_attributions}

