"""Projects, their labels, members and documents, and where each annotator stands."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact

from annotator.facets import OUTLET_LENGTH
from annotator.models.choices import DocStatus, Role


class Project(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    guidelines = models.TextField(blank=True, help_text="Markdown, shown beside the document.")
    # [{"name": "source_type", "applies_to": "attribution", "choices": [...], "default": ...}]
    attribute_definitions = models.JSONField(default=list, blank=True)
    # e.g. {"annotators_see_each_other": false}
    settings = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Label(models.Model):
    """One entry of a project's label set (CLAIM, SOURCE, CUE by default)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="labels")
    name = models.CharField(max_length=50)
    hotkey = models.CharField(max_length=1, blank=True)
    color = models.CharField(max_length=7, default="#888888")
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["project", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="label_unique_name"),
            models.UniqueConstraint(fields=["project", "hotkey"], condition=~Q(hotkey=""),
                                    name="label_unique_hotkey"),
            models.CheckConstraint(condition=Q(name__regex=r"^[A-Za-z][A-Za-z0-9_-]*$"),
                                   name="label_name_token"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "user"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="membership_unique"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.project} ({self.role})"


class Document(models.Model):
    """A text to annotate. The text never changes once stored."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=500, blank=True)
    text = models.TextField()
    # Length in code points, kept so that the span trigger need not read the text.
    length = models.PositiveIntegerField()
    text_sha256 = models.CharField(max_length=64)
    source_url = models.URLField(max_length=2000, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    # Read from metadata and source_url when stored (annotator/facets.py), for the explorer.
    outlet = models.CharField(max_length=OUTLET_LENGTH, blank=True, default="")
    published = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "id"]
        indexes = [models.Index(fields=["project", "outlet"], name="document_outlet"),
                   models.Index(fields=["project", "published"], name="document_published")]
        constraints = [
            models.UniqueConstraint(fields=["project", "text_sha256"], name="document_unique_text"),
            models.CheckConstraint(condition=Exact(Length("text"), F("length")),
                                   name="document_length_matches_text"),
            models.CheckConstraint(condition=Q(length__gt=0), name="document_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title or f"Document {self.pk}"


class DocumentStatus(models.Model):
    """Where one annotator stands with one document. No row means not started."""

    Status = DocStatus

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="statuses")
    annotator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="document_statuses")
    status = models.CharField(max_length=20, choices=DocStatus.choices, default=DocStatus.NOT_STARTED)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "document statuses"
        constraints = [
            models.UniqueConstraint(fields=["document", "annotator"], name="docstatus_unique"),
            models.CheckConstraint(condition=Q(status__in=DocStatus.values), name="docstatus_valid"),
        ]
        indexes = [models.Index(fields=["annotator", "status"], name="docstatus_by_annotator")]
