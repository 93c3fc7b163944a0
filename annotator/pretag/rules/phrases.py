"""Noun phrases: sources and subjects found without a part-of-speech model."""
from __future__ import annotations

from ..lexicon import (ABBREVIATIONS, ADJUNCT_HEADS, ADVERBS, CONNECTORS, DETERMINERS,
                       MULTIWORD_FIRST, NP_PREPOSITIONS, OBJECT_PRONOUNS, SUBJECT_PRONOUNS,
                       TIME_WORDS, TO_HEADS, VERB_FORMS)
from .common import MAX_NP, QUANTIFIERS, _CLOSED, _NP_INNER


class _NounPhrases:
    # --- noun phrases ----------------------------------------------------------------

    def np_end(self, i: int, limit: int, after_preposition: bool = False) -> int:
        """The end of the noun phrase that starts at item i (i if there is none)."""
        if i >= limit or not self.is_word(i):
            return i
        first = self.low(i)
        if self.pronoun(i, SUBJECT_PRONOUNS) or (after_preposition and
                                                 self.pronoun(i, OBJECT_PRONOUNS)):
            return i + 1
        if first in _CLOSED - DETERMINERS - {"it"} or first in CONNECTORS - DETERMINERS \
                or self.pronoun(i, OBJECT_PRONOUNS) or self.verb_like(i):
            return i
        k, end, previous = i, i, ""
        while k < limit:
            word = self.low(k)
            if word is None:
                break
            if not self.is_word(k):
                if word == "&" and self.is_word(k + 1) and self.items[k + 1].is_cap:
                    k, previous = k + 1, "conj"
                    continue
                if word == "." and self.is_title_dot(k):
                    k, previous = k + 1, "conj"     # "Dr. Priya Raman": the phrase goes on
                    continue
                break
            # "a man Supreme Leader Khamenei considered ...", "a charge Tehran denies": after
            # "a" + common noun, a name followed by a verb starts a reduced relative clause.
            if previous == "word" and self.items[k].is_cap and self.reduced_relative(k):
                break
            if word in DETERMINERS and previous in ("", "prep"):
                k, previous = k + 1, "det"
                if word in QUANTIFIERS:
                    end = k
                continue
            if word in ("and", "or") and previous == "word" and self.items[k - 1].is_cap \
                    and self.is_word(k + 1) and self.items[k + 1].is_cap \
                    and not self.verb_like(k + 1):
                k, previous = k + 1, "conj"
                continue
            if word in NP_PREPOSITIONS and (previous == "word" or (previous == "det" and
                                                                   self.low(k - 1) in QUANTIFIERS)):
                if word == "to" and self.low(k - 1) not in TO_HEADS:
                    break
                inner = self.np_end(k + 1, limit, after_preposition=True)
                # "the minister on Tuesday", "said X in a statement": an adjunct, not
                # part of the phrase.
                if inner == k + 1 or any(self.low(m) in ADJUNCT_HEADS for m in range(k + 1, inner)):
                    break
                k = end = inner
                previous = "word"
                continue
            if word in _CLOSED or word in DETERMINERS or (k > i and
                                                          self.pronoun(k, SUBJECT_PRONOUNS)):
                break
            if word in ADVERBS and (self.verb_like(k + 1) or self.low(k + 1) in ADVERBS):
                break
            if self.verb_like(k):
                break
            if word in MULTIWORD_FIRST and self.cue_at(k):
                break
            if word in VERB_FORMS and not self.reads_as_noun(k):
                break
            k += 1
            end, previous = k, "word"
        return end

    def is_title_dot(self, k: int) -> bool:
        """Is the period at item k that of "Dr." or an initial ("J.") inside a name?"""
        before, after = self.low(k - 1), k + 1
        return self.low(k) == "." and bool(before) and self.is_word(k - 1) and self.is_word(after) \
            and self.items[after].is_cap and self.items[k - 1].end == self.items[k].start \
            and (before in ABBREVIATIONS or (len(before) == 1 and self.items[k - 1].is_cap))

    def np_before(self, lo: int, end: int) -> tuple[int, int] | None:
        """The longest noun phrase that ends exactly at item `end`, starting at or after lo."""
        for k in range(max(lo, end - MAX_NP), end):
            if self.is_word(k) and (k == lo or not self.is_word(k - 1)
                                    or self.low(k - 1) not in _NP_INNER):
                if self.np_end(k, end) == end and self.valid_source(k, end):
                    return k, end
        return None

    def valid_source(self, i: int, j: int) -> bool:
        words = [self.low(k) for k in range(i, j) if self.is_word(k)]
        if not words:
            return False
        if all(w in DETERMINERS or w.endswith(("'s", "s'")) for w in words):
            return False
        if len(words) == 1 and (words[0] in TIME_WORDS or words[0] in _CLOSED - {"it"}):
            return False
        return not (words[0] in ("that", "this", "which", "what") and len(words) == 1)

    def subject_of(self, lo: int, end: int) -> tuple[str, tuple[int, int] | None]:
        """The subject noun phrase ending just before item `end`.

        Returns (how, range): how is "np", or "coordinated" when the verb is
        joined by "and" to an earlier one ("X has done A and is on record
        stating ..."), or "" when there is no subject.
        """
        if end <= lo:
            return "", None
        before = self.low(end - 1)
        if before in ("and", "but", "or"):
            return "coordinated", None
        if before == ",":
            # "Klaus Meier, 58, a union leader, said" / "In a statement, the company, which
            # ..., said": the subject is the first comma-separated stretch that is all
            # one noun phrase; what follows it up to the verb is apposition.
            commas = [end - 1]
            for k in range(end - 2, max(lo - 1, end - 30), -1):
                if self.is_quote(k) or (not self.is_word(k) and self.low(k) not in (",", "'")
                                        and not self.is_title_dot(k)):
                    break
                if self.low(k) == ",":
                    commas.append(k)
            commas.reverse()
            # A stretch may open with "but"/"and": "..., but the council's leader, X, told".
            starts = [self.clause_start(lo) if commas[0] > lo else lo] + \
                [self.clause_start(c + 1) for c in commas[:-1]]
            for start, comma in zip(starts, commas):
                if comma > start and self.np_end(start, comma) == comma and \
                        self.valid_source(start, comma):
                    return "np", (start, comma)
            return "", None
        if before in ("who", "which", "that") and self.is_word(end - 1):
            found = self.np_before(lo, end - 1)
            return ("np", found) if found else ("", None)
        found = self.np_before(lo, end)
        if not found:
            return "", None
        # "The minister who heads the agency said": the phrase found is "the agency";
        # the subject is the antecedent of "who".
        k = found[0] - 1
        if k >= lo and self.is_word(k) and self.low(k) not in _CLOSED:
            for r in range(k - 1, max(lo - 1, k - 8), -1):
                if not self.is_word(r):
                    break
                if self.low(r) in ("who", "which"):
                    antecedent = self.np_before(lo, r)
                    if antecedent:
                        return "np", antecedent
                    break
        return "np", found

    def clause_start(self, lo: int) -> int:
        """The first item of the clause that starts at lo, after connectives
        ("But", "And then,", "However,")."""
        k = lo
        while k < self.n and self.is_word(k) and self.low(k) in CONNECTORS:
            k += 1
            if self.low(k) == ",":
                k += 1
        return k

    def clause_subject(self, lo: int, limit: int) -> tuple[int, int] | None:
        """The subject at the start of the clause: "Washington has sent letters ...
        indicating that" -> Washington. A fronted phrase ending in a comma is skipped."""
        k = self.clause_start(lo)
        for comma in range(k, min(limit, k + 8)):
            if self.low(comma) == ",":
                if not any(self.verb_like(m) for m in range(k, comma)):
                    k = self.clause_start(comma + 1)
                break
        end = self.np_end(k, limit)
        if end > k and self.valid_source(k, end):
            return k, end
        return None
