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
from .common import CONFIDENCE, END_PUNCT, MAX_DEPTH, MAX_GAP, MAX_NP, QUANTIFIERS, Cue, Found
from .sentence import _Sentence
from .tagger import RulesAttributionTagger, _result

# The sections, one module each: common.py (limits, confidences, records, word sets),
# predicates.py, cues.py, phrases.py (noun phrases), frames.py and complements.py (the
# rules), sources.py (source types); sentence.py puts them together, tagger.py runs them.
__all__ = ["CONFIDENCE", "END_PUNCT", "MAX_DEPTH", "MAX_GAP", "MAX_NP", "QUANTIFIERS", "Cue",
           "Found", "RulesAttributionTagger", "_Sentence", "_result"]
