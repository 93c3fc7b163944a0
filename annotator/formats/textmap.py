"""Normalising an incoming text and carrying its offsets along.

A document's text is normalised once, on import (annotator/text.py: NFC and
`\\n` line ends). Offsets in an imported file count code points of the text
*as it is in the file*, so they move when a `\\r\\n` becomes `\\n` or when NFC
composes `e` + U+0301 into `é`. `OffsetMap` turns file offsets into offsets of
the normalised text, and says None for a boundary that falls inside a character
NFC composed (such a span cannot be kept exactly: the import reports it).
"""
from __future__ import annotations

import bisect
import unicodedata

from annotator import text as text_mod


class OffsetMap:
    def __init__(self, raw: str):
        self.raw = raw
        self.text = text_mod.normalize(raw)
        # "\r\n" loses its "\r"; a lone "\r" becomes "\n" in place (no shift).
        self._dropped = [i for i in range(len(raw) - 1)
                         if raw[i] == "\r" and raw[i + 1] == "\n"] if "\r" in raw else []
        if self._dropped:
            without_cr = raw.replace("\r\n", "\n").replace("\r", "\n")
        else:
            without_cr = raw.replace("\r", "\n")
        self._unix = without_cr
        self._nfc_same = self._unix == self.text
        self._cache: dict[int, int | None] = {}

    @property
    def identity(self) -> bool:
        return not self._dropped and self._nfc_same

    def __call__(self, offset: int) -> int | None:
        if self.identity:
            return offset
        if offset in self._cache:
            return self._cache[offset]
        unix = offset - bisect.bisect_left(self._dropped, offset)
        if self._nfc_same:
            mapped = unix
        else:
            head = unicodedata.normalize("NFC", self._unix[:unix])
            tail = unicodedata.normalize("NFC", self._unix[unix:])
            mapped = len(head) if head + tail == self.text else None
        self._cache[offset] = mapped
        return mapped


def normalize_quote(quote: str) -> str:
    return text_mod.normalize(quote)
