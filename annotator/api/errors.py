"""Domain errors → HTTP responses. Every error says what and where; none is a 500."""
from __future__ import annotations

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, JsonResponse
from django.views.defaults import page_not_found
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


def _django_errors(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        return Response(_django_errors(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, BulkError):
        return Response({"spans": exc.errors}, status=status.HTTP_400_BAD_REQUEST)
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
