"""The plain data every format reads and writes: documents, spans, attributions.

Ids are strings local to one document ("T1", "A1"): attributions refer to
spans by them. `provenance` is a free dict (annotators, reviewer, origin,
tagger, tagger_version, confidence, review_state, created_at, updated_at):
formats that can hold it carry it, the others leave it out.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

DEFAULT_ROLES = {"claim": "CLAIM", "source": "SOURCE", "cue": "CUE"}
# The kinds of source entity (models.EntityType; tests/formats keep the two equal).
ENTITY_TYPES = ("person", "organisation", "anonymous", "document", "group", "other")
ENTITY_NAME_LENGTH = 300   # models.SourceEntity.name's max_length
ENTITY_MAX_ALIASES = 50


def entity_name(value: str) -> str:
    """A source entity's name (or alias) as stored: one line, runs of spaces as one."""
    return " ".join(value.split())


def entity_name_problem(name: str) -> str | None:
    """What is wrong with a name made by entity_name, or None. The one rule of what an
    entity may be called: the API (services/entities.py) and imports (check.py) ask it."""
    if not name:
        return "must not be empty."
    if len(name) > ENTITY_NAME_LENGTH:
        return f"is {len(name)} characters long; at most {ENTITY_NAME_LENGTH}."
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in name):
        return "holds a control character or a lone surrogate."
    return None


def entity_aliases(values: list[str], name: str) -> list[str]:
    """Aliases as stored: made by entity_name, each once, not the name itself."""
    return [a for a in dict.fromkeys(entity_name(v) for v in values) if a and a != name]


@dataclass
class EntityRecord:
    """A source entity a document's SOURCE spans mention (ids local to the document: "E1")."""
    id: str
    name: str
    type: str = "person"
    aliases: list[str] = field(default_factory=list)


@dataclass
class SpanRecord:
    id: str
    label: str
    start: int
    end: int
    text: str | None = None          # text[start:end]; checked on import when given
    provenance: dict = field(default_factory=dict)
    entity: str | None = None        # the id of one of the document's EntityRecords


@dataclass
class AttributionRecord:
    id: str
    claims: list[str]                # span ids of the claim's fragments, in order
    source: str | None = None
    cue: str | None = None
    attributes: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)
    # Second-hand claims (X said that Y claimed Z): the id of the document's attribution
    # whose claim holds all of this one's spans (annotator/nesting.py), or None.
    parent: str | None = None
    # The claim said in other places of the export too (the approved layer's near-duplicate
    # groups): "G1", "G2", ... numbered in the export's order; None: said once. Derived
    # data, written and not read back.
    claim_group: str | None = None


@dataclass
class DocumentRecord:
    text: str
    title: str = ""
    id: str | int | None = None      # the exporting project's id, or the file's own
    source_url: str = ""
    metadata: dict = field(default_factory=dict)
    spans: list[SpanRecord] = field(default_factory=list)
    attributions: list[AttributionRecord] = field(default_factory=list)
    entities: list[EntityRecord] = field(default_factory=list)
    # What the offsets count: "codepoints" (ours, brat's), or "unknown" for files of tools
    # whose browser page may have counted UTF-16 units (formats/units.py decides).
    offset_units: str = "codepoints"
    # Set when spans carry provenance["annotators"] = [the one annotator whose layer
    # they are] and each annotator should get a layer of their own (Label Studio).
    layered: bool = False
    # Non-fatal remarks of the reader and the check, for the import report.
    notes: list[str] = field(default_factory=list)
    # What `normalize` changed (check.py), for the import report; empty when nothing.
    normalized: dict = field(default_factory=dict)

    def span_map(self) -> dict[str, SpanRecord]:
        return {span.id: span for span in self.spans}


@dataclass
class Entry:
    """One item a reader found: a document, or the reasons it could not be read.

    `where` names the place in the input ("data.jsonl:3", "doc-1.ann:7").
    """
    where: str
    document: DocumentRecord | None = None
    errors: list[str] = field(default_factory=list)


def label_key(document: DocumentRecord) -> tuple[frozenset, frozenset]:
    """What "the same labels" means for round trips: spans by label and offsets, and
    attributions by the offsets of their claim fragments, source and cue, attributes,
    and the claim of their parent (second-hand claims).

    Ids and provenance are left out: they differ between projects by design.
    """
    spans = document.span_map()

    def where(span_id):
        if span_id is None:
            return None
        span = spans[span_id]
        return (span.label, span.start, span.end)

    span_keys = frozenset((s.label, s.start, s.end) for s in document.spans)
    claims_of = {a.id: tuple(where(c) for c in a.claims) for a in document.attributions}
    attribution_keys = frozenset(
        (tuple(where(c) for c in a.claims), where(a.source), where(a.cue),
         tuple(sorted(a.attributes.items())), claims_of.get(a.parent))
        for a in document.attributions)
    return span_keys, attribution_keys
