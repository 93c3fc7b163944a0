"""The built-in attribution tagger: linguistic rules, pure Python, no model to download.

How it reads a text:

1. `segment.Text` finds tokens, quotations (straight and curly, continued over
   paragraph breaks) and sentences (a quotation never contains a sentence
   boundary, so "“A. B”, said the source." is one sentence).
2. Each sentence becomes a list of *items*: the tokens outside quotations, and
   each quotation as one item. The rules below match on items, so a quote of
   any length is one step for them.
3. Frames are tried from the most to the least reliable:
   a. after a quotation: “...,” he said / “...,” said the minister /
      “...”, according to X / “A,” he said, “B.” (one claim in two fragments);
   b. at the clause edges, around indirect speech: "..., officials said." /
      "The deal, he said, is dead." / "According to X, ..." / "As X put it, ...";
   c. a reporting verb with its subject before it and its complement after
      it: "X said (that) ...", "X told reporters ...", "X warned that ...",
      "X has made clear that ...", "It is understood that ..." (no source);
      a complement that is exactly one quotation is a direct quote.
   A quotation sentence with no frame of its own continues the direct quote of
   the sentence before ("“A,” he said. “B.”"): same source, no cue.
4. Every claim is read again for attributions inside it, so "X said that Y
   claimed Z" gives two attributions, the second inside the first's claim.

Noun phrases are found without a part-of-speech model: closed-class words
(determiners, auxiliaries, prepositions, conjunctions), a list of irregular
verb forms and the -ed ending mark where a phrase cannot continue. See
docs/pretagging.md for the annotation conventions these rules follow.
"""
from __future__ import annotations

from dataclasses import dataclass

from .base import Tagger, TaggedAttribution, TaggedSpan, TagResult
from .lexicon import (ABBREVIATIONS, ADJUNCT_HEADS, ADVERBS, ANONYMOUS_HEADS, AUXILIARIES, BE,
                      CONJUNCTIONS, CONNECTORS, DETERMINERS, DOCUMENT_HEADS, ED_ADJECTIVES,
                      IRREGULAR_VERBS, MULTIWORD_BY_FIRST, MULTIWORD_FIRST, NEGATIONS,
                      NOT_CLAUSE_STARTS, NOT_SOURCES, NP_PREPOSITIONS, OBJECT_PRONOUNS,
                      ORGANISATION_WORDS, PERSON_TITLES, PLACES_AS_ACTORS, PREPOSITIONS, RELATIVES,
                      SUBJECT_PRONOUNS, SUBORDINATORS, TIME_WORDS, TO_HEADS, VERB_FORMS, Verb)
from .segment import Quote, Text, Token

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


class RulesAttributionTagger(Tagger):
    """Rules for English news: quotes, reporting verbs, "according to"; no model download.

    Bump `version` whenever the output for some text changes (tests/pretag/test_version.py
    notices when it does): suggestions are stored per tagger name and version.
    """
    name = "rules-attribution"
    version = "1.3.0"

    def tag(self, text: str) -> TagResult:
        doc = Text(text)
        found: list[Found] = []
        previous: list[Found] = []
        for start, end in doc.sentences(0, len(text)):
            sentence = _Sentence(doc, start, end, depth=0)
            here = sentence.analyse(previous=previous)
            found.extend(here)
            previous = here
        return _result(text, found)


def _result(text: str, found: list[Found]) -> TagResult:
    spans: dict[tuple[str, int, int], TaggedSpan] = {}

    def key_for(label: str, span: tuple[int, int], confidence: float) -> str:
        identity = (label, *span)
        known = spans.get(identity)
        if known is None or (known.confidence or 0) < confidence:
            key = known.key if known else f"{label[0].lower()}{len(spans) + 1}"
            spans[identity] = TaggedSpan(key, label, span[0], span[1], confidence)
        return spans[identity].key

    attributions = []
    for item in found:
        confidence = round(CONFIDENCE[item.rule] * (0.9 ** item.depth), 3)
        claims = [key_for("CLAIM", span, confidence) for span in item.claims]
        source = key_for("SOURCE", item.source, confidence) if item.source else None
        cue = key_for("CUE", item.cue, confidence) if item.cue else None
        attributes = {"quote_type": "direct" if item.direct else "indirect"}
        if item.source_type:
            attributes["source_type"] = item.source_type
        attributions.append(TaggedAttribution(claims=claims, source=source, cue=cue,
                                              confidence=confidence, attributes=attributes))
    ordered = sorted(spans.values(), key=lambda s: (s.start, s.end))
    return TagResult(spans=ordered, attributions=attributions)


class _Sentence:
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
                        nested.extend(inner.analyse())
        return self.found + nested

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

    def participle_follows(self, i: int) -> bool:
        """Is item i an -ing participle opening a clause (", adding that", ", demanding a
        response")?"""
        word = self.low(i)
        if not word or not self.is_word(i) or self.items[i].is_cap:
            return False
        if word in VERB_FORMS:
            return VERB_FORMS[word][1] == "ing"
        return word.endswith("ing") and len(word) > 5 and word not in _NOT_PARTICIPLES

    def claim_rest(self, source: tuple[int, int], cue: Cue, cue_start: int, k: int,
                   rule: str) -> None:
        """The claim is the rest of the clause from item k: "According to X, <claim>."."""
        end = self.complement_end(k)
        if end <= k:
            return
        if end == k + 1 and self.is_quote(k):
            self.add(list(self.items[k].fragments), source, cue, cue_start,
                     "quote_according" if rule == "according" else rule, True, [(k, end)])
            self.used.add(k)
        else:
            self.add([self.chars(k, end)], source, cue, cue_start, rule, False, [(k, end)])

    def complement_end(self, k: int) -> int:
        """Where a complement that starts at item k ends.

        At the end of the sentence, or before what starts something else: "; ",
        ", according to X", a second verb of the same subject ("... and warned
        that"), a participle clause (", adding that ...", ", demanding ..."),
        which in news belongs to the reporting clause, and ", but" (not ", but
        that", which goes on with the claim).
        """
        end = self.n
        for i in range(k + 1, self.n):
            word = self.low(i)
            if word == ";" or self.coordinated_verb(i) or self.new_clause(i):
                end = i
                break
            if word == "," and not self.is_word(i):
                following = self.low(i + 1)
                cue = self.cue_at(i + 1)
                if (following == "but" and self.low(i + 2) != "that") or (
                        cue and cue.kind == "according") or self.participle_follows(i + 1):
                    end = i
                    break
        while end > k and self.is_punct(end - 1, END_PUNCT | {",", ":", "\u2014"}):
            end -= 1
        return end

    def new_clause(self, i: int) -> bool:
        """Does item i start a coordinated clause with a subject pronoun of its own
        (", and I believe them", "but he may have no choice")? It is no longer the
        reported claim. Plain "and" without a comma is left alone ("... and it would
        not return" is often part of the claim)."""
        word = self.low(i)
        if not self.is_word(i) or word not in ("and", "but", "so", "yet"):
            return False
        if word == "and" and self.low(i - 1) != ",":
            return False
        following = i + 1
        return self.pronoun(following, SUBJECT_PRONOUNS) and (
            self.verb_like(following + 1) or self.low(following + 1) in ADVERBS | NEGATIONS)

    def coordinated_verb(self, i: int) -> bool:
        """Does item i ("and", "but") join a second verb to the reporting subject:
        "told reporters A and warned that B", "said A and declined to comment",
        "said A but would not give details"?"""
        if self.low(i) not in ("and", "but") or not self.is_word(i):
            return False
        j = i + 1
        while self.is_word(j) and self.low(j) in AUXILIARIES | NEGATIONS | ADVERBS:
            j += 1
        cue = self.cue_at(j)
        if cue and cue.kind == "verb" and (cue.form in ("past", "s", "record") or j > i + 1):
            return True
        # "... and declined to comment", "but would not elaborate": the speaker refusing
        # to say more, which is no part of what was said.
        refusal = (self.low(i + 1) in ("declined", "refused") and self.low(i + 2) == "to") or (
            self.low(i + 1) in ("did", "would", "could") and self.low(i + 2) in NEGATIONS)
        return refusal and self.low(i + 3) in _SAYING_MORE

    def verb_frames(self) -> None:
        """A reporting verb with its subject before and its complement after it."""
        i = 0
        while i < self.n:
            if i in self.used or self.in_claim(i) or not self.is_word(i):
                i += 1
                continue
            cue = self.cue_at(i)
            if cue is None or cue.kind == "according" or cue.kind == "put_it" or \
                    any(k in self.used for k in range(cue.start, cue.end)):
                i += 1
                continue
            if self.low(i - 1) == "to" and cue.kind == "verb" and cue.form == "base":
                i += 1          # "to announce", "expected to say": a plan, not a report
                continue
            i = cue.end if self.verb_frame(cue) else i + 1

    def verb_frame(self, cue: Cue) -> Found | None:
        group_start, has_be = self.verb_group(cue)
        verb = cue.verb
        passive = has_be and cue.verb is not None and cue.form in ("past", "pp")
        participle = cue.form == "ing" and not has_be
        # The source.
        if participle:
            how = "inherited"
            source = self.last_found_source() or self.clause_subject(0, cue.start)
        else:
            how, source = self.subject_of(0, self.subject_end(group_start))
            if source and self.reduced_relative(source[0]):
                # "a man Khamenei considered a “living martyr”": only a quoted predicate
                # can be the claim; the clause's object is the noun before the name.
                return self.quoted_predicate(cue, source, group_start)
            if how == "coordinated":
                source = self.last_found_source() or self.clause_subject(0, group_start)
                how = "inherited"
            elif not source:
                return None
        # The complement.
        complement = self.complement(cue, passive)
        if complement is None:
            return None
        k, end, how_complement = complement
        if passive:
            if source and self.low(source[0]) == "it" and source[1] - source[0] == 1:
                source = None           # "It is understood that ...": no source given
            elif how_complement != "that":
                return None
            else:
                source = None           # "Officials were told that ...": the teller is unknown
        if source and any(i in self.used for i in range(*source)) and how != "inherited":
            return None
        if how_complement == "quote":
            rule = "verb_quote"
        elif how_complement == "as":
            rule = "described_as"
        elif passive:
            rule = "passive"
        elif how == "inherited":
            rule = "inherited"
        elif verb is not None and verb.belief:
            rule = "belief"
        else:
            rule = "verb_that" if how_complement in ("that", "colon") else "verb_bare"
        if how_complement == "quote":
            self.used.add(k)
            return self.add(list(self.items[k].fragments), source, cue, group_start, rule, True,
                            [(k, end)])
        return self.add([self.chars(k, end)], source, cue, group_start, rule, False, [(k, end)])

    def quoted_predicate(self, cue: Cue, source: tuple[int, int],
                         group_start: int) -> Found | None:
        k = cue.end + (self.low(cue.end) == "as")
        k += self.low(k) in DETERMINERS
        if not self.is_quote(k):
            return None
        self.used.add(k)
        return self.add(list(self.items[k].fragments), source, cue, group_start,
                        "verb_quote", True, [(k, k + 1)])

    def reduced_relative(self, name_start: int) -> bool:
        """Does the name at item `name_start` open a relative clause without "that":
        "a man Supreme Leader Khamenei considered a martyr", "a charge Tehran denies"?
        It follows "a"/"an" and lower-case words, and a verb follows it ("a senior
        Republican aide said" has none, so there it is part of one phrase)."""
        k = name_start - 1
        while k >= 0 and self.is_word(k) and not self.items[k].is_cap \
                and self.low(k) not in _CLOSED | DETERMINERS and k > name_start - 4:
            k -= 1
        if k == name_start - 1 or self.low(k) not in ("a", "an"):
            return False
        end = name_start
        while end < self.n and self.is_word(end) and self.items[end].is_cap:
            end += 1
        return self.verb_like(end) or (self.low(end) in AUXILIARIES | ADVERBS)

    def last_found_source(self) -> tuple[int, int] | None:
        """The source of the latest attribution of this sentence: a verb joined to it by
        "and", or a participle (", adding that ..."), has the same speaker."""
        return next((f.source_items for f in reversed(self.found) if f.source_items), None)

    def complement(self, cue: Cue, passive: bool) -> tuple[int, int, str] | None:
        """The claim after a reporting verb: (first item, end item, how) with how in
        "that", "colon", "quote", "bare"."""
        verb = cue.verb
        k = cue.end
        if verb is not None and verb.as_object:
            return self.as_complement(k)
        # "told reporters", "warned Putin", "assured him": the addressee is no part of the claim.
        after_addressee = k
        if verb is not None and verb.addressee and not passive:
            if self.pronoun(k, OBJECT_PRONOUNS):
                after_addressee = k + 1
            else:
                after_addressee = self.np_end(k, self.n)
                # "promised the council would help": a verb follows, so the phrase is
                # the claim's subject, not an addressee.
                if self.verb_like(after_addressee) or self.low(after_addressee) in NEGATIONS:
                    after_addressee = k
        # A "that" further on: "told the council in its first meeting that ...",
        # "said on Tuesday that ...", "said only that ...".
        for m in range(k, min(self.n, k + MAX_GAP + 1)):
            word = self.low(m)
            if word == "that" and self.is_word(m):
                # "the story of a village that was destroyed": a relative pronoun.
                if self.verb_like(m + 1) or self.low(m + 1) in AUXILIARIES:
                    break
                gap_ok = m == k or m == after_addressee or self.adjunct_gap(k, m, verb)
                if gap_ok and m + 1 < self.n:
                    end = self.complement_end(m + 1)
                    if end > m + 1:
                        return self.direct_or_not(m + 1, end, "that")
                break
            if self.is_quote(m) or (word and not self.is_word(m) and word != ",") or \
                    (m > k and self.cue_at(m) and not self.reads_as_noun(m)):
                break
        if verb is not None and verb.addressee == "required" and after_addressee == k:
            return None
        if after_addressee > k and self.low(after_addressee) in RELATIVES:
            return None                 # "told the story of a village that was destroyed"
        k = after_addressee
        k = self.skip_adjuncts(k)
        how = "bare"
        if self.low(k) in (":", ",") and not self.is_word(k):
            how, k = ("colon" if self.low(k) == ":" else "bare"), k + 1
        if k >= self.n:
            return None
        end = self.complement_end(k)
        if end <= k:
            return None
        if self.is_quote(k):
            if end == k + 1:
                return k, end, "quote"
        if how == "colon" and not passive:
            return k, end, how
        if verb is None:
            return (k, end, "that") if cue.form == "record" and self.low(k - 1) == "that" else None
        if verb.that_only or verb.quote_only or passive:
            return None
        if not self.clause_like(k, end, lenient=verb.lemma == "say"):
            return None
        return k, end, "bare"

    def as_complement(self, k: int) -> tuple[int, int, str] | None:
        """"described the fire as “a senseless attack”": the claim is what follows "as"."""
        obj = self.np_end(k, self.n)
        if obj == k or self.low(obj) != "as" or obj + 1 >= self.n:
            return None
        end = self.complement_end(obj + 1)
        if end <= obj + 1:
            return None
        return self.direct_or_not(obj + 1, end, "as")

    def direct_or_not(self, k: int, end: int, how: str) -> tuple[int, int, str]:
        if end == k + 1 and self.is_quote(k):
            return k, end, "quote"
        return k, end, how

    def adjunct_gap(self, k: int, m: int, verb: Verb | None) -> bool:
        """Can items [k, m) stand between a verb and its "that": dates, "in a
        statement", an adverb, or (for tell-type verbs) the addressee?"""
        first = self.low(k)
        if not (first in PREPOSITIONS or first in ADVERBS or first in TIME_WORDS or first == ","
                or first in ("last", "this", "late", "early") or (verb and verb.addressee)):
            return False
        return not any(self.verb_like(i) or self.low(i) in SUBORDINATORS
                       for i in range(k, m))

    def skip_adjuncts(self, k: int) -> int:
        """Skip "in a statement", "on Tuesday", "last week" after a verb."""
        while k < self.n:
            word = self.low(k)
            if word in PREPOSITIONS and self.is_word(k):
                end = self.np_end(k + 1, self.n, after_preposition=True)
                if end > k + 1 and any(self.low(i) in ADJUNCT_HEADS for i in range(k + 1, end)):
                    k = end
                    continue
            if word in ("last", "this", "late", "early") and self.low(k + 1) in TIME_WORDS:
                k += 2
                continue
            if word in TIME_WORDS and word not in ("may", "march") and self.is_word(k):
                k += 1
                continue
            # "said repeatedly the ...", but not "said only a laboratory could ...": a
            # focusing adverb belongs to the claim.
            if word in ADVERBS and self.is_word(k) and word not in _FOCUS_ADVERBS:
                k += 1
                continue
            break
        return k

    def clause_like(self, k: int, end: int, lenient: bool) -> bool:
        """Does [k, end) read as a clause with a subject and a verb of its own ("the deal
        was dead", "you miss something"), not as an object ("14 counts of fraud", "us
        flexibility and then pulled the rug out", "the charges that were brought")?

        A verb must come before any relative pronoun and before an "and"/"or" that
        joins a second verb to the main clause. After "say" (`lenient`), which takes
        little but clauses, four words are enough without a verb we can recognise
        ("Officials say the economy grows").
        """
        first = self.low(k)
        if first is None and not self.is_quote(k):
            return False
        if first in NOT_CLAUSE_STARTS or (first and not self.is_word(k)):
            return False
        words = [i for i in range(k, end) if self.is_word(i) or self.is_quote(i)]
        if len(words) < 3:
            return False
        for i in range(k, end):
            word = self.low(i)
            if self.is_quote(i):
                # The verb may be quoted: "her side “got what we deserved”".
                if any(self.is_word(m) and self.low(m) not in DETERMINERS for m in range(k, i)):
                    return True
                continue
            if i > k and (word in RELATIVES or word == ",") and not lenient:
                return False
            if i > k and word in ("and", "or", "but") and (
                    self.low(i + 1) in ADVERBS or self.verb_like(i + 1)):
                return False
            if i > k and (word in AUXILIARIES or word in IRREGULAR_VERBS or self.verb_like(i)):
                return True             # (the first word is the subject's, not a verb)
            if i > k and self.pronoun(i - 1, SUBJECT_PRONOUNS) and self.is_word(i) and \
                    word not in _CLOSED:
                return True
        return lenient and len(words) >= 4 and not any(
            self.low(i) == "to" for i in range(k, min(end, k + 4)))

    def continued_quote(self, previous: list[Found]) -> None:
        """A sentence that is one quotation, after a sentence that ended with a
        direct quote: the same speaker goes on (“A,” he said. “B.”)."""
        if self.found or not self.is_quote(0) or 0 in self.used or not self.ends_clause(1):
            return
        last = next((f for f in reversed(previous) if f.depth == 0), None)
        if last is None or not last.direct or last.source is None:
            return
        quote: Quote = self.items[0]
        claims = [_clean_claim(self.doc.text, a, b, True) for a, b in quote.fragments]
        claims = [c for c in claims if c]
        if claims:
            self.found.append(Found(claims=claims, source=last.source, cue=None,
                                    rule="continued_quote", direct=True,
                                    source_type=last.source_type, depth=0))
            self.used.add(0)

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
