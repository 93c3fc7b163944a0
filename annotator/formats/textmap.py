"""Normalising an incoming text on request, and carrying its offsets along.

Texts are stored exactly as given. An import may ask for `normalize` (NFC
and/or `\\n` line ends, annotator/text.py); offsets in the file count code
points of the text *as it is in the file*, so they move when a `\\r\\n` becomes
`\\n` or when NFC composes `e` + U+0301 into `é`. `OffsetMap` turns file
offsets into offsets of the normalised text, and says None for a boundary that
falls inside a character NFC composed (such a span cannot be kept exactly: the
import refuses it, naming the line and span). `changes()` is what the import
report says about the document.
"""
from __future__ import annotations

import bisect
import unicodedata

from annotator import text as text_mod


class OffsetMap:
    def __init__(self, raw: str, *, nfc: bool = True, lf: bool = True):
        self.raw = raw
        self.text = text_mod.normalize(raw, nfc=nfc, lf=lf)
        # "\r\n" loses its "\r"; a lone "\r" becomes "\n" in place (no shift).
        self._dropped = [i for i in range(len(raw) - 1)
                         if raw[i] == "\r" and raw[i + 1] == "\n"] if lf and "\r" in raw else []
        self._lone_cr = raw.count("\r") - len(self._dropped) if lf else 0
        self._unix = text_mod.normalize(raw, nfc=False, lf=lf)
        self._nfc_same = self._unix == self.text
        self._cache: dict[int, int | None] = {}

    @property
    def identity(self) -> bool:
        return not self._dropped and self._nfc_same

    def changes(self) -> dict:
        """What normalising did: line ends rewritten, characters NFC rewrote, code points
        removed (a CRLF loses one, a composition one per mark it absorbs)."""
        return {"line_ends": len(self._dropped) + self._lone_cr,
                "nfc": 0 if self._nfc_same else _nfc_rewrites(self._unix),
                "removed": len(self.raw) - len(self.text)}

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


def _nfc_rewrites(text: str) -> int:
    """How many characters (a base and the marks NFC folds into it) NFC rewrites.

    Lines are independent (nothing composes across "\\n"); inside a line that is not
    already NFC, a character joins the one before when it is a combining mark or NFC
    composes the two (Hangul jamo, a few two-part vowels)."""
    count = 0
    for line in text.split("\n"):
        if unicodedata.is_normalized("NFC", line):
            continue
        chunk = ""
        for ch in line:
            if chunk and (unicodedata.combining(ch) or unicodedata.normalize(
                    "NFC", chunk[-1] + ch) != unicodedata.normalize("NFC", chunk[-1]) + ch):
                chunk += ch
                continue
            count += bool(chunk) and unicodedata.normalize("NFC", chunk) != chunk
            chunk = ch
        count += bool(chunk) and unicodedata.normalize("NFC", chunk) != chunk
    return count
