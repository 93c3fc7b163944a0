"""Agreement metrics: hand-worked small examples, then cross-checks against scikit-learn's
cohen_kappa_score and the `krippendorff` package on generated data."""
from __future__ import annotations

import math
import random

import pytest

from annotator.agreement import (OUTSIDE, AttributionItem, DocumentLayers, SpanItem, report,
                                 token_tags, tokens)

A, B, C = 1, 2, 3
LABELS = ["CLAIM", "SOURCE"]


def approx(value):
    return pytest.approx(value, abs=1e-12)


# --- Tokens -------------------------------------------------------------------------------

def test_tokens_are_words_and_punctuation_in_code_points_when_text_has_emoji():
    text = "Talks 🇺🇦 collapsed, he said."
    assert [text[s:e] for s, e in tokens(text)] == [
        "Talks", "🇺", "🇦", "collapsed", ",", "he", "said", "."]
    assert tokens(text)[3] == (9, 18)  # code points: the flag is 2, not 4


def test_token_tags_mark_every_token_a_span_overlaps_when_span_cuts_a_word():
    text = "Ann said it rained."
    spans = [SpanItem(A, "CLAIM", 10, 14), SpanItem(A, "SOURCE", 0, 3)]  # "t ra"
    assert token_tags(text, spans, "CLAIM") == [OUTSIDE, OUTSIDE, "CLAIM", "CLAIM", OUTSIDE]
    assert token_tags(text, spans, "SOURCE") == ["SOURCE", OUTSIDE, OUTSIDE, OUTSIDE, OUTSIDE]


# --- Worked by hand: two annotators, one document ---------------------------------------------
#
# "Ann said it rained."  tokens: Ann | said | it | rained | .
# A: SOURCE "Ann", CLAIM "it rained."      B: SOURCE "Ann", CLAIM "it rained"
#
# Span F1 exact: 1 match of 2 + 2 spans = 2·1/4 = 0.5; overlap: every span matched = 1.
# Token columns (SOURCE then CLAIM): A = Y N N N N | N N Y Y Y,  B = Y N N N N | N N Y Y N.
# Pooled 10 cells: yes-yes 3, no-no 6, A-yes-B-no 1.
#   kappa: po = 0.9, pe = 0.4·0.3 + 0.6·0.7 = 0.54, kappa = 0.36 / 0.46.
#   alpha: o_yy = 6, o_nn = 12, o_yn = 1; n_y = 7, n_n = 13, n = 20: 1 - 19·1/(7·13) = 72/91.
# CLAIM alone: po = 0.8, pe = 0.6·0.4 + 0.4·0.6 = 0.48, kappa = 0.32/0.52 = 8/13;
#   alpha: o_yy = 4, o_nn = 4, o_yn = 1, n = 10: 1 - 9/25 = 16/25.
# Attributions: same source, claims differ by the full stop: no match, F1 = 0.

TEXT = "Ann said it rained."


def two_annotators() -> DocumentLayers:
    return DocumentLayers(document=10, text=TEXT, annotators=(A, B), spans=[
        SpanItem(A, "SOURCE", 0, 3), SpanItem(A, "CLAIM", 9, 19),
        SpanItem(B, "SOURCE", 0, 3), SpanItem(B, "CLAIM", 9, 18)], attributions=[
        AttributionItem(A, ((9, 19),), (0, 3), (4, 8)),
        AttributionItem(B, ((9, 18),), (0, 3), (4, 8))])


def test_report_matches_hand_worked_values_when_two_annotators_differ_by_a_full_stop():
    result = report([two_annotators()], LABELS)
    overall = result["overall"]
    assert overall["span_f1_exact"] == approx(0.5)
    assert overall["span_f1_overlap"] == approx(1.0)
    assert overall["cohen_kappa"] == approx(0.36 / 0.46)
    assert overall["krippendorff_alpha"] == approx(72 / 91)
    assert overall["attribution_f1"] == approx(0.0)
    labels = {row["label"]: row for row in result["labels"]}
    assert labels["CLAIM"]["cohen_kappa"] == approx(8 / 13)
    assert labels["CLAIM"]["krippendorff_alpha"] == approx(16 / 25)
    assert labels["CLAIM"]["span_f1_exact"] == approx(0.0)
    assert labels["SOURCE"]["cohen_kappa"] == approx(1.0)
    assert labels["SOURCE"]["krippendorff_alpha"] == approx(1.0)
    assert labels["SOURCE"]["attribution_f1"] is None  # attributions have no label
    [pair] = result["pairs"]
    assert (pair["a"], pair["b"], pair["documents"]) == (A, B, 1)
    assert pair["cohen_kappa"] == overall["cohen_kappa"]
    assert pair["krippendorff_alpha"] == overall["krippendorff_alpha"]
    assert [d["document"] for d in result["documents"]] == [10]


def test_attributions_agree_when_claim_and_source_match_but_cues_differ():
    layers = two_annotators()
    layers.attributions = [AttributionItem(A, ((9, 19),), (0, 3), (4, 8)),
                           AttributionItem(B, ((9, 19),), (0, 3), None)]
    assert report([layers], LABELS)["overall"]["attribution_f1"] == approx(1.0)


def test_attributions_disagree_when_the_source_differs():
    layers = two_annotators()
    layers.attributions = [AttributionItem(A, ((9, 19),), (0, 3)),
                           AttributionItem(B, ((9, 19),), None),
                           AttributionItem(B, ((0, 3),), None)]
    # No match; 1 + 2 attributions.
    assert report([layers], LABELS)["overall"]["attribution_f1"] == approx(0.0)


# --- Overlap F1 -------------------------------------------------------------------------------

def test_overlap_f1_counts_each_side_when_one_long_span_meets_two_short_ones():
    text = "one two three four five six seven"
    layers = DocumentLayers(document=1, text=text, annotators=(A, B), spans=[
        SpanItem(A, "CLAIM", 0, 18),                                  # one … four
        SpanItem(B, "CLAIM", 0, 3), SpanItem(B, "CLAIM", 8, 13),      # one, three
        SpanItem(B, "CLAIM", 24, 27),                                 # six: A has nothing there
    ])
    overall = report([layers], ["CLAIM"])["overall"]
    # recall 1/1 (A's span is met), precision 2/3 (B's "six" meets nothing): F1 = 0.8
    assert overall["span_f1_overlap"] == approx(2 * (2 / 3) * 1 / (2 / 3 + 1))
    assert overall["span_f1_exact"] == approx(0.0)


def test_overlap_needs_the_same_label_when_spans_cover_the_same_text():
    layers = DocumentLayers(document=1, text=TEXT, annotators=(A, B), spans=[
        SpanItem(A, "CLAIM", 0, 3), SpanItem(B, "SOURCE", 0, 3)])
    assert report([layers], LABELS)["overall"]["span_f1_overlap"] == approx(0.0)


# --- Worked by hand: three annotators, alpha over all of them, kappa per pair -------------------
#
# "a b c d", label X.  A: a b   B: a   C: a b c
# units a (YYY), b (YNY), c (NNY), d (NNN); m = 3, each ordered pair weighs 1/2.
#   o_yy = 6/2 + 2/2 = 4, o_nn = 2/2 + 6/2 = 4, o_yn = 2/2 + 2/2 = 2; n_y = n_n = 6, n = 12.
#   alpha = 1 - 11·2/(6·6) = 14/36.
# kappa: (A,B) po 3/4, pe 1/2: 0.5; (A,C) po 3/4, pe 1/2: 0.5; (B,C) po 1/2, pe 3/8: 0.2.
#   Light's kappa: (0.5 + 0.5 + 0.2)/3 = 0.4.

def three_annotators() -> DocumentLayers:
    return DocumentLayers(document=7, text="a b c d", annotators=(A, B, C), spans=[
        SpanItem(A, "X", 0, 1), SpanItem(A, "X", 2, 3),
        SpanItem(B, "X", 0, 1),
        SpanItem(C, "X", 0, 5)])


def test_alpha_and_mean_kappa_match_hand_worked_values_when_three_annotators_label():
    result = report([three_annotators()], ["X"])
    assert result["overall"]["krippendorff_alpha"] == approx(14 / 36)
    assert result["overall"]["cohen_kappa"] == approx(0.4)
    assert result["overall"]["pairs"] == 3
    kappas = {(p["a"], p["b"]): p["cohen_kappa"] for p in result["pairs"]}
    assert kappas == {(A, B): approx(0.5), (A, C): approx(0.5), (B, C): approx(0.2)}


# --- Undefined is None ----------------------------------------------------------------------

def test_metrics_are_none_when_nobody_labelled_anything():
    layers = DocumentLayers(document=1, text=TEXT, annotators=(A, B))
    overall = report([layers], LABELS)["overall"]
    assert overall == {"span_f1_exact": None, "span_f1_overlap": None, "cohen_kappa": None,
                       "krippendorff_alpha": None, "attribution_f1": None, "pairs": 1}


def test_a_document_with_one_annotator_is_not_compared():
    lone = DocumentLayers(document=1, text=TEXT, annotators=(A,),
                          spans=[SpanItem(A, "CLAIM", 0, 3)])
    result = report([lone], LABELS)
    assert result["documents_compared"] == 0 and result["pairs"] == []
    assert result["overall"]["span_f1_exact"] is None


def test_labels_of_annotators_who_have_not_finished_are_left_out():
    layers = two_annotators()
    layers.annotators = (A,)  # B's spans are there, but B has not submitted
    assert report([layers], LABELS)["documents_compared"] == 0


# --- Cross-checks against the libraries --------------------------------------------------------

def generated(seed: int, documents: int = 6) -> list[DocumentLayers]:
    """Documents of random words; three annotators label noisy copies of one truth, and
    annotator C skips every third document (missing there, not "O")."""
    rng = random.Random(seed)
    words = ["the", "minister", "said", "talks", "had", "collapsed", "officials", "warned",
             "prices", "would", "rise", ",", "."]
    result = []
    for number in range(documents):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(25, 60)))
        toks = tokens(text)
        truth = []
        for _ in range(rng.randint(1, 5)):
            first = rng.randrange(len(toks))
            last = min(len(toks) - 1, first + rng.randint(0, 6))
            truth.append((rng.choice(["CLAIM", "SOURCE", "CUE"]), toks[first][0], toks[last][1]))
        annotators = (A, B) if number % 3 == 2 else (A, B, C)
        spans = []
        for who in annotators:
            for label, start, end in truth:
                roll = rng.random()
                if roll < 0.15:
                    continue  # missed
                if roll < 0.3:
                    label = rng.choice(["CLAIM", "SOURCE", "CUE"])
                if roll > 0.85:
                    end = toks[min(len(toks) - 1, rng.randrange(len(toks)))][1]
                    if end <= start:
                        continue
                spans.append(SpanItem(who, label, start, end))
        result.append(DocumentLayers(document=number, text=text, annotators=annotators,
                                     spans=spans))
    return result


def yes_no(layers: DocumentLayers, who: int, label: str) -> list[int]:
    return [int(tag != OUTSIDE) for tag in token_tags(layers.text, [
        s for s in layers.spans if s.annotator == who], label)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kappa_equals_scikit_learn_when_pooled_over_labels_and_documents(seed):
    from sklearn.metrics import cohen_kappa_score

    labels = ["CLAIM", "SOURCE", "CUE"]
    documents = generated(seed)
    result = report(documents, labels)
    for pair in result["pairs"]:
        shared = [d for d in documents if {pair["a"], pair["b"]} <= set(d.annotators)]
        first = [v for d in shared for label in labels for v in yes_no(d, pair["a"], label)]
        second = [v for d in shared for label in labels for v in yes_no(d, pair["b"], label)]
        assert pair["cohen_kappa"] == pytest.approx(cohen_kappa_score(first, second), abs=1e-9)
        for row in pair["labels"]:
            one = [v for d in shared for v in yes_no(d, pair["a"], row["label"])]
            two = [v for d in shared for v in yes_no(d, pair["b"], row["label"])]
            assert row["cohen_kappa"] == pytest.approx(cohen_kappa_score(one, two), abs=1e-9)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_alpha_equals_the_krippendorff_package_when_an_annotator_is_missing_somewhere(seed):
    import krippendorff
    import numpy as np

    labels = ["CLAIM", "SOURCE", "CUE"]
    documents = generated(seed)
    result = report(documents, labels)

    def reliability(label_set):
        rows = {who: [] for who in (A, B, C)}
        for d in documents:
            for label in label_set:
                width = len(tokens(d.text))
                for who in rows:
                    rows[who].extend(yes_no(d, who, label) if who in d.annotators
                                     else [math.nan] * width)
        return np.array([rows[who] for who in (A, B, C)], dtype=float)

    expected = krippendorff.alpha(reliability_data=reliability(labels),
                                  level_of_measurement="nominal")
    assert result["overall"]["krippendorff_alpha"] == pytest.approx(expected, abs=1e-9)
    for row in result["labels"]:
        expected = krippendorff.alpha(reliability_data=reliability([row["label"]]),
                                      level_of_measurement="nominal")
        assert row["krippendorff_alpha"] == pytest.approx(expected, abs=1e-9)


def test_alpha_of_a_pair_equals_the_krippendorff_package_for_those_two_alone():
    import krippendorff
    import numpy as np

    documents = generated(5)
    result = report(documents, ["CLAIM", "SOURCE", "CUE"])
    pair = next(p for p in result["pairs"] if (p["a"], p["b"]) == (A, C))
    shared = [d for d in documents if C in d.annotators]
    data = np.array([[v for d in shared for label in ("CLAIM", "SOURCE", "CUE")
                      for v in yes_no(d, who, label)] for who in (A, C)], dtype=float)
    assert pair["krippendorff_alpha"] == pytest.approx(
        krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"), abs=1e-9)
    assert pair["documents"] == len(shared)
