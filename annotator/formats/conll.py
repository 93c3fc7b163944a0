"""CoNLL-style BIO: one token per line, one tag column per label. Lossy, and says so.

    # global.columns = TOKEN START END CLAIM SOURCE CUE
    # document_id = 7
    # text_sha256 = 3f…
    “	0	1	O	O	O
    The	1	4	B-CLAIM	O	O
    deal	5	9	I-CLAIM	O	O
    …

Tokens are words and single punctuation marks, further split at every span
boundary, so every span starts and ends on a token. START and END are code
point offsets into the text, half-open. A blank line separates sentences
(at line breaks no span crosses) and documents.

What BIO cannot hold goes to the loss report (one JSON object per item, see
`LOSS_REASONS`), never silently: two spans of one label that overlap (one tag
per token and column; the earlier, longer one is kept), a span that covers
no token (only spaces), a span whose ends are spaces (kept as its tokens'
extent), and the links: attributions, their attributes, and provenance.
"""
from __future__ import annotations

import bisect
import re
from typing import Callable, Iterable, Iterator

from annotator import text as text_mod
from annotator.formats.records import DocumentRecord, SpanRecord

TOKEN = re.compile(r"\w+(?:['’-]\w+)*|[^\w\s]", re.UNICODE)

LOSS_REASONS = {
    "overlap": "overlaps a span of the same label kept before it (one tag per token)",
    "duplicate": "has the same label and offsets as a span kept before it",
    "no_token": "covers no token (only white space)",
    "trimmed": "starts or ends with white space: BIO keeps its tokens' extent",
    "attributions": "CoNLL BIO holds no links: attributions, their attributes and the "
                    "provenance of labels are not in this file",
}


def tokenize(text: str, boundaries: Iterable[int] = ()) -> list[tuple[int, int]]:
    """Word and punctuation tokens, split again at each boundary inside one."""
    cuts = sorted(set(boundaries))
    tokens = []
    for match in TOKEN.finditer(text):
        start, end = match.span()
        lo, hi = bisect.bisect_right(cuts, start), bisect.bisect_left(cuts, end)
        for cut in cuts[lo:hi]:
            tokens.append((start, cut))
            start = cut
        tokens.append((start, end))
    return tokens


def _tag_column(spans: list[SpanRecord], tokens: list[tuple[int, int]], starts: dict,
                lost: Callable[[dict], None], document_id) -> list[str]:
    tags = ["O"] * len(tokens)
    last_end, kept = -1, {}
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.id)):
        item = {"document": document_id, "kind": "span", "span": span.id,
                "label": span.label, "start": span.start, "end": span.end}
        if (span.start, span.end) in kept:
            lost({**item, "reason": "duplicate", "kept": kept[(span.start, span.end)]})
            continue
        if span.start < last_end:
            lost({**item, "reason": "overlap"})
            continue
        index = starts.get(span.start)
        if index is None:  # the span starts in white space: its first token after start
            index = next((i for i, (s, _) in enumerate(tokens) if s >= span.start), None)
        covered = []
        while index is not None and index < len(tokens) and tokens[index][1] <= span.end:
            covered.append(index)
            index += 1
        if not covered:
            lost({**item, "reason": "no_token"})
            continue
        first, last = tokens[covered[0]][0], tokens[covered[-1]][1]
        if (first, last) != (span.start, span.end):
            lost({**item, "reason": "trimmed", "kept_start": first, "kept_end": last})
        tags[covered[0]] = f"B-{span.label}"
        for i in covered[1:]:
            tags[i] = f"I-{span.label}"
        last_end = span.end
        kept[(span.start, span.end)] = span.id
    return tags


def header(labels: list[str]) -> str:
    return f"# global.columns = TOKEN START END {' '.join(labels)}\n"


def write(documents: Iterable[DocumentRecord], labels: list[str],
          lost: Callable[[dict], None] = lambda item: None) -> Iterator[str]:
    """Lines of the whole file; `lost(item)` is called for each thing BIO cannot hold."""
    yield header(labels)
    for document in documents:
        yield from write_document(document, labels, lost)


def write_document(document: DocumentRecord, labels: list[str],
                   lost: Callable[[dict], None]) -> Iterator[str]:
    text = document.text
    boundaries = [o for s in document.spans for o in (s.start, s.end)]
    tokens = tokenize(text, boundaries)
    starts = {start: i for i, (start, _) in enumerate(tokens)}
    by_label = {label: [] for label in labels}
    for span in document.spans:
        by_label.setdefault(span.label, []).append(span)
    columns = [_tag_column(by_label[label], tokens, starts, lost, document.id)
               for label in labels]
    if document.attributions:
        lost({"document": document.id, "kind": "attributions",
              "count": len(document.attributions), "reason": "attributions"})
    yield "\n"
    yield f"# document_id = {document.id}\n"
    yield f"# text_sha256 = {text_mod.sha256(text)}\n"
    # Sentence breaks at line breaks that no span crosses.
    crossing = sorted((s.start, s.end) for s in document.spans)
    previous_end = None
    for i, (start, end) in enumerate(tokens):
        if previous_end is not None and "\n" in text[previous_end:start] and not any(
                s < start and e > previous_end for s, e in crossing):
            yield "\n"
        tags = "\t".join(column[i] for column in columns)
        yield f"{text[start:end]}\t{start}\t{end}\t{tags}\n"
        previous_end = end


# --- Reading (ours: the tests read with an independent reader too) -----------------------

def read(lines: Iterable[str]) -> Iterator[dict]:
    """Our file → per document {"id", "labels", "tokens": [(text, start, end)], "tags": [[...]]}."""
    labels: list[str] = []
    current = None
    for line in lines:
        line = line.rstrip("\n")
        if line.startswith("# global.columns = "):
            labels = line.split(" = ", 1)[1].split()[3:]
        elif line.startswith("# document_id = "):
            if current:
                yield current
            current = {"id": line.split(" = ", 1)[1], "labels": labels, "tokens": [],
                       "tags": [[] for _ in labels]}
        elif line.startswith("#") or not line.strip():
            continue
        elif current is not None:
            token, start, end, *tags = line.split("\t")
            current["tokens"].append((token, int(start), int(end)))
            for column, tag in zip(current["tags"], tags):
                column.append(tag)
    if current:
        yield current


def spans_from_tags(tokens: list[tuple[str, int, int]], tags: list[str]) -> list[tuple]:
    """(label, start, end) of each B-/I- run."""
    found, open_span = [], None
    for (_, start, end), tag in zip(tokens, tags):
        if tag.startswith("I-") and open_span and open_span[0] == tag[2:]:
            open_span[2] = end
            continue
        if open_span:
            found.append(tuple(open_span))
            open_span = None
        if tag.startswith(("B-", "I-")):
            open_span = [tag[2:], start, end]
    if open_span:
        found.append(tuple(open_span))
    return found
