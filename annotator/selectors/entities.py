"""Reading source entities (issue #16)."""
from __future__ import annotations

from django.db.models import Count, Q, QuerySet, TextField
from django.db.models.functions import Cast

from annotator.models import Project, SourceEntity


def entity_list_for_project(*, project: Project, q: str = "", type: str = "",
                            ids: list[int] | None = None) -> QuerySet:
    """The project's entities with their mention counts, by name; `q` matches part of the
    name or of an alias, in any case (one query, whatever the number of entities)."""
    rows = SourceEntity.objects.filter(project=project).annotate(mention_count=Count("mentions"))
    if q:
        # aliases is a JSON list: its text form holds every alias (JSON-escaped).
        rows = rows.annotate(aliases_text=Cast("aliases", TextField())).filter(
            Q(name__icontains=q) | Q(aliases_text__icontains=q))
    if type:
        rows = rows.filter(type=type)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.order_by("name", "pk")


def entity_with_mentions(*, entity: SourceEntity) -> SourceEntity:
    return SourceEntity.objects.annotate(mention_count=Count("mentions")).get(pk=entity.pk)
