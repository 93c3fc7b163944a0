"""Attributions from spans: a classifier over candidate claim-source and claim-cue links.

For every CLAIM, each SOURCE (and each CUE) near it is a candidate; a logistic
regression scores the link from the pair's features (order, distance in
tokens, sentences and paragraphs, the punctuation and quotation marks between
them, how many other claims and cues lie between, the words of the candidate,
whether the rules tagger linked them). The best candidate wins if its
probability is at least 0.5, otherwise the claim has no source (or no cue).
A claim left without a source may then take one of the extra sources that
sources.py's CRF finds in its paragraph (`decide(..., find_extra=...)`), scored
by the same model.
Claims that share a source (or, without one, a cue) form one attribution with
several fragments, since in the training data a span plays one role in one
attribution.
"""
from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

from ..lexicon import SUBJECT_PRONOUNS

MAX_PARAGRAPHS_BEFORE = 2
MAX_PARAGRAPHS_AFTER = 1
MAX_TOKENS = 150
THRESHOLD = 0.5


@dataclass
class Span:
    label: str
    start: int              # characters
    end: int
    i: int                  # tokens [i, j)
    j: int
    confidence: float = 1.0
    key: str = ""


class Layout:
    """Where each token sits: its paragraph and sentence number, and the prefix counts of
    quotation marks and of sentence punctuation, for features of the stretch between two spans."""

    def __init__(self, doc):
        n = len(doc.tokens)
        self.para = [0] * n
        for p, (lo, hi) in enumerate(doc.paragraphs):
            for k in range(lo, hi):
                self.para[k] = p
        self.sent = [0] * n
        s = 0
        for k, t in enumerate(doc.tokens):
            if k and self.para[k] != self.para[k - 1]:
                s += 1
            self.sent[k] = s
            if t.text in (".", "!", "?"):
                s += 1
        self.marks = [0] * (n + 1)
        self.commas = [0] * (n + 1)
        for k, t in enumerate(doc.tokens):
            self.marks[k + 1] = self.marks[k] + (1 if t.mark else 0)
            self.commas[k + 1] = self.commas[k] + (1 if t.text in (",", ":", ";", "\u2014", "-")
                                                  else 0)


class SpanIndex:
    """Spans of one label (which never overlap), for counting those inside a stretch and
    finding those next to a span without a scan per candidate pair."""

    def __init__(self, spans: list[Span]):
        ordered = sorted(spans, key=lambda s: s.i)
        self.starts = [s.i for s in ordered]
        self.ends = [s.j for s in ordered]
        self._near: dict[int, bool] = {}

    def inside(self, lo: int, hi: int) -> int:
        """How many spans lie within tokens [lo, hi)."""
        return max(0, bisect.bisect_right(self.ends, hi) - bisect.bisect_left(self.starts, lo))

    def near(self, span: Span, within: int = 2) -> bool:
        """Does a span end or start within `within` tokens of `span`?"""
        key = id(span)
        if key not in self._near:
            k = bisect.bisect_left(self.starts, span.j - within)
            found = k < len(self.starts) and self.starts[k] <= span.j + within
            k = bisect.bisect_left(self.ends, span.i - within)
            found = found or (k < len(self.ends) and self.ends[k] <= span.i + within)
            self._near[key] = found
        return self._near[key]


def _b(n: int) -> str:
    return str(n) if n <= 3 else ("4-8" if n <= 8 else ("9-20" if n <= 20 else "21+"))


def pair_features(doc, layout: Layout, claim: Span, other: Span, claims: SpanIndex,
                  cues: SpanIndex, sources: SpanIndex, rank: int, rules_links: set) -> list[str]:
    toks = doc.tokens
    before = other.j <= claim.i
    lo, hi = (other.j, claim.i) if before else (claim.j, other.i)
    gap = max(0, hi - lo)
    d = "L" if before else "R"
    ds = abs(layout.sent[claim.i] - layout.sent[other.i])
    dp = abs(layout.para[claim.i] - layout.para[other.i])
    lab = other.label[:2]
    f = [lab, f"{lab}d={d}{_b(gap)}", f"{lab}s={d}{min(ds, 3)}", f"{lab}p={d}{min(dp, 2)}",
         f"{lab}rk={d}{min(rank, 3)}"]
    if gap >= 0 and hi >= lo:
        marks = layout.marks[hi] - layout.marks[lo]
        commas = layout.commas[hi] - layout.commas[lo]
        f.append(f"{lab}qm={min(marks, 3)}")
        f.append(f"{lab}cm={min(commas, 3)}{d}")
        if gap <= 4:
            f.append(f"{lab}gap=" + d + "|".join(toks[k].low for k in range(lo, hi)))
    f.append(f"{lab}bc={min(claims.inside(lo, hi), 2)}")
    same = sources if other.label == "SOURCE" else cues
    f.append(f"{lab}bs={min(same.inside(lo, hi), 2)}")
    first, last = toks[other.i].low, toks[other.j - 1].low
    f.append(f"{lab}w0={first}")
    f.append(f"{lab}w1={last}")
    if other.label == "SOURCE":
        if first in SUBJECT_PRONOUNS and other.j - other.i == 1:
            f.append("pron")
        f.append("srcue=" + str(cues.near(other)))
        f.append(f"cuebetween={cues.inside(lo, hi) > 0}{d}")
    else:
        f.append("cw=" + " ".join(toks[k].low for k in range(other.i, other.j)))
        f.append("cusrc=" + str(sources.near(other)))
    f.append("cq=" + toks[claim.i].mark + "|" + toks[claim.j - 1].mark)
    if (claim.start, claim.end, other.start, other.end) in rules_links:
        f.append(f"{lab}rules")
    return f


def rules_link_set(doc, rules) -> set:
    """(claim start, end, other start, end) for each link of the rules tagger, widened to
    the tokens it touches so that a learned span overlapping a rules span still matches."""
    if rules is None:
        return set()
    by_key = {s.key: s for s in rules.spans}
    links = set()
    for a in rules.attributions:
        for role in (a.source, a.cue):
            if role is None:
                continue
            other = by_key[role]
            for key in a.claims:
                claim = by_key[key]
                links.add((claim.start, claim.end, other.start, other.end))
    return links


def widen_rules_links(links: set, claims: list[Span], others: list[Span]) -> set:
    """The pairs of (learned) spans that overlap a rules link's two spans."""
    out = set()
    for cs, ce, os_, oe in links:
        for c in claims:
            if c.start < ce and cs < c.end:
                for o in others:
                    if o.start < oe and os_ < o.end:
                        out.add((c.start, c.end, o.start, o.end))
    return out


def candidates(layout: Layout, claim: Span, others: list[Span]) -> list[tuple[Span, int]]:
    """The spans near a claim, each with its rank by distance on its side of the claim."""
    near = []
    p = layout.para[claim.i]
    for o in others:
        dp = layout.para[o.i] - p
        if -MAX_PARAGRAPHS_BEFORE <= dp <= MAX_PARAGRAPHS_AFTER:
            dist = claim.i - o.j if o.j <= claim.i else o.i - claim.j
            if o.i < claim.j and claim.i < o.j:
                continue                        # overlapping: not a link
            if dist <= MAX_TOKENS:
                near.append((dist, o.j <= claim.i, o))
    ranked = []
    for side in (True, False):
        nearest_first = sorted((n for n in near if n[1] == side), key=lambda n: n[0])
        ranked.extend((o, rank) for rank, (_, _, o) in enumerate(nearest_first))
    return ranked


class Linker:
    """Candidate links of one document's spans, and their features. The cue is chosen
    first; a source candidate's features then include where it lies from that cue."""

    def __init__(self, doc, claims: list[Span], sources: list[Span], cues: list[Span],
                 rules_links: set, layout: Layout | None = None):
        self.doc, self.layout = doc, layout or Layout(doc)
        self.claims, self.sources, self.cues = claims, sources, cues
        self.index = {"CLAIM": SpanIndex(claims), "SOURCE": SpanIndex(sources),
                      "CUE": SpanIndex(cues)}
        self.rules_links = rules_links
        self.rules = widen_rules_links(rules_links, claims, sources + cues)

    def rows(self, claim: Span, label: str, cue: Span | None = None) -> list[tuple[Span, list]]:
        others = self.sources if label == "SOURCE" else self.cues
        out = []
        for o, rank in candidates(self.layout, claim, others):
            f = pair_features(self.doc, self.layout, claim, o, self.index["CLAIM"],
                              self.index["CUE"], self.index["SOURCE"], rank, self.rules)
            if label == "SOURCE":
                f.extend(self.to_cue(o, cue))
            out.append((o, f))
        return out

    def to_cue(self, source: Span, cue: Span | None) -> list[str]:
        if cue is None:
            return ["sc=none"]
        before = source.j <= cue.i
        gap = cue.i - source.j if before else source.i - cue.j
        if gap < 0:
            return ["sc=overlap"]
        side = "B" if before else "A"
        f = [f"sc={side}{_b(gap)}",
             f"scs={self.layout.sent[source.i] == self.layout.sent[cue.i]}"]
        if gap <= 3:
            lo, hi = (source.j, cue.i) if before else (cue.j, source.i)
            f.append(f"scg={side}" + "|".join(self.doc.tokens[k].low for k in range(lo, hi)))
        return f


def choose(model: LinearModel, rows) -> tuple[Span | None, float]:
    """The most probable candidate if its probability is at least THRESHOLD."""
    best, best_p = None, THRESHOLD
    for other, feats in rows:
        p = model.probability(feats)
        if p >= best_p:
            best, best_p = other, p
    return best, (best_p if best is not None else 1.0 - best_p)


class LinearModel:
    """A logistic regression's weights by feature name (features are binary)."""

    def __init__(self, weights: dict[str, float], bias: float):
        self.weights, self.bias = weights, bias

    def probability(self, features: list[str]) -> float:
        w = self.weights
        z = self.bias + sum(w.get(f, 0.0) for f in features)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> dict:
        return {"bias": self.bias, "weights": self.weights}

    @classmethod
    def from_json(cls, data: dict) -> LinearModel:
        return cls({str(k): float(v) for k, v in data["weights"].items()}, float(data["bias"]))


def fit(rows: list[list[str]], ys: list[int], seed: int, c: float = 1.0) -> LinearModel:
    """Fit a logistic regression (scikit-learn, imported here: tagging does not need it)."""
    # Training only (seconds to import): tagging and the web process never load scikit-learn.
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform([{f: 1 for f in r} for r in rows])
    if len(set(ys)) < 2:
        return LinearModel({}, 10.0 if ys and ys[0] else -10.0)
    model = LogisticRegression(C=c, solver="lbfgs", random_state=seed, max_iter=1000)
    model.fit(x, ys)
    names = vectorizer.get_feature_names_out()
    weights = {str(n): round(float(w), 5) for n, w in zip(names, model.coef_[0]) if abs(w) > 1e-6}
    return LinearModel(weights, round(float(model.intercept_[0]), 5))


def decide(linker: Linker, source_model: LinearModel, cue_model: LinearModel,
           find_extra=None):
    """Attributions as (claims, source or None, cue or None, confidence).

    `find_extra(paragraphs)` gives extra source candidates (sources.py) in those
    paragraphs, which the claims there left without a source may take."""
    chosen = []
    for claim in linker.claims:
        cue, pc = choose(cue_model, linker.rows(claim, "CUE"))
        source, ps = choose(source_model, linker.rows(claim, "SOURCE", cue))
        chosen.append((claim, (source, ps), (cue, pc)))
    lonely = [n for n, (_, (source, _), _) in enumerate(chosen) if source is None]
    extra = find_extra({linker.layout.para[chosen[n][0].i] for n in lonely}) \
        if lonely and find_extra is not None else []
    if extra:
        fallback = Linker(linker.doc, linker.claims, linker.sources + extra, linker.cues,
                          linker.rules_links, linker.layout)
        fresh = {id(s) for s in extra}
        for n in lonely:
            claim, _, (cue, pc) = chosen[n]
            source, ps = choose(source_model, [row for row in fallback.rows(
                claim, "SOURCE", cue) if id(row[0]) in fresh])
            if source is not None:          # an extra source is as sure as its link
                source.confidence = round(min(source.confidence, ps), 3)
                chosen[n] = (claim, (source, ps), (cue, pc))
    groups: dict = {}
    order = []
    for claim, (source, ps), (cue, pc) in chosen:
        key = ("s", id(source)) if source is not None else (("c", id(cue)) if cue is not None
                                                             else ("n", id(claim)))
        if key not in groups:
            groups[key] = {"claims": [], "source": source, "cues": {}, "conf": []}
            order.append(key)
        g = groups[key]
        g["claims"].append(claim)
        if cue is not None:
            g["cues"][id(cue)] = max(g["cues"].get(id(cue), (0, cue))[0], pc), cue
        g["conf"].append(claim.confidence * (ps if source is not None else 1.0))
    out = []
    for key in order:
        g = groups[key]
        cue = max(g["cues"].values(), key=lambda v: v[0])[1] if g["cues"] else None
        out.append((sorted(g["claims"], key=lambda c: c.start), g["source"], cue,
                    round(sum(g["conf"]) / len(g["conf"]), 3)))
    return out
