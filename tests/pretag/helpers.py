"""Shared helpers: run the built-in tagger and read its output as text."""
from __future__ import annotations

from annotator.pretag import get_tagger, pretag_text


def attributions(text: str) -> list[dict]:
    """The tagger's attributions on `text`, with spans as their text and offsets checked."""
    result = pretag_text(get_tagger(), text)
    spans = {s.key: s for s in result.spans}
    for span in result.spans:
        covered = text[span.start:span.end]
        assert covered == covered.strip(), f"span with surrounding whitespace: {covered!r}"

    def read(key):
        return text[spans[key].start:spans[key].end] if key else None

    return [{"source": read(a.source), "cue": read(a.cue), "claims": [read(c) for c in a.claims],
             **a.attributes} for a in result.attributions]


def triples(text: str) -> list[tuple]:
    """(source, cue, claims) per attribution, claims as a tuple."""
    return [(a["source"], a["cue"], tuple(a["claims"])) for a in attributions(text)]
