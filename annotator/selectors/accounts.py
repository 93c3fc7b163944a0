"""Accounts: the user's API tokens."""
from __future__ import annotations

from annotator.models import ApiToken


def api_token_list_for_user(*, user):
    """The user's API tokens, newest first, revoked and expired ones included (a record)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
