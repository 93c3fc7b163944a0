"""Importing documents (and their labels) into a project: all or nothing.

    report = import_file(project=p, user=admin, stream=f, file_name="x.jsonl", fmt="jsonl")

Formats: "txt" (a .txt, or a zip of them), "jsonl" (ours: text, optional
metadata, spans and attributions), "brat" (a zip of .txt + .ann), "doccano"
(its sequence-labelling JSON Lines, with or without relations). JSON Lines
may also come zipped (our own export bundle imports as it is).

Two passes over the file. The first reads and checks every line (shape,
labels, offsets against the normalised text, attribution roles, attribute
choices, sizes) and collects *every* problem with its line; if there is one,
ImportRefused carries the report and nothing is written. The second writes,
in one transaction, in batches. Reading twice keeps memory flat for big files.

A document whose text (after normalisation) is already in the project, or
earlier in the same file, is skipped and counted: importing a file again adds
nothing. Labels go, by default ("labels" mode), into the importing user's own
layer, keeping from the file the review state, origin, tagger and confidence;
the annotators the file names are kept in the document's metadata
("imported"). In "suggestions" mode they become suggestions of a tagger named
"import", for annotators to accept or reject. docs/decisions.md says why.
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
from annotator.formats import brat, doccano, jsonl, plaintext, sniff
from annotator.formats.archive import ArchiveError, SafeZip, is_zip, iter_lines
from annotator.formats.check import Rules, check_document
from annotator.formats.records import DocumentRecord, Entry
from annotator.models import (Attribution, ClaimFragment, Document, Event, LabelStatus, Origin,
                              Project, ReviewState, Span, attribution_dedup_key)
from annotator.services.attributions import role_labels

FORMATS = ("txt", "jsonl", "brat", "doccano")
MODES = ("labels", "suggestions")
MAX_ERRORS = 1000
WRITE_BATCH = 200
IMPORT_TAGGER = "import"


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
    errors: list[dict] = field(default_factory=list)   # {"where": "x.jsonl:3", "reason": "…"}
    more_errors: int = 0

    def add_error(self, where: str, reason: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"where": where, "reason": reason})
        else:
            self.more_errors += 1

    def as_dict(self) -> dict:
        return {"format": self.format, "mode": self.mode, "file": self.file,
                "documents": self.documents, "created": self.created,
                "duplicates": self.duplicates, "spans": self.spans,
                "attributions": self.attributions, "errors": self.errors,
                "more_errors": self.more_errors}


class ImportRefused(Exception):
    """The file has problems: nothing was written. `report.errors` lists them all."""

    def __init__(self, report: ImportReport):
        count = len(report.errors) + report.more_errors
        super().__init__(f"{count} problem(s) in {report.file}: nothing was imported.")
        self.report = report


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


def _entries(stream: BinaryIO, file_name: str, fmt: str, rules: Rules) -> Iterator[Entry]:
    """The file's documents, read from the start (called once per pass)."""
    limits = _limits()
    stream.seek(0)
    zipped = is_zip(stream)
    if not zipped and (fmt == "brat" or file_name.lower().endswith(".zip")):
        # Read as text, a fake zip would become a document of junk (or a thousand bad lines).
        head = stream.read(sniff.HEAD_BYTES)
        stream.seek(0)
        what = sniff.describe(head)
        if fmt == "brat":
            raise ArchiveError(f"a brat import is a zip of .txt and .ann files; this file is "
                               f"{what}.")
        raise ArchiveError(f"{file_name} is not a zip file: it is {what}.")
    if not zipped:
        if fmt == "txt":
            data = stream.read(limits["file"] + 1)
            yield plaintext.read_file(file_name, data)
        elif fmt == "jsonl":
            yield from jsonl.read(iter_lines(stream, limits["line"]), file_name)
        else:
            yield from doccano.read(iter_lines(stream, limits["line"]), file_name, rules.roles)
        return
    with SafeZip(stream, max_bytes=limits["unzipped"]) as archive:
        names = archive.names()
        if fmt == "txt":
            yield from plaintext.read_collection(names, archive.read)
        elif fmt == "brat":
            yield from brat.read_collection(names, archive.read_text, rules.roles,
                                            rules.attributes)
        else:
            wanted = [n for n in sorted(names) if n.endswith((".jsonl", ".json"))
                      and n.rsplit("/", 1)[-1] not in ("manifest.json", "loss-report.jsonl")]
            if not wanted:
                shown = ", ".join(sorted(names)[:5]) + (", ..." if len(names) > 5 else "")
                raise ArchiveError(f"the zip holds no .jsonl file (it holds {len(names)} "
                                   f"file(s){': ' + shown if names else ''}).")
            reader = jsonl.read if fmt == "jsonl" else (
                lambda lines, name: doccano.read(lines, name, rules.roles))
            for name in wanted:
                with archive.open(name) as handle:
                    yield from reader(iter_lines(handle, limits["line"]), name)


def _rules(project: Project) -> Rules:
    return Rules(labels=set(project.labels.values_list("name", flat=True)),
                 roles=role_labels(project),
                 attributes={d["name"]: list(d["choices"]) for d in project.attribute_definitions
                             if d.get("applies_to", "attribution") == "attribution"})


def _checked(entries: Iterator[Entry], rules: Rules) -> Iterator[tuple[str, DocumentRecord | None,
                                                                       list[str]]]:
    """(where, normalised document or None, problems) for each entry."""
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


def import_file(*, project: Project, user, stream: BinaryIO, file_name: str, fmt: str,
                mode: str = "labels",
                progress: Callable[[str, int, int | None], None] | None = None) -> ImportReport:
    """Check the whole file, then store it in one transaction; ImportRefused if any line is bad.

    `progress(phase, done, total)` is called per document: phase "checking", then "writing".
    """
    if fmt not in FORMATS:
        raise ValidationError({"format": f"must be one of {', '.join(FORMATS)}."})
    if mode not in MODES:
        raise ValidationError({"mode": f"must be one of {', '.join(MODES)}."})
    text_mod.check_input(file_name, "file")  # it names documents and their metadata
    report = ImportReport(format=fmt, mode=mode, file=file_name)
    limit = _limits()["file"]
    if _size(stream) > limit:
        raise ValidationError({"file": f"is larger than the limit of {settings.MAX_UPLOAD_MB} "
                                       "MB."})
    rules = _rules(project)
    seen: set[str] = set()
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
        for where, document, problems in _checked(_entries(stream, file_name, fmt, rules), rules):
            report.documents += 1
            for problem in problems:
                report.add_error(where, problem)
            if document is not None:
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
                    _write(project, user, batch, report, mode, fmt, file_digest)
                    batch = []
                    if progress:
                        progress("writing", report.created, total)
            if batch:
                _write(project, user, batch, report, mode, fmt, file_digest)
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


def _span_fields(provenance: dict) -> dict:
    """What of a label's provenance in the file is kept on the stored label."""
    origin = provenance.get("origin")
    tagger = provenance.get("tagger") or provenance.get("tagger_name") or ""
    version = provenance.get("tagger_version") or ""
    if origin not in Origin.values or (origin == Origin.PRETAG and not tagger):
        origin = Origin.HUMAN
    review_state = provenance.get("review_state")
    if review_state not in ReviewState.values:
        review_state = ReviewState.PENDING
    confidence = provenance.get("confidence")
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) \
            or not 0 <= confidence <= 1:
        confidence = None
    return {"origin": origin, "tagger_name": str(tagger)[:100] if origin == Origin.PRETAG else "",
            "tagger_version": str(version)[:50] if origin == Origin.PRETAG else "",
            "review_state": review_state, "confidence": confidence}


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
           report: ImportReport, mode: str, fmt: str, file_digest: str) -> None:
    documents = []
    for where, record in batch:
        metadata = dict(record.metadata)
        imported = {"format": fmt, "file": report.file, "where": where}
        if record.id is not None:
            imported["id"] = record.id  # the document's id in the file (another project's)
        names = _annotators(record)
        if names:
            imported["annotators"] = names
        metadata["imported"] = imported
        documents.append(Document(project=project, title=(record.title or "").strip()[:500],
                                  text=record.text, length=len(record.text),
                                  text_sha256=text_mod.sha256(record.text),
                                  source_url=record.source_url or "", metadata=metadata))
    stored = Document.objects.bulk_create(documents)  # ids come back on PostgreSQL and SQLite
    report.created += len(stored)
    labels = {label.name: label for label in project.labels.all()}
    if mode == "suggestions":
        _write_suggestions(stored, batch, report, fmt, file_digest)
    else:
        _write_labels(stored, batch, report, user, labels)
    Event.objects.bulk_create([
        Event(project_id=project.pk, document_id=document.pk, actor=user, action="import",
              target_type="document", target_id=document.pk,
              after={**document.metadata["imported"], "mode": mode,
                     "spans": len(record.spans), "attributions": len(record.attributions)})
        for document, (_, record) in zip(stored, batch)])


def _write_labels(stored, batch, report, user, labels) -> None:
    span_rows, keys = [], []   # keys: (document index, file span id) per row
    alias: list[dict[str, int]] = []
    for index, (document, (_, record)) in enumerate(zip(stored, batch)):
        first_of: dict[tuple, int] = {}
        mapping: dict[str, int] = {}
        for span in record.spans:
            key = (span.label, span.start, span.end)
            if key not in first_of:  # one label per offsets in one layer (a constraint)
                first_of[key] = len(span_rows)
                span_rows.append(Span(document=document, annotator=user,
                                      label=labels[span.label], start=span.start, end=span.end,
                                      quote=record.text[span.start:span.end],
                                      status=LabelStatus.ACCEPTED,
                                      **_span_fields(span.provenance)))
            mapping[span.id] = first_of[key]
        alias.append(mapping)
        keys.append(index)
    created = Span.objects.bulk_create(span_rows)
    report.spans += len(created)
    attribution_rows, fragment_rows = [], []
    for index, (document, (_, record)) in enumerate(zip(stored, batch)):
        mapping = alias[index]
        seen = set()
        for attribution in record.attributions:
            claims = [created[mapping[c]].pk for c in attribution.claims]
            source = created[mapping[attribution.source]].pk if attribution.source else None
            cue = created[mapping[attribution.cue]].pk if attribution.cue else None
            # One layer holds an attribution once (a constraint): the first in the file wins.
            key = attribution_dedup_key(claims, source, cue)
            if key in seen:
                continue
            seen.add(key)
            attribution_rows.append(Attribution(
                document=document, annotator=user, claim_id=claims[0], source_id=source,
                cue_id=cue, dedup_key=key, attributes=attribution.attributes,
                status=LabelStatus.ACCEPTED, **_span_fields(attribution.provenance)))
            fragment_rows.append(claims[1:])
    made = Attribution.objects.bulk_create(attribution_rows)
    report.attributions += len(made)
    ClaimFragment.objects.bulk_create([
        ClaimFragment(attribution=attribution, span_id=span_id, position=position)
        for attribution, rest in zip(made, fragment_rows)
        for position, span_id in enumerate(rest, start=1)])


def _write_suggestions(stored, batch, report, fmt, file_digest) -> None:
    from annotator.services.suggestions import (SuggestedAttribution, SuggestedSpan,
                                                suggestions_store)

    for document, (_, record) in zip(stored, batch):
        keys: dict[tuple, str] = {}
        mapping: dict[str, str] = {}
        spans = []
        for span in record.spans:
            key = (span.label, span.start, span.end)
            if key not in keys:
                keys[key] = span.id
                spans.append(SuggestedSpan(key=span.id, label=span.label, start=span.start,
                                           end=span.end))
            mapping[span.id] = keys[key]
        attributions = [SuggestedAttribution(
            claims=[mapping[c] for c in a.claims],
            source=mapping[a.source] if a.source else None,
            cue=mapping[a.cue] if a.cue else None, attributes=a.attributes)
            for a in record.attributions]
        new_spans, new_attributions = suggestions_store(
            document=document, tagger_name=IMPORT_TAGGER,
            tagger_version=f"{fmt}-{file_digest[:12]}", spans=spans, attributions=attributions)
        report.spans += new_spans
        report.attributions += new_attributions
