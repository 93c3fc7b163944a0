"""Spans as tags of tokens, and back: BILOU (Begin, Inside, Last, Outside, Unit).

A span of one token is U-LABEL; a longer one is B-LABEL, I-LABEL ..., L-LABEL.
BILOU marks both ends of a span, so the CRF learns where claims end (at the
closing quotation mark, before ", he said") as well as where they begin; with
BIO only the start was marked (measured on the news dev set: overlap CLAIM
+0.6 points, exact +0.2). Decoding is lenient: a span ends at L-/U-, at O, at
a tag of another label and before a B-/U-; an I- or L- after O starts one.
"""
from __future__ import annotations

from .links import Span

PREFIXES = ("B-", "I-", "L-", "U-")


def tags_of(n_tokens: int, paragraphs: list[tuple[int, int]], token_spans) -> list[list[str]]:
    """Gold tags per paragraph token, from (label, i, j) token ranges that never overlap
    (a later span that overlaps an earlier one is left out)."""
    tags = ["O"] * n_tokens
    for label, i, j in sorted(token_spans, key=lambda s: (s[1], s[2])):
        if j <= i or any(tags[k] != "O" for k in range(i, j)):
            continue
        if j - i == 1:
            tags[i] = "U-" + label
            continue
        tags[i] = "B-" + label
        for k in range(i + 1, j - 1):
            tags[k] = "I-" + label
        tags[j - 1] = "L-" + label
    return [tags[lo:hi] for lo, hi in paragraphs]


def spans_of(doc, lo: int, tags: list[str], crf=None) -> list[Span]:
    """Spans from one paragraph's tags (its first token is doc.tokens[lo]); with the CRF
    (a pycrfsuite.Tagger that tagged the paragraph) the confidence of a span is the mean
    marginal probability of its tags, else 1."""
    out: list[Span] = []
    current = None                               # (label, first index)

    def close(end: int) -> None:
        name, a = current
        if crf is not None:
            probs = [crf.marginal(tags[m], m) for m in range(a, end)]
            confidence = round(sum(probs) / len(probs), 3)
        else:
            confidence = 1.0
        first, last = doc.tokens[lo + a], doc.tokens[lo + end - 1]
        out.append(Span(name, first.start, last.end, lo + a, lo + end, confidence))

    for k, tag in enumerate(tags):
        prefix, label = tag[:2], tag[2:] or None
        if current is not None and (label != current[0] or prefix in ("B-", "U-")):
            close(k)
            current = None
        if label is None:
            continue
        if current is None:
            current = (label, k)
        if prefix in ("L-", "U-"):
            close(k + 1)
            current = None
    if current is not None:
        close(len(tags))
    return out
