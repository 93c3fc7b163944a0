"""A second look for sources: a small CRF that tags SOURCE spans knowing where the cues are.

The span CRF often finds a cue and its claim but not who holds it ("The mayor
of the town, back from a trip abroad, warned that ..."): a token's features
tell it little about a cue several words on. This CRF reads each paragraph
that holds a cue with the other spans' roles as features: the token's role
(in a claim, in a cue or neither) and its neighbours', how far the nearest cue
lies on either side and its word, whether a comma or a claim lies between,
and the word, its shape, its word classes and its neighbours', its training
lexicon levels, the pronoun, noun and predicate classes. It learns from the
gold claims and cues of the training documents and tags with the predicted
ones. Its sources that overlap no predicted source or cue are candidates for a
claim the link classifier left without a source (links.decide's `find_extra`,
which runs this CRF only on those claims' paragraphs), and are kept only where
one is linked (`keep_linked`): a source is only worth proposing with the claim
it speaks for. Besides the CRF's best reading, a run of words it gives at least
LIKELY (0.15) of being a SOURCE is a candidate too (1.6.0): where the reading
says "no source" for a claim's paragraph the link classifier still sees the
likeliest words, and takes them only if their link is likely (on the news dev
set +0.3 points of source->claim and +0.1 of SOURCE).
"""
from __future__ import annotations

from ..lexicon import SUBJECT_PRONOUNS
from .encoding import spans_of, tags_of
from .features import _NOUN_CLASSES, _shape
from .links import Span
from .predicates import PREDICATES

ROLES = {"CLAIM": "C", "CUE": "V"}
LIKELY = 0.15           # a run of tokens this likely a SOURCE is a candidate too (1.6.0)
_SOURCE_TAGS = ("B-SOURCE", "I-SOURCE", "L-SOURCE", "U-SOURCE")
_COMMAS = {",", ";", ":", "(", ")", "\u2014", "--"}


def _b(n: int) -> str:
    return str(n) if n <= 3 else ("4-6" if n <= 6 else ("7-12" if n <= 12 else "13+"))


def roles_of(n_tokens: int, spans) -> list[str]:
    """Per token "C" (in a claim), "V" (in a cue) or "" from (label, i, j) token ranges."""
    roles = [""] * n_tokens
    for label, i, j in spans:
        role = ROLES.get(label)
        if role:
            for k in range(i, j):
                roles[k] = role
    return roles


def features(doc, lo: int, hi: int, roles: list[str]) -> list[list[str]]:
    """The source CRF's features for tokens [lo, hi) of one paragraph."""
    toks, classes, lexicon = doc.tokens, doc.classes, doc.lexicon
    n = hi - lo
    # the nearest cue token to the left and to the right, and whether a comma or a
    # claim lies between the token and it
    left, right = [None] * n, [None] * n
    last, broken = None, False
    for k in range(n):
        if roles[lo + k] == "V":
            last, broken = k, False
        elif last is not None:
            left[k] = (k - last, broken)
            broken = broken or toks[lo + k].text in _COMMAS or roles[lo + k] == "C"
    last, broken = None, False
    for k in range(n - 1, -1, -1):
        if roles[lo + k] == "V":
            last, broken = k, False
        elif last is not None:
            right[k] = (last - k, broken)
            broken = broken or toks[lo + k].text in _COMMAS or roles[lo + k] == "C"
    out = []
    for k in range(n):
        t = toks[lo + k]
        role = roles[lo + k] or "O"
        f = ["b", "w=" + t.low, "s=" + _shape(t.text), "r=" + role]
        lx = lexicon.get(t.low)
        if lx:
            f.extend((f"lxc={lx[0]}", f"lxs={lx[1]}"))
        if t.low in SUBJECT_PRONOUNS:
            f.append("pron")
        if t.low in PREDICATES:
            f.append("pc=" + PREDICATES[t.low])
        for name, words in _NOUN_CLASSES:
            if t.low in words:
                f.append("nc=" + name)
        for d in (-2, -1, 1, 2):
            j = lo + k + d
            if lo <= j < hi:
                f.append(f"r{d}=" + (roles[j] or "O"))
                if d in (-1, 1):
                    f.append(f"w{d}=" + toks[j].low)
                    f.append(f"s{d}=" + _shape(toks[j].text))
                    near = classes.get(toks[j].low)
                    if near:
                        f.extend(near[d + 1])
            else:
                f.append(f"r{d}=E")
        word_classes = classes.get(t.low)
        if word_classes:
            f.extend(word_classes[1])
        if right[k] is not None:
            d, broken = right[k]
            f.append(f"vr={_b(d)}{'b' if broken else ''}")
            f.append("vrw=" + toks[lo + k + d].low)
        if left[k] is not None:
            d, broken = left[k]
            f.append(f"vl={_b(d)}{'b' if broken else ''}")
            f.append("vlw=" + toks[lo + k - d].low)
        out.append(f)
    return out


def training_sequences(doc, spans: list[dict]):
    """(features, tags) of each paragraph of a training document that holds a gold cue."""
    ranges = [(s["label"], *doc.token_range(s["start"], s["end"])) for s in spans]
    roles = roles_of(len(doc.tokens), ranges)
    tags = tags_of(len(doc.tokens), doc.paragraphs, [r for r in ranges if r[0] == "SOURCE"])
    for (lo, hi), yseq in zip(doc.paragraphs, tags):
        if "V" in roles[lo:hi]:
            yield features(doc, lo, hi, roles), yseq


def extra_sources(doc, crf, spans: list[Span], paragraphs=None) -> list[Span]:
    """Sources the source CRF finds in the paragraphs (numbers; all if None) that hold a
    predicted cue, overlapping no predicted source or cue."""
    roles = roles_of(len(doc.tokens), [(s.label, s.i, s.j) for s in spans])
    taken = [False] * len(doc.tokens)
    for s in spans:
        if s.label != "CLAIM":
            for k in range(s.i, s.j):
                taken[k] = True
    out = []
    for p, (lo, hi) in enumerate(doc.paragraphs):
        if (paragraphs is not None and p not in paragraphs) or "V" not in roles[lo:hi]:
            continue
        crf.set(features(doc, lo, hi, roles))
        found = [s for s in spans_of(doc, lo, crf.tag()) if s.label == "SOURCE"]
        found.extend(likely_sources(doc, lo, hi, crf, found, roles))
        for s in found:
            if not any(taken[s.i:s.j]):
                out.append(s)
    return out


def likely_sources(doc, lo: int, hi: int, crf, found: list[Span], roles) -> list[Span]:
    """Runs of tokens of one paragraph (the source CRF has tagged it) outside claims, cues
    and the best reading's sources whose SOURCE probability (the sum of the marginals of
    B-, I-, L- and U-SOURCE) is at least LIKELY, with that mean as their confidence."""
    inside = [False] * (hi - lo)
    for s in found:
        for k in range(s.i - lo, s.j - lo):
            inside[k] = True
    known = set(crf.labels())           # a model of little data may lack some tags
    tags = [t for t in _SOURCE_TAGS if t in known]
    out, run = [], None
    for k in range(hi - lo + 1):
        p = 0.0
        if tags and k < hi - lo and not inside[k] and roles[lo + k] == "":
            p = sum(crf.marginal(t, k) for t in tags)
        if p >= LIKELY:
            if run is None:
                run = (k, [])
            run[1].append(p)
        elif run is not None:
            a, probs = run
            b = a + len(probs)
            out.append(Span("SOURCE", doc.tokens[lo + a].start, doc.tokens[lo + b - 1].end,
                            lo + a, lo + b, round(sum(probs) / len(probs), 3)))
            run = None
    return out


def keep_linked(extra: list[Span], attributions) -> list[Span]:
    """The extra sources that some attribution (decide's tuples) has as its source."""
    used = {id(a[1]) for a in attributions if a[1] is not None}
    return [s for s in extra if id(s) in used]
