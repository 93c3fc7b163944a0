"""Domain errors → HTTP responses. Every error says what and where; none is a 500."""
from __future__ import annotations

import logging
import sys

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, DataError, IntegrityError, InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.defaults import page_not_found, server_error as django_server_error
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from annotator.access import Forbidden
from annotator.errors import Conflict, Gone, IdempotencyKeyReused
from annotator.services.spans import BulkError

log = logging.getLogger(__name__)


class PreconditionRequired(Exception):
    """An update or delete without the version it was based on (HTTP 428)."""


def not_found(request, exception=None):
    """handler404: a URL no route matches (/api/spans/abc/) is JSON under /api/, as documented."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


# --- The database is down: 503, JSON under /api/, a plain page elsewhere -------------------

RETRY_AFTER_SECONDS = 10
UNAVAILABLE = "The database is not answering: try again in a moment."
# SQLite's own words for a database file that cannot be used now (not for a bad query).
SQLITE_UNAVAILABLE = ("unable to open", "database is locked", "disk i/o error",
                      "readonly database", "database or disk is full", "file is not a database",
                      "malformed", "no such table")


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether exc says the database cannot be reached or used right now, rather than that
    one query was wrong: a connection refused or lost, a server shutting down, too many
    connections (PostgreSQL classes 08, 53, 57), a database file that cannot be opened."""
    if isinstance(exc, InterfaceError):  # a connection already closed
        return True
    if not isinstance(exc, DatabaseError) or isinstance(exc, (DataError, IntegrityError)):
        return False
    cause = exc.__cause__
    if type(cause).__module__.startswith("sqlite3"):
        return any(words in str(cause).lower() for words in SQLITE_UNAVAILABLE)
    code = getattr(cause, "pgcode", None)
    if code is not None:
        return code[:2] in ("08", "53", "57")
    # psycopg2 without a server error code: the client could not connect, or lost the line.
    return isinstance(exc, OperationalError)


def unavailable_response(request, exc: BaseException):
    """503 with Retry-After: {"detail", "code": "database_unavailable"} under /api/ (and for
    /healthz, which also says what is down), a plain page elsewhere."""
    log.error("The database is unavailable (%s %s): %s", request.method, request.path, exc)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.path.startswith("/api/") or request.path == "/healthz":
        body = {"detail": UNAVAILABLE, "code": "database_unavailable"}
        if request.path == "/healthz":
            body = {"status": "unavailable", "down": ["database"], **body}
        return JsonResponse(body, status=503, headers=headers)
    # No template context: the context processors would ask the database for the user.
    return HttpResponse(render_to_string("annotator/unavailable.html",
                                         {"message": UNAVAILABLE}),
                        status=503, headers=headers)


class DatabaseUnavailableMiddleware:
    """A view that finds the database down answers 503 (unavailable_response), in every
    mode; what fails outside a view (a session saved after it) reaches server_error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if database_unavailable(exception):
            return unavailable_response(request, exception)
        return None


def server_error(request):
    """handler500: the database down is a 503 (unavailable_response); any other error is
    JSON under /api/, as documented, and Django's plain page elsewhere."""
    exc = sys.exc_info()[1]
    if database_unavailable(exc):
        return unavailable_response(request, exc)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error.", "code": "server_error"}, status=500)
    return django_server_error(request)


def _django_errors(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc, context):
    if database_unavailable(exc):
        return unavailable_response(context["request"], exc)
    if isinstance(exc, DjangoValidationError):
        return Response(_django_errors(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, BulkError):
        return Response(exc.body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Conflict):
        return Response({"detail": exc.message, "code": exc.code, "current": exc.current},
                        status=status.HTTP_409_CONFLICT)
    if isinstance(exc, Gone):
        return Response({"detail": exc.message, "code": exc.code}, status=status.HTTP_410_GONE)
    if isinstance(exc, IdempotencyKeyReused):
        return Response({"detail": str(exc), "code": "idempotency_key_reused"},
                        status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    if isinstance(exc, Forbidden):
        return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, PreconditionRequired):
        return Response({"version": [str(exc)]}, status=status.HTTP_428_PRECONDITION_REQUIRED)
    if isinstance(exc, Http404):
        return Response({"detail": str(exc) or "Not found."}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, IntegrityError):
        # The database refused a write the services did not foresee: a conflict
        # with stored data, not a server fault. Logged so that we foresee it next time.
        log.warning("IntegrityError reached the API: %s", exc)
        return Response({"detail": "This conflicts with data already stored.",
                         "code": "integrity"}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DataError):
        log.warning("DataError reached the API: %s", exc)
        return Response({"detail": "A value is out of the range the database can store."},
                        status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
