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
from django.utils import timezone

from annotator.access import own_spans_in_document
from annotator.errors import Conflict
from annotator.models import Attribution, ClaimFragment, Event, LabelStatus, Span
from annotator.models import attribution_dedup_key
from annotator.services import bulk_check as check
from annotator.services.attributions import (attribution_row_snapshot, attribution_snapshot,
                                             attributes_check, attributions_detach_span,
                                             role_labels)
from annotator.services.explorer_rows import explorer_rows_refresh
from annotator.services.layers import layer_open
from annotator.services.nesting import children_release
from annotator.services.rows import row_defaults, rows_insert, values_insert
from annotator.services.spans import BulkError, span_row_snapshot, span_snapshot


@dataclass
class BulkWritten:
    """What a bulk write did: new rows in request order (as dicts: selectors' shape), the
    refs' ids, the deleted ids."""
    spans: list[dict] = field(default_factory=list)
    attributions: list[dict] = field(default_factory=list)
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


def _events(document, annotator, action: str, kind: str, items, now) -> list[int]:
    """Store one event per (target id, before, after); returns their ids, in order (causes
    of later events)."""
    return values_insert(Event, ("target_id", "before", "after"), items, now=now, same={
        "project_id": document.project_id, "document_id": document.pk,
        "actor_id": annotator.pk, "action": action, "target_type": kind})


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

    written, now = BulkWritten(), timezone.now()
    try:
        with transaction.atomic():
            _delete(document, annotator, gone_spans, gone_attributions, fragments, written, now)
            _create_spans(document, annotator, new_spans, written, now)
            _create_attributions(document, annotator, new_attributions, written, now)
    except IntegrityError:
        raise Conflict("A span or attribution of this request was made in the meantime by "
                       "another request of yours; nothing was written.",
                       code="duplicate") from None
    if (written.deleted_spans or written.deleted_attributions  # approved ones, maybe
            or new_attributions):                                 # the annotator's layer
        explorer_rows_refresh(document_ids=[document.pk])
    return written


def _delete(document, annotator, spans: dict, attributions: dict, fragments: dict,
            written: BulkWritten, now) -> None:
    if attributions:
        before = {pk: attribution_snapshot(row, fragments.get(pk, []))
                  for pk, row in attributions.items()}
        deleted = dict(zip(attributions, _events(document, annotator, "delete", "attribution",
                                                 [(pk, before[pk], None)
                                                  for pk in attributions], now)))
        # Second-hand attributions that stay lose their parent, logged, before it goes.
        for pk in Attribution.objects.filter(children__isnull=False, pk__in=list(
                attributions)).values_list("pk", flat=True).distinct():
            children_release(attribution_id=pk, actor=annotator, snapshot=attribution_snapshot,
                             cause=Event.objects.get(pk=deleted[pk]),
                             keep=set(attributions))
        Attribution.objects.filter(pk__in=list(attributions)).delete()
        written.deleted_attributions = list(attributions)
    if not spans:
        return
    # Recorded first, so that what the deletes do to attributions names them as cause
    # (as span_delete does: a restore undoes those too).
    event_ids = _events(document, annotator, "delete", "span",
                        [(pk, span_snapshot(row), None) for pk, row in spans.items()], now)
    cause = dict(zip(spans, event_ids))
    ids = list(spans)
    used = {pk for parts in Attribution.objects.filter(
        Q(claim_id__in=ids) | Q(source_id__in=ids) | Q(cue_id__in=ids)).order_by()
        .values_list("claim_id", "source_id", "cue_id") for pk in parts if pk in spans}
    used |= set(ClaimFragment.objects.filter(span_id__in=ids).order_by()
                .values_list("span_id", flat=True))
    for pk in sorted(used):  # the attributions of the layer that stay lose these spans
        span = spans[pk]
        span.document = document
        attributions_detach_span(span=span, actor=annotator,
                                 cause=Event.objects.get(pk=cause[pk]))
    Span.objects.filter(pk__in=ids).delete()
    written.deleted_spans = ids


def _create_spans(document, annotator, items: list, written: BulkWritten, now) -> None:
    """The spans, as rows (selectors' shape: SPAN_COLUMNS and label_name), and their events."""
    if not items:
        return
    document_id, annotator_id = document.pk, annotator.pk
    ids = values_insert(Span, ("label_id", "start", "end", "quote"), [
        (item.label.id, item.start, item.end, item.quote) for item in items], now=now,
        same={"document_id": document_id, "annotator_id": annotator_id})
    defaults = row_defaults(Span, now)
    defaults.update(document_id=document_id, annotator_id=annotator_id)
    rows, refs = [], written.refs
    for item, pk in zip(items, ids):
        row = defaults.copy()
        row.update(id=pk, label_id=item.label.id, label_name=item.label.name,
                   start=item.start, end=item.end, quote=item.quote)
        item.row_id = pk
        rows.append(row)
        if item.ref is not None:
            refs[item.ref] = pk
    # Only the id, label, offsets and quote differ between the spans of one request: the
    # rest of span_row_snapshot is made once, for the first.
    shared = span_row_snapshot(rows[0])
    _events(document, annotator, "create", "span", [
        (row["id"], None, {**shared, "id": row["id"], "label": row["label_name"],
                           "start": row["start"], "end": row["end"], "quote": row["quote"]})
        for row in rows], now)
    written.spans = rows


def _span_id(part) -> int:
    return part.row_id if isinstance(part, check.NewSpan) else part.pk


def _create_attributions(document, annotator, items: list, written: BulkWritten,
                         now) -> None:
    """The attributions, as rows (ATTRIBUTION_COLUMNS and fragment_ids), and their events."""
    if not items:
        return
    given, fragment_lists = [], []
    for item in items:
        claims = [_span_id(part) for part in item.claims]
        source = item.source and _span_id(item.source)
        cue = item.cue and _span_id(item.cue)
        given.append({"document_id": document.pk, "annotator_id": annotator.pk,
                      "claim_id": claims[0], "source_id": source, "cue_id": cue,
                      "attributes": item.attributes,
                      "dedup_key": attribution_dedup_key(claims, source, cue)})
        fragment_lists.append(claims[1:])
    ids = rows_insert(Attribution, given, now=now)
    rows_insert(ClaimFragment, [
        {"attribution_id": pk, "span_id": span_id, "position": position}
        for pk, fragments in zip(ids, fragment_lists)
        for position, span_id in enumerate(fragments, start=1)])
    defaults = row_defaults(Attribution, now)
    rows = [{**defaults, **row, "id": pk, "fragment_ids": fragments}
            for row, pk, fragments in zip(given, ids, fragment_lists)]
    _events(document, annotator, "create", "attribution",
            [(row["id"], None, attribution_row_snapshot(row)) for row in rows], now)
    written.attributions = rows
