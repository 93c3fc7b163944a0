"""Importing documents (and their labels) into a project: all or nothing.

    report = import_file(project=p, user=admin, stream=f, file_name="x.jsonl", fmt="jsonl")

Formats (formats/registry.py): "txt" (a .txt, or a zip of them), "jsonl" (ours: text,
optional metadata, spans and attributions), "brat" (a zip of .txt + .ann),
"doccano" (its sequence-labelling JSON Lines, with or without relations),
"labelstudio" (Label Studio's JSON export) and "labelstudio-min" (its
JSON_MIN). JSON Lines and Label Studio files may also come zipped.

The text is stored exactly as the file has it, and so are the offsets
(docs/decisions.md, section 8). Options, all off by default:
- `normalize` ("nfc", "lf"): rewrite the text, move the offsets, and report
  per document what changed (formats/textmap.py);
- `offsets` ("auto", "codepoints", "utf16"): how the file's offsets count;
  "auto" decides per document for tools whose browser page may count UTF-16
  units (doccano, Label Studio: formats/units.py) and reports each span moved;
- `keep_review_state`: keep the file's approvals and rejections, each with a
  ReviewDecision by the importing admin naming the file and the file's
  reviewer; without it labels come in unreviewed and the report counts the
  review states not kept;
- `layers` ("annotators", "mine"): for files with several annotators' layers
  (Label Studio), one layer per annotator, mapped to project members by
  e-mail or username (`annotator_map` for Label Studio user ids), or all of
  them in the importing user's layer.

Two passes over the file. The first sniffs the file (formats/sniff.py: a file
that looks like another tool's export is refused, saying which format to
choose), reads and checks every document and collects *every* problem with
its line; if there is one, ImportRefused carries the report and nothing is
written. The second writes, in one transaction, in batches. Reading twice
keeps memory flat for big files.

A document whose text (as stored) is already in the project, or earlier in
the same file, is skipped and counted: importing a file again adds nothing.
Labels go, in "labels" mode, into the importing user's own layer (or the
annotators' layers, above), keeping from the file the origin, tagger and
confidence; the annotators the file names are kept in the document's
metadata ("imported"). In "suggestions" mode they become suggestions of a
tagger named "import", for annotators to accept or reject. Predictions (Label
Studio) are suggestions in both modes.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import BinaryIO, Callable, Iterator

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from annotator import text as text_mod
from annotator.errors import Conflict
from annotator.formats import registry, sniff, units
from annotator.formats.archive import ArchiveError, SafeZip, is_zip
from annotator.formats.check import Rules, check_document
from annotator.formats.records import DocumentRecord, Entry
from annotator.models import (Attribution, ClaimFragment, Document, Event, LabelStatus,
                              Membership, Origin, Project, ReviewDecision, ReviewState, Span,
                              attribution_dedup_key)
from annotator.services.attributions import role_labels

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
                "errors": self.errors, "more_errors": self.more_errors, "notes": self.notes,
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


def _limits() -> dict:
    return {"file": settings.MAX_UPLOAD_MB * 1024 * 1024,
            "line": settings.IMPORT_MAX_LINE_KB * 1024,
            "unzipped": settings.IMPORT_MAX_UNZIPPED_MB * 1024 * 1024}


def _size(stream: BinaryIO) -> int:
    position = stream.tell()
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(position)
    return size


def _sniffed(stream: BinaryIO) -> str | None:
    """What the file looks like (formats/sniff.py), from its head or its zip's names."""
    stream.seek(0)
    if not is_zip(stream):
        stream.seek(0)
        head = stream.read(SNIFF_BYTES)
        stream.seek(0)
        return sniff.sniff_content(head)
    stream.seek(0)
    with SafeZip(stream, max_bytes=_limits()["unzipped"]) as archive:
        names = archive.names()
        wanted = registry.json_members(names)
        first = None
        if wanted:
            with archive.open(wanted[0]) as handle:
                first = handle.read(SNIFF_BYTES)
    stream.seek(0)
    return sniff.sniff_zip(names, first)


def _entries(stream: BinaryIO, file_name: str, fmt: str, rules: Rules) -> Iterator[Entry]:
    """The file's documents, read from the start (called once per pass) by the format's
    reader (formats/registry.py)."""
    spec = registry.format_get(fmt)
    limits = _limits()
    stream.seek(0)
    zipped = is_zip(stream)
    if not zipped and (spec.zip_only or file_name.lower().endswith(".zip")):
        # Read as text, a fake zip would become a document of junk (or a thousand bad lines).
        head = stream.read(sniff.HEAD_BYTES)
        stream.seek(0)
        what = sniff.describe(head)
        if spec.zip_only:
            raise ArchiveError(f"a {spec.name} import is a zip of {spec.zip_of}; this file is "
                               f"{what}.")
        raise ArchiveError(f"{file_name} is not a zip file: it is {what}.")
    source = registry.ImportSource(name=file_name, stream=stream, max_file=limits["file"],
                                   max_line=limits["line"], roles=rules.roles,
                                   attributes=rules.attributes)
    if not zipped:
        yield from spec.read_file(source)
        return
    if spec.read_zip is None:
        raise ArchiveError(f"{file_name} is a zip file; a {spec.name} import is not.")
    with SafeZip(stream, max_bytes=limits["unzipped"]) as archive:
        yield from spec.read_zip(archive, source)


def _rules(project: Project, options: ImportOptions) -> Rules:
    return Rules(labels=set(project.labels.values_list("name", flat=True)),
                 roles=role_labels(project),
                 attributes={d["name"]: list(d["choices"]) for d in project.attribute_definitions
                             if d.get("applies_to", "attribution") == "attribution"},
                 normalize=options.normalize, offsets=options.offsets)


def _checked(entries: Iterator[Entry], rules: Rules) -> Iterator[tuple[str, DocumentRecord | None,
                                                                       list[str]]]:
    """(where, document as it will be stored or None, problems) for each entry."""
    for entry in entries:
        if entry.errors or entry.document is None:
            yield entry.where, None, entry.errors or ["nothing to read."]
            continue
        document = entry.document
        # Whatever the format, nothing stored may hold a lone surrogate or a NaN (a brat
        # note is JSON, for one): the same check as the API's.
        invalid = text_mod.input_problems(asdict(document))
        if invalid:
            yield entry.where, None, [f"{path}: {reason}" for path, reason in invalid]
            continue
        for attribution in document.attributions:
            attribution.attributes = {k: v for k, v in attribution.attributes.items()
                                      if v is not None}
        checked, problems = check_document(document, rules)
        url = checked.source_url
        if url and (not isinstance(url, str) or len(url) > 2000
                    or not url.startswith(("http://", "https://"))):
            problems.append("source_url: must be an http(s) URL of 2000 characters at most.")
        yield entry.where, (None if problems else checked), problems


def _is_prediction(item) -> bool:
    return bool(item.provenance.get("prediction"))


def _stranger_reason(name: str, places: list[str]) -> str:
    """One error per annotator who is not a member, however many documents they labelled."""
    shown = ", ".join(places[:5]) + (f" and {len(places) - 5} more" if len(places) > 5 else "")
    return (f"the annotator {name!r} is not a member of this project (by e-mail or username; "
            f"labels in {len(places)} document(s): {shown}): add them as members, map them "
            f"(annotator_map={name}=USERNAME; on the project page: Options, Annotator map) or "
            "put every label into your own layer (layers=mine; on the project page: Options, "
            "Annotators, all into my layer).")


def _layer_name(item) -> str | None:
    names = item.provenance.get("annotators")
    return names[0] if isinstance(names, list) and names and isinstance(names[0], str) else None


class _Layers:
    """Whose layer each label of a file goes to: the importing user's, or (for files with
    several annotators' layers, unless layers="mine") the project member the file names."""

    def __init__(self, project: Project, user, options: ImportOptions):
        self.user = user
        self.by_file = options.layers == "annotators"
        members = [m.user for m in Membership.objects.filter(project=project)
                   .select_related("user")]
        by_username = {u.get_username(): u for u in members}
        self.known: dict[str, object] = {}
        for member in members:
            if member.email:
                self.known.setdefault(member.email.lower(), member)
        for username, member in by_username.items():
            self.known.setdefault(username.lower(), member)
        for name, username in options.annotator_map.items():
            if username not in by_username:
                raise ValidationError({"annotator_map": f"{username!r} is not a member of this "
                                                        "project."})
            self.known[name.lower()] = by_username[username]

    def missing(self, document: DocumentRecord) -> list[str]:
        if not (document.layered and self.by_file):
            return []
        names = {_layer_name(item) for item in [*document.spans, *document.attributions]
                 if not _is_prediction(item)}
        return sorted(n for n in names if n is not None and n.lower() not in self.known)

    def owner(self, document: DocumentRecord, item):
        if document.layered and self.by_file:
            name = _layer_name(item)
            if name is not None:
                return self.known[name.lower()]
        return self.user


def _options(*, mode: str, normalize, offsets: str, keep_review_state: bool, layers: str,
             annotator_map) -> ImportOptions:
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
    return ImportOptions(mode=mode, normalize=wanted, offsets=offsets,
                         keep_review_state=bool(keep_review_state), layers=layers,
                         annotator_map=dict(annotator_map or {}))


def import_file(*, project: Project, user, stream: BinaryIO, file_name: str, fmt: str,
                mode: str = "labels", normalize: tuple | list | frozenset = (),
                offsets: str = "auto", keep_review_state: bool = False,
                layers: str = "annotators", annotator_map: dict | None = None,
                progress: Callable[[str, int, int | None], None] | None = None) -> ImportReport:
    """Check the whole file, then store it in one transaction; ImportRefused if any line is bad.

    `progress(phase, done, total)` is called per document: phase "checking", then "writing".
    The options are the module docstring's; `keep_review_state` is for admins (the caller
    checks the role: access.py).
    """
    spec = registry.format_get(fmt)
    if spec is None or not spec.can_import:
        raise ValidationError({"format": f"must be one of {', '.join(registry.import_names())}."})
    options = _options(mode=mode, normalize=normalize, offsets=offsets,
                       keep_review_state=keep_review_state, layers=layers,
                       annotator_map=annotator_map)
    text_mod.check_input(file_name, "file")  # it names documents and their metadata
    report = ImportReport(format=fmt, mode=mode, file=file_name, options={
        "normalize": sorted(options.normalize), "offsets": options.offsets,
        "keep_review_state": options.keep_review_state, "layers": options.layers})
    limit = _limits()["file"]
    if _size(stream) > limit:
        raise ValidationError({"file": f"is larger than the limit of {settings.MAX_UPLOAD_MB} "
                                       "MB."})
    rules = _rules(project, options)
    owners = _Layers(project, user, options)
    seen: set[str] = set()
    strangers: dict[str, list[str]] = {}  # annotators who are not members: where they labelled
    to_create: set[str] = set()
    pending: list[tuple[str, str]] = []   # (where, sha256) to check against the project

    def flush_pending():
        stored = set(Document.objects.filter(
            project=project, text_sha256__in=[digest for _, digest in pending]).values_list(
            "text_sha256", flat=True))
        for _, digest in pending:
            if digest in stored:
                report.duplicates += 1
            else:
                to_create.add(digest)
        pending.clear()

    try:
        refusal = sniff.refusal(fmt, _sniffed(stream), spec.also_reads)
        if refusal:
            report.add_error(file_name, refusal)
            raise ImportRefused(report)
        for where, document, problems in _checked(_entries(stream, file_name, fmt, rules), rules):
            report.documents += 1
            for problem in problems:
                report.add_error(where, problem)
            if document is not None:
                for name in owners.missing(document):
                    strangers.setdefault(name, []).append(where)
                for note in document.notes:
                    report.add_note(where, note)
                if document.layered and not owners.by_file:
                    names = sorted({n for n in map(_layer_name, document.spans) if n})
                    if len(names) > 1:
                        report.add_note(where, f"layers=mine: the labels of {len(names)} "
                                               f"annotators ({', '.join(names)}) go into your "
                                               "own layer; identical ones become one.")
                if document.normalized:
                    report.normalized.append({"where": where, **document.normalized})
                digest = text_mod.sha256(document.text)
                if digest in seen:
                    report.duplicates += 1
                else:
                    seen.add(digest)
                    pending.append((where, digest))
                    if len(pending) >= 500:
                        flush_pending()
            if progress:
                progress("checking", report.documents, None)
    except ArchiveError as exc:
        raise ValidationError({"file": str(exc)}) from None
    for name, places in strangers.items():
        report.add_error(places[0], _stranger_reason(name, places))
    flush_pending()
    if not report.errors and report.documents == 0:
        report.add_error(file_name, "the file holds no document.")
    if report.errors:
        raise ImportRefused(report)
    total = len(to_create)
    file_digest = _digest(stream)
    try:
        with transaction.atomic():
            batch: list[tuple[str, DocumentRecord]] = []
            for where, document, _ in _checked(_entries(stream, file_name, fmt, rules), rules):
                digest = text_mod.sha256(document.text)
                if digest not in to_create:
                    continue
                to_create.discard(digest)  # a repeat later in the file is skipped
                batch.append((where, document))
                if len(batch) >= WRITE_BATCH:
                    _write(project, user, batch, report, options, fmt, file_digest, owners)
                    batch = []
                    if progress:
                        progress("writing", report.created, total)
            if batch:
                _write(project, user, batch, report, options, fmt, file_digest, owners)
            if progress:
                progress("writing", report.created, total)
    except IntegrityError:
        raise Conflict("Another import or request stored some of these documents meanwhile; "
                       "nothing was imported: try again.", code="concurrent_import") from None
    return report


def _digest(stream: BinaryIO) -> str:
    stream.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _span_fields(provenance: dict, keep_review_state: bool = False) -> dict:
    """What of a label's provenance in the file is kept on the stored label.

    The review state only when the importer asks (keep_review_state): an approval needs
    a who, and the file's reviewer is nobody here (docs/decisions.md, section 8)."""
    origin = provenance.get("origin")
    tagger = provenance.get("tagger") or provenance.get("tagger_name") or ""
    version = provenance.get("tagger_version") or ""
    if origin not in Origin.values or (origin == Origin.PRETAG and not tagger):
        origin = Origin.HUMAN
    review_state = provenance.get("review_state")
    if not keep_review_state or review_state not in ReviewState.values:
        review_state = ReviewState.PENDING
    confidence = provenance.get("confidence")
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) \
            or not 0 <= confidence <= 1:
        confidence = None
    return {"origin": origin, "tagger_name": str(tagger)[:100] if origin == Origin.PRETAG else "",
            "tagger_version": str(version)[:50] if origin == Origin.PRETAG else "",
            "review_state": review_state, "confidence": confidence}


def _count_dropped(report: ImportReport, provenance: dict, kept: bool) -> None:
    state = provenance.get("review_state")
    if not kept and state in (ReviewState.APPROVED, ReviewState.REJECTED):
        report.review_states_dropped[state] = report.review_states_dropped.get(state, 0) + 1


def _annotators(document: DocumentRecord) -> list[str]:
    names = set()
    for item in [*document.spans, *document.attributions]:
        for name in item.provenance.get("annotators") or []:
            if isinstance(name, str):
                names.add(name)
        if isinstance(item.provenance.get("annotator"), str):
            names.add(item.provenance["annotator"])
    return sorted(names)


def _write(project: Project, user, batch: list[tuple[str, DocumentRecord]],
           report: ImportReport, options: ImportOptions, fmt: str, file_digest: str,
           owners: _Layers) -> None:
    documents = []
    for where, record in batch:
        metadata = dict(record.metadata)
        imported = {"format": fmt, "file": report.file, "where": where}
        if record.id is not None:
            imported["id"] = record.id  # the document's id in the file (another project's)
        names = _annotators(record)
        if names:
            imported["annotators"] = names
        if record.normalized:
            imported["normalized"] = record.normalized
        metadata["imported"] = imported
        documents.append(Document(project=project, title=(record.title or "").strip()[:500],
                                  text=record.text, length=len(record.text),
                                  text_sha256=text_mod.sha256(record.text),
                                  source_url=record.source_url or "", metadata=metadata))
    stored = Document.objects.bulk_create(documents)  # ids come back on PostgreSQL and SQLite
    report.created += len(stored)
    labels = {label.name: label for label in project.labels.all()}
    if options.mode == "suggestions":
        _write_suggestions(stored, batch, report, fmt, file_digest, predictions_only=False)
    else:
        _write_labels(stored, batch, report, user, labels, owners=owners,
                      keep_review_state=options.keep_review_state)
        _write_suggestions(stored, batch, report, fmt, file_digest, predictions_only=True)
    Event.objects.bulk_create([
        Event(project_id=project.pk, document_id=document.pk, actor=user, action="import",
              target_type="document", target_id=document.pk,
              after={**document.metadata["imported"], "mode": options.mode,
                     "spans": len(record.spans), "attributions": len(record.attributions)})
        for document, (_, record) in zip(stored, batch)])


def _write_labels(stored, batch, report, user, labels, *, owners: _Layers,
                  keep_review_state: bool) -> None:
    span_rows = []
    alias: list[dict[str, int]] = []
    reviewed: list[tuple[str, int, str, dict]] = []  # (kind, row index, where, provenance)
    for index, (document, (where, record)) in enumerate(zip(stored, batch)):
        first_of: dict[tuple, int] = {}
        mapping: dict[str, int] = {}
        for span in record.spans:
            if _is_prediction(span):
                continue
            owner = owners.owner(record, span)
            key = (owner.pk, span.label, span.start, span.end)
            if key not in first_of:  # one label per offsets in one layer (a constraint)
                first_of[key] = len(span_rows)
                fields = _span_fields(span.provenance, keep_review_state)
                _count_dropped(report, span.provenance, keep_review_state)
                if fields["review_state"] != ReviewState.PENDING:
                    reviewed.append(("span", len(span_rows), where, span.provenance))
                span_rows.append(Span(document=document, annotator=owner,
                                      label=labels[span.label], start=span.start, end=span.end,
                                      quote=record.text[span.start:span.end],
                                      status=LabelStatus.ACCEPTED, **fields))
                name = owner.get_username()
                report.layers[name] = report.layers.get(name, 0) + 1
            mapping[span.id] = first_of[key]
        alias.append(mapping)
    created = Span.objects.bulk_create(span_rows)
    report.spans += len(created)
    attribution_rows, fragment_rows = [], []
    reviewed_attributions: list[tuple[str, int, str, dict]] = []
    for index, (document, (where, record)) in enumerate(zip(stored, batch)):
        mapping = alias[index]
        seen = set()
        for attribution in record.attributions:
            if _is_prediction(attribution):
                continue
            owner = owners.owner(record, attribution)
            claims = [created[mapping[c]].pk for c in attribution.claims]
            source = created[mapping[attribution.source]].pk if attribution.source else None
            cue = created[mapping[attribution.cue]].pk if attribution.cue else None
            # One layer holds an attribution once (a constraint): the first in the file wins.
            key = (owner.pk, attribution_dedup_key(claims, source, cue))
            if key in seen:
                continue
            seen.add(key)
            fields = _span_fields(attribution.provenance, keep_review_state)
            _count_dropped(report, attribution.provenance, keep_review_state)
            if fields["review_state"] != ReviewState.PENDING:
                reviewed_attributions.append(("attribution", len(attribution_rows), where,
                                              attribution.provenance))
            attribution_rows.append(Attribution(
                document=document, annotator=owner, claim_id=claims[0], source_id=source,
                cue_id=cue, dedup_key=key[1], attributes=attribution.attributes,
                status=LabelStatus.ACCEPTED, **fields))
            fragment_rows.append(claims[1:])
    made = Attribution.objects.bulk_create(attribution_rows)
    report.attributions += len(made)
    ClaimFragment.objects.bulk_create([
        ClaimFragment(attribution=attribution, span_id=span_id, position=position)
        for attribution, rest in zip(made, fragment_rows)
        for position, span_id in enumerate(rest, start=1)])
    rows = {"span": created, "attribution": made}
    ReviewDecision.objects.bulk_create([
        _kept_review(rows[kind][at], kind, where, provenance, user, report.file)
        for kind, at, where, provenance in [*reviewed, *reviewed_attributions]])


def _kept_review(row, kind: str, where: str, provenance: dict, user, file_name: str
                 ) -> ReviewDecision:
    """The decision that gives a kept approval (or rejection) a who: the importing admin,
    with a note naming the file and the reviewer the file names."""
    reviewer = provenance.get("reviewer")
    if not isinstance(reviewer, str) or not reviewer.strip():
        reviewers = provenance.get("reviewers")
        reviewer = ", ".join(r for r in reviewers if isinstance(r, str)) \
            if isinstance(reviewers, list) else ""
    named = f"the file names {reviewer.strip()!r} as its reviewer" if reviewer.strip() \
        else "the file names no reviewer"
    decision = "approve" if row.review_state == ReviewState.APPROVED else "reject"
    return ReviewDecision(document_id=row.document_id, reviewer=user, decision=decision,
                          note=f"Imported as {row.review_state} from {file_name} ({where}); "
                               f"{named}.", **{kind: row})


def _write_suggestions(stored, batch, report, fmt, file_digest, *,
                       predictions_only: bool) -> None:
    """Suggestions of the tagger "import": a prediction's own model version, or (in
    suggestions mode) the file's labels, versioned by the format and the file's SHA-256."""
    from annotator.services.suggestions import (SuggestedAttribution, SuggestedSpan,
                                                suggestions_store)

    default_version = f"{fmt}-{file_digest[:12]}"

    def version_of(item) -> str | None:
        if _is_prediction(item):
            return str(item.provenance.get("tagger_version") or default_version)[:50]
        return None if predictions_only else default_version

    for document, (_, record) in zip(stored, batch):
        groups: dict[str, tuple[list, list]] = {}
        mapping: dict[str, str] = {}
        keys: dict[tuple, str] = {}
        for span in record.spans:
            version = version_of(span)
            if version is None:
                continue
            key = (version, span.label, span.start, span.end)
            if key not in keys:
                keys[key] = span.id
                groups.setdefault(version, ([], []))[0].append(SuggestedSpan(
                    key=span.id, label=span.label, start=span.start, end=span.end,
                    confidence=_span_fields(span.provenance)["confidence"]))
            mapping[span.id] = keys[key]
        for a in record.attributions:
            version = version_of(a)
            if version is None:
                continue
            groups.setdefault(version, ([], []))[1].append(SuggestedAttribution(
                claims=[mapping[c] for c in a.claims],
                source=mapping[a.source] if a.source else None,
                cue=mapping[a.cue] if a.cue else None, attributes=a.attributes))
        for version, (spans, attributions) in groups.items():
            new_spans, new_attributions = suggestions_store(
                document=document, tagger_name=IMPORT_TAGGER, tagger_version=version,
                spans=spans, attributions=attributions)
            if predictions_only or version != default_version:
                report.suggestions += new_spans + new_attributions
            else:
                report.spans += new_spans
                report.attributions += new_attributions
