"""The middleware a REST request with an API token does not need, and the CSP header built
once: what a request pays outside its view (docs/benchmarks.md, "Outside the view").

A request under /api/ (but /api/auth/) whose Authorization header names the Token scheme
is authenticated by DRF with that token and nothing else: ApiTokenAuthentication either
accepts the token or answers 401, and never falls back to the session (DRF tries the next
authenticator only when the scheme is another). Such a request skips, in the classes
below, what serves the browser's session only: loading the session, the CSRF cookie (a
cross-site page cannot send an Authorization header: there is no CORS here; DRF checks
CSRF for session-authenticated requests itself), Django's lazy session user, the
one-time-password gate (its flag rides in the session), the messages and django-axes'
lockout page (the password logins are under /api/auth/, which takes the whole stack).
Every other request, a session's, a browser page's or an anonymous one, takes the whole
stack as before. The security headers are set on every response, the token's included.
"""
from __future__ import annotations

from axes.middleware import AxesMiddleware as _AxesMiddleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as _CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware as _AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware as _MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware as _SessionMiddleware
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.middleware.csrf import CsrfViewMiddleware as _CsrfViewMiddleware
from whitenoise.middleware import WhiteNoiseMiddleware as _WhiteNoiseMiddleware

from annotator.password_gate import PasswordChangeRequiredMiddleware as _PasswordGate

API = "/api/"
SESSION_ONLY = "/api/auth/"  # sign-in, sign-out, tokens, password, CSRF cookie: sessions
SCHEME = b"token"  # ApiTokenAuthentication.keyword, as DRF compares it


def token_api(request) -> bool:
    """Whether DRF authenticates this request by its API token alone (decided once)."""
    try:
        return request._token_api
    except AttributeError:
        pass
    path = request.path_info
    found = False
    if path.startswith(API) and not path.startswith(SESSION_ONLY):
        # As rest_framework.authentication.get_authorization_header reads it.
        header = request.META.get("HTTP_AUTHORIZATION", b"")
        if isinstance(header, str):
            header = header.encode("iso-8859-1", "replace")
        scheme = header.split(None, 1)[:1]
        found = bool(scheme) and scheme[0].lower() == SCHEME
    request._token_api = found
    return found


def _skipped_with_token(base: type, what: str) -> type:
    """`base` as it is, but a token API request passes straight through."""
    def __call__(self, request):
        if token_api(request):
            return self.get_response(request)
        return base.__call__(self, request)

    return type(base.__name__, (base,), {
        "__call__": __call__, "__module__": __name__,
        "__doc__": f"{base.__module__}.{base.__name__} ({what}), skipped by a token API "
                   f"request (module docstring)."})


WhiteNoiseMiddleware = _skipped_with_token(_WhiteNoiseMiddleware, "static files")
SessionMiddleware = _skipped_with_token(_SessionMiddleware, "the session")
CsrfViewMiddleware = _skipped_with_token(_CsrfViewMiddleware, "the CSRF cookie and check")
AuthenticationMiddleware = _skipped_with_token(_AuthenticationMiddleware, "the session user")
PasswordChangeRequiredMiddleware = _skipped_with_token(_PasswordGate, "one-time passwords")
MessageMiddleware = _skipped_with_token(_MessageMiddleware, "messages")
AxesMiddleware = _skipped_with_token(_AxesMiddleware, "the lockout page")


# --- Content-Security-Policy, built once ----------------------------------------------------

_OVERRIDES = ("_csp_config", "_csp_update", "_csp_replace",
              "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
_policies: list[tuple[str, str]] = []  # [(policy, report-only policy)] once built


@receiver(setting_changed, dispatch_uid="config.middleware.csp")
def _forget_policies(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _policies.clear()


def _policy_pair() -> tuple[str, str]:
    if not _policies:
        _policies.append((build_policy(), build_policy(report_only=True)))
    return _policies[0]


class CSPMiddleware(_CSPMiddleware):
    """django-csp's middleware, with the policy written once per process for responses that
    change nothing in it: no csp_update / csp_replace / csp_exempt-style decorator, no
    nonce asked for. Any other response is django-csp's own work, as before."""

    def process_response(self, request, response):
        if (settings.DEBUG or getattr(request, "_csp_nonce", None) is not None
                or any(hasattr(response, name) for name in _OVERRIDES)):
            return super().process_response(request, response)
        policy, report_only = _policy_pair()
        for header, value, exempt, setting in (
                (HEADER, policy, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
                (HEADER_REPORT_ONLY, report_only, "_csp_exempt_ro",
                 "CONTENT_SECURITY_POLICY_REPORT_ONLY")):
            if not value or header in response or getattr(response, exempt, False) is not False:
                continue
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES")
            if not request.path_info.startswith(tuple(prefixes or ())):
                response[header] = value
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
