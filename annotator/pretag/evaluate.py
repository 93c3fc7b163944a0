"""Scores of predicted spans and attributions against gold, both in the `pretag_jsonl` shape.

Documents are matched by "id". For each label (CLAIM, SOURCE, CUE):

- exact: a predicted span counts when a gold span has the same label, start
  and end;
- overlap: a predicted span counts when it overlaps a gold span of the same
  label; each gold span is matched at most once, greedily, largest overlap
  first.

Source->claim pairs: every relation gives one pair (source span or None,
claim span). A predicted pair matches a gold pair when the claims match and
the sources match (both None, or matching spans), exactly or by overlap, again
one to one.

Gold may also be in our JSON Lines import format ("attributions": [{"claims",
"source", "cue"}] instead of "relations"): each claim fragment gives a pair.

Precision is matched/predicted and recall matched/gold; with nothing
predicted (or nothing in the gold) the value is None, shown as "-".
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

LABELS = ("CLAIM", "SOURCE", "CUE")
PAIRS = "SOURCE->CLAIM"

Span = tuple[str, int, int]                 # label, start, end
Pair = tuple[Span | None, Span]             # source, claim


@dataclass
class Counts:
    gold: int = 0
    predicted: int = 0
    matched: int = 0

    def add(self, other: Counts) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.matched += other.matched

    @property
    def precision(self) -> float | None:
        return self.matched / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """Counts per row ("CLAIM", "SOURCE", "CUE", "ALL", "SOURCE->CLAIM") and mode."""
    exact: dict[str, Counts] = field(default_factory=dict)
    overlap: dict[str, Counts] = field(default_factory=dict)
    documents: int = 0
    missing: list = field(default_factory=list)   # gold ids without a prediction

    def row(self, mode: str, name: str) -> Counts:
        return getattr(self, mode).setdefault(name, Counts())


def _overlaps(a: Span, b: Span) -> int:
    return max(0, min(a[2], b[2]) - max(a[1], b[1])) if a[0] == b[0] else 0


def match_spans(gold: Iterable[Span], predicted: Iterable[Span], mode: str) -> int:
    """How many predicted spans match gold spans, one to one."""
    gold, predicted = sorted(set(gold)), sorted(set(predicted))
    if mode == "exact":
        return len(set(gold) & set(predicted))
    candidates = sorted(((_overlaps(g, p), i, j) for i, g in enumerate(gold)
                         for j, p in enumerate(predicted) if _overlaps(g, p)),
                        key=lambda c: (-c[0], c[1], c[2]))
    return _greedy(candidates)


def _span_matches(gold: Span | None, predicted: Span | None, mode: str) -> int:
    """0 for no match; otherwise a positive weight, larger for a better match."""
    if gold is None or predicted is None:
        return 1 if gold is None and predicted is None else 0
    if mode == "exact":
        return 1 if gold == predicted else 0
    return _overlaps(gold, predicted)


def match_pairs(gold: Iterable[Pair], predicted: Iterable[Pair], mode: str) -> int:
    """How many predicted (source, claim) pairs match gold pairs, one to one."""
    gold, predicted = sorted(set(gold), key=_pair_key), sorted(set(predicted), key=_pair_key)
    candidates = []
    for i, (gold_source, gold_claim) in enumerate(gold):
        for j, (source, claim) in enumerate(predicted):
            claim_weight = _span_matches(gold_claim, claim, mode)
            source_weight = _span_matches(gold_source, source, mode)
            if claim_weight and source_weight:
                candidates.append((claim_weight + source_weight, i, j))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    return _greedy(candidates)


def _pair_key(pair: Pair):
    source, claim = pair
    return (claim, source or ("", -1, -1))


def _greedy(candidates: list[tuple[int, int, int]]) -> int:
    taken_gold, taken_predicted = set(), set()
    for _, i, j in candidates:
        if i not in taken_gold and j not in taken_predicted:
            taken_gold.add(i)
            taken_predicted.add(j)
    return len(taken_gold)


def record_spans(record: dict) -> list[Span]:
    return [(s["label"], s["start"], s["end"]) for s in record.get("spans", [])]


def _relations(record: dict) -> list[dict]:
    if "relations" in record or "attributions" not in record:
        return record.get("relations", [])
    return [{"source": a.get("source"), "cue": a.get("cue"), "claim": claim}
            for a in record["attributions"] for claim in a.get("claims", [])]


def record_pairs(record: dict) -> list[Pair]:
    by_id = {s["id"]: (s["label"], s["start"], s["end"]) for s in record.get("spans", [])}
    pairs = []
    for relation in _relations(record):
        claim = by_id.get(relation.get("claim"))
        if claim is None:
            continue
        source = by_id.get(relation["source"]) if relation.get("source") is not None else None
        pairs.append((source, claim))
    return pairs


def score_records(gold: list[dict], predicted: list[dict]) -> Report:
    """Score predicted records against gold records (both in the pretag_jsonl shape)."""
    report = Report()
    by_id = {str(r["id"]): r for r in predicted}
    for gold_record in gold:
        report.documents += 1
        predicted_record = by_id.get(str(gold_record["id"]))
        if predicted_record is None:
            report.missing.append(gold_record["id"])
            predicted_record = {"spans": [], "relations": []}
        gold_spans, predicted_spans = record_spans(gold_record), record_spans(predicted_record)
        for mode in ("exact", "overlap"):
            for label in LABELS:
                g = {s for s in gold_spans if s[0] == label}
                p = {s for s in predicted_spans if s[0] == label}
                counts = Counts(len(g), len(p), match_spans(g, p, mode))
                report.row(mode, label).add(counts)
                report.row(mode, "ALL").add(counts)
            g, p = set(record_pairs(gold_record)), set(record_pairs(predicted_record))
            report.row(mode, PAIRS).add(Counts(len(g), len(p), match_pairs(g, p, mode)))
    return report


def read_jsonl(path: str | Path) -> list[dict]:
    """Records of a JSON Lines file; ValueError naming the line if one is not JSON."""
    records = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not JSON ({exc.msg}).") from None
    return records


def format_report(report: Report) -> str:
    """The report as a fixed-width table."""
    def cell(value: float | None) -> str:
        return "    -" if value is None else f"{value:5.3f}"

    lines = [f"{report.documents} document(s)"
             + (f"; no prediction for: {', '.join(map(str, report.missing))}"
                if report.missing else ""),
             f"{'':14} {'gold':>5} {'pred':>5}   {'exact P':>7} {'R':>5} {'F1':>5}"
             f"   {'overlap P':>9} {'R':>5} {'F1':>5}"]
    for name in (*LABELS, "ALL", PAIRS):
        exact, overlap = report.row("exact", name), report.row("overlap", name)
        lines.append(f"{name:14} {exact.gold:5d} {exact.predicted:5d}   "
                     f"{cell(exact.precision):>7} {cell(exact.recall)} {cell(exact.f1)}   "
                     f"{cell(overlap.precision):>9} {cell(overlap.recall)} {cell(overlap.f1)}")
    return "\n".join(lines)
