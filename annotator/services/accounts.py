"""Accounts: API tokens and password changes.

A token's secret is shown once, when it is made; the database keeps its SHA-256
(models.ApiToken says why that is enough). Making a token never touches the
user's other tokens; a password change revokes all of them.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from annotator.errors import Conflict
from annotator.models import ApiToken

SECRET_BYTES = 32
PREFIX_LENGTH = 8
# last_used_at is a hint for people deciding which token to revoke, not an audit log:
# written at most once a minute per token, so that a busy script is not a write per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# A script that makes a token per run without revoking them fills the list; this bounds it.
MAX_ACTIVE_TOKENS = 100
MAX_LIFETIME = timedelta(days=10 * 366)


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _active(now: datetime) -> Q:
    return Q(revoked_at__isnull=True) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))


@transaction.atomic
def api_token_create(*, user: AbstractBaseUser, name: str,
                     expires_at: datetime | None = None) -> ApiToken:
    """A new token of the user; the returned object alone carries `.secret` (never stored)."""
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise ValidationError({"expires_at": "must be in the future."})
    if expires_at is not None and expires_at > now + MAX_LIFETIME:
        raise ValidationError({"expires_at": "may be at most ten years from now (or leave it "
                                             "out: a token without expiry)."})
    # Counted under a lock on the user's row: two requests at once cannot both pass.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.filter(_active(now), user=user).count() >= MAX_ACTIVE_TOKENS:
        raise Conflict(f"You have {MAX_ACTIVE_TOKENS} active tokens: revoke one you no longer "
                       "use first.", code="too_many_tokens")
    secret = secrets.token_urlsafe(SECRET_BYTES)
    token = ApiToken.objects.create(user=user, name=name, prefix=secret[:PREFIX_LENGTH],
                                    digest=token_digest(secret), created_at=now,
                                    expires_at=expires_at)
    token.secret = secret
    return token


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke one token (revoking a revoked one changes nothing, and keeps its date)."""
    if token.revoked_at is None:
        now = timezone.now()
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
        token.refresh_from_db(fields=["revoked_at"])
    return token


def api_tokens_revoke_for_user(*, user: AbstractBaseUser) -> int:
    """Revoke every token of the user that still works; return how many."""
    now = timezone.now()
    return ApiToken.objects.filter(_active(now), user=user).update(revoked_at=now)


def api_token_mark_used(*, token: ApiToken, now: datetime) -> None:
    """Record a use, unless one was recorded less than LAST_USED_RESOLUTION ago.

    Decided on the row already read (no query at all most of the time); the
    conditional UPDATE keeps two processes from both writing the same minute.
    """
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION),
        pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


@transaction.atomic
def account_password_change(*, user: AbstractBaseUser, new_password: str) -> int:
    """Set a new password (the validators apply) and revoke every API token of the user;
    return how many were revoked.

    Sessions need no revoking: each one carries a hash of the password it signed in
    with, and Django ends a session whose hash no longer matches. The caller keeps
    its own session with update_session_auth_hash.
    """
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from None
    user.set_password(new_password)
    user.save(update_fields=["password"])
    return api_tokens_revoke_for_user(user=user)
