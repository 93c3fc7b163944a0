"""Assignment: which annotators a document is given to (issue #15, point 3)."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from annotator.models.projects import Document


class Assignment(models.Model):
    """One document given to one annotator. Made and removed by services/assignments.py,
    which also checks that the annotator is a member of the document's project."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="assignments")
    annotator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "annotator"]
        constraints = [
            models.UniqueConstraint(fields=["document", "annotator"], name="assignment_unique"),
        ]
        indexes = [models.Index(fields=["annotator", "document"], name="assignment_by_annotator")]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.annotator_id}"
