"""An import's options, its report, and the refusal that carries it."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from annotator import text as text_mod
from annotator.formats import units


MODES = ("labels", "suggestions")
LAYERS = ("annotators", "mine")
OFFSETS = units.READINGS
NORMALIZATIONS = text_mod.NORMALIZATIONS
MAX_ERRORS = 1000
WRITE_BATCH = 200
IMPORT_TAGGER = "import"
SNIFF_BYTES = 1 << 20


@dataclass
class ImportOptions:
    mode: str = "labels"
    normalize: frozenset = frozenset()
    offsets: str = "auto"
    keep_review_state: bool = False
    approve_labels: bool = False
    layers: str = "annotators"
    annotator_map: dict = field(default_factory=dict)   # name in the file -> username


@dataclass
class ImportReport:
    format: str
    mode: str
    file: str
    documents: int = 0        # documents read from the file
    created: int = 0          # documents stored
    duplicates: int = 0       # skipped: the same text is in the project or earlier in the file
    spans: int = 0
    attributions: int = 0
    suggestions: int = 0      # spans and attributions stored as suggestions (predictions)
    entities_created: int = 0  # source entities the project did not have (by name)
    errors: list[dict] = field(default_factory=list)   # {"where": "x.jsonl:3", "reason": "…"}
    more_errors: int = 0
    notes: list[dict] = field(default_factory=list)    # {"where", "note"}: repairs, omissions
    more_notes: int = 0
    normalized: list[dict] = field(default_factory=list)  # {"where", line_ends, nfc, …}
    review_states_dropped: dict = field(default_factory=dict)  # {"approved": n, "rejected": m}
    layers: dict = field(default_factory=dict)         # username -> spans written there
    options: dict = field(default_factory=dict)

    def add_error(self, where: str, reason: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"where": where, "reason": reason})
        else:
            self.more_errors += 1

    def add_note(self, where: str, note: str) -> None:
        if len(self.notes) < MAX_ERRORS:
            self.notes.append({"where": where, "note": note})
        else:
            self.more_notes += 1

    def as_dict(self) -> dict:
        return {"format": self.format, "mode": self.mode, "file": self.file,
                "documents": self.documents, "created": self.created,
                "duplicates": self.duplicates, "spans": self.spans,
                "attributions": self.attributions, "suggestions": self.suggestions,
                "entities_created": self.entities_created, "errors": self.errors, "more_errors": self.more_errors, "notes": self.notes,
                "more_notes": self.more_notes, "normalized": self.normalized,
                "review_states_dropped": self.review_states_dropped, "layers": self.layers,
                "options": self.options}


class ImportRefused(Exception):
    """The file has problems: nothing was written. `report.errors` lists them all."""

    def __init__(self, report: ImportReport):
        count = len(report.errors) + report.more_errors
        super().__init__(f"{count} problem(s) in {report.file}: nothing was imported.")
        self.report = report


def parse_annotator_map(value: str) -> dict[str, str]:
    """"7=alice, ann@example.org=bob" → {"7": "alice", "ann@example.org": "bob"}."""
    mapping = {}
    for part in (value or "").split(","):
        if not part.strip():
            continue
        name, sep, username = part.partition("=")
        if not sep or not name.strip() or not username.strip():
            raise ValidationError({"annotator_map": f"{part.strip()!r} is not NAME=USERNAME "
                                                    "(e.g. 7=alice,ann@example.org=bob)."})
        mapping[name.strip()] = username.strip()
    return mapping


def _options(*, mode: str, normalize, offsets: str, keep_review_state: bool, layers: str,
             annotator_map, approve_labels: bool = False) -> ImportOptions:
    if mode not in MODES:
        raise ValidationError({"mode": f"must be one of {', '.join(MODES)}."})
    if isinstance(normalize, str):
        normalize = [normalize]
    wanted = frozenset(normalize or ())
    if not wanted <= set(NORMALIZATIONS):
        raise ValidationError({"normalize": f"must be among {', '.join(NORMALIZATIONS)}."})
    if offsets not in OFFSETS:
        raise ValidationError({"offsets": f"must be one of {', '.join(OFFSETS)}."})
    if layers not in LAYERS:
        raise ValidationError({"layers": f"must be one of {', '.join(LAYERS)}."})
    if keep_review_state and mode == "suggestions":
        raise ValidationError({"keep_review_state": "applies to mode=labels: suggestions are "
                                                    "not reviewed."})
    if approve_labels and mode == "suggestions":
        raise ValidationError({"approve_labels": "applies to mode=labels: suggestions are "
                                                 "not approved."})
    return ImportOptions(mode=mode, normalize=wanted, offsets=offsets,
                         keep_review_state=bool(keep_review_state),
                         approve_labels=bool(approve_labels), layers=layers,
                         annotator_map=dict(annotator_map or {}))
