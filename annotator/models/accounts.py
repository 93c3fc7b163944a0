"""API tokens of our own (docs/decisions.md section 13)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone

from annotator.models.choices import TokenStatus


class ApiToken(models.Model):
    """A named API token of a user; a user has as many as they make.

    Only a SHA-256 of the secret is stored (the secret is 32 random bytes: a hash needs
    no salt or slow work factor to resist guessing), so a copy of the database signs
    nobody in; `prefix`, the secret's first characters, tells the tokens apart in lists.
    Revoked tokens stay, as a record of what existed and when it was last used.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)  # hex SHA-256 of the secret
    # Not auto_now_add: tokens carried over from the old single token keep their date.
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)  # to the minute, not finer
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Exact(Length("digest"), 64),
                                   name="api_token_digest_length"),
        ]
        indexes = [models.Index(fields=["user", "created_at"], name="api_token_user")]

    def status_at(self, now) -> str:
        if self.revoked_at is not None:
            return TokenStatus.REVOKED
        if self.expires_at is not None and self.expires_at <= now:
            return TokenStatus.EXPIRED
        return TokenStatus.ACTIVE

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) of {self.user}"


class PasswordChangeRequired(models.Model):
    """A user who signs in with a password someone else chose: the one-time password a
    project admin made for them. Until they choose their own, the pages send them to do so
    and the API refuses them (annotator/password_gate.py); the row goes when they do."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                primary_key=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} must choose a password"
