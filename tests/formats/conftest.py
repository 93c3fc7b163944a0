"""Records for the pure format tests: emoji, a claim in fragments, overlapping claims."""
from __future__ import annotations

from pathlib import Path

import pytest

from annotator.formats import jsonl
from annotator.formats.records import AttributionRecord, DocumentRecord, SpanRecord

EXAMPLES = Path(__file__).resolve().parents[2] / "annotator" / "formats" / "examples"


def build(text: str, pieces: list[tuple[str, str, str]],
          attributions: list[tuple[list[str], str | None, str | None, dict]] = (),
          doc_id=1) -> DocumentRecord:
    """pieces: (id, label, piece) with piece optionally "text#n" for its n-th occurrence."""
    spans = []
    for span_id, label, piece in pieces:
        piece, _, nth = piece.partition("#")
        start = -1
        for _ in range(int(nth or 0) + 1):
            start = text.index(piece, start + 1)
        spans.append(SpanRecord(span_id, label, start, start + len(piece), piece))
    return DocumentRecord(text=text, id=doc_id, title="T", spans=spans, attributions=[
        AttributionRecord(f"A{i}", claims, source, cue, attrs)
        for i, (claims, source, cue, attrs) in enumerate(attributions, start=1)])


@pytest.fixture
def example() -> DocumentRecord:
    entry = next(jsonl.read(enumerate((EXAMPLES / "example.jsonl").read_bytes().splitlines(),
                                      start=1), "example.jsonl"))
    assert not entry.errors
    return entry.document


@pytest.fixture
def fragmented() -> DocumentRecord:
    text = ("“The deal is dead,” the minister said, “and nobody will revive it.” 😀 "
            "Officials 🇺🇦 warned that talks collapsed.")
    return build(text, [("c1", "CLAIM", "The deal is dead,"), ("s", "SOURCE", "the minister"),
                        ("q", "CUE", "said"), ("c2", "CLAIM", "and nobody will revive it."),
                        ("s2", "SOURCE", "Officials 🇺🇦"), ("q2", "CUE", "warned"),
                        ("c3", "CLAIM", "talks collapsed."), ("c4", "CLAIM", "talks")],
                 [(["c1", "c2"], "s", "q", {"quote_type": "direct"}),
                  (["c3"], "s2", "q2", {"source_type": "named person"})])
