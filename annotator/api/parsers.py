"""Request bodies: JSON and multipart forms, decoded strictly and checked before any view
sees them (docs/decisions.md, "No input breaks a project").

Every string and key of a body goes through annotator.text.input_problems once, here, so
no serializer, service or endpoint added later has to remember it: a lone surrogate or a
NaN anywhere is a 400 naming its field (`metadata.author`), never a stored value that
turns every later read of the project into a 500.
"""
from __future__ import annotations

import json
import re

import orjson
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.http.multipartparser import MultiPartParser as DjangoMultiPartParser
from django.http.multipartparser import MultiPartParserError
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser, DataAndFiles

from annotator import text

MAX_DEPTH = 64  # far more than any request needs: metadata and suggestions nest a few levels
UTF8 = ("utf-8", "utf8")
# orjson reads an integer of more than 64 bits as a float: such a body takes the json path.
_LONG_NUMBER = re.compile(rb"[0-9]{19}")


def json_depth(value, limit: int | None = None) -> int:
    """How deeply lists and objects nest in a parsed JSON value (a scalar: 0). No recursion.

    One level at a time, keeping only the containers: a body of 10,000 flat spans costs two
    list comprehensions, not a stack entry per value. With `limit`, stops once past it."""
    depth, level = 0, [value] if isinstance(value, (dict, list)) else []
    while level and (limit is None or depth <= limit):
        depth += 1
        inner = []
        for item in level:
            inner += [child for child in (item.values() if isinstance(item, dict) else item)
                      if isinstance(child, (dict, list))]
        level = inner
    return depth


def _charset(parser_context, media_type: str | None) -> str | None:
    """The charset the client declared, lower case, if it is not UTF-8 (else None)."""
    request = (parser_context or {}).get("request")
    declared = getattr(request, "encoding", None) if request is not None else None
    # Django leaves request.encoding unset for a charset it does not know: read the header.
    if not declared and media_type and "charset=" in media_type.lower():
        declared = media_type.lower().split("charset=", 1)[1].split(";")[0].strip(' "')
    declared = (declared or "utf-8").lower()
    return None if declared in UTF8 else declared


class JSONParser(BaseParser):
    """JSON bodies: UTF-8 only (RFC 8259), nested MAX_DEPTH deep at most, every string and
    key valid Unicode and every number finite, else a 400.

    NaN and Infinity are decoded (not refused by the decoder, as DRF's parser does) so that
    the 400 can name their field; too deep a body exhausts Python's recursion limit, in the
    decoder or later when the value is stored or rendered: a 500 without the bound.
    """

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        charset = _charset(parser_context, media_type)
        if charset:
            raise ParseError(f"JSON parse error - a JSON body is UTF-8; this one says "
                             f"charset={charset}.")
        raw = stream.read() if stream is not None else b""
        bad = text.not_utf8(raw)
        if bad:
            raise ParseError(f"JSON parse error - not valid UTF-8 ({bad}).")
        depth_message = f"JSON parse error - nested deeper than {MAX_DEPTH} levels."
        data = _fast_loads(raw)
        if data is not _REFUSED:
            if json_depth(data, MAX_DEPTH) > MAX_DEPTH:
                raise ParseError(depth_message)
            return data
        try:
            data = json.loads(raw.decode("utf-8"))
        except RecursionError:
            raise ParseError(depth_message) from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        if json_depth(data, MAX_DEPTH) > MAX_DEPTH:
            raise ParseError(depth_message)
        text.check_input(data)
        return data


_REFUSED = object()


def _fast_loads(raw: bytes):
    """The body decoded by orjson, or _REFUSED for the json path to decode and name what
    is wrong. orjson refuses NaN, infinities, lone surrogates and bad JSON, so what it
    accepts passes text.check_input as it is (no walk over 10,000 spans); it would read an
    integer wider than 64 bits as a float, so a body with 19 digits in a row anywhere
    (a string's too: only slower) goes the json module's way, which keeps it exact."""
    if _LONG_NUMBER.search(raw):
        return _REFUSED
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return _REFUSED


def _one_or_all(values: list):
    """A form field's value as the check should name it: `format`, or `format[1]` when the
    field came several times."""
    return values[0] if len(values) == 1 else values


class MultiPartParser(BaseParser):
    """multipart/form-data (the import form): field names and values must be UTF-8 and
    valid Unicode, else a 400 naming the field.

    Django's multipart parser decodes values in the declared charset with bad bytes
    replaced by U+FFFD, and a charset such as unicode_escape would turn "\\udc80" into a
    lone surrogate. So a charset other than UTF-8 is refused, and Django is handed
    latin-1, which maps each byte to one code point and loses nothing: each value is then
    decoded here, strictly, as UTF-8. (File names need nothing: Django drops a part whose
    headers are not UTF-8 and strips what is not printable, surrogates included, from a
    file name. The file's content is the import's to check.)
    """

    media_type = "multipart/form-data"

    def parse(self, stream, media_type=None, parser_context=None):
        charset = _charset(parser_context, media_type)
        if charset:
            raise ParseError(f"Multipart form parse error - a form is UTF-8; this one says "
                             f"charset={charset}.")
        request = parser_context["request"]
        meta = request.META.copy()
        meta["CONTENT_TYPE"] = media_type
        try:
            fields, files = DjangoMultiPartParser(meta, stream, request.upload_handlers,
                                                  "latin-1").parse()
        except MultiPartParserError as exc:
            raise ParseError(f"Multipart form parse error - {exc}") from None
        data = QueryDict(mutable=True)
        for name, values in fields.lists():
            name = self._utf8(name, "non_field_errors", "a field name")
            for value in values:
                data.appendlist(name, self._utf8(value, name))
        data._mutable = False
        text.check_input({name: _one_or_all(values) for name, values in data.lists()})
        return DataAndFiles(data, files)

    @staticmethod
    def _utf8(latin1: str, field: str, what: str = "") -> str:
        raw = latin1.encode("latin-1")
        bad = text.not_utf8(raw)
        if bad:
            raise ValidationError({field: f"{what + ' ' if what else ''}is not valid UTF-8 "
                                          f"({bad})."})
        return raw.decode("utf-8")
