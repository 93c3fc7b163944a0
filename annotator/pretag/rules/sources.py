"""Source types: the project's source_type for a source phrase."""
from __future__ import annotations

from ..lexicon import (ANONYMOUS_HEADS, DOCUMENT_HEADS, NP_PREPOSITIONS, OBJECT_PRONOUNS,
                       ORGANISATION_WORDS, PERSON_TITLES, PLACES_AS_ACTORS, SUBJECT_PRONOUNS)
from .common import _COMMON_SOURCE_WORDS


class _SourceTypes:
    # --- source types ------------------------------------------------------------------

    def source_type(self, source: tuple[int, int]) -> str:
        """The project's source_type for a source phrase, from its words."""
        tokens = [self.items[k] for k in range(*source) if self.is_word(k)]
        words = [t.low for t in tokens]
        if len(words) == 1 and self.pronoun(source[0], SUBJECT_PRONOUNS | OBJECT_PRONOUNS):
            return {"he": "named person", "she": "named person", "him": "named person",
                    "her": "named person", "it": "organisation"}.get(words[0], "other")
        # The head is the last word before a post-modifier ("people familiar with ...").
        head_index = len(tokens) - 1
        for index, word in enumerate(words):
            if index and word in NP_PREPOSITIONS:
                head_index = index - 1
                break
        while head_index > 0 and words[head_index] in ("familiar", "close", "closer", "loyal"):
            head_index -= 1
        head, last = tokens[head_index], tokens[-1]
        # A name ends in a capitalised word that is not just the start of the sentence
        # ("Officials said") nor an initialism ("US officials").
        named = last.is_cap and not last.text.isupper() and not (
            source[0] == 0 and len(tokens) == 1 and last.low in _COMMON_SOURCE_WORDS)
        if head.low in DOCUMENT_HEADS:
            return "document"
        if head.low in ANONYMOUS_HEADS and head is last:
            return "anonymous"          # "a Pentagon spokesperson", "officials in Kyiv"
        if named and any(w in PERSON_TITLES for w in words[:-1]):
            return "named person"       # "Secretary of State Antony Blinken"
        if head.low in ORGANISATION_WORDS or head.low in PLACES_AS_ACTORS or \
                last.low in ORGANISATION_WORDS or last.text.isupper():
            return "organisation"
        if named:
            return "named person"
        if head.low in ANONYMOUS_HEADS:
            return "anonymous"
        if head.low in PERSON_TITLES:
            return "named person"       # "the mayor", "the prime minister"
        return "other"
