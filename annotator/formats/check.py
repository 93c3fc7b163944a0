"""Checking a document read from a file against a project, before anything is stored.

Pure: the project's label names, role labels and attribute choices come in as
plain data. Returns the document as it will be stored, and every problem found,
each naming the field ("spans[3].end: ..."), so that an import can list them all.

The text is kept exactly as the file has it, and so are the offsets, with two
exceptions the importer asks for or the file shows:

- offsets a tool counted in UTF-16 units or grapheme clusters
  (formats/units.py) become code points, with a note per span moved
  (`document.notes`);
- `normalize` (NFC and/or LF line ends) rewrites the text and moves the
  offsets with it (textmap.OffsetMap); `document.normalized` says what changed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from annotator import text as text_mod
from annotator.formats import units
from annotator.formats.records import (DEFAULT_ROLES, ENTITY_MAX_ALIASES, ENTITY_TYPES,
                                       AttributionRecord, DocumentRecord, SpanRecord,
                                       entity_name, entity_name_problem)
from annotator.formats.nesting import parents_check
from annotator.formats.textmap import OffsetMap

MAX_TITLE = 500


@dataclass
class Rules:
    labels: set[str]
    roles: dict = field(default_factory=lambda: dict(DEFAULT_ROLES))
    # attribute name -> its choices (attributions only)
    attributes: dict[str, list[str]] = field(default_factory=dict)
    max_text: int = 5_000_000
    normalize: frozenset = frozenset()     # of text.NORMALIZATIONS: "nfc", "lf"
    offsets: str = "auto"                  # units.READINGS: auto, codepoints, utf16


def _int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_document(document: DocumentRecord, rules: Rules) -> tuple[DocumentRecord, list[str]]:
    errors: list[str] = []
    raw = document.text
    if not isinstance(raw, str) or not raw.strip():
        return document, ["text: is empty."]
    if "\x00" in raw:
        errors.append("text: contains a NUL character.")
    if len(raw) > rules.max_text:
        errors.append(f"text: is longer than {rules.max_text} code points ({len(raw)}).")
    if errors:
        return document, errors
    title = (document.title or "").strip()
    if len(title) > MAX_TITLE:
        errors.append(f"title: is longer than {MAX_TITLE} characters.")
    notes = list(document.notes)
    file_spans, problems = _code_points(document, rules, notes)
    if problems:
        return document, errors + problems
    nfc, lf = "nfc" in rules.normalize, "lf" in rules.normalize
    offsets = OffsetMap(raw, nfc=nfc, lf=lf)
    text = offsets.text
    spans: list[SpanRecord] = []
    seen_ids: dict[str, int] = {}
    moved = 0
    for index, span in enumerate(file_spans):
        where = f"spans[{index}]"
        problems = _check_span(span, raw, text, offsets, rules)
        if span.id in seen_ids:
            problems.append(f"id: {span.id!r} is also the id of spans[{seen_ids[span.id]}].")
        seen_ids.setdefault(span.id, index)
        errors += [f"{where}.{p}" for p in problems]
        if not problems:
            start, end = offsets(span.start), offsets(span.end)
            moved += (start, end) != (span.start, span.end)
            spans.append(SpanRecord(id=span.id, label=span.label, start=start, end=end,
                                    text=text[start:end], provenance=span.provenance,
                                    entity=span.entity))
    by_id = {span.id: span for span in spans}
    known = set(seen_ids)
    for index, attribution in enumerate(document.attributions):
        errors += [f"attributions[{index}].{p}"
                   for p in _check_attribution(attribution, by_id, known, rules)]
    errors += parents_check(document.attributions, by_id, layered=document.layered)
    errors += _check_entities(document, rules)
    changes = offsets.changes() if text != raw else {}
    if changes:
        changes["spans_moved"] = moved
    return DocumentRecord(text=text, title=title, id=document.id, source_url=document.source_url,
                          metadata=document.metadata, spans=spans,
                          attributions=list(document.attributions), layered=document.layered,
                          notes=notes, normalized=changes,
                          entities=list(document.entities)), errors


def _check_entities(document: DocumentRecord, rules: Rules) -> list[str]:
    """Source entities as the project stores them (the names by records.entity_name_problem,
    as the API checks them), a known type; only source spans mention one."""
    problems = []
    for index, entity in enumerate(document.entities):
        where = f"entities[{index}]"
        problem = entity_name_problem(entity_name(entity.name))
        if problem:
            problems.append(f"{where}.name: {problem}")
        if entity.type not in ENTITY_TYPES:
            problems.append(f"{where}.type: {entity.type!r} is not one of "
                            f"{', '.join(ENTITY_TYPES)}.")
        if len(entity.aliases) > ENTITY_MAX_ALIASES:
            problems.append(f"{where}.aliases: has {len(entity.aliases)} names; at most "
                            f"{ENTITY_MAX_ALIASES}.")
        for n, alias in enumerate(entity.aliases):
            problem = entity_name_problem(entity_name(alias))
            if problem and entity_name(alias):  # an empty alias is dropped, not refused
                problems.append(f"{where}.aliases[{n}]: {problem}")
    source = rules.roles.get("source", "SOURCE")
    for index, span in enumerate(document.spans):
        if span.entity is not None and span.label != source:
            problems.append(f"spans[{index}].entity: only {source} spans mention a source "
                            f"entity; this is a {span.label} span.")
    return problems


def _code_points(document: DocumentRecord, rules: Rules,
                 notes: list[str]) -> tuple[list[SpanRecord], list[str]]:
    """The file's spans with offsets in code points: as they are, or converted from UTF-16
    units or grapheme clusters when the importer says so or the file shows it
    (formats/units.py)."""
    raw = document.text
    if rules.offsets != "auto":
        reading = units.Reading(rules.offsets, f"the import says offsets={rules.offsets}")
    elif document.offset_units == "unknown":
        reading = units.detect(raw, [(s.start, s.end, s.text) for s in document.spans])
    else:
        return document.spans, []
    if reading.units in (units.AMBIGUOUS, units.NEITHER):
        span = document.spans[reading.span]
        readings = []
        for name in (units.CODEPOINTS, units.UTF16, units.GRAPHEMES):
            to_cp = units.mapper(raw, name)
            a, b = to_cp(span.start), to_cp(span.end)
            readings.append(f"{raw[a:b]!r} as {units.WORDS[name]}" if a is not None and
                            b is not None else f"nothing whole as {units.WORDS[name]}")
        return [], [f"spans[{reading.span}]: offsets [{span.start}, {span.end}) give "
                    f"{', '.join(readings)}; {reading.reason}. doccano's annotation page counts "
                    "UTF-16 units after an emoji, or grapheme clusters when its project counts "
                    "them as one character: import it again with the option offsets=utf16, "
                    "offsets=graphemes or offsets=codepoints."]
    if reading.units == units.CODEPOINTS:
        return document.spans, []
    as_cp = units.mapper(raw, reading.units)
    what = units.WORDS[reading.units]
    converted, problems, moved = [], [], 0
    for index, span in enumerate(document.spans):
        if not (_int(span.start) and _int(span.end)):
            converted.append(span)   # the span check names the problem
            continue
        start, end = as_cp(span.start), as_cp(span.end)
        if start is None or end is None:
            split = " or splits a surrogate pair (half an emoji)" \
                if reading.units == units.UTF16 else ""
            problems.append(f"spans[{index}].start: [{span.start}, {span.end}) read as {what} "
                            f"ends past the text ({as_cp.length} {what}){split}; it cannot be "
                            "kept.")
            continue
        if (start, end) != (span.start, span.end):
            moved += 1
            notes.append(f"spans[{index}] {span.label} [{span.start}, {span.end}) counted "
                         f"{what}: stored at code points [{start}, {end}) "
                         f"{raw[start:end]!r}.")
        converted.append(SpanRecord(id=span.id, label=span.label, start=start, end=end,
                                    text=span.text, provenance=span.provenance,
                                    entity=span.entity))
    if moved:
        notes.insert(len(document.notes), f"offsets read as {what} ({reading.reason}); "
                                          f"{moved} span(s) moved to code points.")
    return converted, problems


def _check_span(span: SpanRecord, raw: str, text: str, offsets: OffsetMap,
                rules: Rules) -> list[str]:
    if span.label not in rules.labels:
        return [f"label: {span.label!r} is not a label of this project "
                f"({', '.join(sorted(rules.labels))})."]
    if not _int(span.start) or not _int(span.end):
        return ["start: start and end must be integers."]
    if span.start < 0:
        return [f"start: must be 0 or more, got {span.start}."]
    if span.end <= span.start:
        return [f"end: must be greater than start ({span.start}), got {span.end}."]
    if span.end > len(raw):
        return [f"end: is past the end of the text ({len(raw)} code points), got {span.end}."]
    start, end = offsets(span.start), offsets(span.end)
    if start is None or end is None:
        return ["start: a boundary falls inside a character that Unicode normalisation (NFC) "
                "composes; the span cannot be kept exactly (import without normalize=nfc)."]
    if end <= start:
        return ["end: the span is empty once line endings are normalised."]
    if span.text is not None:
        if not isinstance(span.text, str):
            return ["text: must be a string."]
        quote = text_mod.normalize(span.text, nfc="nfc" in rules.normalize,
                                   lf="lf" in rules.normalize)
        if quote != text[start:end]:
            return [f"text: does not match the document at [{span.start}, {span.end}): "
                    f"expected {raw[span.start:span.end]!r}, got {span.text!r}."]
    return []


def _check_attribution(attribution: AttributionRecord, spans: dict[str, SpanRecord],
                       known: set[str], rules: Rules) -> list[str]:
    problems = []
    if not attribution.claims:
        return ["claims: needs at least one claim span."]
    if len(set(attribution.claims)) != len(attribution.claims):
        problems.append("claims: lists a span twice.")
    roles = rules.roles
    for role, ids in (("claims", attribution.claims), ("source", [attribution.source]),
                      ("cue", [attribution.cue])):
        label = roles["claim" if role == "claims" else role]
        for span_id in ids:
            if span_id is None:
                continue
            if span_id not in known:
                problems.append(f"{role}: {span_id!r} is not the id of a span of this "
                                "document.")
            elif span_id in spans and spans[span_id].label != label:
                problems.append(f"{role}: span {span_id!r} is a {spans[span_id].label}, "
                                f"not a {label}.")
    for role in ("source", "cue"):
        if getattr(attribution, role) is not None and getattr(attribution, role) in \
                attribution.claims:
            problems.append(f"{role}: is one of the claims.")
    if attribution.source is not None and attribution.source == attribution.cue:
        problems.append("cue: cannot be the same span as the source.")
    if not isinstance(attribution.attributes, dict):
        problems.append("attributes: must be an object of name: value.")
        return problems
    for name, value in attribution.attributes.items():
        if name not in rules.attributes:
            problems.append(f"attributes: {name!r} is not an attribute of this project "
                            f"({', '.join(rules.attributes) or 'none'}).")
        elif value is not None and value not in rules.attributes[name]:
            problems.append(f"attributes: {name}={value!r} is not one of "
                            f"{', '.join(rules.attributes[name])}.")
    return problems
