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

from datetime import datetime, timezone

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
