"""The first pass's reading: what the file is, its documents by the format's reader
(formats/registry.py), each checked against the project."""
from __future__ import annotations

from dataclasses import asdict
from typing import BinaryIO, Iterator

from django.conf import settings

from annotator import text as text_mod
from annotator.formats import registry, sniff
from annotator.formats.archive import ArchiveError, SafeZip, is_zip
from annotator.formats.check import Rules, check_document
from annotator.formats.records import DocumentRecord, Entry
from annotator.models import Project
from annotator.services.attributions import role_labels
from annotator.services.imports.options import ImportOptions, SNIFF_BYTES


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
