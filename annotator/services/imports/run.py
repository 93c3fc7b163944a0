"""import_file: check the whole file, then write it in one transaction."""
from __future__ import annotations

import hashlib
from typing import BinaryIO, Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from annotator import text as text_mod
from annotator.errors import Conflict
from annotator.formats import registry, sniff
from annotator.formats.archive import ArchiveError
from annotator.formats.records import DocumentRecord
from annotator.models import Document, Project
from annotator.services.imports.layers import _Layers, _layer_name, _stranger_reason
from annotator.services.imports.options import ImportRefused, ImportReport, WRITE_BATCH, _options
from annotator.services.imports.reading import _checked, _entries, _limits, _rules, _size, _sniffed
from annotator.services.imports.writing import _write


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
