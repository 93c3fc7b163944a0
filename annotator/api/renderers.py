"""Responses: JSON written by orjson, with DRF's own writer for what orjson refuses.

A long document's labels are most of the response time spent outside the
database; orjson writes them about ten times faster than the json module, and
writes their timestamps itself (the fast paths in serializers.py hand it
datetime objects: naive ones are UTC, as USE_TZ stores them; UTC is written
"Z", as DRF writes it). orjson refuses a few values that stored JSON may hold
(integers beyond 64 bits in imported metadata, say): those responses go
through DRF's JSONRenderer, so no stored value can turn a read into a 500.

Which renderer answers: JSON for what nearly every client asks (no Accept, */* or
application/json) without DRF's parse of the Accept header; anything else is DRF's choice.
"""
from __future__ import annotations

import codecs
from datetime import datetime, timezone
from json.encoder import encode_basestring_ascii

import orjson
from drf_orjson_renderer.renderers import ORJSONRenderer
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer as DrfJSONRenderer
from rest_framework.utils.encoders import JSONEncoder as DrfJSONEncoder

from annotator.selectors.label_json import JsonText


class _UtcEncoder(DrfJSONEncoder):
    """DRF's encoder, reading a naive timestamp as UTC (as orjson is told to)."""

    def default(self, obj):
        if isinstance(obj, datetime) and obj.tzinfo is None:
            obj = obj.replace(tzinfo=timezone.utc)
        return super().default(obj)


class _DrfRenderer(DrfJSONRenderer):
    encoder_class = _UtcEncoder


class JSONRenderer(ORJSONRenderer):
    options = ORJSONRenderer.options | orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z

    @staticmethod
    def default(obj):
        if isinstance(obj, JsonText):  # JSON the database wrote: as it is
            return orjson.Fragment(obj.text)
        return ORJSONRenderer.default(obj)

    def render(self, data, media_type=None, renderer_context=None) -> bytes:
        try:
            return super().render(data, media_type, renderer_context)
        except TypeError:  # orjson.JSONEncodeError is a TypeError
            return _DrfRenderer().render(data, media_type, renderer_context)


JSON = "application/json"


class ContentNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, with its answer for the common case given at once: no format asked
    for, an Accept of */* or application/json (or none), and JSON the view's first renderer
    (what DRF picks then too, with the same media type)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        if (format_suffix is None and renderers and renderers[0].media_type == JSON
                and request.META.get("HTTP_ACCEPT", "*/*") in ("*/*", JSON)
                and not self._format_asked(request)):
            return renderers[0], JSON
        return super().select_renderer(request, renderers, format_suffix)

    def _format_asked(self, request) -> bool:
        """Whether the query names a format (?format=); the query string is parsed only when
        it may (a request without a query string has no QueryDict to make)."""
        name = self.settings.URL_FORMAT_OVERRIDE
        query = request.META.get("QUERY_STRING", "")
        if not name or (name not in query and "%" not in query):
            return False
        return name in request.query_params


# --- A large body in ASCII: what a client decodes first -------------------------------------
# A client reads a response's bytes into a string before it parses the JSON (Python's
# json.loads, httpx's and requests' .json()). One emoji anywhere in a 2 MB body makes that
# string 4 bytes a character: 8 MB to allocate and fill, which took 7-9 ms of a 1 MiB
# document's 17-19 ms json.loads, against 0.2 ms for the same JSON with every non-ASCII
# character escaped (docs/benchmarks.md). \uXXXX escapes are JSON's own: every JSON reader
# gives back the same strings, and the body is a few per cent longer.

ASCII_ERRORS = "annotator.json_ascii"


def _escape_run(error: UnicodeEncodeError) -> tuple[str, int]:
    """The characters that ASCII cannot hold, as JSON escapes (a pair for U+10000 up)."""
    out = []
    for char in error.object[error.start:error.end]:
        code = ord(char)
        if code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            code -= 0x10000
            out.append(f"\\u{0xd800 + (code >> 10):04x}\\u{0xdc00 + (code & 0x3ff):04x}")
    return "".join(out), error.end


codecs.register_error(ASCII_ERRORS, _escape_run)


def _ascii_values(value):
    """`value` with each string that is not ASCII already written as escaped JSON."""
    if isinstance(value, str):
        return value if value.isascii() else JsonText(encode_basestring_ascii(value))
    if isinstance(value, JsonText):
        if value.text.isascii():
            return value
        return JsonText(value.text.encode("ascii", ASCII_ERRORS).decode("ascii"))
    if isinstance(value, dict):
        return {key: _ascii_values(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_ascii_values(item) for item in value]
    return value


def render_ascii(data) -> bytes:
    """JSONRenderer's body of `data` with every character beyond ASCII escaped: the same
    JSON value, in bytes that decode at the speed of a copy."""
    body = JSONRenderer().render(_ascii_values(data))
    if not body.isascii():  # a key beyond ASCII, or DRF's writer (what orjson refuses)
        body = body.decode("utf-8").encode("ascii", ASCII_ERRORS)
    return body
