"""Offsets are code points into the text as given, whatever the characters around them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.pretag import get_tagger, pretag_text, result_to_record

from .helpers import triples

GOLD = Path(__file__).resolve().parents[1] / "gold"


@pytest.mark.parametrize("prefix", ["\U0001F680 ", "\U0001F1FA\U0001F1E6\U0001F44D\U0001F3FD ",
                                    "e\u0301e\u0301 ", "\u05e9\u05dc\u05d5\u05dd ", "\u00a0\u00a0",
                                    "\u200d\U0001F468\u200d\U0001F469 ", ""])
def test_spans_keep_their_text_when_astral_combining_or_rtl_characters_come_first(prefix):
    text = (prefix + "\u201cOur app \U0001F4F1 works offline,\u201d said founder "
            "Jos\u00e9 \u00c1lvarez.")
    assert triples(text) == [("founder Jos\u00e9 \u00c1lvarez", "said",
                              ("Our app \U0001F4F1 works offline",))]


def test_non_breaking_spaces_inside_spans_are_kept_and_offsets_match():
    text = "Chief forecaster Anna\u00a0Berg said winds could reach 120\u00a0km/h on Friday."
    assert triples(text) == [("Chief forecaster Anna\u00a0Berg", "said",
                              ("winds could reach 120\u00a0km/h on Friday",))]


def test_decomposed_characters_stay_inside_their_word():
    text = "Investor Zoe\u0308 Brandt said the company had the best team this year."
    assert triples(text)[0][0] == "Investor Zoe\u0308 Brandt"


def test_direct_quote_claims_leave_out_the_quotation_marks():
    for text in ['"Safe," he said.', "\u201cSafe,\u201d he said.", "\u00abSafe,\u00bb he said.",
                 "\u201eSafe,\u201d he said."]:
        result = pretag_text(get_tagger(), text)
        claims = [text[s.start:s.end] for s in result.spans if s.label == "CLAIM"]
        assert claims == ["Safe"], text


def test_every_span_of_every_gold_text_matches_its_slice_and_has_no_edge_whitespace():
    for path in sorted(GOLD.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            document = json.loads(line)
            text = document["text"]
            record = result_to_record(document["id"], text, pretag_text(get_tagger(), text))
            for span in record["spans"]:
                assert 0 <= span["start"] < span["end"] <= len(text)
                assert text[span["start"]:span["end"]] == span["text"]
                assert span["text"] == span["text"].strip()


def test_tagging_survives_unbalanced_quotes_and_odd_punctuation():
    for text in ['"', "\u201c", "\u201d he said.", '"A," he said, "B', "said", ", said X.",
                 "According to", "\n\n\u201cA\n\n\u201cB", "Mr. . . said: \u201c\u201d", ""]:
        result = pretag_text(get_tagger(), text)
        for span in result.spans:
            assert 0 <= span.start < span.end <= len(text)
