"""Request bodies: DRF's JSON parser, with a bound on how deeply the JSON nests."""
from __future__ import annotations

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as DrfJSONParser

MAX_DEPTH = 64  # far more than any request needs: metadata and suggestions nest a few levels


def json_depth(value) -> int:
    """How deeply lists and objects nest in a parsed JSON value (a scalar: 0). No recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth + 1)
        stack.extend((child, depth + 1) for child in children)
    return deepest


class JSONParser(DrfJSONParser):
    """A body nested deeper than MAX_DEPTH is a 400. Deeper ones exhaust Python's recursion
    limit, in the decoder or later when the value is stored or rendered: a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        message = f"JSON parse error - nested deeper than {MAX_DEPTH} levels."
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(message) from None
        if json_depth(data) > MAX_DEPTH:
            raise ParseError(message)
        return data
