"""Suggested source entities (issue #16 point 2): the pre-tag job's proposed entity for each
SOURCE suggestion, and the entity an annotator's span gets when they accept one.

The resolver (annotator/pretag/coref/) runs after the tagger, on the tagger's SOURCE
suggestions of the document, against the project's entities as they are then. Its
proposal is stored on the suggestion row (Span.suggested_entity*: an existing entity, or
a new one's name and type), not as Span.entity: a proposal is no mention of the entity
(not counted, not in the explorer, no obstacle to deleting it) until someone accepts it.
Accepting links the annotator's span to the entity, making it first if it was a new
one (or taking the project's entity of that name, if someone made it meanwhile).
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower

from annotator.formats.records import ENTITY_NAME_LENGTH, entity_name, entity_name_problem
from annotator.models import EntityType, Project, SourceEntity, Span
from annotator.pretag import coref
from annotator.services.attributions import role_labels
from annotator.services.events import event_record

FIELDS = ("suggested_entity_id", "suggested_entity_name", "suggested_entity_type",
          "suggested_entity_by")


def entity_index_for_project(*, project: Project) -> coref.EntityIndex:
    """The project's entities, indexed for the resolver (one query). A pre-tag batch makes
    it once: its documents are resolved against the entities as they were at its start."""
    return coref.EntityIndex(list(SourceEntity.objects.filter(project=project)
                                  .values("id", "name", "type", "aliases")))


def entity_links_propose(*, project: Project, text: str, spans,
                         index: coref.EntityIndex | None = None) -> dict[str, dict]:
    """{span key: the suggested_entity* fields} for a tagger's spans of one document: its
    SOURCE spans resolved into chains and matched to the project's entities (`index`, or
    read now)."""
    source_label = role_labels(project)["source"]
    sources = [(s.key, s.start, s.end) for s in spans if s.label == source_label]
    if not sources:
        return {}
    index = index or entity_index_for_project(project=project)
    by = coref.resolver_label()
    proposals = {}
    for link in coref.entity_links(text, sources, index):
        name = entity_name(link.name)[:ENTITY_NAME_LENGTH]
        if link.entity is None and entity_name_problem(name):
            continue    # nothing usable to propose
        proposals[link.key] = {
            "suggested_entity_id": link.entity, "suggested_entity_name": name,
            "suggested_entity_type": link.type if link.type in EntityType.values else "other",
            "suggested_entity_by": f"{by} {link.how}"}
    return proposals


def suggested_entities_write(*, stored: dict[str, int], proposals: dict[str, dict]) -> None:
    """Give the stored suggestions (span key: id) their proposals, also to suggestions an
    earlier run stored (the project's entities may have changed since): one UPDATE per
    suggestion whose proposal changed, none for the others."""
    if not proposals:
        return
    ids = {stored[key]: fields for key, fields in proposals.items() if key in stored}
    for row in Span.objects.filter(pk__in=list(ids)).values("pk", *FIELDS):
        wanted = ids[row["pk"]]
        if any(row[field] != wanted[field] for field in FIELDS):
            Span.objects.filter(pk=row["pk"]).update(**wanted)


def entities_for_accept(*, project_id: int, suggestions: list[Span], actor) -> dict[int, int]:
    """{suggestion id: entity id} for the suggestions that propose one: the existing entity
    (if it is still there), else the project's entity of the proposed name (any case),
    else a new entity made now (with its event). One read, plus one per new entity."""
    wanted = [s for s in suggestions if s.suggested_entity_id or s.suggested_entity_name]
    if not wanted:
        return {}
    ids = {s.suggested_entity_id for s in wanted if s.suggested_entity_id}
    names = {s.suggested_entity_name.lower() for s in wanted if s.suggested_entity_name}
    known = {e.pk: e for e in SourceEntity.objects.annotate(low=Lower("name")).filter(
        Q(pk__in=ids) | Q(low__in=names), project_id=project_id).order_by("pk")}
    by_name = {}
    for entity in known.values():
        by_name.setdefault(entity.name.lower(), entity)
    chosen = {}
    for suggestion in wanted:
        entity = known.get(suggestion.suggested_entity_id)
        name = suggestion.suggested_entity_name or ""
        if entity is None and name:
            entity = by_name.get(name.lower())
            if entity is None:
                entity = _entity_make(project_id, name, suggestion.suggested_entity_type, actor)
                by_name[name.lower()] = entity
        if entity is not None:
            chosen[suggestion.pk] = entity.pk
    return chosen


def _entity_make(project_id: int, name: str, type: str | None, actor) -> SourceEntity:
    """The proposed entity, made by the annotator who accepted it (or, if another request
    made one of this name a moment ago, that one)."""
    type = type if type in EntityType.values else EntityType.OTHER
    try:
        with transaction.atomic():
            entity = SourceEntity.objects.create(project_id=project_id, name=name, type=type,
                                                 created_by=actor)
    except IntegrityError:
        entity = SourceEntity.objects.filter(project_id=project_id, name=name).first()
        if entity is None:
            raise ValidationError({"entity": f"the proposed entity {name!r} cannot be made."}) \
                from None
        return entity
    event_record(project_id=project_id, actor=actor, action="create", target_type="entity",
                 target_id=entity.pk, after={"id": entity.pk, "name": entity.name,
                                             "type": entity.type, "aliases": [],
                                             "version": entity.version,
                                             "from_suggestion": True})
    return entity
