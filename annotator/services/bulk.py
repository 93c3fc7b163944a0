"""Many writes of an annotator's layer in one request, all or nothing (issue #17, point 3).

One request deletes and creates up to MAX_ITEMS spans and attributions of each kind;
an attribution may use spans of the same request by the `ref` the client gave them.
Everything is checked first (services/bulk_check.py: every bad item named by path and
field, BulkError), then written with a fixed number of statements per kind: the deletes
first (so that a request can replace a span by another at the same place), then the
spans, then the attributions, each with its events, all in one transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q

from annotator.access import own_spans_in_document
from annotator.errors import Conflict
from annotator.models import Attribution, ClaimFragment, Event, LabelStatus, Span
from annotator.models import attribution_dedup_key
from annotator.services import bulk_check as check
from annotator.services.attributions import (attribution_snapshot, attributes_check,
                                             attributions_detach_span, role_labels)
from annotator.services.layers import layer_open
from annotator.services.spans import BulkError, span_snapshot

BATCH = 2000  # rows per INSERT on PostgreSQL (SQLite's own limit of 999 values is lower)


@dataclass
class BulkWritten:
    """What a bulk write did: new rows in request order, the refs' ids, the deleted ids."""
    spans: list[Span] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    refs: dict[str, int] = field(default_factory=dict)
    deleted_spans: list[int] = field(default_factory=list)
    deleted_attributions: list[int] = field(default_factory=list)


def _stale(checked: list, snapshot) -> None:
    """409 naming every row to delete whose version moved on since the client read it."""
    moved = {where: snapshot(row) for where, row, version in checked if row.version != version}
    if moved:
        first = next(iter(moved))
        raise Conflict(f"{len(moved)} of the rows to delete changed in the meantime (first: "
                       f"{first}, now at version {moved[first]['version']}); `current` "
                       "shows each as it is now. Nothing was written.", current=moved,
                       code="stale_version")


def _fragments_of(ids) -> dict[int, list[int]]:
    fragments: dict[int, list[int]] = {i: [] for i in ids}
    if fragments:
        for attribution_id, span_id in (ClaimFragment.objects
                                        .filter(attribution_id__in=list(fragments))
                                        .order_by("attribution_id", "position")
                                        .values_list("attribution_id", "span_id")):
            fragments[attribution_id].append(span_id)
    return fragments


def _events(document, annotator, action: str, kind: str, items) -> list[Event]:
    """One INSERT per BATCH events; returns them with their ids (causes of later events)."""
    return Event.objects.bulk_create([
        Event(project_id=document.project_id, document_id=document.pk, actor_id=annotator.pk,
              action=action, target_type=kind, target_id=pk, before=before, after=after)
        for pk, before, after in items], batch_size=BATCH)


@transaction.atomic
def layer_bulk_write(*, document, annotator, body) -> BulkWritten:
    """Delete and create the annotator's spans and attributions as `body` says:

        {"create": {"spans": [{"label", "start", "end", "quote"?, "ref"?}],
                    "attributions": [{"claims": [id | ref], "source"?, "cue"?,
                                      "attributes"?}]},
         "delete": {"spans": [{"id", "version"}], "attributions": [{"id", "version"}]}}

    BulkError names every bad item (nothing is written); Conflict if the layer is locked,
    a row to delete is at another version, or a concurrent request made the same label.
    Reads the document's text once (to check each quote), not once per span.
    """
    problems = check.Problems()
    if not isinstance(body, dict):
        raise BulkError({"non_field_errors": ['must be an object {"create": ..., '
                                              '"delete": ...}.']}, root=None)
    for key in body:
        if key not in ("create", "delete"):
            problems.add(key, "is not a field here (create, delete).")
    create = check.section(body, "create", ("spans", "attributions"), problems)
    delete = check.section(body, "delete", ("spans", "attributions"), problems)
    new_span_items = check.item_list(create.get("spans"), "create.spans", problems)
    new_attribution_items = check.item_list(create.get("attributions"),
                                            "create.attributions", problems)
    gone_span_items = check.item_list(delete.get("spans"), "delete.spans", problems)
    gone_attribution_items = check.item_list(delete.get("attributions"),
                                             "delete.attributions", problems)
    if not (new_span_items or new_attribution_items or gone_span_items
            or gone_attribution_items or problems):
        problems.add("non_field_errors", "nothing to do: give spans or attributions to "
                                         "create or delete.")
    if problems:
        raise BulkError(problems.errors, root=None)

    [document_text] = layer_open(document=document, annotator=annotator, whole_text=True)
    gone_spans, span_checks = check.deletions_check(
        Span, gone_span_items, "delete.spans", document=document, annotator=annotator,
        problems=problems)
    gone_attributions, attribution_checks = check.deletions_check(
        Attribution, gone_attribution_items, "delete.attributions", document=document,
        annotator=annotator, problems=problems)
    labels = {label.name: label for label in document.project.labels.all()}
    existing = {(label_id, start, end) for pk, label_id, start, end in Span.objects.filter(
        document=document, annotator=annotator, status=LabelStatus.ACCEPTED).order_by()
        .values_list("pk", "label_id", "start", "end") if pk not in gone_spans}
    new_spans = check.spans_check(new_span_items, document_text=document_text, labels=labels,
                                  existing=existing, problems=problems)
    own = {pk: span for pk, span in own_spans_in_document(
        document, check.span_ids_of(new_attribution_items), user=annotator).items()
        if pk not in gone_spans}
    refs = {item.ref: item for item in new_spans if item.ref is not None}
    new_attributions = check.attributions_check(
        new_attribution_items, project=document.project, roles=role_labels(document.project),
        own=own, refs=refs, attributes_check=attributes_check, problems=problems)
    check.existing_duplicates_check(new_attributions, document=document, annotator=annotator,
                                    deleted=set(gone_attributions), problems=problems)
    if problems:
        raise BulkError(problems.errors, root=None)
    fragments = _fragments_of(gone_attributions)
    _stale(attribution_checks,
           lambda row: attribution_snapshot(row, fragments.get(row.pk, [])))
    _stale(span_checks, span_snapshot)

    written = BulkWritten()
    try:
        with transaction.atomic():
            _delete(document, annotator, gone_spans, gone_attributions, fragments, written)
            _create_spans(document, annotator, new_spans, written)
            _create_attributions(document, annotator, new_attributions, written)
    except IntegrityError:
        raise Conflict("A span or attribution of this request was made in the meantime by "
                       "another request of yours; nothing was written.",
                       code="duplicate") from None
    return written


def _delete(document, annotator, spans: dict, attributions: dict, fragments: dict,
            written: BulkWritten) -> None:
    if attributions:
        before = {pk: attribution_snapshot(row, fragments.get(pk, []))
                  for pk, row in attributions.items()}
        Attribution.objects.filter(pk__in=list(attributions)).delete()
        _events(document, annotator, "delete", "attribution",
                [(pk, before[pk], None) for pk in attributions])
        written.deleted_attributions = list(attributions)
    if not spans:
        return
    # Recorded first, so that what the deletes do to attributions names them as cause
    # (as span_delete does: a restore undoes those too).
    events = _events(document, annotator, "delete", "span",
                     [(pk, span_snapshot(row), None) for pk, row in spans.items()])
    cause = {event.target_id: event for event in events}
    ids = list(spans)
    used = {pk for parts in Attribution.objects.filter(
        Q(claim_id__in=ids) | Q(source_id__in=ids) | Q(cue_id__in=ids)).order_by()
        .values_list("claim_id", "source_id", "cue_id") for pk in parts if pk in spans}
    used |= set(ClaimFragment.objects.filter(span_id__in=ids).order_by()
                .values_list("span_id", flat=True))
    for pk in sorted(used):  # the attributions of the layer that stay lose these spans
        span = spans[pk]
        span.document = document
        attributions_detach_span(span=span, actor=annotator, cause=cause[pk])
    Span.objects.filter(pk__in=list(spans)).delete()
    written.deleted_spans = list(spans)


def _create_spans(document, annotator, items: list, written: BulkWritten) -> None:
    if not items:
        return
    rows = Span.objects.bulk_create([
        Span(document_id=document.pk, annotator_id=annotator.pk, label=item.label,
             start=item.start, end=item.end, quote=item.quote)
        for item in items], batch_size=BATCH)  # ids come back on PostgreSQL and SQLite
    for item, row in zip(items, rows):
        item.row = row
        if item.ref is not None:
            written.refs[item.ref] = row.pk
    _events(document, annotator, "create", "span", [(row.pk, None, span_snapshot(row))
                                                    for row in rows])
    written.spans = rows


def _span_of(part) -> Span:
    return part.row if isinstance(part, check.NewSpan) else part


def _create_attributions(document, annotator, items: list, written: BulkWritten) -> None:
    if not items:
        return
    prepared = []
    for item in items:
        claims = [_span_of(part) for part in item.claims]
        source = item.source and _span_of(item.source)
        cue = item.cue and _span_of(item.cue)
        prepared.append((claims, Attribution(
            document=document, annotator=annotator, claim=claims[0], source=source, cue=cue,
            attributes=item.attributes, dedup_key=attribution_dedup_key([span.pk for span in claims],
                                            source and source.pk, cue and cue.pk))))
    rows = Attribution.objects.bulk_create([row for _, row in prepared], batch_size=BATCH)
    ClaimFragment.objects.bulk_create([
        ClaimFragment(attribution=row, span=span, position=position)
        for (claims, _), row in zip(prepared, rows)
        for position, span in enumerate(claims[1:], start=1)], batch_size=BATCH)
    for (claims, _), row in zip(prepared, rows):
        row.fragment_ids = [span.pk for span in claims[1:]]
    _events(document, annotator, "create", "attribution",
            [(row.pk, None, attribution_snapshot(row, row.fragment_ids)) for row in rows])
    written.attributions = rows
