"""Writing an annotator's attributions: claim (in one or more fragments) ← cue ← source.

An annotator holds an attribution once: the database refuses a second accepted row with
the same claim fragments, source and cue in one layer (`dedup_key`, which every write
here keeps true). Creating or changing one into a copy of another is a 409 "duplicate".
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from annotator.access import own_spans_in_document, require_own_label, spans_in_document
from annotator.access.rows import saved_instance
from annotator.errors import Conflict
from annotator.models import (Attribution, ClaimFragment, Document, Event, LabelStatus, Project,
                              ReviewDecision, ReviewState, Span, attribution_dedup_key)
from annotator.services.attribution_locks import attribution_locked, attribution_row_delete
from annotator.services.events import event_record
from annotator.services.explorer_stale import explorer_layer_changed
from annotator.services.layers import layer_open, layer_status_apply
from annotator.services.locks import stale, stale_conflict, versioned_update
from annotator.services.rows import row_insert
from annotator.services.nesting import (children_check, children_move, children_refit,
                                        children_release, parent_resolve, spans_offsets)
from annotator.services.spans import annotator_layer_open, iso_time

DEFAULT_ROLE_LABELS = {"claim": "CLAIM", "source": "SOURCE", "cue": "CUE"}


def role_labels(project: Project) -> dict[str, str]:
    """Which label each role of an attribution needs (a project may rename them)."""
    return {**DEFAULT_ROLE_LABELS, **project.settings.get("role_labels", {})}


def attribution_snapshot(attribution: Attribution, fragments: list[int] | None = None) -> dict:
    if fragments is None:
        fragments = list(attribution.fragments.order_by("position").values_list("span_id",
                                                                                flat=True))
    return attribution_row_snapshot({"fragment_ids": fragments, **{
        column: getattr(attribution, column) for column in SNAPSHOT_COLUMNS}})


SNAPSHOT_COLUMNS = ("id", "document_id", "annotator_id", "claim_id", "source_id", "cue_id",
                    "attributes", "origin", "status", "review_state", "version", "tagger_name",
                    "tagger_version", "confidence", "suggestion_id", "created_at", "parent_id")


def attribution_row_snapshot(row: dict) -> dict:
    """attribution_snapshot of a row (SNAPSHOT_COLUMNS and `fragment_ids`, the claim's
    fragments after the first): a bulk write's attributions."""
    return {"id": row["id"], "document": row["document_id"], "annotator": row["annotator_id"],
            "claims": [row["claim_id"], *row["fragment_ids"]], "source": row["source_id"],
            "cue": row["cue_id"], "attributes": row["attributes"], "origin": row["origin"],
            "status": row["status"], "review_state": row["review_state"],
            "version": row["version"], "tagger_name": row["tagger_name"],
            "tagger_version": row["tagger_version"], "confidence": row["confidence"],
            "suggestion": row["suggestion_id"], "created_at": iso_time(row["created_at"]),
            "parent": row.get("parent_id")}


def attributes_check(project: Project, attributes) -> dict:
    """Values must be among the choices of the project's attribute definitions (or null)."""
    if not isinstance(attributes, dict):
        raise ValidationError({"attributes": "must be an object of name: value."})
    definitions = {d["name"]: d for d in project.attribute_definitions
                   if d.get("applies_to", "attribution") == "attribution"}
    clean = {}
    for name, value in attributes.items():
        if name not in definitions:
            raise ValidationError({"attributes": f"{name!r} is not an attribute of this project "
                                                 f"({', '.join(definitions) or 'none'})."})
        if value is not None and value not in definitions[name]["choices"]:
            raise ValidationError({"attributes": f"{name}={value!r} is not one of "
                                                 f"{', '.join(definitions[name]['choices'])}."})
        if value is not None:
            clean[name] = value
    return clean


def _resolve(document: Document, annotator, claims, source, cue) -> tuple[list[Span], Span | None,
                                                                         Span | None]:
    if not isinstance(claims, list) or not claims:
        raise ValidationError({"claims": "needs at least one CLAIM span id."})
    if len(set(map(repr, claims))) != len(claims):
        raise ValidationError({"claims": "lists a span twice."})
    roles = role_labels(document.project)
    # One query for the spans of all three fields; each field is then checked in turn.
    found = own_spans_in_document(document, [*claims, source, cue], user=annotator)
    claim_spans = spans_in_document(document, claims, field="claims", user=annotator,
                                    found=found)
    resolved = [claim_spans[i] for i in claims]
    for span in resolved:
        if span.label.name != roles["claim"]:
            raise ValidationError({"claims": f"span {span.pk} is a {span.label.name}, not a "
                                             f"{roles['claim']}."})
    picked = {}
    for field, value in (("source", source), ("cue", cue)):
        if value is None:
            picked[field] = None
            continue
        span = spans_in_document(document, [value], field=field, user=annotator,
                                 found=found)[value]
        if span.label.name != roles[field]:
            raise ValidationError({field: f"span {span.pk} is a {span.label.name}, not a "
                                          f"{roles[field]}."})
        if span.pk in claim_spans:
            raise ValidationError({field: f"span {span.pk} is already one of the claims."})
        picked[field] = span
    if picked["source"] and picked["cue"] and picked["source"].pk == picked["cue"].pk:
        raise ValidationError({"cue": "cannot be the same span as the source."})
    return resolved, picked["source"], picked["cue"]


def _write_fragments(attribution: Attribution, claims: list[Span], *,
                     new: bool = False) -> None:
    """Store the claim's fragments after the first (`new`: the attribution has none yet)."""
    if not new:
        ClaimFragment.objects.filter(attribution=attribution).delete()
    ClaimFragment.objects.bulk_create([
        ClaimFragment(attribution=attribution, span=span, position=position)
        for position, span in enumerate(claims[1:], start=1)])


def dedup_key_of(claims: list[Span], source: Span | None, cue: Span | None) -> str:
    return attribution_dedup_key([span.pk for span in claims], source and source.pk,
                                 cue and cue.pk)


def attribution_same(*, document: Document, annotator, key: str,
                     exclude: int | None = None) -> Attribution | None:
    """The annotator's accepted attribution with this dedup key, if any."""
    same = Attribution.objects.filter(document=document, annotator=annotator,
                                      status=LabelStatus.ACCEPTED, dedup_key=key)
    return same.exclude(pk=exclude).first() if exclude else same.first()


def _duplicate(existing: Attribution) -> Conflict:
    return Conflict("You already have this attribution (the same claim, source and cue): "
                    "it is shown in `current`.", current=attribution_snapshot(existing),
                    code="duplicate")


def _insert_values(document: Document, annotator, claims: list[Span], source: Span | None,
                   cue: Span | None, fields: dict) -> tuple[str, dict, dict]:
    """(dedup key, the new row's fields, its values by column) for attribution_insert."""
    key = dedup_key_of(claims, source, cue)
    given = {"document": document, "annotator": annotator, "claim": claims[0],
             "source": source, "cue": cue, "dedup_key": key, **fields}
    values = {}
    for name, value in given.items():  # by column (services/rows.py: no ORM compile)
        field = Attribution._meta.get_field(name)
        values[field.attname] = (None if value is None else value.pk) if field.is_relation \
            else value
    return key, given, values


def attribution_insert(*, document: Document, annotator, claims: list[Span],
                       source: Span | None, cue: Span | None, existing_ok: bool = False,
                       **fields) -> tuple[Attribution, bool]:
    """Store an attribution with its fragments and dedup key: (row, created).

    When the annotator already has the same one, Conflict "duplicate" with it, or with
    existing_ok that row, unchanged. Every new attribution of a layer goes through here.
    """
    key, given, values = _insert_values(document, annotator, claims, source, cue, fields)
    now = timezone.now()
    # ON CONFLICT DO NOTHING: a duplicate (the one unique constraint a new row of a layer
    # can meet) is skipped, with no savepoint around the INSERT.
    attribution_id = row_insert(Attribution, values, now=now, skip_conflicts=True)
    if attribution_id is None:
        existing = attribution_same(document=document, annotator=annotator, key=key)
        if existing is None:
            raise IntegrityError("attribution insert skipped, yet no duplicate found")
        if existing_ok:
            return existing, False
        raise _duplicate(existing)
    attribution = saved_instance(Attribution, id=attribution_id, created_at=now,
                                 updated_at=now, **given)
    _write_fragments(attribution, claims, new=True)
    attribution.fragment_ids = [span.pk for span in claims[1:]]
    return attribution, True


def attribution_create(*, document: Document, annotator, claims: list[int],
                       source: int | None = None, cue: int | None = None,
                       attributes: dict | None = None,
                       parent: int | None = None) -> Attribution:
    """A new attribution of the annotator's spans; `fragment_ids` on it lists the claim's
    fragments after the first (what the answer and the event show, without reading back).
    `parent`: the attribution whose claim it lies in (services/nesting.py)."""
    arguments = {"document": document, "annotator": annotator, "claims": claims,
                 "source": source, "cue": cue, "attributes": attributes, "parent": parent}
    # Imported here: services/single_writes.py imports this module.
    from annotator.services.single_writes import (attribution_create_one_statement,
                                                  layer_open_read)

    if connection.vendor == "postgresql" and layer_open_read(document, annotator):
        created = attribution_create_one_statement(**arguments)
        if created is not None:
            return created
    return _attribution_create(**arguments)


@transaction.atomic
def _attribution_create(*, document: Document, annotator, claims: list[int],
                        source: int | None, cue: int | None, attributes: dict | None,
                        parent: int | None) -> Attribution:
    layer_open(document=document, annotator=annotator)
    claim_spans, source_span, cue_span = _resolve(document, annotator, claims, source, cue)
    clean = attributes_check(document.project, attributes or {})
    parent_row = parent_resolve(document=document, annotator=annotator, parent_id=parent,
                                child_pk=None,
                                child_spans=spans_offsets(claim_spans, source_span, cue_span))
    attribution, _ = attribution_insert(document=document, annotator=annotator,
                                        claims=claim_spans, source=source_span, cue=cue_span,
                                        attributes=clean, parent=parent_row)
    event_record(project_id=document.project_id, document_id=document.pk, actor=annotator,
                 action="create", target_type="attribution", target_id=attribution.pk,
                 after=attribution_snapshot(attribution, attribution.fragment_ids))
    # pending: the annotator's layer only, marked stale (settled by its next read)
    explorer_layer_changed(project_id=document.project_id, document_id=document.pk,
                           layer=annotator.pk, approved=False)
    return attribution


UNSET = object()


@transaction.atomic
def attribution_update(*, attribution: Attribution, actor, expected_version: int,
                       claims=UNSET, source=UNSET, cue=UNSET, attributes=UNSET,
                       parent=UNSET, note: str = "", cause: Event | None = None
                       ) -> Attribution:
    """Change any of claims, source, cue, attributes, parent; what is not given stays.

    The parent (kept or given) must still hold the attribution's spans, and its own
    children must still lie in its claim (services/nesting.py).

    `note` and `cause` go into the event (a restore re-links a span this way).
    """
    require_own_label(attribution, actor)
    document = attribution.document
    annotator_layer_open(document=document, annotator=actor)
    before = attribution_snapshot(attribution)
    claim_spans, source_span, cue_span = _resolve(
        document, actor,
        before["claims"] if claims is UNSET else claims,
        before["source"] if source is UNSET else source,
        before["cue"] if cue is UNSET else cue)
    clean = attributes_check(document.project,
                             attribution.attributes if attributes is UNSET else attributes)
    parent_row = parent_resolve(
        document=document, annotator=actor, child_pk=attribution.pk,
        parent_id=before["parent"] if parent is UNSET else parent,
        child_spans=spans_offsets(claim_spans, source_span, cue_span))
    if claims is not UNSET:
        children_check(attribution=attribution, claims=claim_spans)
    key = dedup_key_of(claim_spans, source_span, cue_span)
    try:
        with transaction.atomic():
            fresh = versioned_update(attribution, expected_version=expected_version,
                                     snapshot=attribution_snapshot, claim=claim_spans[0],
                                     source=source_span, cue=cue_span, attributes=clean,
                                     dedup_key=key, parent=parent_row)
    except IntegrityError:
        existing = attribution_same(document=document, annotator=actor, key=key,
                                    exclude=attribution.pk)
        if existing is None:
            raise
        raise _duplicate(existing) from None
    _write_fragments(fresh, claim_spans)
    event_record(project_id=document.project_id, document_id=document.pk, actor=actor,
                 action="update", target_type="attribution", target_id=attribution.pk,
                 before=before, after=attribution_snapshot(fresh), note=note, cause=cause)
    explorer_layer_changed(project_id=document.project_id, document_id=document.pk,
                           layer=fresh.annotator_id,
                           approved=fresh.review_state == ReviewState.APPROVED)
    return fresh


@transaction.atomic
def attribution_delete(*, attribution: Attribution, actor, expected_version: int) -> None:
    require_own_label(attribution, actor)
    document = attribution.document
    row = attribution_locked(attribution.pk, actor.pk)  # as stored now, locked
    if row is None:
        layer_open(document=document, annotator=actor)
        raise stale(attribution, attribution_snapshot)
    layer_status_apply(document=document, annotator=actor, status=row.layer_status)
    before = attribution_snapshot(row, row.fragment_ids)
    if row.version != expected_version:
        raise stale_conflict(row, before)
    row.document = document
    if attribution_row_delete(row, actor=actor, before=before):  # no children: written out
        return
    deleted = event_record(project_id=document.project_id, document_id=document.pk,
                           actor=actor, action="delete", target_type="attribution",
                           target_id=attribution.pk, before=before)
    # Before the row goes: SET_NULL would clear the children's parent unlogged.
    children_approved = children_release(attribution_id=attribution.pk, actor=actor,
                                          cause=deleted, snapshot=attribution_snapshot)
    row.delete()
    explorer_layer_changed(project_id=document.project_id, document_id=document.pk,
                           layer=row.annotator_id,
                           approved=row.review_state == ReviewState.APPROVED or children_approved)


def attributions_detach_span(*, span: Span, actor, cause: Event | None = None) -> bool:
    """Before a span is deleted: take it out of every attribution that uses it.

    The attribution loses its source or cue, or that claim fragment; one whose
    only claim fragment goes is deleted, and one that becomes the same as another
    of the layer is merged into it (attributions_merge). Each change is versioned
    and logged, with the span's delete event as its `cause`. Whether it may have changed
    the approved layer (an approved attribution touched, merged into, or given a parent
    no more): the explorer's rows then follow at once (services/explorer_stale.py).
    """
    approved = False
    touched = Attribution.objects.filter(Q(claim=span) | Q(source=span) | Q(cue=span)
                                         | Q(fragments__span=span)).distinct()
    for attribution in touched:
        approved |= attribution.review_state == ReviewState.APPROVED
        before = attribution_snapshot(attribution)
        claims = [i for i in before["claims"] if i != span.pk]
        project_id = span.document.project_id
        if not claims:
            approved |= children_release(attribution_id=attribution.pk, actor=actor,
                                         cause=cause, snapshot=attribution_snapshot)
            Attribution.objects.filter(pk=attribution.pk).delete()
            event_record(project_id=project_id, document_id=span.document_id, actor=actor,
                         action="delete", target_type="attribution", target_id=attribution.pk,
                         before=before, note=f"its claim span {span.pk} was deleted",
                         cause=cause)
            continue
        source_id = None if attribution.source_id == span.pk else attribution.source_id
        cue_id = None if attribution.cue_id == span.pk else attribution.cue_id
        key = attribution_dedup_key(claims, source_id, cue_id)
        try:
            with transaction.atomic():
                Attribution.objects.filter(pk=attribution.pk).update(
                    claim_id=claims[0], source_id=source_id, cue_id=cue_id, dedup_key=key,
                    version=F("version") + 1, updated_at=timezone.now())
        except IntegrityError:
            same = attribution_same(document=span.document,
                                    annotator=attribution.annotator_id, key=key,
                                    exclude=attribution.pk)
            if same is None or attribution.status != LabelStatus.ACCEPTED:
                raise
            approved |= same.review_state == ReviewState.APPROVED
            attributions_merge(survivor=same, duplicate=attribution, actor=actor,
                               note=f"span {span.pk} was deleted, and it became the same as "
                                    f"attribution {same.pk}", cause=cause)
            continue
        fresh = Attribution.objects.get(pk=attribution.pk)
        _write_fragments(fresh, [Span(pk=i) for i in claims])
        event_record(project_id=project_id, document_id=span.document_id, actor=actor,
                     action="update", target_type="attribution", target_id=attribution.pk,
                     before=before, after=attribution_snapshot(fresh),
                     note=f"span {span.pk} was deleted", cause=cause)
        if span.pk in before["claims"]:  # a fragment went: its children may lie outside
            approved |= children_refit(attribution_id=attribution.pk, actor=actor,
                                       cause=cause, snapshot=attribution_snapshot)
    return approved


def attributions_merge(*, survivor: Attribution, duplicate: Attribution, actor,
                       note: str, cause: Event | None = None) -> Attribution:
    """Fold `duplicate` into `survivor`, two identical attributions of one layer.

    The survivor keeps its attributes; it takes the duplicate's review state if it has
    none of its own yet, its suggestion if it links none, and its review decisions (moved,
    so that the history stays whole). The duplicate is deleted; its event keeps all of it.
    """
    before = attribution_snapshot(survivor)
    gone = attribution_snapshot(duplicate)
    ReviewDecision.objects.filter(attribution=duplicate).update(attribution=survivor)
    children_move(duplicate_id=duplicate.pk, survivor_id=survivor.pk, actor=actor, cause=cause,
                  snapshot=attribution_snapshot)
    Attribution.objects.filter(pk=duplicate.pk).delete()
    changes = {}
    if survivor.review_state == ReviewState.PENDING and duplicate.review_state != \
            ReviewState.PENDING:
        changes["review_state"] = duplicate.review_state
    if survivor.suggestion_id is None and duplicate.suggestion_id is not None:
        changes["suggestion_id"] = duplicate.suggestion_id
    document = survivor.document
    event_record(project_id=document.project_id, document_id=document.pk, actor=actor,
                 action="merge", target_type="attribution", target_id=duplicate.pk,
                 before=gone, after={"merged_into": survivor.pk}, note=note, cause=cause)
    if changes:
        Attribution.objects.filter(pk=survivor.pk).update(
            **changes, version=F("version") + 1, updated_at=timezone.now())
        survivor = Attribution.objects.get(pk=survivor.pk)
        event_record(project_id=document.project_id, document_id=document.pk, actor=actor,
                     action="merge", target_type="attribution", target_id=survivor.pk,
                     before=before, after=attribution_snapshot(survivor),
                     note=f"attribution {duplicate.pk} merged into it: {note}", cause=cause)
    return survivor
