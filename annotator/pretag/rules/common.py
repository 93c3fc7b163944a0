"""Limits, confidences, the Cue and Found records and the word sets the rules share."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..lexicon import (ANONYMOUS_HEADS, AUXILIARIES, CONJUNCTIONS, DETERMINERS, DOCUMENT_HEADS,
                       NEGATIONS, NP_PREPOSITIONS, ORGANISATION_WORDS, PERSON_TITLES, PREPOSITIONS,
                       RELATIVES, SUBORDINATORS, Verb)

MAX_DEPTH = 3           # "X said that Y claimed that Z warned ..." and no deeper
MAX_NP = 16             # tokens in a source noun phrase
MAX_GAP = 20            # tokens between a verb and a distant "that" (told <addressee> that)
END_PUNCT = {".", "!", "?", "\u2026"}
QUANTIFIERS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
               "some", "many", "most", "all", "both", "several", "few", "each", "either",
               "neither", "none", "dozens", "hundreds", "thousands", "any", "more"}

# Confidence by rule: a judgement of how reliable each rule is (a quote with its
# frame is rarely wrong, a bare complement more often), not a calibrated
# probability. Nested attributions get 0.9 times this per level.
CONFIDENCE = {
    "quote_frame": 0.9, "split_quote": 0.9, "quote_according": 0.85, "verb_quote": 0.85,
    "verb_that": 0.75, "verb_bare": 0.6, "belief": 0.55, "described_as": 0.6, "final_frame": 0.7,
    "parenthetical": 0.7, "according": 0.75, "as_frame": 0.65, "continued_quote": 0.5,
    "passive": 0.5, "inherited": 0.6,
}


@dataclass
class Cue:
    start: int                  # item indices [start, end) of the cue words
    end: int
    kind: str                   # "verb", "according" or "put_it"
    verb: Verb | None           # None for phrases ("made clear", "is on record")
    form: str                   # base, s, past, pp, ing, or "record" ("is on record")


@dataclass
class Found:
    """One attribution, as character ranges."""
    claims: list[tuple[int, int]]
    source: tuple[int, int] | None
    cue: tuple[int, int] | None
    rule: str
    direct: bool
    source_type: str | None = None
    depth: int = 0
    source_items: tuple[int, int] | None = None   # item range in its sentence
    # The finding whose claim this one was found in (X said that Y claimed Z: Y's finding
    # has X's as parent); None at the top. Set by _Sentence.analyse.
    parent: "Found | None" = field(default=None, repr=False, compare=False)


_CLOSED = (AUXILIARIES | NEGATIONS | CONJUNCTIONS | SUBORDINATORS | RELATIVES | PREPOSITIONS
           | {"to", "not", "there"})
_COMMON_SOURCE_WORDS = ANONYMOUS_HEADS | DOCUMENT_HEADS | ORGANISATION_WORDS | PERSON_TITLES
_SAYING_MORE = {"comment", "elaborate", "give", "provide", "say", "discuss", "answer", "respond",
                "confirm", "specify", "name", "disclose", "identify", "detail", "explain",
                "speculate", "reveal", "offer", "share"}
_FOCUS_ADVERBS = {"only", "just", "even", "also", "still", "already", "never", "always", "often",
                  "too", "first", "long", "since", "ever", "now", "then", "once"}
# Conjunctions that open an adverbial clause after a frame: "she said when asked".
_ADVERBIAL_CLAUSE = {"when", "as", "while", "before", "after", "because", "since", "though",
                     "although", "if", "until", "once"}
_NOT_PARTICIPLES = {"nothing", "something", "anything", "everything", "evening", "morning",
                    "including", "according", "following", "regarding", "concerning", "during",
                    "excluding", "pending", "notwithstanding", "spring", "string", "ceiling",
                    "building", "meeting", "funding", "training", "housing", "hearing",
                    "briefing", "bombing", "shooting", "ruling", "spending"}
# Words after which a noun phrase can go on: "spokesman *for* the", "one *of* them".
_NP_INNER = DETERMINERS | NP_PREPOSITIONS


_BULLETS = "-\u2013\u2014\u2022*\u00b7\u25aa\u25ba"    # list markers a claim does not start with


def _clean_claim(text: str, start: int, end: int, direct: bool) -> tuple[int, int] | None:
    """Trim whitespace; a direct quote loses a trailing comma (the frame's: “A,” he
    said), an indirect claim its sentence punctuation and a list marker before it."""
    while start < end and (text[start].isspace() or (not direct and text[start] in _BULLETS)):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in (",;:" if direct
                                                                       else ",;:.!?\u2026")):
        end -= 1
    return (start, end) if start < end else None


# Endings of the adverbs and adjectives that may stand between a determiner and a name
# before a reporting verb: "a smiling Johnson said", "a visibly shaken Clinton told".
_DESCRIBING = ("ing", "ed", "en", "ly", "ful", "ous", "ive", "ant", "ent", "al", "ic", "ish",
               "less", "ible", "able", "ary")
