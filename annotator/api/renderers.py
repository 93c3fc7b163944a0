"""Responses: JSON written by orjson, with DRF's own writer for what orjson refuses.

A long document's labels are most of the response time spent outside the
database; orjson writes them about ten times faster than the json module.
orjson refuses a few values that stored JSON may hold (integers beyond 64 bits
in imported metadata, say): those responses go through DRF's JSONRenderer, so
no stored value can turn a read into a 500.
"""
from __future__ import annotations

from drf_orjson_renderer.renderers import ORJSONRenderer
from rest_framework.renderers import JSONRenderer as DrfJSONRenderer


class JSONRenderer(ORJSONRenderer):
    def render(self, data, media_type=None, renderer_context=None) -> bytes:
        try:
            return super().render(data, media_type, renderer_context)
        except TypeError:  # orjson.JSONEncodeError is a TypeError
            return DrfJSONRenderer().render(data, media_type, renderer_context)
