"""Cues: reporting verbs and phrases, and the verb group around them."""
from __future__ import annotations

from ..lexicon import (ADVERBS, AUXILIARIES, BE, MULTIWORD_BY_FIRST, NEGATIONS, TIME_WORDS,
                       VERB_FORMS)
from .common import Cue


class _Cues:
    # --- cues ----------------------------------------------------------------------

    def cue_at(self, i: int) -> Cue | None:
        """The cue that starts with the verb or phrase at item i, if any."""
        if i not in self._cues:                 # the rules ask about the same item often
            self._cues[i] = self._find_cue(i)
        return self._cues[i]

    def _find_cue(self, i: int) -> Cue | None:
        word = self.low(i)
        if word is None or not self.is_word(i):
            return None
        for words, kind, form in MULTIWORD_BY_FIRST.get(word, ()):
            if tuple(self._lows[i:i + len(words)]) == words:
                return Cue(i, i + len(words), kind, None, form)
        if word in VERB_FORMS and not self.reads_as_noun(i) and not (
                i > 0 and self.items[i].is_cap):    # "the Yorkshire Evening Post" is a name
            verb, form = VERB_FORMS[word]
            return Cue(i, i + 1, "verb", verb, form)
        return None

    def verb_group(self, cue: Cue) -> tuple[int, bool]:
        """Where the cue's verb group starts, and whether it holds a form of "be".

        "has also said", "did not deny", "was quoted as saying": auxiliaries,
        negation and adverbs between them belong to the cue; adverbs before the
        first auxiliary do not ("clearly said" gives the cue "said").
        """
        start, k, has_be = cue.start, cue.start - 1, False
        while k >= 0 and self.is_word(k):
            word = self.low(k)
            if word in AUXILIARIES or word in NEGATIONS:
                start, has_be = k, has_be or word in BE
            elif not (word in ADVERBS or (word.endswith("ly") and self.low(k - 1) in AUXILIARIES)):
                break
            k -= 1
        return start, has_be

    def subject_end(self, group_start: int) -> int:
        """The item just after the subject: adverbs and time phrases before the verb
        group are skipped ("X also said", "X on Tuesday said")."""
        k = group_start
        while k > 0:
            word = self.low(k - 1)
            if word in ADVERBS and self.is_word(k - 1):
                k -= 1
            elif word in TIME_WORDS and self.low(k - 2) in ("on", "in", "last", "this", "late",
                                                            "early", "earlier"):
                k -= 2
            else:
                break
        return k
