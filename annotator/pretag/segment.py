"""Tokens, quotations and sentences of a text, with code-point offsets.

Quotations are found first, because they decide where sentences end: a quote
of several sentences followed by ", said the source." is one sentence for
attribution, and a quote continued over a paragraph break (the next paragraph
opens with a quotation mark, the previous one was never closed) is one quote.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field

from .lexicon import ABBREVIATIONS, fold

# Combining marks are part of a word (a decomposed "é" is "e" + U+0301); \w lacks them.
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_WORD = rf"[\w{_MARKS}]+(?:[-'\u2019.][\w{_MARKS}]+)*"
_TOKEN_RE = re.compile(
    rf"(?:[^\W\d_]\.){{2,}}"             # initialisms: U.S., e.g.
    rf"|{_WORD}(?:(?<=[sS])['\u2019](?=\s|$))?"  # words, incl. al-Muhandes, Iran's, insurers'
    rf"|\S",                             # any other character is a token of its own
)

OPENING_QUOTES = "\u201c\u201e\u00ab"   # “ „ «
CLOSING_QUOTES = "\u201d\u00bb"         # ” »
STRAIGHT_QUOTE = '"'
QUOTE_MARKS = OPENING_QUOTES + CLOSING_QUOTES + STRAIGHT_QUOTE
# Two apostrophes stand for a straight double quote in some newswire copy: ''Yes,'' he said.
DOUBLED_APOSTROPHE = "''"
_QUOTE_RE = re.compile(f"{DOUBLED_APOSTROPHE}|[{QUOTE_MARKS}]")
_OPENING_CONTEXT = set("([{\u2014\u2013-/") | set(OPENING_QUOTES)


class Token:
    """A word or a punctuation character. `low` is its lookup form (lexicon.fold)."""
    __slots__ = ("start", "end", "text", "low", "is_word", "is_cap")

    def __init__(self, start: int, end: int, text: str):
        self.start, self.end, self.text, self.low = start, end, text, fold(text)
        self.is_word = text[0].isalnum() or text[0] == "_"
        self.is_cap = text[0].isupper()

    def __repr__(self) -> str:
        return f"Token({self.start}, {self.end}, {self.text!r})"


@dataclass
class Quote:
    open: int                   # index of the first opening mark
    close: int                  # index of the last closing mark
    fragments: list[tuple[int, int]] = field(default_factory=list)  # content, one per paragraph

    @property
    def end(self) -> int:
        return self.close + 1


class Text:
    """A text with its tokens and quotations, and sentence splitting over any range."""

    def __init__(self, text: str):
        self.text = text
        self.tokens = [Token(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(text)]
        self._token_starts = [t.start for t in self.tokens]
        self.quotes = _find_quotes(text)
        self._quote_opens = [q.open for q in self.quotes]

    def token_range(self, start: int, end: int) -> tuple[int, int]:
        """Indices [i, j) of the tokens lying inside [start, end)."""
        i = bisect.bisect_left(self._token_starts, start)
        j = bisect.bisect_left(self._token_starts, end)
        while j > i and self.tokens[j - 1].end > end:
            j -= 1
        return i, j

    def quotes_in(self, start: int, end: int) -> list[Quote]:
        i = bisect.bisect_left(self._quote_opens, start)
        found = []
        while i < len(self.quotes) and self.quotes[i].open < end:
            if self.quotes[i].end <= end:
                found.append(self.quotes[i])
            i += 1
        return found

    def sentences(self, start: int, end: int) -> list[tuple[int, int]]:
        """The sentences of text[start:end], trimmed, as (start, end) ranges.

        A boundary is a . ! ? (with any closing quotes or brackets after it)
        followed by a capital, digit or opening quote, unless it ends an
        abbreviation; or a line break (see `_line_break_ends_sentence`).
        Nothing inside a quotation is a boundary.
        """
        text = self.text
        quotes = self.quotes_in(start, end)
        bounds = [start]
        for match in _BOUNDARY_RE.finditer(text, start, end):
            position = match.end()
            if any(q.open < position <= q.close for q in quotes):
                continue
            if match.group().startswith("\n"):
                if _line_break_ends_sentence(text, match.start(), match.end()):
                    bounds.append(position)
                continue
            following = _next_visible(text, position, end)
            if following is None:
                continue
            if not (following.isupper() or following.isdigit() or following in QUOTE_MARKS
                    or following in "([‘'\u2022-*" or not following.isalpha()):
                continue
            if match.group()[0] == "." and self._ends_abbreviation(match.start()):
                continue
            bounds.append(position)
        bounds.append(end)
        pieces = []
        for a, b in zip(bounds, bounds[1:]):
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if a < b:
                pieces.append((a, b))
        return pieces

    def _ends_abbreviation(self, dot: int) -> bool:
        """Is the period at `dot` part of "Mr." or an initial ("J.")?"""
        i = bisect.bisect_left(self._token_starts, dot) - 1
        if i < 0:
            return False
        token = self.tokens[i]
        if token.end > dot and token.start < dot:     # the dot is inside "U.S." or "e.g."
            return True
        if token.end != dot or not token.is_word:
            return False
        return token.low in ABBREVIATIONS or (len(token.text) == 1 and token.is_cap)


# End punctuation with any closing quotes or brackets after it, or a run of line breaks.
_BOUNDARY_RE = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]\u00bb]*(?=\s|$)"
                          r"|\n[ \t\u00a0]*(?:\n[ \t\u00a0]*)*")


@functools.lru_cache(maxsize=4)
def text_of(text: str) -> Text:
    """`Text(text)`, shared by the taggers that read the same document one after the other
    (the learned tagger runs the rules tagger on it first). A Text is never changed."""
    return Text(text)


def _next_visible(text: str, position: int, end: int) -> str | None:
    while position < end and text[position].isspace():
        position += 1
    return text[position] if position < end else None


def _previous_visible(text: str, position: int) -> str | None:
    while position > 0 and text[position - 1].isspace():
        position -= 1
    return text[position - 1] if position > 0 else None


def _line_break_ends_sentence(text: str, start: int, end: int) -> bool:
    """A blank line always ends a sentence; a single line break does unless the
    line before lacks end punctuation and the next starts in lower case (a hard wrap)."""
    if text.count("\n", start, end) > 1:
        return True
    before = _previous_visible(text, start)
    after = _next_visible(text, end, len(text))
    if before is None or after is None:
        return True
    return before in ".!?:\u2026\"'\u201d\u2019)]" or not after.islower()


def _mark_role(text: str, i: int, width: int = 1) -> str:
    """"open", "close" or "either" for the quotation mark text[i:i + width]."""
    char = text[i]
    if char in OPENING_QUOTES:
        return "open"
    if char in CLOSING_QUOTES:
        return "close"
    before = text[i - 1] if i > 0 else " "
    after = text[i + width] if i + width < len(text) else " "
    opens = (before.isspace() or before in _OPENING_CONTEXT) and not after.isspace()
    closes = not before.isspace() and (after.isspace() or not after.isalnum())
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    return "either"


def _starts_line(text: str, i: int) -> bool:
    j = i
    while j > 0 and text[j - 1] in " \t\u00a0":
        j -= 1
    return j == 0 or text[j - 1] == "\n"


def _find_quotes(text: str) -> list[Quote]:
    """Pair quotation marks, straight and curly, into quotes.

    A quote left open at the end of a paragraph continues when the next
    paragraph opens with a quotation mark (the news convention for a quote of
    several paragraphs): each paragraph's part becomes one fragment. A quote
    left open otherwise is dropped, so a stray mark does not swallow the text,
    except when its mark opens a paragraph that ends a sentence: real copy
    forgets the closing mark (or ends a long quote without one), and such a
    paragraph is speech up to its end.
    """
    quotes: list[Quote] = []
    current: Quote | None = None
    fragment_start = 0
    for match in _QUOTE_RE.finditer(text):
        i, after = match.start(), match.end()
        role = _mark_role(text, i, after - i)
        if current is not None and "\n\n" in text[fragment_start:i].replace(" ", ""):
            if not (role != "close" and _starts_line(text, i)):
                _close_at_paragraph_end(text, current, fragment_start, quotes)
                current = None          # unclosed at a paragraph end, not continued
        if current is None:
            if role != "close":
                current, fragment_start = Quote(open=i, close=i), after
            continue
        if role == "close" or (role == "either" and not _starts_line(text, i)):
            current.fragments.append(_trimmed(text, fragment_start, i))
            current.close = after - 1
            quotes.append(current)
            current = None
        elif _starts_line(text, i):     # reopened at a new paragraph: a continuation
            line_end = text.rindex("\n", fragment_start, i)
            current.fragments.append(_trimmed(text, fragment_start, line_end))
            fragment_start = after
        else:                           # an opening mark inside an open quote: start over
            current, fragment_start = Quote(open=i, close=i), after
    if current is not None:
        _close_at_paragraph_end(text, current, fragment_start, quotes)
    return [q for q in quotes if all(a < b for a, b in q.fragments)]


def _close_at_paragraph_end(text: str, quote: Quote, fragment_start: int,
                            quotes: list[Quote]) -> None:
    """Keep an unclosed quote whose last fragment's mark opens a line and whose line ends a
    sentence, as running to the end of that line."""
    mark = fragment_start - 1
    while mark > 0 and text[mark] not in QUOTE_MARKS + "'":
        mark -= 1
    if text[mark] == "'" and mark > 0 and text[mark - 1] == "'":
        mark -= 1
    if not _starts_line(text, mark):
        return
    line_end = text.find("\n", fragment_start)
    a, b = _trimmed(text, fragment_start, len(text) if line_end < 0 else line_end)
    if a < b and text[b - 1] in ".!?\u2026" and not _QUOTE_RE.search(text, a, b):
        quote.fragments.append((a, b))
        quote.close = b - 1
        quotes.append(quote)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
