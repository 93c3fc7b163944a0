"""Which unit a file's offsets count: code points (ours, Python's), UTF-16 code units, or
grapheme clusters.

Tools whose annotation page runs in a browser (doccano, Label Studio) may store
the JavaScript string positions of a selection, and JavaScript counts an emoji
or any other character outside the Basic Multilingual Plane as 2 (a surrogate
pair); a doccano project set to "count grapheme clusters as one character"
stores positions in user-perceived characters instead (a flag, "e" + U+0301,
"\\r\\n" are one each). Where a text has none of these the counts agree; after
the first one they drift apart. `detect` decides per document from the
evidence in the file, and says why:

- the span's own text, when the file carries it, fits only one reading;
- offsets that do not fit a reading rule it out: past its length, or (UTF-16)
  between the two halves of a surrogate pair;
- the reading where every span sits on word boundaries, and begins and ends
  on no white space, when it is the only such reading.

Anything else is "ambiguous" (several readings fit cleanly) or "neither"
(every reading that fits cuts words): the import refuses that document,
naming the span, rather than store a wrong span silently; the importer can
force a reading (offsets=utf16, ...).
Pure functions: no database, no Django. Grapheme clusters are Unicode's
extended ones, as the `regex` module's `\\X` finds them.
"""
from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass
from typing import Callable

import regex

CODEPOINTS, UTF16, GRAPHEMES = "codepoints", "utf16", "graphemes"
AMBIGUOUS, NEITHER = "ambiguous", "neither"
READINGS = ("auto", CODEPOINTS, UTF16, GRAPHEMES)
WORDS = {CODEPOINTS: "code points", UTF16: "UTF-16 units", GRAPHEMES: "grapheme clusters"}


@dataclass
class Reading:
    units: str              # codepoints | utf16 | graphemes | ambiguous | neither
    reason: str             # in words, for the report
    span: int | None = None  # the first span whose offsets differ between the readings


class Utf16:
    """UTF-16 offsets of one text → code points (None inside a surrogate pair or past the
    end)."""

    def __init__(self, text: str):
        astral = [i for i, c in enumerate(text) if ord(c) > 0xFFFF]
        self.differs_after = astral[0] if astral else None
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


class Graphemes:
    """Grapheme-cluster offsets of one text → code points (None past the end)."""

    def __init__(self, text: str):
        self._bounds = [0]
        self.differs_after = None
        for cluster in regex.finditer(r"\X", text):
            if self.differs_after is None and len(cluster.group()) > 1:
                self.differs_after = len(self._bounds) - 1
            self._bounds.append(cluster.end())
        self.length = len(self._bounds) - 1

    def __call__(self, offset: int) -> int | None:
        return self._bounds[offset] if 0 <= offset <= self.length else None


class _CodePoints:
    def __init__(self, text: str):
        self.length = len(text)
        self.differs_after = None

    def __call__(self, offset: int) -> int | None:
        return offset if 0 <= offset <= self.length else None


def mapper(text: str, units: str) -> Callable[[int], int | None]:
    """offset in `units` → code point, or None where it cannot be one."""
    return {CODEPOINTS: _CodePoints, UTF16: Utf16, GRAPHEMES: Graphemes}[units](text)


def _is_word(ch: str) -> bool:
    # Combining marks are not counted: a span may start or end on one (an annotator may
    # mark just the accent), so a boundary beside a mark is no evidence either way.
    return (ch.isalnum() or ch == "_") and not unicodedata.category(ch).startswith("M")


def _cuts(text: str, start: int, end: int) -> int:
    """How many ways [start, end) looks wrongly placed: a word cut at either end, or white
    space just inside either end."""
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
    maps = {units: mapper(text, units) for units in (CODEPOINTS, UTF16, GRAPHEMES)}
    others = [u for u in (UTF16, GRAPHEMES) if maps[u].differs_after is not None]
    if not others:
        return Reading(CODEPOINTS, "nothing in the text counts differently in UTF-16 units or "
                                   "grapheme clusters")
    usable = [(i, s, e, q) for i, (s, e, q) in enumerate(spans)
              if _int(s) and _int(e) and 0 <= s < e]
    readings = [CODEPOINTS, *others]
    mapped = {u: {i: (maps[u](s), maps[u](e)) for i, s, e, _ in usable} for u in readings}
    differing = [(i, s, e, q) for i, s, e, q in usable
                 if len({mapped[u][i] for u in readings}) > 1]
    if not differing:
        return Reading(CODEPOINTS, "every span reads the same in every count")
    witness = differing[0][0]
    fits = [u for u in readings if all(None not in mapped[u][i] for i, *_ in differing)]
    if not fits:   # out of range however they are read: the span check says so, in code points
        return Reading(CODEPOINTS, "the offsets fit the text in no count", witness)

    def one(candidates: list[str]) -> bool:
        """The candidates agree on every span (code points first, where they tie)."""
        return len({tuple(mapped[u][i] for i, *_ in differing) for u in candidates}) == 1

    quoted = [(i, q) for i, _, _, q in differing if isinstance(q, str)]
    if quoted:
        matching = [u for u in fits
                    if all(text[slice(*mapped[u][i])] == q for i, q in quoted)]
        if matching and one(matching):
            return Reading(matching[0], f"the spans' text matches only when the offsets are read "
                                        f"as {WORDS[matching[0]]}", witness)
    clean = [u for u in fits if all(_cuts(text, *mapped[u][i]) == 0 for i, *_ in differing)]
    if clean and one(clean):
        why = f"read as {WORDS[clean[0]]} every span sits on word boundaries"
        ruled_out = [WORDS[u] for u in readings if u not in fits]
        if ruled_out:
            why += f"; the offsets do not fit as {' or '.join(ruled_out)}"
        cutting = [WORDS[u] for u in fits if u not in clean]
        if cutting:
            why += f"; as {' or '.join(cutting)} some would cut words"
        return Reading(clean[0], why, witness)
    if not clean:
        return Reading(NEITHER, "in every count that fits, some span would cut a word or "
                                "start or end on white space", witness)
    return Reading(AMBIGUOUS, "the file does not show whether its offsets count "
                              f"{' or '.join(WORDS[u] for u in clean)}", witness)
