"""Request bodies: JSON and multipart forms, decoded strictly and checked before any view
sees them (docs/decisions.md, "No input breaks a project").

Every string and key of a body goes through annotator.text.input_problems once, here, so
no serializer, service or endpoint added later has to remember it: a lone surrogate or a
NaN anywhere is a 400 naming its field (`metadata.author`), never a stored value that
turns every later read of the project into a 500.
"""
from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.http.multipartparser import MultiPartParser as DjangoMultiPartParser
from django.http.multipartparser import MultiPartParserError
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser, DataAndFiles

from annotator import text

MAX_DEPTH = 64  # far more than any request needs: metadata and suggestions nest a few levels
UTF8 = ("utf-8", "utf8")


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
        try:
            data = json.loads(raw.decode("utf-8"))
        except RecursionError:
            raise ParseError(depth_message) from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        if json_depth(data) > MAX_DEPTH:
            raise ParseError(depth_message)
        text.check_input(data)
        return data


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
