"""Small predicates over a sentence's items."""
from __future__ import annotations

from ..lexicon import (AUXILIARIES, DETERMINERS, ED_ADJECTIVES, IRREGULAR_VERBS, PREPOSITIONS,
                       VERB_FORMS)
from ..segment import Quote
from .common import QUANTIFIERS, _CLOSED


class _Predicates:
    # --- small predicates --------------------------------------------------------

    def low(self, i: int) -> str | None:
        """The lookup form of item i, None for a quotation or outside the sentence."""
        return self._lows[i] if 0 <= i < self.n else None

    def is_quote(self, i: int) -> bool:
        return 0 <= i < self.n and self._lows[i] is None

    def is_word(self, i: int) -> bool:
        return 0 <= i < self.n and self._words[i]

    def is_punct(self, i: int, chars: str | set = ",") -> bool:
        return self.low(i) in chars if self.low(i) and not self.is_word(i) else False

    def chars(self, i: int, j: int) -> tuple[int, int]:
        """Character range covered by items [i, j)."""
        first, last = self.items[i], self.items[j - 1]
        return (first.open if isinstance(first, Quote) else first.start,
                last.end)

    def pronoun(self, i: int, pronouns: set[str]) -> bool:
        """Is item i one of `pronouns`? "US" and "IT" in capitals are names, not "us", "it"."""
        word = self.low(i)
        return word in pronouns and self.is_word(i) and (
            word == "i" or not self.items[i].text.isupper())

    def verb_like(self, i: int) -> bool:
        """Is item i a verb or auxiliary (so that a noun phrase ends before it)?"""
        word = self.low(i)
        if word is None or not self.is_word(i):
            return False
        if self.items[i].is_cap and i > 0 and word not in AUXILIARIES:
            return False                # "the Met Office", "Said Hassan": names
        if word in AUXILIARIES or word in IRREGULAR_VERBS:
            return True
        if word in VERB_FORMS and not self.reads_as_noun(i):
            return True
        if word.endswith("ed") and len(word) > 4 and word not in ED_ADJECTIVES \
                and not self.items[i].is_cap:
            # "A report published on Friday": a participle after a noun, before a
            # preposition, is part of the noun phrase.
            # After a determiner it is an adjective: "an emailed statement".
            before = self.low(i - 1)
            if before in DETERMINERS or (before or "").endswith(("'s", "s'")):
                return False
            follows_noun = self.is_word(i - 1) and before not in _CLOSED
            return not (follows_noun and self.low(i + 1) in PREPOSITIONS | {"by"})
        return False

    def reads_as_noun(self, i: int) -> bool:
        """Is this reporting-verb form used as a noun: "the report", "his claims", "than
        expected", "insurance claims rose"?"""
        before, after = self.low(i - 1), self.low(i + 1)
        if before is None:
            return False
        word = self.low(i)
        form = VERB_FORMS[word][1] if word in VERB_FORMS else ""
        if before in QUANTIFIERS and form in ("past", "s", "base"):
            return False                            # "Many said", "Some say"
        if form == "ing" and before in PREPOSITIONS:
            return False                            # "after saying", "by warning"
        if before in DETERMINERS or before.endswith(("'s", "s'")) or \
                (before in PREPOSITIONS and before != "to"):
            return True
        # A plural noun is followed by its verb: "claims rose", "reports say".
        return form == "s" and self.is_word(i - 1) and before not in _CLOSED and bool(after) \
            and (after in AUXILIARIES or after in IRREGULAR_VERBS or after in VERB_FORMS)
