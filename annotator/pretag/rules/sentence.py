"""A sentence as items; the rules are mixed in from one module per section of them."""
from __future__ import annotations

from ..segment import Quote, Text, Token
from .common import Cue, Found, MAX_DEPTH
from .predicates import _Predicates
from .cues import _Cues
from .phrases import _NounPhrases
from .frames import _Frames
from .complements import _Complements
from .sources import _SourceTypes


class _Sentence(_Predicates, _Cues, _NounPhrases, _Frames, _Complements, _SourceTypes):
    """One sentence (or one claim read again) as items, and the rules over them."""

    def __init__(self, doc: Text, start: int, end: int, depth: int):
        self.doc, self.start, self.end, self.depth = doc, start, end, depth
        quotes = doc.quotes_in(start, end)
        i, j = doc.token_range(start, end)
        items: list[Token | Quote] = []
        q = 0
        while i < j:
            token = doc.tokens[i]
            if q < len(quotes) and token.start >= quotes[q].open:
                items.append(quotes[q])
                while i < j and doc.tokens[i].start < quotes[q].end:
                    i += 1
                q += 1
                continue
            items.append(token)
            i += 1
        self.items = items
        self.n = len(items)
        # Looked up for every rule: computed once.
        self._lows = [item.low if isinstance(item, Token) else None for item in items]
        self._words = [isinstance(item, Token) and item.is_word for item in items]
        self._cues: dict[int, Cue | None] = {}
        self.used: set[int] = set()              # items taken as a source, cue or quote
        self.claimed: list[tuple[int, int]] = []  # item ranges that are some claim
        self.found: list[Found] = []

    # --- the rules -------------------------------------------------------------------

    def analyse(self, previous: list[Found] | None = None) -> list[Found]:
        self.quote_frames()
        self.edge_frames()
        self.verb_frames()
        if previous is not None:
            self.continued_quote(previous)
        nested = []
        if self.depth + 1 < MAX_DEPTH:
            for item in list(self.found):
                for start, end in item.claims:
                    for a, b in self.doc.sentences(start, end):
                        inner = _Sentence(self.doc, a, b, self.depth + 1)
                        for child in inner.analyse():
                            # Found in this claim: second-hand, unless found deeper still.
                            if child.parent is None:
                                child.parent = item
                            nested.append(child)
        return self.found + nested
