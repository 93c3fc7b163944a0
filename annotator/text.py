"""Pure functions over document text. Offsets are code points, half-open.

A document's text is stored exactly as it came (DESIGN.md, "Offsets"): no NFC,
no line-end change, unless the person importing asks for `normalize` and gets a
report of what moved (formats/textmap.py). The one thing dropped on the way in
is a UTF-8 byte order mark at the very start of a *file*: it says how the bytes
are encoded, it is not part of the text (`decode_file`).
"""
from __future__ import annotations

import hashlib
import unicodedata

from django.core.exceptions import ValidationError

BOM = "\ufeff"
NORMALIZATIONS = ("nfc", "lf")


def decode_file(data: bytes) -> str:
    """A text file's bytes as UTF-8, without a leading byte order mark.

    Raises UnicodeDecodeError. Offsets that a tool counted over the file with
    its BOM (brat does) are moved by the reader that knows it (formats/brat.py).
    """
    return data.decode("utf-8").removeprefix(BOM)


def normalize(raw: str, *, nfc: bool = True, lf: bool = True) -> str:
    """The normalisation an import asks for: NFC and/or `\\n` line ends (CRLF and CR)."""
    if lf:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if nfc:
        raw = unicodedata.normalize("NFC", raw)
    return raw


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_span(text: str, start: int, end: int, quote: str | None = None) -> str:
    """Return text[start:end] if the offsets are valid, else raise ValidationError.

    The errors name the field, so the API can return them as they are.
    """
    if isinstance(start, bool) or not isinstance(start, int):
        raise ValidationError({"start": "must be an integer."})
    if isinstance(end, bool) or not isinstance(end, int):
        raise ValidationError({"end": "must be an integer."})
    if start < 0:
        raise ValidationError({"start": f"must be 0 or more, got {start}."})
    if end <= start:
        raise ValidationError({"end": f"must be greater than start ({start}), got {end}."})
    if end > len(text):
        raise ValidationError(
            {"end": f"is past the end of the text ({len(text)} code points), got {end}."})
    covered = text[start:end]
    if quote is not None and quote != covered:
        raise ValidationError(
            {"quote": f"does not match the text at [{start}, {end}): expected {covered!r}."})
    return covered
