"""The one code path from a tagger to stored or written suggestions.

`pretag_text` runs a tagger and checks what it returned; the Celery job and
the `pretag_jsonl` command both call it, so a tagger bug is caught the same
way everywhere. `result_to_record` gives the JSON Lines shape of
`pretag_jsonl` (also the shape of the gold files in tests/gold/).
"""
from __future__ import annotations

from annotator.nesting import nesting_problem, would_cycle

from .base import LABELS, TaggedAttribution, TaggedSpan, Tagger, TagResult


class PretagOutputError(ValueError):
    """A tagger returned something unusable. The message says what and where."""


def pretag_text(tagger: Tagger, text: str) -> TagResult:
    """Tag `text` and return the checked, de-duplicated result (PretagOutputError if unusable)."""
    return result_check(text, tagger.tag(text))


def result_check(text: str, result: TagResult) -> TagResult:
    """Check a tagger's result against its text and return a clean copy.

    Offsets must lie in the text with start < end, labels must be CLAIM, SOURCE
    or CUE, keys must be unique, and every attribution needs at least one
    claim, all of whose keys exist. Whitespace at a span's edges is trimmed
    (spans never include it). Identical spans (same label and offsets) become
    one, and identical attributions too. Spans come back in text order. An attribution's
    `parent` is the index of another whose claim holds all its spans, with no loop
    (annotator/nesting.py), renumbered for the attributions kept.
    """
    canonical: dict[tuple[str, int, int], TaggedSpan] = {}
    key_map: dict[str, str] = {}
    for index, span in enumerate(result.spans):
        where = f"spans[{index}] ({span.key!r})"
        if span.label not in LABELS:
            raise PretagOutputError(f"{where}: label {span.label!r} is not one of {LABELS}.")
        if not (isinstance(span.start, int) and isinstance(span.end, int)) \
                or isinstance(span.start, bool) or isinstance(span.end, bool):
            raise PretagOutputError(f"{where}: offsets must be integers.")
        if not 0 <= span.start < span.end <= len(text):
            raise PretagOutputError(f"{where}: [{span.start}, {span.end}) is not a non-empty "
                                    f"range inside the text ({len(text)} code points).")
        if span.key in key_map:
            raise PretagOutputError(f"{where}: the key is used twice.")
        start, end = _trim(text, span.start, span.end)
        if start >= end:
            raise PretagOutputError(f"{where}: covers only whitespace.")
        identity = (span.label, start, end)
        if identity not in canonical:
            canonical[identity] = TaggedSpan(span.key, span.label, start, end, span.confidence)
        else:
            kept = canonical[identity]
            if (span.confidence or 0) > (kept.confidence or 0):
                canonical[identity] = TaggedSpan(kept.key, kept.label, start, end,
                                                 span.confidence)
        key_map[span.key] = canonical[identity].key

    labels = {span.key: span.label for span in canonical.values()}
    starts = {span.key: span.start for span in canonical.values()}
    attributions, seen = [], {}
    kept_as: dict[int, int] = {}   # the result's index → the index of the one kept
    for index, attribution in enumerate(result.attributions):
        where = f"attributions[{index}]"
        if not attribution.claims:
            raise PretagOutputError(f"{where}: needs at least one claim.")
        for role, keys in (("claims", attribution.claims), ("source", [attribution.source]),
                           ("cue", [attribution.cue])):
            for key in keys:
                if key is not None and key not in key_map:
                    raise PretagOutputError(f"{where}.{role}: {key!r} is not a span key.")
        claims = sorted(dict.fromkeys(key_map[k] for k in attribution.claims), key=starts.get)
        source = key_map.get(attribution.source) if attribution.source else None
        cue = key_map.get(attribution.cue) if attribution.cue else None
        for role, keys, label in (("claims", claims, "CLAIM"), ("source", [source], "SOURCE"),
                                  ("cue", [cue], "CUE")):
            for key in keys:
                if key is not None and labels[key] != label:
                    raise PretagOutputError(f"{where}.{role}: span {key!r} is a {labels[key]}, "
                                            f"not a {label}.")
        identity = (tuple(claims), source, cue)
        if identity in seen:
            kept_as[index] = seen[identity]
            continue
        seen[identity] = kept_as[index] = len(attributions)
        attributions.append(TaggedAttribution(claims=claims, source=source, cue=cue,
                                              confidence=attribution.confidence,
                                              attributes=dict(attribution.attributes)))
    _parents_check(result, attributions, kept_as,
                   {s.key: (s.start, s.end) for s in canonical.values()})
    spans = sorted(canonical.values(), key=lambda s: (s.start, s.end, LABELS.index(s.label)))
    return TagResult(spans=spans, attributions=attributions)


def _parents_check(result: TagResult, kept: list[TaggedAttribution], kept_as: dict[int, int],
                   offsets: dict[str, tuple[int, int]]) -> None:
    """Each kept attribution's parent, as an index of `kept`, checked (PretagOutputError)."""
    parents: dict[int, int | None] = {}
    for index, attribution in enumerate(result.attributions):
        parent = getattr(attribution, "parent", None)
        if parent is None:
            continue
        where = f"attributions[{index}].parent"
        if isinstance(parent, bool) or not isinstance(parent, int) \
                or parent not in kept_as:
            raise PretagOutputError(f"{where}: {parent!r} is not the index of an attribution.")
        child, mother = kept_as[index], kept_as[parent]
        if child == mother:
            raise PretagOutputError(f"{where}: an attribution cannot be its own parent.")
        spans = [offsets[k] for k in (*kept[child].claims, kept[child].source,
                                      kept[child].cue) if k is not None]
        problem = nesting_problem([offsets[k] for k in kept[mother].claims], spans)
        if problem:
            raise PretagOutputError(f"{where}: {problem}")
        if would_cycle(parents, child, mother):
            raise PretagOutputError(f"{where}: the parents loop.")
        parents[child] = kept[child].parent = mother


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def result_to_record(doc_id, text: str, result: TagResult) -> dict:
    """The `pretag_jsonl` line for one document.

    {"id", "text", "spans": [{"id", "start", "end", "label", "text"}],
     "relations": [{"source", "cue", "claim"}]}: one relation per claim
    fragment, so a split quote gives two relations with the same source and
    cue; they share the same "attribution" number. Spans get ids T1, T2, ...
    in text order. "confidence" and "attributes" are extra keys that readers
    may ignore, and so is "parent" (only on a second-hand attribution's relations:
    the "attribution" number of the one whose claim holds it).
    """
    ids = {span.key: f"T{number}" for number, span in enumerate(result.spans, start=1)}
    spans = [{"id": ids[s.key], "start": s.start, "end": s.end, "label": s.label,
              "text": text[s.start:s.end], "confidence": s.confidence} for s in result.spans]
    relations = []
    for number, attribution in enumerate(result.attributions, start=1):
        for claim in attribution.claims:
            relations.append({
                "source": ids[attribution.source] if attribution.source else None,
                "cue": ids[attribution.cue] if attribution.cue else None,
                "claim": ids[claim], "attribution": number,
                "confidence": attribution.confidence, "attributes": attribution.attributes,
                **({"parent": attribution.parent + 1} if attribution.parent is not None
                   else {})})
    return {"id": doc_id, "text": text, "spans": spans, "relations": relations}
