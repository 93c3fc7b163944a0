"""The rules tagger itself: one _Sentence per sentence, the findings as a TagResult."""
from __future__ import annotations

from annotator.nesting import nesting_problem

from ..base import TagResult, TaggedAttribution, TaggedSpan, Tagger
from ..segment import text_of
from .common import CONFIDENCE, Found
from .sentence import _Sentence


class RulesAttributionTagger(Tagger):
    """Rules for English news: quotes, reporting verbs, "according to"; no model download.

    Bump `version` whenever the output for some text changes (tests/pretag/test_version.py
    notices when it does): suggestions are stored per tagger name and version.
    """
    name = "rules-attribution"
    version = "1.5.0"

    def tag(self, text: str) -> TagResult:
        doc = text_of(text)
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
    index_of = {id(item): number for number, item in enumerate(found)}
    for item in found:
        confidence = round(CONFIDENCE[item.rule] * (0.9 ** item.depth), 3)
        claims = [key_for("CLAIM", span, confidence) for span in item.claims]
        source = key_for("SOURCE", item.source, confidence) if item.source else None
        cue = key_for("CUE", item.cue, confidence) if item.cue else None
        attributes = {"quote_type": "direct" if item.direct else "indirect"}
        if item.source_type:
            attributes["source_type"] = item.source_type
        attributions.append(TaggedAttribution(claims=claims, source=source, cue=cue,
                                              confidence=confidence, attributes=attributes,
                                              parent=_parent(item, index_of)))
    ordered = sorted(spans.values(), key=lambda s: (s.start, s.end))
    return TagResult(spans=ordered, attributions=attributions)


def _parent(item: Found, index_of: dict[int, int]) -> int | None:
    """The index of the finding whose claim this one was found in, when its spans lie
    inside that claim (annotator/nesting.py: they do, as the inner sentence is read from
    within one claim fragment; checked all the same, a rule may reach past it)."""
    parent = item.parent
    if parent is None or id(parent) not in index_of:
        return None
    spans = [span for span in (*item.claims, item.source, item.cue) if span]
    return None if nesting_problem(parent.claims, spans) else index_of[id(parent)]
