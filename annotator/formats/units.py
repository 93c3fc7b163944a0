"""Which unit a file's offsets count: code points (ours, Python's) or UTF-16 code units.

Tools whose annotation page runs in a browser (doccano, Label Studio) may store
the JavaScript string positions of a selection, and JavaScript counts an emoji
or any other character outside the Basic Multilingual Plane as 2 (a surrogate
pair). In a text without such characters the two counts agree; after the first
one they drift apart by one per astral character. `detect` decides per
document from the evidence in the file, and says why:

- the span's own text, when the file carries it, fits only one reading;
- a span ending past the code-point length (but within the UTF-16 length)
  can only be UTF-16; a boundary between the two halves of a surrogate pair
  can only be code points;
- boundaries that cut words, or spans that begin or end on white space, in one
  reading and not in the other.

When the evidence does not settle it the reading is "ambiguous": the import
refuses that document, naming the span, rather than store a wrong span
silently (the importer can force a reading: offsets=utf16|codepoints).
Pure functions: no database, no Django.
"""
from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass

CODEPOINTS, UTF16 = "codepoints", "utf16"
AMBIGUOUS, NEITHER = "ambiguous", "neither"
READINGS = ("auto", CODEPOINTS, UTF16)


@dataclass
class Reading:
    units: str              # codepoints | utf16 | ambiguous | neither
    reason: str             # in words, for the report
    span: int | None = None  # the first span whose offsets differ between the two readings


class Utf16:
    """UTF-16 offsets of one text → code points (None inside a surrogate pair)."""

    def __init__(self, text: str):
        self.text = text
        astral = [i for i, c in enumerate(text) if ord(c) > 0xFFFF]
        self.first_astral = astral[0] if astral else None
        # UTF-16 position of each astral character's first unit
        self._starts = [cp + k for k, cp in enumerate(astral)]
        self.length = len(text) + len(astral)

    def __call__(self, offset: int) -> int | None:
        if offset < 0 or offset > self.length:
            return None
        before = bisect.bisect_left(self._starts, offset)   # pairs starting before offset
        if before and self._starts[before - 1] + 1 == offset:
            return None                                      # between the two halves
        return offset - before


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_" or unicodedata.category(ch).startswith("M")


def _cuts(text: str, start: int, end: int) -> int:
    """How many ways [start, end) looks wrongly placed: a word cut at either end, white
    space just inside either end, or a start on a combining mark."""
    bad = 0
    if start > 0 and _is_word(text[start - 1]) and _is_word(text[start]):
        bad += 1
    if end < len(text) and _is_word(text[end - 1]) and _is_word(text[end]):
        bad += 1
    if text[start].isspace() or text[end - 1].isspace():
        bad += 1
    return bad


def _int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def detect(text: str, spans: list[tuple[object, object, str | None]]) -> Reading:
    """spans: (start, end, the span's text or None) as the file gives them."""
    index = Utf16(text)
    if index.first_astral is None:
        return Reading(CODEPOINTS, "no character outside the BMP: both counts agree")
    first = index.first_astral
    usable = [(i, s, e, q) for i, (s, e, q) in enumerate(spans)
              if _int(s) and _int(e) and 0 <= s < e]
    # up to the first astral character both readings give the same slice
    differing = [(i, s, e, q) for i, s, e, q in usable if e > first]
    if not differing:
        return Reading(CODEPOINTS, "every span ends before the first character outside the BMP")
    witness = differing[0][0]
    as16 = {i: (index(s), index(e)) for i, s, e, _ in differing}
    cp_fits = all(e <= len(text) for _, _, e, _ in differing)
    u16_fits = all(a is not None and b is not None for a, b in as16.values())
    quoted = [(i, s, e, q) for i, s, e, q in differing if isinstance(q, str)]
    if quoted:
        cp_quotes = cp_fits and all(text[s:e] == q for _, s, e, q in quoted)
        u16_quotes = u16_fits and all(text[as16[i][0]:as16[i][1]] == q for i, _, _, q in quoted)
        if cp_quotes and not u16_quotes:
            return Reading(CODEPOINTS, "the spans' text matches the code-point slices", witness)
        if u16_quotes and not cp_quotes:
            return Reading(UTF16, "the spans' text matches only when the offsets are read as "
                                  "UTF-16 units", witness)
    if not cp_fits and u16_fits:
        return Reading(UTF16, f"a span ends past the text's {len(text)} code points but within "
                              f"its {index.length} UTF-16 units", witness)
    if cp_fits and not u16_fits:
        return Reading(CODEPOINTS, "read as UTF-16 units a boundary would split a surrogate "
                                   "pair", witness)
    if not cp_fits:
        return Reading(NEITHER, "the offsets fit the text in neither count", witness)
    cp_bad = sum(_cuts(text, s, e) for _, s, e, _ in differing)
    u16_bad = sum(_cuts(text, *as16[i]) for i, *_ in differing)
    if cp_bad == 0 and u16_bad > 0:
        return Reading(CODEPOINTS, "read as code points every span sits on word boundaries; "
                                   "as UTF-16 units some would cut words", witness)
    if u16_bad == 0 and cp_bad > 0:
        return Reading(UTF16, "read as UTF-16 units every span sits on word boundaries; as code "
                              "points some would cut words", witness)
    return Reading(AMBIGUOUS, "the file does not show whether its offsets count code points or "
                              "UTF-16 units", witness)
