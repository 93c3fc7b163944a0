"""Request-level protections wired in by settings.py: the login lockout's glue to the
REST API, the client address behind a proxy, and the request body limit.

The lockout itself is django-axes (failed logins counted in the database, so
every web process on every machine sees the same count); this module only
adapts it where the library cannot know the app.
"""
from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.db.models import Sum
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults
from ipware import get_client_ip
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request as DrfRequest

from annotator import text


def _cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    return f"Too many failed sign-ins: try again in {_cooloff_minutes()} minutes."


class LoginLockedOut(APIException):
    """A REST login (session or token) while the caller is locked out: 429, JSON."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self):
        super().__init__(lockout_message())
        self.wait = _cooloff_minutes() * 60  # DRF turns this into a Retry-After header


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check, first in AUTHENTICATION_BACKENDS: a locked-out caller is refused
    before the password is even looked at.

    Axes marks the refusal on the request for its middleware, which sees Django's
    request; the REST views authenticate with DRF's wrapper of it, so the mark
    would be lost and the caller would read "wrong password". There the refusal
    becomes an API error instead (django.contrib.auth.authenticate lets anything
    but PermissionDenied through).

    Without a request (server-side code checking a password) there is no caller
    to count or lock out; axes would raise, this lets the next backend decide.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        try:
            return super().authenticate(request, username=username, password=password, **kwargs)
        except AxesBackendPermissionDenied:
            if isinstance(request, DrfRequest):
                raise LoginLockedOut() from None
            raise


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler (AXES_HANDLER), with a second rule: an address.

    Axes counts failures per AXES_LOCKOUT_PARAMETERS (a user name at an address, by
    default) against one limit. One address trying many user names never reaches
    it for any one name, so the failures of an address, over every user name, are
    also counted, against LOGIN_ADDRESS_FAILURE_LIMIT (0: no such rule).

    Not done by adding "ip_address" to AXES_LOCKOUT_PARAMETERS, for two reasons:
    that alternative would share the per-user limit, so a few users behind one
    office address mistyping would lock each other out; and axes forgets, on a
    successful login, every attempt that matches any alternative, so an attacker
    with an account of their own would empty the address's count by signing in
    between guesses. Here a success forgets that user's failures only (the
    per-user parameters), and the address's count of the other names stays.
    """

    def get_failures(self, request, credentials=None) -> int:
        per_user = super().get_failures(request, credentials)
        limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
        address = getattr(request, "axes_ip_address", None)
        if not limit or address is None:
            return per_user
        attempts = AccessAttempt.objects.filter(ip_address=address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        from_address = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
        if from_address >= limit:
            # Axes compares what this returns with its one limit: reaching the address's
            # limit is reported as reaching that one.
            return max(per_user, get_failure_limit(request, credentials))
        return per_user


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out caller of a Django form (/login/, /admin/login/) gets: 429 and a
    page that says why and for how long (AXES_LOCKOUT_CALLABLE). JSON under /api/."""
    message = lockout_message()
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status.HTTP_429_TOO_MANY_REQUESTS)
    return render(request, "registration/locked_out.html", {"message": message},
                  status=status.HTTP_429_TOO_MANY_REQUESTS)


def client_ip(request) -> str | None:
    """The caller's address for the lockout (AXES_CLIENT_IP_CALLABLE).

    Without a proxy (TRUSTED_PROXY_COUNT=0) it is REMOTE_ADDR, and X-Forwarded-For
    is ignored: anybody can send that header. Behind N proxies that each append
    the address they received from, the client is the N-th address from the
    right; what is left of it was written by the client and is not trusted.

    django-ipware reads the header (ports, IPv6 brackets and entries that are no
    address are dealt with there). Its proxy count is of the proxies named in the
    header: the nearest proxy's own address is REMOTE_ADDR, not in the header, so
    it is N - 1. A header with fewer addresses than that did not come through
    every proxy, and is not believed either: REMOTE_ADDR. Not axes' own
    AXES_IPWARE_* settings: with REMOTE_ADDR as their fallback header, ipware
    prefers a public REMOTE_ADDR (a proxy on another machine) over a private
    client address from the header, so every caller on an intranet would share
    the proxy's address and lock each other out.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        address, _routable = get_client_ip(request, proxy_count=count - 1,
                                           request_header_order=["HTTP_X_FORWARDED_FOR"],
                                           strict=False)
        if address is not None:
            return address
    return request.META.get("REMOTE_ADDR")


class RequestBodyLimitMiddleware:
    """Refuse a request body larger than the limits before anything reads it: 413.

    Django checks DATA_UPLOAD_MAX_MEMORY_SIZE only when request.body or
    request.POST is read; DRF's parsers read the stream directly and never do,
    and multipart file parts are spooled to disk without a bound. So the
    declared Content-Length is checked here: DATA_UPLOAD_MAX_MEMORY_SIZE for a
    JSON or form body, MAX_UPLOAD_MB plus room for the multipart framing and
    the other fields for an upload (the import view refuses a file over
    MAX_UPLOAD_MB itself, as a 400 on its "file" field). A body without a
    Content-Length is read as empty by Django.
    """

    MULTIPART_ROOM = 1024 * 1024

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        multipart = request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/")
        limit = (settings.MAX_UPLOAD_MB * 1024 * 1024 + self.MULTIPART_ROOM if multipart
                 else settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        if limit is not None and declared > limit:
            return self.too_large(request, declared, limit, multipart)
        return self.get_response(request)

    @staticmethod
    def too_large(request, declared: int, limit: int, multipart: bool):
        what = "An upload" if multipart else "A request body"
        message = (f"{what} may be {_size(limit)} at most; this one is {_size(declared)}.")
        if request.path.startswith("/api/"):
            body = {"detail": message, "code": "too_large"}
            if multipart:
                body["file"] = [message]  # the import form shows errors by field
            return JsonResponse(body, status=413)
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


class StrictFormMiddleware:
    """A query string or an urlencoded form body whose names or values are not UTF-8 once
    unquoted is a 400 naming the field (docs/decisions.md, "No input breaks a project").

    Django decodes both with bad bytes replaced by U+FFFD, so a user name or a search
    would silently become something else; it already refuses an urlencoded body declared
    in another charset. JSON and multipart bodies are checked by annotator/api/parsers.py.
    """

    FORM = "application/x-www-form-urlencoded"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            text.decode_form(_wsgi_bytes(request.META.get("QUERY_STRING", "")))
            if request.META.get("CONTENT_TYPE", "").lower().startswith(self.FORM):
                text.decode_form(request.body)
        except ValidationError as exc:
            return self.refuse(request, exc.message_dict)
        return self.get_response(request)

    @staticmethod
    def refuse(request, errors: dict):
        if request.path.startswith("/api/"):
            return JsonResponse(errors, status=400)
        lines = [f"{field}: {' '.join(reasons)}" for field, reasons in errors.items()]
        return HttpResponse("Bad request: " + "\n".join(lines), status=400,
                            content_type="text/plain; charset=utf-8")


def _wsgi_bytes(value: str) -> bytes:
    """A WSGI environ string as the bytes that came in (PEP 3333: latin-1 code points)."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:  # not from a WSGI server (ASGI gives decoded text)
        return value.encode("utf-8", "surrogatepass")


def bad_request(request, exception=None):
    """handler400: what Django itself refuses before a view runs (a multipart form field
    over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields or files, an unknown Host) is
    JSON under /api/, like every other API error, and says which limit it was."""
    if request.path.startswith("/api/"):
        if isinstance(exception, RequestDataTooBig):
            reason = (f"The form fields of this request (besides files) are larger than "
                      f"{_size(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}.")
        else:
            reason = str(exception or "") or "Bad request."
        return JsonResponse({"detail": reason}, status=400)
    return defaults.bad_request(request, exception)


def _size(n: int) -> str:
    mb = n / (1024 * 1024)
    return f"{mb:.1f} MB" if mb >= 0.1 else f"{n} bytes"


# Where a password is checked, so django-axes may refuse the caller with a 429.
PASSWORD_LOGINS = ("/api/auth/login/", "/api/auth/token/", "/api/auth/password/")


def document_refusals(result, generator, request, public):
    """drf-spectacular postprocessing hook: the schema lists what this module answers,
    413 on every operation that takes a body and 429 on the password logins."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            if "requestBody" in operation:
                responses.setdefault("413", {"description": "The body is larger than the "
                                                            "limit.", "content": error})
            if path in PASSWORD_LOGINS and method == "post":
                responses.setdefault("429", {"description": "Locked out after too many "
                                                            "failed sign-ins (Retry-After).",
                                             "content": error})
    return result
