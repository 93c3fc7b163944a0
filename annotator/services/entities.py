"""Source entities (issue #16): create, change, merge and delete them; link a SOURCE span to
one. Every change is an event; a merge records the move of every mention, so each link's
history stays whole."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from annotator.access import require_own_label
from annotator.errors import Conflict
from annotator.formats.records import (ENTITY_MAX_ALIASES, entity_aliases, entity_name,
                                       entity_name_problem)
from annotator.models import EntityType, ExplorerRow, Project, SourceEntity, Span
from annotator.services.explorer_cells import explorer_cells_remake_entity
from annotator.services.explorer_rows import explorer_rows_refresh
from annotator.services.events import event_record, event_record_bulk
from annotator.services.locks import versioned_update
from annotator.services.spans import annotator_layer_open, span_snapshot

DUPLICATE_NAME = "another entity of this project has this name."


def entity_snapshot(entity: SourceEntity) -> dict:
    return {"id": entity.pk, "name": entity.name, "type": entity.type,
            "aliases": list(entity.aliases), "version": entity.version}


def _name_check(value, field: str) -> str:
    """A name as stored (formats.records.entity_name), or a 400 on `field` saying why not."""
    if not isinstance(value, str):
        raise ValidationError({field: "must be a string."})
    name = entity_name(value)
    problem = entity_name_problem(name)
    if problem:
        raise ValidationError({field: problem})
    return name


def _aliases_check(values, name: str) -> list[str]:
    if not isinstance(values, list):
        raise ValidationError({"aliases": "must be a list of names."})
    if len(values) > ENTITY_MAX_ALIASES:
        raise ValidationError({"aliases": f"has {len(values)} names; at most "
                                          f"{ENTITY_MAX_ALIASES}."})
    for i, value in enumerate(values):
        _name_check(value, f"aliases[{i}]")
    return entity_aliases(values, name)


def _type_check(value) -> str:
    if value not in EntityType.values:
        raise ValidationError({"type": f"must be one of {', '.join(EntityType.values)}."})
    return value


@transaction.atomic
def entity_create(*, project: Project, actor, name: str, type: str = EntityType.PERSON,
                  aliases: list[str] | None = None) -> SourceEntity:
    name = _name_check(name, "name")
    fields = {"name": name, "type": _type_check(type),
              "aliases": _aliases_check(aliases or [], name)}
    try:
        with transaction.atomic():
            entity = SourceEntity.objects.create(project=project, created_by=actor, **fields)
    except IntegrityError:
        raise ValidationError({"name": DUPLICATE_NAME}) from None
    event_record(project_id=project.pk, actor=actor, action="create", target_type="entity",
                 target_id=entity.pk, after=entity_snapshot(entity))
    return entity


@transaction.atomic
def entity_update(*, entity: SourceEntity, actor, expected_version: int,
                  name: str | None = None, type: str | None = None,
                  aliases: list[str] | None = None) -> SourceEntity:
    before = entity_snapshot(entity)
    new_name = entity.name if name is None else _name_check(name, "name")
    changes = {"name": new_name,
               "type": entity.type if type is None else _type_check(type),
               "aliases": _aliases_check(entity.aliases if aliases is None else aliases,
                                         new_name)}
    try:
        with transaction.atomic():
            fresh = versioned_update(entity, expected_version=expected_version,
                                     snapshot=entity_snapshot, **changes)
    except IntegrityError:
        raise ValidationError({"name": DUPLICATE_NAME}) from None
    if fresh.type != before["type"]:  # the explorer's anonymous figures count the types
        explorer_cells_remake_entity(entity=fresh, sources=False)
    event_record(project_id=entity.project_id, actor=actor, action="update",
                 target_type="entity", target_id=entity.pk, before=before,
                 after=entity_snapshot(fresh))
    return fresh


@transaction.atomic
def entity_delete(*, entity: SourceEntity, actor) -> None:
    """Delete an entity nothing mentions; one with mentions is merged into another instead."""
    locked = SourceEntity.objects.select_for_update().get(pk=entity.pk)
    mentions = Span.objects.filter(entity=locked).count()
    if mentions:
        raise Conflict(f"{mentions} source span(s) mention {locked.name}: merge it into another "
                       "entity, or unlink them first.", current=entity_snapshot(locked),
                       code="entity_in_use")
    event_record(project_id=locked.project_id, actor=actor, action="delete",
                 target_type="entity", target_id=locked.pk, before=entity_snapshot(locked))
    locked.delete()


@transaction.atomic
def entity_merge(*, entity: SourceEntity, into: SourceEntity, actor) -> SourceEntity:
    """Move every mention of `entity` to `into` (an event per span, so each link keeps its
    history), keep the merged entity's names as aliases of `into`, delete `entity`."""
    if into.project_id != entity.project_id:
        raise ValidationError({"into": "is an entity of another project."})
    if into.pk == entity.pk:
        raise ValidationError({"into": "is the entity itself."})
    # Both rows locked in id order, so two opposite merges cannot cross.
    locked = {e.pk: e for e in SourceEntity.objects.select_for_update().filter(
        pk__in=[entity.pk, into.pk]).order_by("pk")}
    if len(locked) != 2:
        raise Conflict("The entity was deleted or merged in the meantime.", code="deleted")
    source, target = locked[entity.pk], locked[into.pk]
    moved = list(Span.objects.select_for_update().filter(entity=source)
                 .values("pk", "document_id", "version"))
    Span.objects.filter(pk__in=[m["pk"] for m in moved]).update(entity=target)
    # Suggestions that propose the merged entity propose the one that keeps its mentions.
    Span.objects.filter(suggested_entity=source).update(suggested_entity=target,
                                                        suggested_entity_name=target.name)
    # Every explorer row naming `source` names it through one of these spans: it names
    # `target` now (no other row changes).
    ExplorerRow.objects.filter(entity_id=source.pk).update(entity_id=target.pk)
    # the explorer's cells of `target` (now counting both's rows), and the anonymous
    # shares of their outlets and months when the two types differ
    explorer_cells_remake_entity(entity=target, merged=source,
                                 shares=source.type != target.type)
    event_record_bulk(project_id=source.project_id, action="update", target_type="span",
                      actor=actor, items=[
                          {"target_id": m["pk"], "document_id": m["document_id"],
                           "before": {"entity": source.pk}, "after": {"entity": target.pk},
                           "note": f"entity {source.name} merged into {target.name}"}
                          for m in moved])
    before = entity_snapshot(target)
    aliases = _aliases_check(
        [*target.aliases, source.name, *source.aliases][:ENTITY_MAX_ALIASES], target.name)
    fresh = versioned_update(target, expected_version=target.version, snapshot=entity_snapshot,
                             aliases=aliases)
    event_record(project_id=source.project_id, actor=actor, action="merge",
                 target_type="entity", target_id=source.pk, before=entity_snapshot(source),
                 after={"into": target.pk, "mentions_moved": len(moved)})
    event_record(project_id=source.project_id, actor=actor, action="update",
                 target_type="entity", target_id=target.pk, before=before,
                 after=entity_snapshot(fresh))
    source.delete()
    return fresh


@transaction.atomic
def span_entity_set(*, span: Span, actor, entity: SourceEntity | None,
                    expected_version: int) -> Span:
    """Link the annotator's own SOURCE span to an entity of its project (None unlinks)."""
    require_own_label(span, actor)
    annotator_layer_open(document=span.document, annotator=actor)
    project = span.document.project
    if entity is not None:
        if entity.project_id != project.pk:
            raise ValidationError({"entity": "is an entity of another project."})
        source_label = project.settings.get("role_labels", {}).get("source", "SOURCE")
        if span.label.name != source_label:
            raise ValidationError({"entity": f"only {source_label} spans link to a source "
                                             f"entity; this is a {span.label.name} span."})
    before = span_snapshot(span)
    versioned_update(span, expected_version=expected_version, snapshot=lambda row: span_snapshot(_stored(row)), entity=entity)
    fresh = _stored(span)
    event_record(project_id=project.pk, document_id=span.document_id, actor=actor,
                 action="update", target_type="span", target_id=span.pk, before=before,
                 after=span_snapshot(fresh))
    explorer_rows_refresh(document_ids=[span.document_id])
    return fresh


def _stored(span: Span) -> Span:
    return Span.objects.select_related("label").get(pk=span.pk)
