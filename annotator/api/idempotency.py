"""The Idempotency-Key header: a write sent again with the same key is answered, not redone.

static/annotator/api.js retries a write after a network error or a 502/503/504, and
such a write may well have reached the server (the answer is what got lost). It
sends a fresh random key with every action, and the same key with each retry of it;
`@idempotent` on a view method answers a repeat with the stored first answer (and
`Idempotent-Replayed: true`) instead of writing again. The work is in
services/idempotency.py; this only reads the request and writes the answer.
"""
from __future__ import annotations

import functools
import hashlib
import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from annotator.api.renderers import JSONRenderer
from annotator.services.idempotency import Replay, idempotent_write

HEADER = "Idempotency-Key"
META_KEY = "HTTP_IDEMPOTENCY_KEY"  # the header as WSGI names it
MAX_LENGTH = 200
PARAMETER = OpenApiParameter(
    HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="Any string of 1 to 200 printable ASCII characters, new for every action "
                "and the same for its retries. A repeat gets the first answer again "
                "(with `Idempotent-Replayed: true`) instead of doing the write twice; the "
                "same key with another method, path, version or body is a 422. Keys are "
                "per user and kept for 24 hours.")


def _key(request) -> str | None:
    # request.headers, read from META: building it walks every header of the request, for
    # one value (every write asks it).
    key = request.META.get(META_KEY)
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_LENGTH or not all(" " <= c <= "~" for c in key):
        raise ApiValidationError({HEADER: [f"must be 1 to {MAX_LENGTH} printable ASCII "
                                           "characters."]})
    return key


def _fingerprint(request) -> str:
    """What makes a request the same request: method, path with query, version, body."""
    parts = [request.method, request.get_full_path(), request.headers.get("If-Match"),
             request.data]
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def idempotent(handler):
    """Make a view's write method honour Idempotency-Key (without the header: unchanged)."""

    @functools.wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        key = _key(request)
        if key is None:
            return handler(view, request, *args, **kwargs)

        def write():
            response = handler(view, request, *args, **kwargs)
            # The body as the client gets it (timestamps written, as JSON can store them).
            data = getattr(response, "data", None)
            body = None if data is None else json.loads(JSONRenderer().render(data))
            return response.status_code, body, response

        result = idempotent_write(user=request.user, key=key, method=request.method,
                                  path=request.get_full_path()[:2000],
                                  fingerprint=_fingerprint(request), write=write)
        if isinstance(result, Replay):
            return Response(result.body, status=result.status,
                            headers={"Idempotent-Replayed": "true"})
        return result

    wrapper.idempotent = True  # read by api/schema.py
    return wrapper
