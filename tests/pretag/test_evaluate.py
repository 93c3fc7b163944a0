"""Scoring, on small examples worked out by hand."""
from __future__ import annotations

import pytest

from annotator.pretag.evaluate import (Counts, format_report, match_pairs, match_spans,
                                       score_records)


def doc(doc_id, spans, relations=()):
    """spans: (id, label, start, end); relations: (source id or None, claim id)."""
    return {"id": doc_id, "text": "x" * 100,
            "spans": [{"id": i, "label": l, "start": s, "end": e, "text": "x" * (e - s)}
                      for i, l, s, e in spans],
            "relations": [{"source": src, "cue": None, "claim": c} for src, c in relations]}


def test_counts_give_precision_recall_f1():
    counts = Counts(gold=4, predicted=2, matched=1)
    assert (counts.precision, counts.recall) == (0.5, 0.25)
    assert counts.f1 == pytest.approx(2 * 0.5 * 0.25 / 0.75)


def test_counts_are_none_when_there_is_nothing_to_divide_by():
    assert Counts(gold=0, predicted=0, matched=0).precision is None
    assert Counts(gold=0, predicted=0, matched=0).f1 is None
    assert Counts(gold=3, predicted=0, matched=0).recall == 0.0


def test_exact_match_needs_same_label_start_and_end():
    gold = {("CLAIM", 0, 10), ("SOURCE", 12, 15)}
    assert match_spans(gold, {("CLAIM", 0, 10), ("SOURCE", 12, 16)}, "exact") == 1
    assert match_spans(gold, {("CUE", 0, 10)}, "exact") == 0


def test_overlap_match_is_one_to_one_and_prefers_the_largest_overlap():
    # Gold [0,10) and [10,20); predictions [5,15) overlaps both by 5, [8,20) overlaps the
    # second by 10 and the first by 2. Greedy by overlap: [8,20)-[10,20) (10), then
    # [5,15)-[0,10) (5): both gold spans matched.
    gold = {("CLAIM", 0, 10), ("CLAIM", 10, 20)}
    assert match_spans(gold, {("CLAIM", 5, 15), ("CLAIM", 8, 20)}, "overlap") == 2
    # One long prediction covering both gold spans matches only one of them.
    assert match_spans(gold, {("CLAIM", 0, 20)}, "overlap") == 1
    # Touching is not overlapping: half-open offsets.
    assert match_spans({("CLAIM", 0, 10)}, {("CLAIM", 10, 12)}, "overlap") == 0


def test_pairs_match_when_claim_and_source_both_match():
    claim, source = ("CLAIM", 0, 10), ("SOURCE", 20, 25)
    gold = {(source, claim)}
    assert match_pairs(gold, {(source, claim)}, "exact") == 1
    assert match_pairs(gold, {(("SOURCE", 20, 24), claim)}, "exact") == 0
    assert match_pairs(gold, {(("SOURCE", 20, 24), claim)}, "overlap") == 1
    assert match_pairs(gold, {(None, claim)}, "overlap") == 0


def test_pairs_without_source_match_only_each_other():
    claim = ("CLAIM", 0, 10)
    assert match_pairs({(None, claim)}, {(None, claim)}, "exact") == 1
    assert match_pairs({(None, claim)}, {(("SOURCE", 20, 25), claim)}, "exact") == 0


def test_score_records_counts_per_label_and_pairs():
    gold = [doc("a", [("T1", "CLAIM", 0, 10), ("T2", "SOURCE", 20, 25), ("T3", "CUE", 26, 30)],
                [("T2", "T1")])]
    pred = [doc("a", [("T1", "CLAIM", 0, 9), ("T2", "SOURCE", 20, 25), ("T3", "CUE", 40, 44)],
                [("T2", "T1")])]
    report = score_records(gold, pred)
    assert report.row("exact", "CLAIM").matched == 0
    assert report.row("overlap", "CLAIM").matched == 1
    assert report.row("exact", "SOURCE").matched == 1
    assert report.row("overlap", "CUE").matched == 0
    assert (report.row("exact", "ALL").gold, report.row("exact", "ALL").matched) == (3, 1)
    assert report.row("exact", "SOURCE->CLAIM").matched == 0
    assert report.row("overlap", "SOURCE->CLAIM").matched == 1


def test_score_records_matches_by_id_and_counts_a_missing_document_as_all_missed():
    gold = [doc("a", [("T1", "CLAIM", 0, 10)]), doc(2, [("T1", "CLAIM", 0, 10)])]
    pred = [doc("2", [("T1", "CLAIM", 0, 10)]), doc("zzz", [("T1", "CLAIM", 50, 60)])]
    report = score_records(gold, pred)
    claim = report.row("exact", "CLAIM")
    assert (claim.gold, claim.predicted, claim.matched) == (2, 1, 1)
    assert report.missing == ["a"]


def test_split_claim_counts_one_pair_per_fragment():
    spans = [("T1", "CLAIM", 0, 5), ("T2", "SOURCE", 7, 9), ("T3", "CLAIM", 12, 20)]
    gold = [doc("a", spans, [("T2", "T1"), ("T2", "T3")])]
    pred = [doc("a", spans, [("T2", "T1")])]
    pairs = score_records(gold, pred).row("exact", "SOURCE->CLAIM")
    assert (pairs.gold, pairs.predicted, pairs.matched) == (2, 1, 1)


def test_format_report_shows_every_row():
    report = score_records([doc("a", [("T1", "CLAIM", 0, 10)])], [])
    table = format_report(report)
    for row in ("CLAIM", "SOURCE", "CUE", "ALL", "SOURCE->CLAIM", "no prediction for: a"):
        assert row in table
