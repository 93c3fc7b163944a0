"""The middleware a REST request with an API token does not need, and the CSP header built
once: what a request pays outside its view (docs/benchmarks.md, "Outside the view").

A request under /api/ (but /api/auth/) whose Authorization header names the Token scheme
is authenticated by DRF with that token and nothing else: ApiTokenAuthentication either
accepts the token or answers 401, and never falls back to the session (DRF tries the next
authenticator only when the scheme is another). Such a request skips (TokenApiLane) the
middleware that serves the browser's session only: loading the session, the CSRF cookie (a
cross-site page cannot send an Authorization header: there is no CORS here; DRF checks
CSRF for session-authenticated requests itself), Django's lazy session user, the
one-time-password gate (its flag rides in the session), the messages and django-axes'
lockout page (the password logins are under /api/auth/, which takes the whole stack).
Every other request, a session's, a browser page's or an anonymous one, takes the whole
stack as before. The security headers are set on every response, the token's included.
"""
from __future__ import annotations

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as _CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

API = "/api/"
SESSION_ONLY = "/api/auth/"  # sign-in, sign-out, tokens, password, CSRF cookie: sessions
SCHEME = b"token"  # ApiTokenAuthentication.keyword, as DRF compares it


def token_api(request) -> bool:
    """Whether DRF authenticates this request by its API token alone."""
    path = request.path_info
    if not path.startswith(API) or path.startswith(SESSION_ONLY):
        return False
    # As rest_framework.authentication.get_authorization_header reads it.
    header = request.META.get("HTTP_AUTHORIZATION", b"")
    if isinstance(header, str):
        header = header.encode("iso-8859-1", "replace")
    scheme = header.split(None, 1)[:1]
    return bool(scheme) and scheme[0].lower() == SCHEME


class TokenApiLane:
    """In MIDDLEWARE after the body checks: a token API request goes on through the
    middleware below this one but SKIPPED; any other request through all of them.

    The lane is built once, from the chain Django built: the same classes in the same
    order, each a new instance, ending at the same handler (which still runs every
    middleware's process_view and process_exception, as for any request). Were the chain
    not what Django builds (another handler, async adaptation), there is no lane, and
    every request takes the whole stack: slower, never different.
    """

    SKIPPED = ("whitenoise.middleware.WhiteNoiseMiddleware",
               "django.contrib.sessions.middleware.SessionMiddleware",
               "django.middleware.csrf.CsrfViewMiddleware",
               "django.contrib.auth.middleware.AuthenticationMiddleware",
               "annotator.password_gate.PasswordChangeRequiredMiddleware",
               "django.contrib.messages.middleware.MessageMiddleware",
               "axes.middleware.AxesMiddleware")

    def __init__(self, get_response):
        self.get_response = get_response
        self.lane = _lane(get_response, {import_string(path) for path in self.SKIPPED})

    def __call__(self, request):
        if self.lane is not None and token_api(request):
            return self.lane(request)
        return self.get_response(request)


def _lane(chain, skipped: set[type]):
    """The chain below, without the middleware of the `skipped` classes (None: not found)."""
    kept, node = [], chain
    for _ in range(100):
        middleware = getattr(node, "__wrapped__", None)  # convert_exception_to_response's
        if (getattr(middleware, "__name__", "") == "_get_response"
                and isinstance(getattr(middleware, "__self__", None), BaseHandler)):
            break
        if middleware is None or not hasattr(middleware, "get_response"):
            return None
        if type(middleware) not in skipped:
            kept.append(type(middleware))
        node = middleware.get_response
    else:
        return None
    for kind in reversed(kept):
        node = convert_exception_to_response(kind(node))
    return node


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
