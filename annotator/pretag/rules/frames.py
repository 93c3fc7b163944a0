"""The rules, part 1: adding a finding, frames after quotations and at clause edges."""
from __future__ import annotations

from ..lexicon import (ADVERBS, AUXILIARIES, NEGATIONS, NOT_SOURCES, PREPOSITIONS, SUBORDINATORS,
                       TIME_WORDS)
from ..segment import Quote
from .common import Cue, END_PUNCT, Found, _ADVERBIAL_CLAUSE, _clean_claim


class _Frames:
    def add(self, claims: list[tuple[int, int]], source: tuple[int, int] | None,
            cue: Cue | None, cue_start: int | None, rule: str, direct: bool,
            claim_items: list[tuple[int, int]]) -> Found | None:
        """Record an attribution: claims as character ranges, source and cue as item
        ranges. Returns it, or None when no claim is left once trimmed."""
        source_chars = self.chars(*source) if source else None
        cue_chars = self.chars(cue_start, cue.end) if cue else None
        claims = [c for c in (_clean_claim(self.doc.text, a, b, direct) for a, b in claims) if c]
        found = Found(claims=claims, source=source_chars, cue=cue_chars, rule=rule,
                      direct=direct, source_type=self.source_type(source) if source else None,
                      depth=self.depth, source_items=source)
        if not claims:
            return None
        self.found.append(found)
        self.claimed.extend(claim_items)
        if source:
            self.used.update(range(*source))
        if cue:
            self.used.update(range(cue_start, cue.end))
        return found

    def in_claim(self, i: int) -> bool:
        return any(a <= i < b for a, b in self.claimed)

    def boundary(self, i: int) -> int:
        """The first item at or after i that ends a frame: punctuation or a quotation."""
        while i < self.n and (self.is_word(i) or self.is_title_dot(i)):
            i += 1
        return i

    def frame(self, a: int, b: int) -> tuple[tuple[int, int], Cue, int] | None:
        """Read items [a, b) as a whole reporting frame: "he said (to reporters)",
        "said the minister", "according to officials". Returns (source, cue, cue start)."""
        if a >= b:
            return None
        cue = self.cue_at(a)
        if cue and cue.kind == "according":
            end = b
            if end > cue.end and self.low(cue.end) not in NOT_SOURCES:
                return (cue.end, end), cue, cue.start
            return None
        if cue and cue.kind == "verb" and cue.form in ("past", "s") and (
                cue.verb is None or cue.verb.lemma != "tell"):
            # Inversion: "said the minister", "says Leila Haddad".
            end = self.np_end(cue.end, b)
            if end > cue.end and self.valid_source(cue.end, end) and self.tail_ok(end, b, cue):
                return (cue.end, end), cue, cue.start
        end = self.np_end(a, b)
        if end == a or not self.valid_source(a, end):
            return None
        k = end
        while k < b and self.is_word(k) and (self.low(k) in AUXILIARIES | NEGATIONS | ADVERBS):
            k += 1
        cue = self.cue_at(k)
        if cue is None or cue.kind == "according" or cue.form == "ing" and k == end:
            return None
        if cue.end > b or not self.tail_ok(cue.end, b, cue):
            return None
        start, _ = self.verb_group(cue)
        return (a, end), cue, max(start, end)

    def tail_ok(self, i: int, b: int, cue: Cue) -> bool:
        """Can items [i, b) follow a frame's verb: an addressee ("told reporters"), a date
        or an adjunct ("in a statement")? Not an object: "showed their determination"."""
        if i >= b:
            return True
        first = self.low(i)
        if not (first in PREPOSITIONS or first in TIME_WORDS or first in ADVERBS
                or first in ("last", "this", "late", "early") or first in _ADVERBIAL_CLAUSE
                or (cue.verb is not None and cue.verb.addressee)):
            return False
        for k in range(i, b):
            word = self.low(k)
            if word in _ADVERBIAL_CLAUSE:
                return True             # "she said when asked whether ...": the frame ends
            if k - i >= 10 or word is None or (not self.is_word(k) and word not in "-'\u2019"):
                return False
            if word in SUBORDINATORS or word in AUXILIARIES or self.verb_like(k) \
                    or self.cue_at(k) and not self.reads_as_noun(k):
                return False
        return True

    def quote_frames(self) -> None:
        """Frames after a quotation: “A,” he said / “A,” said X, “B.” / “A”, according to X."""
        for q in range(self.n):
            if not self.is_quote(q) or q in self.used:
                continue
            quote: Quote = self.items[q]
            k = q + 1
            inner_end = self.doc.text[quote.fragments[-1][0]:quote.fragments[-1][1]][-1:]
            if self.low(k) == ",":
                k += 1
            elif self.low(k) == "as" and not self.in_claim(q):
                k += 1
            elif not (inner_end in ",?!\u2014-" and self.is_word(k)):
                continue
            b = self.boundary(k)
            found = self.frame(k, b)
            if found is None:
                found = self.apposition_frame(k, b)
            if found is None:
                continue
            source, cue, cue_start = found
            quotes = [q]
            rule = "quote_according" if cue.kind == "according" else "quote_frame"
            if self.low(b) == "," and self.is_quote(b + 1) and self.ends_clause(b + 2):
                quotes.append(b + 1)
                rule = "split_quote"
            claims = [f for i in quotes for f in self.items[i].fragments]
            self.add(claims, source, cue, cue_start, rule, True, [(i, i + 1) for i in quotes])
            self.used.update(quotes)

    def apposition_frame(self, k: int, b: int) -> tuple[tuple[int, int], Cue, int] | None:
        """“A,” Smith, 45, a teacher, said: the noun phrase, then the apposition, then the verb."""
        if self.low(b) != "," or self.np_end(k, b) != b or not self.valid_source(k, b):
            return None
        for comma in range(b + 1, min(self.n, b + 20)):
            # Only words, commas and the periods of abbreviations ("D-Wash.") in between.
            if not self.is_word(comma) and self.low(comma) not in (",", "."):
                return None
            if self.low(comma) == ",":
                v = comma + 1
                while self.low(v) in AUXILIARIES | NEGATIONS | ADVERBS:
                    v += 1
                cue = self.cue_at(v)
                end = self.boundary(v)
                if cue and cue.kind == "verb" and cue.form != "ing" \
                        and self.tail_ok(cue.end, end, cue):
                    return (k, b), cue, comma + 1 if v > comma + 1 else v
        return None

    def ends_clause(self, i: int) -> bool:
        """Do the items from i on end the sentence (only punctuation is left)?"""
        return all(not self.is_word(k) and not self.is_quote(k) for k in range(i, self.n))

    def edge_frames(self) -> None:
        """Frames at the edges of indirect speech, and in the middle of it."""
        lo = self.clause_start(0)
        if lo >= self.n:
            return
        # "According to X, ..." / "As X put it, ..."
        cue = self.cue_at(lo)
        if cue and cue.kind == "according":
            comma = self.boundary(cue.end)
            if self.low(comma) == "," and comma > cue.end and \
                    self.low(cue.end) not in NOT_SOURCES:
                self.claim_rest((cue.end, comma), cue, cue.start, comma + 1, "according")
                return
        if self.low(lo) == "as" and not self.used:
            comma = self.boundary(lo + 1)
            if self.low(comma) in (",", ":"):
                found = self.frame(lo + 1, comma)
                if found:
                    source, cue, cue_start = found
                    self.claim_rest(source, cue, cue_start, comma + 1, "as_frame")
                    return
        # "..., officials said." / "..., said the minister." / "..., according to X."
        end = self.n
        while end > lo and self.is_punct(end - 1, END_PUNCT):
            end -= 1
        commas = [k for k in range(lo, end) if self.low(k) == ","]
        for comma in reversed(commas):
            b = self.boundary(comma + 1)
            tail_ok = b >= end or (self.low(b) == "," and self.participle_follows(b + 1))
            if not tail_ok or any(i in self.used for i in range(lo, comma)):
                continue
            # "..., as a recent review noted."
            start = comma + 2 if self.low(comma + 1) == "as" else comma + 1
            found = self.frame(start, b)
            if found is None:
                continue
            source, cue, cue_start = found
            # A claim of one word is no claim; a lone quotation had its chance above.
            if comma - lo < 2 or self.is_quote(lo) and comma == lo + 1:
                break
            self.add([self.chars(lo, comma)], source, cue, cue_start,
                     "according" if cue.kind == "according" else "final_frame", False,
                     [(lo, comma)])
            return
        # "The deal, he said, is dead." / "The line, according to officials, will open."
        for first, second in zip(commas, commas[1:]):
            if second - first > 10 or first - lo < 1:
                continue
            rest = second + 1
            if rest >= end or self.low(rest) in ("that", "and", "but", "or") or \
                    (self.cue_at(rest) and self.cue_at(rest).form == "ing"):
                continue
            found = self.frame(first + 1, second)
            if found:
                source, cue, cue_start = found
                self.add([self.chars(lo, first), self.chars(rest, end)], source, cue, cue_start,
                         "parenthetical", False, [(lo, first), (rest, end)])
                return
