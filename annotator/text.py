"""Pure functions over document text. Offsets are code points, half-open."""
from __future__ import annotations

import hashlib
import unicodedata

from django.core.exceptions import ValidationError


def normalize(raw: str) -> str:
    """The one normalisation a text gets, once, on its way in: NFC and \\n line ends."""
    return unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))


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
