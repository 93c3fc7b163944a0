"""`Authorization: Token <secret>`: our ApiToken (several per user, hashed, expiring).

DRF's TokenAuthentication parses the header (and answers 401 with a
WWW-Authenticate header); only the lookup is ours: by the secret's hash, and an
expired or revoked token gets a 401 that says which, so a script's log tells
its operator what to do.
"""
from __future__ import annotations

from django.utils import timezone
from rest_framework import authentication, exceptions

from annotator.access.rows import token_row
from annotator.models import ApiToken, TokenStatus
from annotator.services.accounts import api_token_mark_used, token_digest


class ApiTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"
    model = ApiToken

    def authenticate(self, request):
        """DRF's, reading the Authorization header from META: DRF asks request.headers,
        which Django builds by naming every header of the request, for this one value."""
        return super().authenticate(_Authorization(request))

    def authenticate_credentials(self, key):
        token = token_row(token_digest(key))  # with its user: one query (access/rows.py)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        now = timezone.now()
        status = token.status_at(now)
        if status == TokenStatus.REVOKED:
            raise exceptions.AuthenticationFailed(
                f"This token ({token.name}, {token.prefix}…) was revoked at "
                f"{token.revoked_at:%Y-%m-%d %H:%M} UTC: make a new one.", code="token_revoked")
        if status == TokenStatus.EXPIRED:
            raise exceptions.AuthenticationFailed(
                f"This token ({token.name}, {token.prefix}…) expired at "
                f"{token.expires_at:%Y-%m-%d %H:%M} UTC: make a new one.", code="token_expired")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        api_token_mark_used(token=token, now=now)
        return (token.user, token)


class _Authorization:
    """What TokenAuthentication.authenticate reads of a request (get_authorization_header:
    `request.headers.get('authorization', b'')`): the one header, as HttpHeaders names it
    from META (HTTP_AUTHORIZATION; no other META key becomes Authorization)."""

    __slots__ = ("headers",)

    def __init__(self, request):
        self.headers = {"authorization": request.META.get("HTTP_AUTHORIZATION", b"")}
