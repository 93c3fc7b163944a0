"""Writing an annotator's spans: create, bulk create, update, delete.

Every change writes an Event with the state before and after. Offsets are
checked against the text (annotator/text.py) and, again, by the database.
"""
from __future__ import annotations

import functools

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from annotator import text
from annotator.access import require_own_label
from annotator.access.rows import Columns, fetch_one, quote, saved_instance, table
from annotator.errors import Conflict
from annotator.models import (Attribution, ClaimFragment, Document, DocumentStatus, Event,
                              Label, LabelStatus, ReviewState, Span)
from annotator.services.events import event_record, write_with_event
from annotator.services.explorer_stale import explorer_layer_changed
from annotator.services.layers import layer_open, layer_status_apply, text_cached, text_remember
from annotator.services.locks import stale, stale_conflict
from annotator.services.nesting import span_move_check
from annotator.services.rows import dependents_sql, row_insert


class BulkError(Exception):
    """Errors of a bulk request: every bad item, by its index (under `root`) or its path."""

    def __init__(self, errors: dict, *, root: str | None = "spans"):
        super().__init__("bulk request refused")
        self.errors = errors
        self.body = {root: errors} if root else errors


def span_snapshot(span: Span) -> dict:
    """The span as events keep it: everything a restore needs to make it again."""
    return span_row_snapshot({"label_name": span.label.name, **{
        column: getattr(span, column) for column in SNAPSHOT_COLUMNS}})


SNAPSHOT_COLUMNS = ("id", "document_id", "annotator_id", "start", "end", "quote", "origin",
                    "status", "review_state", "version", "tagger_name", "tagger_version",
                    "confidence", "suggestion_id", "entity_id", "created_at")


def span_row_snapshot(row: dict) -> dict:
    """span_snapshot of a row (SNAPSHOT_COLUMNS and `label_name`): a bulk write's spans."""
    return {"id": row["id"], "document": row["document_id"], "annotator": row["annotator_id"],
            "label": row["label_name"], "start": row["start"], "end": row["end"],
            "quote": row["quote"], "origin": row["origin"], "status": row["status"],
            "review_state": row["review_state"], "version": row["version"],
            "tagger_name": row["tagger_name"], "tagger_version": row["tagger_version"],
            "confidence": row["confidence"], "suggestion": row["suggestion_id"],
            "entity": row["entity_id"], "created_at": iso_time(row["created_at"])}


def iso_time(value) -> str | None:
    return value.isoformat() if value else None


def _fresh_snapshot(span: Span) -> dict:
    return span_snapshot(Span.objects.select_related("label").get(pk=span.pk))


def annotator_layer_open(*, document: Document, annotator) -> None:
    """Check the annotator may still change their labels here, and mark the document started.

    A submitted or approved document is locked until a reviewer returns it.
    """
    layer_open(document=document, annotator=annotator)


def _check_label(document: Document, label: Label) -> None:
    if label.project_id != document.project_id:
        raise ValidationError({"label": f"{label.name!r} is not part of this project."})


def _duplicate(label: Label, start: int, end: int, current: dict) -> Conflict:
    return Conflict(f"You already have a {label.name} span at [{start}, {end}).",
                    current=current, code="duplicate")


def _insert(document: Document, annotator, label: Label, start: int, end: int,
            covered: str) -> Span:
    """INSERT the span (services/rows.py: the ORM's compile cost more than the INSERT);
    a duplicate of an accepted span of the annotator's is a 409 naming it."""
    _check_label(document, label)
    now = timezone.now()
    values = {"document_id": document.pk, "annotator_id": annotator.pk, "label_id": label.pk,
              "start": start, "end": end, "quote": covered}
    span_id = row_insert(Span, values, now=now, skip_conflicts=True)
    # Skipped: span_unique_per_annotator, the one unique constraint a new own span can hit.
    if span_id is None:
        existing = Span.objects.select_related("label").filter(
            document=document, annotator=annotator, label=label, start=start, end=end,
            status=LabelStatus.ACCEPTED).first()
        if existing is None:
            raise IntegrityError("span insert skipped, yet no duplicate found")
        raise _duplicate(label, start, end, span_snapshot(existing))
    return saved_instance(Span, id=span_id, document=document, annotator=annotator,
                          label=label, start=start, end=end, quote=covered, created_at=now,
                          updated_at=now)


def _layer_and_slice(document: Document, annotator, start, end) -> str:
    """The layer checks (a locked layer is a 409 before any 400), then text[start:end]."""
    try:
        text.check_offsets(document.length, start, end)
    except ValidationError:
        layer_open(document=document, annotator=annotator)
        raise
    [covered] = layer_open(document=document, annotator=annotator, slices=[(start, end)])
    return covered


def span_create(*, document: Document, annotator, label: Label, start: int, end: int,
                quote: str | None = None) -> Span:
    """An annotator's own span. The quote, when given, must equal text[start:end].

    Reads only text[start:end] of the document (services/layers.py); `document` may come
    without its text (access_document(..., text=False)).
    """
    # Imported here: services/single_writes.py imports this module.
    from annotator.services.single_writes import span_create_one_statement

    span = span_create_one_statement(document, annotator, label, start, end, quote)
    if span is None:
        span = _span_create(document=document, annotator=annotator, label=label, start=start,
                            end=end, quote=quote)
    return span


@transaction.atomic
def _span_create(*, document: Document, annotator, label: Label, start: int, end: int,
                 quote: str | None = None) -> Span:
    covered = text.check_quote(_layer_and_slice(document, annotator, start, end), start, end,
                               quote)
    span = _insert(document, annotator, label, start, end, covered)
    event_record(project_id=document.project_id, document_id=document.pk, actor=annotator,
                 action="create", target_type="span", target_id=span.pk,
                 after=span_snapshot(span))
    return span


@transaction.atomic
def spans_bulk_create(*, document: Document, annotator, items: list[dict]) -> list[Span]:
    """All or nothing: one bad item means no span is stored; errors are keyed by index."""
    annotator_layer_open(document=document, annotator=annotator)
    labels = {label.name: label for label in document.project.labels.all()}
    errors, prepared = {}, []
    for index, item in enumerate(items):
        try:
            label = labels.get(item["label"])
            if label is None:
                raise ValidationError({"label": f"{item['label']!r} is not a label of this "
                                                f"project ({', '.join(labels)})."})
            covered = text.check_span(document.text, item["start"], item["end"],
                                      item.get("quote"))
            prepared.append(Span(document=document, annotator=annotator, label=label,
                                 start=item["start"], end=item["end"], quote=covered))
        except ValidationError as exc:
            errors[str(index)] = exc.message_dict
    seen = {}
    for index, item in enumerate(items):
        key = (item.get("label"), item.get("start"), item.get("end"))
        if key in seen:
            errors.setdefault(str(index), {"non_field_errors": [f"repeats item {seen[key]}."]})
        seen.setdefault(key, index)
    if errors:
        raise BulkError(errors)
    try:
        with transaction.atomic():
            created = Span.objects.bulk_create(prepared)  # ids come back on PostgreSQL and SQLite
    except IntegrityError:
        raise Conflict("At least one of these spans already exists in your layer; nothing "
                       "was stored.", code="duplicate") from None
    Event.objects.bulk_create([
        Event(project_id=document.project_id, document_id=document.pk, actor=annotator,
              action="create", target_type="span", target_id=span.pk,
              after=span_snapshot(span)) for span in created])
    return created


# The relations to a span that _span_locked reads (`in_attributions`, `in_fragments`).
_USED_BY = frozenset({(Attribution, "claim"), (Attribution, "source"), (Attribution, "cue"),
                      (ClaimFragment, "span")})


@functools.cache  # made on first use, once (every thread gets both)
def _locked_columns() -> tuple[Columns, Columns]:
    return Columns(Span, "r"), Columns(Label, "l")


@functools.cache
def _span_locked_sql(vendor: str, uses: bool, read_text: bool) -> str:
    """_span_locked's query (parameters: the actor's id, the span's), written once."""
    spans, labels = _locked_columns()
    q, r = quote, lambda column: f"r.{quote(column)}"
    uses_it = (f"a.{q('claim_id')} = {r('id')} OR a.{q('source_id')} = {r('id')} "
               f"OR a.{q('cue_id')} = {r('id')}")
    in_fragment = (f"SELECT 1 FROM {table(ClaimFragment)} f WHERE f.{q('span_id')} = "
                   f"{r('id')}")
    extra = [f"(SELECT {q('status')} FROM {table(DocumentStatus)} WHERE "
             f"{q('document_id')} = {r('document_id')} AND {q('annotator_id')} = %s)",
             f"EXISTS(SELECT 1 FROM {table(Attribution)} a WHERE ({uses_it} OR EXISTS("
             f"{in_fragment} AND f.{q('attribution_id')} = a.{q('id')})) AND "
             f"(a.{q('parent_id')} IS NOT NULL OR EXISTS(SELECT 1 FROM {table(Attribution)} c "
             f"WHERE c.{q('parent_id')} = a.{q('id')})))"]
    if uses:
        # an approved attribution uses it: the approved layer's rows change with it
        approved = f"'{ReviewState.APPROVED.value}'"
        extra += [f"EXISTS(SELECT 1 FROM {table(Attribution)} a WHERE {uses_it})",
                  f"EXISTS({in_fragment})",
                  f"EXISTS(SELECT 1 FROM {table(Attribution)} a WHERE ({uses_it}) AND "
                  f"a.{q('review_state')} = {approved})",
                  f"EXISTS({in_fragment} AND EXISTS(SELECT 1 FROM {table(Attribution)} a "
                  f"WHERE a.{q('id')} = f.{q('attribution_id')} AND "
                  f"a.{q('review_state')} = {approved}))"]
    if read_text:
        extra.append(f"(SELECT {q('text')} FROM {table(Document)} WHERE {q('id')} = "
                     f"{r('document_id')})")
    lock = " FOR UPDATE OF r" if connection.features.has_select_for_update_of else ""
    return (f"SELECT {spans.sql()}, {labels.sql()}, {', '.join(extra)} FROM "
            f"{table(Span)} r JOIN {table(Label)} l ON l.{q('id')} = "
            f"{r('label_id')} WHERE {r('id')} = %s{lock}")


def _span_locked(span: Span, actor, *, slices=(), uses: bool = False) -> Span | None:
    """The span as stored now, locked to this transaction (PostgreSQL; SQLite's writer
    holds the database), with the actor's status on its document (`layer_status`), the
    text at each (start, end) of `slices` (`slices`, a list; the text is read in the same
    query unless this process holds it, services/layers.py), whether an attribution that
    uses it nests (`nests`: second-hand claims to check when it moves) and, with `uses`,
    whether any attribution uses it (`in_attributions`, `in_fragments`): one query,
    written out (it runs on every change: through the ORM its compile cost more)."""
    spans, labels = _locked_columns()
    whole = text_cached(span.document) if slices else None
    found = fetch_one(_span_locked_sql(connection.vendor, uses, bool(slices) and whole is None),
                      [actor.pk, span.pk])
    if found is None:
        return None
    row = spans.build(found)
    row.label = labels.build(found, spans.width)
    row.document = span.document  # loaded by the access query, without its text
    rest = list(found[spans.width + labels.width:])
    row.layer_status, row.nests = rest.pop(0), bool(rest.pop(0))
    if uses:
        row.in_attributions, row.in_fragments = bool(rest.pop(0)), bool(rest.pop(0))
        row.in_approved, row.in_approved_fragments = bool(rest.pop(0)), bool(rest.pop(0))
    if slices and whole is None:
        whole = rest.pop(0)
        text_remember(span.document, whole)
    row.slices = [whole[start:end] for start, end in slices]
    return row


def _versioned_update(span_id: int, expected_version: int, *, now, **columns) -> tuple:
    """The UPDATE of the span's `columns` if it is still at `expected_version`, its
    version + 1 (SQL and parameters; written out, as _span_locked)."""
    q = quote
    sets = ", ".join(f"{q(Span._meta.get_field(name).column)} = %s" for name in columns)
    return (f"UPDATE {table(Span)} SET {q('version')} = {q('version')} + 1, "
            f"{q('updated_at')} = %s, {sets} WHERE {q('id')} = %s AND {q('version')} = %s",
            [connection.ops.adapt_datetimefield_value(now), *columns.values(), span_id,
             expected_version])


@transaction.atomic
def span_update(*, span: Span, actor, expected_version: int, label: Label | None = None,
                start: int | None = None, end: int | None = None,
                quote: str | None = None) -> Span:
    """Change my span's label or offsets if it is still at `expected_version` (else 409).

    Reads the span once, locked, with the layer's status and the new text slice (one
    query); what it writes is known, so nothing is read back.
    """
    require_own_label(span, actor)
    new_start = span.start if start is None else start
    new_end = span.end if end is None else end
    try:
        text.check_offsets(span.document.length, new_start, new_end)
        offsets_error = None
    except ValidationError as exc:
        offsets_error = exc
    moved = offsets_error is None and (new_start, new_end) != (span.start, span.end)
    row = _span_locked(span, actor, slices=[(new_start, new_end)] if moved else (), uses=True)
    if row is None:
        layer_open(document=span.document, annotator=actor)
        raise stale(span, _fresh_snapshot)
    layer_status_apply(document=span.document, annotator=actor, status=row.layer_status)
    new_label = label or row.label
    _check_label(span.document, new_label)
    if offsets_error is not None:
        raise offsets_error
    covered = text.check_quote(row.slices[0] if moved else row.quote, new_start, new_end,
                               quote)
    before = span_snapshot(row)
    if row.version != expected_version:
        raise stale_conflict(row, before)
    if moved and row.nests:  # second-hand claims must still lie inside their parents' claims
        span_move_check(span_id=row.pk, start=new_start, end=new_end)
    now = timezone.now()
    row.label, row.start, row.end, row.quote = new_label, new_start, new_end, covered
    row.version, row.updated_at = expected_version + 1, now
    # moved or relabelled: the approved layer's rows now, a member's own pending ones later
    approved = (row.review_state == ReviewState.APPROVED or row.in_approved
                or row.in_approved_fragments)
    mark = not approved and (row.in_attributions or row.in_fragments)
    layer = {"project_id": span.document.project_id, "document_id": span.document_id,
             "layer": actor.pk}
    try:  # the UPDATE, its event (and the stale mark): one statement on PostgreSQL
        updated = write_with_event(
            _versioned_update(row.pk, expected_version, now=now, label_id=new_label.pk,
                              start=new_start, end=new_end, quote=covered),
            target_id=span.pk, mark=layer if mark else None,
            event=_event(span, actor, "update", before=before, after=span_snapshot(row)))
    except IntegrityError:
        raise _duplicate(new_label, new_start, new_end, before) from None
    if not updated:  # the row is locked: only a bug gets here
        raise stale(span, _fresh_snapshot)
    if approved:
        explorer_layer_changed(**layer, approved=True)
    return row


def _event(span: Span, actor, action: str, *, before, after=None) -> dict:
    """The columns of the event of a change of the span (write_with_event)."""
    return {"project_id": span.document.project_id, "document_id": span.document_id,
            "actor_id": actor.pk, "action": action, "target_type": "span", "before": before,
            "after": after, "note": "", "cause_id": None}


@transaction.atomic
def span_delete(*, span: Span, actor, expected_version: int) -> None:
    """Delete a span; attributions that use it lose that role (or go, if it was the claim)."""
    require_own_label(span, actor)
    row = _span_locked(span, actor, uses=True)
    if row is None:
        layer_open(document=span.document, annotator=actor)
        raise stale(span, _fresh_snapshot)
    layer_status_apply(document=span.document, annotator=actor, status=row.layer_status)
    before = span_snapshot(row)
    if row.version != expected_version:
        raise stale_conflict(row, before)
    approved = row.review_state == ReviewState.APPROVED
    if not (row.in_attributions or row.in_fragments):
        # No attribution uses it (read under the lock): the delete, what it does to the
        # rows that point to the span and its event, written out (one statement on
        # PostgreSQL) instead of Django's collector (a query per relation).
        dependents = dependents_sql(Span, "{ids}", none_of=_USED_BY)
        if dependents is not None:
            if not write_with_event(
                    (f"DELETE FROM {table(Span)} WHERE {quote('id')} = %s AND "
                     f"{quote('version')} = %s", [row.pk, expected_version]),
                    target_id=span.pk, before=tuple(dependents),
                    event=_event(span, actor, "delete", before=before)):
                raise stale(span, _fresh_snapshot)  # the row is locked: only a bug gets here
            if approved:
                explorer_layer_changed(project_id=span.document.project_id,
                                       document_id=span.document_id, layer=actor.pk,
                                       approved=True)
            return
    # Imported here: services/attributions.py imports this module (annotator_layer_open).
    from annotator.services.attributions import attributions_detach_span

    # Recorded first, so that what it does to attributions names it as the cause:
    # undoing the delete (services/restores.py) finds and undoes those too.
    deleted = event_record(project_id=span.document.project_id, document_id=span.document_id,
                           actor=actor, action="delete", target_type="span",
                           target_id=span.pk, before=before)
    approved |= row.in_approved or row.in_approved_fragments
    if row.in_attributions or row.in_fragments:
        approved |= attributions_detach_span(span=row, actor=actor, cause=deleted)
    row.delete()
    if approved or row.in_attributions or row.in_fragments:
        explorer_layer_changed(project_id=span.document.project_id,
                               document_id=span.document_id, layer=actor.pk, approved=approved)
