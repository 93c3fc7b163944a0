"""Inter-annotator agreement: pure functions over plain tuples (no database).

Inputs are one `DocumentLayers` per document: its text, the annotators whose
work counts there (finished work, even with no label at all), their spans as
`SpanItem(annotator, label, start, end)` and their attributions as
`AttributionItem(annotator, claims, source, cue)`, offsets in code points.

Metrics, each for any scope (the project, a document, a label, a pair of
annotators, a pair and a label):

- span F1, exact: a span matches when the other annotator has one with the same
  label, start and end. F1 = 2·matches / (spans of A + spans of B).
- span F1, overlap: a span is matched when it overlaps a span of the same label
  of the other annotator; precision and recall are counted on each side
  (a long span against two short ones inside it counts as matched on both sides).
- Cohen's kappa, token level, for each pair; a scope with several pairs reports
  the mean of the pairs' kappas (Light's kappa).
- Krippendorff's alpha, nominal, token level, over every annotator of each
  document at once (an annotator who has not finished a document is missing
  there, not "O").
- attribution F1: an attribution matches when the other annotator has one with
  the same claim (all fragments) and the same source; the cue does not count.

Token level: tokens are `\\w+|[^\\w\\s]` over the text (code-point offsets), and
each label is a column of its own: for every (token, label) the annotator says
yes (a span of that label overlaps the token) or no ("O"). Spans may overlap and
nest (a claim containing the source of a reported claim), so one tag per token
would have to drop one of them; a column per label drops nothing. The scope of
all labels pools the columns.

A metric that is undefined for its data (no spans on either side, only one
category used, fewer than two annotators) is None, never a made-up 0 or 1.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import NamedTuple

TOKEN = re.compile(r"\w+|[^\w\s]")
OUTSIDE = "O"


class SpanItem(NamedTuple):
    annotator: int
    label: str
    start: int
    end: int


class AttributionItem(NamedTuple):
    annotator: int
    claims: tuple[tuple[int, int], ...]   # (start, end) of each claim fragment
    source: tuple[int, int] | None
    cue: tuple[int, int] | None = None    # shown, but not part of the match


@dataclass
class DocumentLayers:
    document: int
    text: str
    annotators: tuple[int, ...]           # whose work counts here, labels or not
    spans: list[SpanItem] = field(default_factory=list)
    attributions: list[AttributionItem] = field(default_factory=list)


def tokens(text: str) -> list[tuple[int, int]]:
    """(start, end) of each token, in code points."""
    return [m.span() for m in TOKEN.finditer(text)]


def token_tags(text: str, spans: list[SpanItem], label: str) -> list[str]:
    """One annotator's column for one label: the label, or "O", for every token."""
    toks = tokens(text)
    mask = _mask(toks, [(s.start, s.end) for s in spans if s.label == label])
    return [label if mask >> i & 1 else OUTSIDE for i in range(len(toks))]


def _mask(toks: list[tuple[int, int]], ranges) -> int:
    """Bit i set when token i overlaps one of the ranges."""
    starts = [t[0] for t in toks]
    ends = [t[1] for t in toks]
    mask = 0
    for start, end in ranges:
        first = bisect_right(ends, start)   # the first token ending after start
        last = bisect_left(starts, end)     # the first token starting at or after end
        if last > first:
            mask |= ((1 << (last - first)) - 1) << first
    return mask


# --- The counts every metric is made of ---------------------------------------------------

@dataclass
class Tally:
    """Sums over (document, label, pair) cells; metrics are read off at the end."""

    exact: int = 0          # spans both have
    spans_a: int = 0
    spans_b: int = 0
    overlap_a: int = 0      # A's spans that overlap one of B's
    overlap_b: int = 0
    yes_yes: int = 0        # token-label cells: both say yes
    yes_no: int = 0
    no_yes: int = 0
    no_no: int = 0
    attr_match: int = 0
    attr_a: int = 0
    attr_b: int = 0

    def add(self, other: Tally) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Coincidence:
    """Krippendorff's coincidences for yes/no values: o_yy, o_nn, o_yn (= o_ny)."""

    yy: float = 0.0
    nn: float = 0.0
    yn: float = 0.0

    def add_pair(self, tally: Tally, coders: int) -> None:
        # Each unordered pair of coders is two ordered pairs, weighted 1/(m-1).
        weight = 1.0 / (coders - 1)
        self.yy += 2 * tally.yes_yes * weight
        self.nn += 2 * tally.no_no * weight
        self.yn += (tally.yes_no + tally.no_yes) * weight


def f1_exact(t: Tally) -> float | None:
    total = t.spans_a + t.spans_b
    return None if total == 0 else 2 * t.exact / total


def f1_overlap(t: Tally) -> float | None:
    if t.spans_a + t.spans_b == 0:
        return None
    if t.spans_a == 0 or t.spans_b == 0:
        return 0.0
    recall = t.overlap_a / t.spans_a
    precision = t.overlap_b / t.spans_b
    return 0.0 if recall + precision == 0 else 2 * precision * recall / (precision + recall)


def kappa(t: Tally) -> float | None:
    """Cohen's kappa of one pair from its yes/no table."""
    n = t.yes_yes + t.yes_no + t.no_yes + t.no_no
    if n == 0:
        return None
    observed = (t.yes_yes + t.no_no) / n
    a_yes, b_yes = (t.yes_yes + t.yes_no) / n, (t.yes_yes + t.no_yes) / n
    expected = a_yes * b_yes + (1 - a_yes) * (1 - b_yes)
    if expected >= 1:
        return None  # both said the same single thing everywhere: chance explains it all
    return (observed - expected) / (1 - expected)


def alpha(c: Coincidence) -> float | None:
    """Krippendorff's alpha, nominal, from the coincidences of yes/no values."""
    n_yes, n_no = c.yy + c.yn, c.nn + c.yn
    n = n_yes + n_no
    if n_yes <= 0 or n_no <= 0:
        return None
    return 1 - (n - 1) * (2 * c.yn) / (2 * n_yes * n_no)


def f1_attributions(t: Tally) -> float | None:
    total = t.attr_a + t.attr_b
    return None if total == 0 else 2 * t.attr_match / total


# --- One document, one pair ------------------------------------------------------------------

def _overlapping(ranges: list[tuple[int, int]], others: list[tuple[int, int]]) -> int:
    """How many of `ranges` overlap at least one of `others`."""
    if not ranges or not others:
        return 0
    others = sorted(others)
    starts = [o[0] for o in others]
    max_end, running = [], -1
    for _, end in others:
        running = max(running, end)
        max_end.append(running)
    count = 0
    for start, end in ranges:
        before = bisect_left(starts, end)  # others starting before this range ends
        if before and max_end[before - 1] > start:
            count += 1
    return count


def _attribution_key(a: AttributionItem) -> tuple:
    return (tuple(a.claims), a.source)


@dataclass
class _Doc:
    layers: DocumentLayers
    spans: dict   # (annotator, label) → set of (start, end)
    masks: dict   # (annotator, label) → token bitmask
    attributions: dict  # annotator → set of keys
    token_count: int


def _prepare(layers: DocumentLayers, labels: list[str]) -> _Doc:
    toks = tokens(layers.text)
    spans: dict = defaultdict(set)
    for s in layers.spans:
        if s.annotator in layers.annotators and s.label in labels:
            spans[(s.annotator, s.label)].add((s.start, s.end))
    masks = {key: _mask(toks, sorted(ranges)) for key, ranges in spans.items()}
    attributions: dict = defaultdict(set)
    for a in layers.attributions:
        if a.annotator in layers.annotators:
            attributions[a.annotator].add(_attribution_key(a))
    return _Doc(layers=layers, spans=spans, masks=masks, attributions=attributions,
                token_count=len(toks))


def _cell(doc: _Doc, a: int, b: int, label: str) -> Tally:
    sa, sb = doc.spans.get((a, label), set()), doc.spans.get((b, label), set())
    ma, mb = doc.masks.get((a, label), 0), doc.masks.get((b, label), 0)
    yes_yes = (ma & mb).bit_count()
    yes_no = (ma & ~mb).bit_count()
    no_yes = (mb & ~ma).bit_count()
    return Tally(exact=len(sa & sb), spans_a=len(sa), spans_b=len(sb),
                 overlap_a=_overlapping(list(sa), list(sb)),
                 overlap_b=_overlapping(list(sb), list(sa)),
                 yes_yes=yes_yes, yes_no=yes_no, no_yes=no_yes,
                 no_no=doc.token_count - yes_yes - yes_no - no_yes)


# --- The report -------------------------------------------------------------------------------

def _metrics(tally: Tally, pair_kappas: list[float | None], coincidence: Coincidence, *,
             with_attributions: bool) -> dict:
    kappas = [k for k in pair_kappas if k is not None]
    return {
        "span_f1_exact": f1_exact(tally),
        "span_f1_overlap": f1_overlap(tally),
        "cohen_kappa": sum(kappas) / len(kappas) if kappas else None,
        "krippendorff_alpha": alpha(coincidence),
        "attribution_f1": f1_attributions(tally) if with_attributions else None,
    }


class _Scope:
    """Accumulates one scope: a tally per pair (for kappa) and the coincidences (for alpha)."""

    def __init__(self):
        self.pairs: dict = defaultdict(Tally)
        self.coincidence = Coincidence()

    def add(self, pair, tally: Tally, coders: int) -> None:
        self.pairs[pair].add(tally)
        self.coincidence.add_pair(tally, coders)

    def metrics(self, *, with_attributions: bool = True) -> dict:
        total = Tally()
        for tally in self.pairs.values():
            total.add(tally)
        result = _metrics(total, [kappa(t) for t in self.pairs.values()], self.coincidence,
                          with_attributions=with_attributions)
        result["pairs"] = len(self.pairs)
        return result


def report(documents: list[DocumentLayers], labels: list[str]) -> dict:
    """Every metric for the whole set, each document, each label, each pair, pair × label.

    Only documents with at least two annotators compare anything; the others are
    counted in `documents_compared` as not compared.
    """
    overall, by_label = _Scope(), {label: _Scope() for label in labels}
    by_document: dict = {}
    by_pair: dict = defaultdict(_Scope)
    by_pair_label: dict = defaultdict(_Scope)
    pair_documents: dict = defaultdict(int)
    compared = 0
    for layers in documents:
        annotators = sorted(set(layers.annotators))
        if len(annotators) < 2:
            continue
        compared += 1
        doc = _prepare(layers, labels)
        coders = len(annotators)
        doc_scope = by_document[layers.document] = _Scope()
        for a, b in combinations(annotators, 2):
            pair_documents[(a, b)] += 1
            attrs_a, attrs_b = doc.attributions.get(a, set()), doc.attributions.get(b, set())
            attribution_tally = Tally(attr_match=len(attrs_a & attrs_b), attr_a=len(attrs_a),
                                      attr_b=len(attrs_b))
            for scope in (overall, doc_scope, by_pair[(a, b)]):
                scope.pairs[(a, b)].add(attribution_tally)
            for label in labels:
                cell = _cell(doc, a, b, label)
                overall.add((a, b), cell, coders)
                by_label[label].add((a, b), cell, coders)
                doc_scope.add((a, b), cell, coders)
                # Within a pair's own scope, the pair is the only two coders: m = 2.
                by_pair[(a, b)].add((a, b), cell, 2)
                by_pair_label[(a, b, label)].add((a, b), cell, 2)
    return {
        "documents_compared": compared,
        "overall": overall.metrics(),
        "labels": [{"label": label, **by_label[label].metrics(with_attributions=False)}
                   for label in labels],
        "documents": [{"document": document, **scope.metrics()}
                      for document, scope in by_document.items()],
        "pairs": [{"a": a, "b": b, "documents": pair_documents[(a, b)],
                   **by_pair[(a, b)].metrics(),
                   "labels": [{"label": label,
                               **by_pair_label[(a, b, label)].metrics(with_attributions=False)}
                              for label in labels]}
                  for (a, b) in sorted(by_pair)],
    }
