"""The second CRF's features: the first CRF's reading of the paragraph, sentence by sentence.

The first CRF sees a window of a few tokens; whether a claim lies here depends
on the whole sentence (does it have a cue, a source, and where are they) and
its neighbours. The second CRF gets every first-pass feature plus the first
CRF's tags nearby, its probability of each label for the token, what its
sentence and the sentences either side hold, and how far the nearest cue and
source it found lie, on which side and whether in the same sentence. On the
training documents the first-pass tags come from models trained on the other
half of them (two folds), so the second CRF learns from the first's real
mistakes, not from its recall of its own training data.
"""
from __future__ import annotations

LABELS = ("CLAIM", "SOURCE", "CUE")
FOLDS = 2


def first_pass(crf, xseq) -> tuple[list[str], list[tuple[float, float, float]]]:
    """The first CRF's tags of a paragraph and, per token, its probability of each label."""
    crf.set(xseq)
    tags = crf.tag()
    names = [n for n in crf.labels() if n != "O"]
    by_label = [[n for n in names if n[2:] == label] for label in LABELS]
    probs = []
    for k in range(len(tags)):
        row = []
        for group in by_label:
            p = sum(crf.marginal(n, k) for n in group)
            row.append(p if p == p else 0.0)          # NaN (never seen) counts as 0
        probs.append(tuple(row))
    return tags, probs


def _b(n: int) -> str:
    return str(n) if n <= 2 else ("3-5" if n <= 5 else ("6-10" if n <= 10 else
                                                         ("11-20" if n <= 20 else "21+")))


def second_features(doc, lo: int, hi: int, xseq: list[list[str]], tags: list[str],
                    probs: list[tuple[float, float, float]]) -> list[list[str]]:
    toks = doc.tokens
    n = hi - lo
    label = [t[2:] or "O" for t in tags]
    sent, s = [0] * n, 0
    for k in range(n):
        sent[k] = s
        if toks[lo + k].text in (".", "!", "?"):
            s += 1
    holds = [[0, 0, 0] for _ in range(s + 1)]
    for k in range(n):
        if label[k] != "O":
            holds[sent[k]][LABELS.index(label[k])] = 1
    holds_s = ["".join(map(str, h)) for h in holds]
    at = {name: [k for k in range(n) if label[k] == name] for name in ("CUE", "SOURCE")}
    out = []
    for k in range(n):
        f = list(xseq[k])
        f.append("p1=" + tags[k])
        for d in (-2, -1, 1, 2):
            j = k + d
            f.append(f"p1{d}=" + (tags[j] if 0 <= j < n else "E"))
        f.append("p1w=" + tags[k] + "|" + toks[lo + k].low)
        for name, p in zip(("mc", "ms", "mu"), probs[k]):
            f.append(f"{name}={min(int(p * 5), 4)}")
        f.append("shas=" + holds_s[sent[k]])
        if sent[k] > 0:
            f.append("phas=" + holds_s[sent[k] - 1])
        if sent[k] < s:
            f.append("nhas=" + holds_s[sent[k] + 1])
        for name, where in (("cu", at["CUE"]), ("sr", at["SOURCE"])):
            left = next((c for c in reversed(where) if c < k), None)
            right = next((c for c in where if c > k), None)
            if left is not None:
                f.append(f"{name}L={_b(k - left)}{'s' if sent[left] == sent[k] else 'o'}")
            if right is not None:
                f.append(f"{name}R={_b(right - k)}{'s' if sent[right] == sent[k] else 'o'}")
        out.append(f)
    return out
