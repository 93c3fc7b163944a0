"""Source entities: a project's canonical sources (issue #16). A SOURCE span links to one
(Span.entity): "he", "the minister" and "Mr. Blinken" in one document, and mentions of
the same person in others, point to one entity. The link is part of the span, so it has
the span's provenance, review state and version: reviewers approve it with the span."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from annotator.formats.records import ENTITY_NAME_LENGTH
from annotator.models.choices import EntityType
from annotator.models.projects import Project


class SourceEntity(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="entities")
    name = models.CharField(max_length=ENTITY_NAME_LENGTH)
    type = models.CharField(max_length=20, choices=EntityType.choices, default=EntityType.PERSON)
    # Other names of the same source ("Blinken", "the Secretary of State"): strings.
    aliases = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "source entities"
        ordering = ["project", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="entity_unique_name"),
            models.CheckConstraint(condition=Q(type__in=EntityType.values),
                                   name="entity_type_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="entity_name_not_empty"),
            models.CheckConstraint(condition=Q(version__gte=1), name="entity_version_positive"),
        ]

    def __str__(self) -> str:
        return self.name
