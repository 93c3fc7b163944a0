"""Token features for the learned tagger's sequence model (one sequence per paragraph).

A document becomes a `Doc`: its tokens (annotator.pretag.segment), cut into
paragraphs, each token with the features a CRF reads: the word and its shape,
a window of neighbours, where it sits in its sentence and paragraph, the
quotation state (straight, curly and doubled-apostrophe quotes, with depth and
the distance to the nearest mark), reporting-verb cues near it, the class of
the attribution predicates (predicates.py) it and its neighbours belong to and
where it lies from the nearest cue candidate of its sentence, and the rules
tagger's own reading of the text (which label and rule it gave the token).
"""
from __future__ import annotations

import bisect
import re

from ..lexicon import (ANONYMOUS_HEADS, DOCUMENT_HEADS, MULTIWORD_FIRST, ORGANISATION_WORDS,
                       PERSON_TITLES, SUBJECT_PRONOUNS, VERB_FORMS)
from ..segment import text_of
from .encoding import tags_of
from .predicates import PREDICATES, cue_context

OPEN_MARKS = {"\u201c", "\u00ab", "\u201e", "``", "\u2018"}
CLOSE_MARKS = {"\u201d", "\u00bb", "\u2019"}
_PARAGRAPH_RE = re.compile(r"\n\s*\n|\n")
_CUE_WORDS = {"according", "told", "said", "says", "say", "saying"}
_NOUN_CLASSES = (("anon", ANONYMOUS_HEADS), ("doc", DOCUMENT_HEADS),
                 ("org", ORGANISATION_WORDS), ("title", PERSON_TITLES))


class Tok:
    __slots__ = ("start", "end", "text", "low", "mark")

    def __init__(self, start: int, end: int, text: str, low: str, mark: str):
        self.start, self.end, self.text, self.low, self.mark = start, end, text, low, mark


def _shape(word: str) -> str:
    if word.isalpha():
        if word.isupper():
            return "AA" if len(word) > 1 else "A"
        return "Aa" if word[0].isupper() else "a"
    if word.isdigit():
        return "9"
    if any(c.isalpha() for c in word):
        return "Aa-" if word[0].isupper() else "a-"
    if any(c.isdigit() for c in word):
        return "9-"
    return word if len(word) == 1 else "p"


def _bucket(n: int) -> str:
    if n <= 3:
        return str(n)
    if n <= 6:
        return "4-6"
    if n <= 12:
        return "7-12"
    if n <= 25:
        return "13-25"
    return "26+"


def tokens_of(text: str) -> list[Tok]:
    """The segmenter's tokens, with two apostrophes in a row ('') or two backticks made one
    quotation mark token, and each mark's kind: "q" straight, "o" opening, "c" closing."""
    raw = text_of(text).tokens
    out: list[Tok] = []
    i = 0
    while i < len(raw):
        t = raw[i]
        if t.text in ("'", "`") and i + 1 < len(raw) and raw[i + 1].text == t.text \
                and raw[i + 1].start == t.end:
            out.append(Tok(t.start, raw[i + 1].end, t.text * 2, t.text * 2,
                           "o" if t.text == "`" else "q"))
            i += 2
            continue
        mark = ""
        if t.text == '"':
            mark = "q"
        elif t.text in OPEN_MARKS and t.text != "\u2018":
            mark = "o"
        elif t.text in CLOSE_MARKS and t.text != "\u2019":
            mark = "c"
        out.append(Tok(t.start, t.end, t.text, t.low, mark))
        i += 1
    return out


def paragraphs(text: str, tokens: list[Tok]) -> list[tuple[int, int]]:
    """Token index ranges [i, j) of the paragraphs (cut at line breaks)."""
    starts = [t.start for t in tokens]
    bounds = [0]
    for m in _PARAGRAPH_RE.finditer(text):
        k = bisect.bisect_left(starts, m.end())
        if k > bounds[-1]:
            bounds.append(k)
    if bounds[-1] != len(tokens):
        bounds.append(len(tokens))
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def quote_states(tokens: list[Tok], lo: int, hi: int,
                 carried: bool) -> tuple[list[tuple[int, str]], int]:
    """(depth, role) per token of a paragraph, and the depth at its end. Straight marks and '' toggle; curly ones open
    and close; a paragraph that opens with a mark while the previous one was left open
    continues that quote (the news convention). Role: "open", "close" or "" for a word."""
    depth = 1 if carried and tokens[lo].mark in ("q", "o") else 0
    states = []
    for k in range(lo, hi):
        mark = tokens[k].mark
        if mark == "o" or (mark == "q" and depth == 0):
            role = "open" if not (k == lo and depth == 1) else "reopen"
            depth = 1 if depth == 0 or role == "reopen" else depth + 1
            states.append((depth, role))
        elif mark == "c" or mark == "q":
            states.append((depth, "close"))
            depth = max(0, depth - 1)
        else:
            states.append((depth, ""))
    return states, depth


def is_cue_word(low: str) -> str:
    hit = VERB_FORMS.get(low)
    if hit is not None:
        verb, form = hit
        return ("belief-" if verb.belief else "say-") + form
    if low in _CUE_WORDS or low in MULTIWORD_FIRST:
        return "phrase"
    return ""


class Doc:
    """A text's tokens, paragraphs and per-token features (a list of strings per token)."""

    def __init__(self, text: str, rules=None, lexicon: dict | None = None,
                 classes: dict | None = None, tokens: list[Tok] | None = None):
        self.text = text
        self.tokens = tokens if tokens is not None else tokens_of(text)
        self.classes = classes or {}         # class_features(clusters)
        self.paragraphs = paragraphs(text, self.tokens)
        self.rules = rules
        self.lexicon = lexicon or {}
        self.starts = [t.start for t in self.tokens]

    def token_range(self, start: int, end: int) -> tuple[int, int]:
        i = bisect.bisect_left(self.starts, start)
        j = bisect.bisect_left(self.starts, end)
        return i, j

    def rules_marks(self) -> list[str]:
        """Per token, the rules tagger's label for it ("B-CLAIM", "I-SOURCE", "" ...) with the
        quote type of its attribution for claims."""
        marks = [""] * len(self.tokens)
        if self.rules is None:
            return marks
        direct = {}
        for a in self.rules.attributions:
            for key in a.claims:
                direct[key] = a.attributes.get("quote_type", "")
        for span in self.rules.spans:
            i, j = self.token_range(span.start, span.end)
            extra = direct.get(span.key, "")
            for k in range(i, j):
                if not marks[k]:
                    marks[k] = ("B-" if k == i else "I-") + span.label + extra[:3]
        return marks

    def features(self) -> list[list[list[str]]]:
        """Features per token, one list per paragraph."""
        toks = self.tokens
        lows = [t.low for t in toks]
        shapes = [_shape(t.text) for t in toks]
        lexicon = self.lexicon
        learned = [lexicon.get(w) for w in lows]
        classes = [self.classes.get(w) for w in lows]
        # a word the training data often labels CUE counts as a cue, like the lexicon's, and
        # so does a predicate of the hand-written lexicon (predicates.py), by its class
        preds = [PREDICATES.get(w, "") for w in lows]
        cues = [is_cue_word(w) or ("learned" if lx and lx[0] >= 2 else "")
                or ("p" + p[:p.index("-")] if p else "") for w, lx, p in zip(lows, learned, preds)]
        rules = self.rules_marks()
        sentence_end = [t.text in (".", "!", "?") for t in toks]
        out = []
        carried = False
        edges = _EDGES
        for p_index, (lo, hi) in enumerate(self.paragraphs):
            states, depth_end = quote_states(toks, lo, hi, carried)
            carried = depth_end > 0
            marks = [k for k in range(lo, hi) if toks[k].mark]
            cue_at = [k for k in range(lo, hi) if cues[k]]
            n_marks = len(marks)
            para = []
            sent_pos = 0
            para_bucket = "p" + _bucket(min(p_index, 4))
            para_open = "po=" + (toks[lo].mark or "-")
            sentence_of = _sentence_info(toks, lo, hi, cues, states)
            # each token as its neighbours see it, at each offset (made once per token)
            seen_as = {d: [_as_neighbour(d, lows[j], shapes[j], rules[j], cues[j], preds[j])
                           for j in range(lo, hi)] for d in (-2, -1, 1, 2)}
            outside = [states[k - lo][0] == 0 for k in range(lo, hi)]
            context = cue_context(cues[lo:hi], lows[lo:hi],
                                  [end and out for end, out in zip(sentence_end[lo:hi], outside)],
                                  outside, _bucket)
            for k in range(lo, hi):
                w, shape, cue = lows[k], shapes[k], cues[k]
                depth, role = states[k - lo]
                f = ["b", "w=" + w, "s=" + shape, "suf=" + w[-3:], "pre=" + w[:3],
                     "q=" + str(min(depth, 2)) + role, para_bucket, para_open,
                     "sp=" + _bucket(sent_pos)]
                f.extend(sentence_of[k - lo])
                if cue:
                    f.append("cue=" + cue)
                if preds[k]:
                    f.append("pc=" + preds[k])
                f.extend(context[k - lo])
                lx = learned[k]
                if lx:
                    f.extend((f"lxc={lx[0]}", f"lxs={lx[1]}", f"lxk={lx[2]}"))
                else:
                    f.append("lx=-")
                if w in SUBJECT_PRONOUNS:
                    f.append("pron")
                for name, words in _NOUN_CLASSES:
                    if w in words:
                        f.append("nc=" + name)
                if rules[k]:
                    f.append("r=" + rules[k])
                    f.append("rl=" + rules[k][2:7])
                else:
                    f.append("r=O")
                # the nearest quotation marks before and after, and how many in the paragraph
                m = bisect.bisect_left(marks, k)
                before = k - marks[m - 1] if m > 0 else None
                after_index = m + 1 if m < n_marks and marks[m] == k else m
                after = marks[after_index] - k if after_index < n_marks else None
                f.append("qb=" + (_bucket(before) if before is not None else "-"))
                f.append("qa=" + (_bucket(after) if after is not None else "-"))
                f.append("qn=" + ("odd" if n_marks % 2 else "even") + str(min(n_marks, 4)))
                # reporting-verb cues at a distance
                c = bisect.bisect_left(cue_at, k)
                left = k - cue_at[c - 1] if c > 0 else None
                right_index = c + 1 if c < len(cue_at) and cue_at[c] == k else c
                right = cue_at[right_index] - k if right_index < len(cue_at) else None
                f.append("cl=" + (_bucket(left) if left is not None else "-"))
                f.append("cr=" + (_bucket(right) if right is not None else "-"))
                if left is not None:
                    f.append("clw=" + lows[cue_at[c - 1]] if left <= 3 else "clw=far")
                if right is not None and right <= 3:
                    f.append("crw=" + lows[cue_at[right_index]])
                for d in (-2, -1, 1, 2):
                    j = k + d
                    f.extend(seen_as[d][j - lo] if lo <= j < hi else edges[d])
                # the word classes learned from the training text (words.build_clusters)
                for d in (-1, 0, 1):
                    j = k + d
                    if lo <= j < hi and classes[j]:
                        f.extend(classes[j][d + 1])
                if k - 1 >= lo:
                    f.append("bg-=" + lows[k - 1] + "|" + w)
                if k + 1 < hi:
                    f.append("bg+=" + w + "|" + lows[k + 1])
                para.append(f)
                sent_pos = 0 if sentence_end[k] else sent_pos + 1
            out.append(para)
        return out


_EDGES = {d: [f"{d}edge"] for d in (-2, -1, 1, 2)}


def _as_neighbour(d: int, low: str, shape: str, rule: str, cue: str, pred: str) -> list[str]:
    f = [f"{d}w={low}", f"{d}s={shape}"]
    if pred:
        f.append(f"{d}pc={pred}")
    if rule:
        f.append(f"{d}r={rule}")
    if cue:
        f.append(f"{d}cue")
    return f


def class_features(clusters: dict[str, list[int]]) -> dict[str, tuple[list[str], ...]]:
    """Per word of words.build_clusters' classes, its class features as the word before,
    the word itself and the word after a token: made once per model, not per token."""
    return {w: tuple([f"c{n}{d}={c}" for n, c in enumerate(ids)] for d in (-1, 0, 1))
            for w, ids in clusters.items()}


def _sentence_info(toks: list[Tok], lo: int, hi: int, cues: list[str],
                   states: list[tuple[int, str]]) -> list[list[str]]:
    """Per token of a paragraph, features of its sentence (cut at . ! ? outside quotes):
    whether it has a cue (and of which kind) and a quotation, where the token lies with
    respect to the sentence's first cue outside quotes, and whether a "that" follows that
    cue before the token."""
    out: list[list[str]] = []
    a = lo
    while a < hi:
        b = a
        while b < hi:
            b += 1
            if toks[b - 1].text in (".", "!", "?") and states[b - 1 - lo][0] == 0:
                break
        first_cue = next((k for k in range(a, b) if cues[k] and states[k - lo][0] == 0), None)
        has_quote = any(toks[k].mark for k in range(a, b))
        base = ["sq=" + str(has_quote)]
        that_at = None
        if first_cue is not None:
            base.append("scue=" + cues[first_cue])
            for k in range(first_cue + 1, min(b, first_cue + 4)):
                if toks[k].low == "that":
                    that_at = k
                    break
        else:
            base.append("scue=-")
        for k in range(a, b):
            f = list(base)
            if first_cue is not None:
                rel = "at" if k == first_cue else ("before" if k < first_cue else "after")
                f.append("rel=" + rel + str(has_quote))
                if that_at is not None and k > that_at:
                    f.append("afterthat")
            out.append(f)
        a = b
    return out


def build_lexicon(tokens_and_spans, min_count: int = 3) -> dict[str, list[int]]:
    """{word: [cue, source, claim level]} from training documents, given as (tokens_of(text),
    spans): how often the word lies in a CUE, a SOURCE or a CLAIM span, as a level 0-4
    (smoothed towards 0), for words seen at least `min_count` times and at least once in
    some span."""
    seen: dict[str, list[int]] = {}
    for tokens, spans in tokens_and_spans:
        starts = [t.start for t in tokens]
        inside = [None] * len(tokens)
        for span in spans:
            i = bisect.bisect_left(starts, span["start"])
            j = bisect.bisect_left(starts, span["end"])
            for k in range(i, j):
                inside[k] = span["label"]
        for t, label in zip(tokens, inside):
            row = seen.setdefault(t.low, [0, 0, 0, 0])
            row[0] += 1
            if label is not None:
                row[1 + ("CUE", "SOURCE", "CLAIM").index(label)] += 1
    lexicon = {}
    for word, (n, cue, source, claim) in seen.items():
        if n >= min_count and (cue or source or claim):
            levels = [min(4, int(5 * c / (n + 5))) for c in (cue, source, claim)]
            if any(levels[:2]) or levels[2] >= 3:
                lexicon[word] = levels
    return lexicon


def gold_tags(doc: Doc, spans: list[dict]) -> list[list[str]]:
    """Gold BILOU tags per paragraph token (encoding.tags_of), from spans {label, start, end}."""
    return tags_of(len(doc.tokens), doc.paragraphs,
                   [(s["label"], *doc.token_range(s["start"], s["end"])) for s in spans])
