"""What happened and what was asked: the event history, idempotency keys, worker pings."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from annotator.models.projects import Document, Project


class Event(models.Model):
    """The history of every change: nothing a user did is silently lost."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=30)  # create, update, delete, accept, approve, ...
    target_type = models.CharField(max_length=30)  # span, attribution, document, ...
    target_id = models.BigIntegerField()
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.TextField(blank=True)
    # The event of the action that made this one happen: a span's delete, for the
    # attributions it changed or deleted (undoing the delete undoes those too).
    cause = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="effects")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "created_at"], name="event_target"),
            models.Index(fields=["document", "created_at"], name="event_document"),
        ]


class IdempotencyKey(models.Model):
    """An API write done for a client's Idempotency-Key, and the answer it got.

    A repeat of the request with the same key (a retry after a lost answer) gets this
    answer again instead of a second write (api/idempotency.py). Kept for
    settings.IDEMPOTENCY_KEY_SECONDS, then deleted by the watchdog.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    key = models.CharField(max_length=200)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=2000)
    # SHA-256 of method, path, If-Match and body: the same key for another request is refused.
    fingerprint = models.CharField(max_length=64)
    # Null only inside the transaction of the first request, which writes the answer.
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique"),
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_key_time")]


class WorkerPing(models.Model):
    """A round trip through the broker: written by the web side, answered by a worker."""

    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True)
