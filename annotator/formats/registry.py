"""The one place that maps a format name to its reader and writer (STYLE.md, "Formats").

Imports (services/imports.py), exports (services/exports/bundle.py), the commands
(import_documents, export_project), the API's choices (api/serializers/transfers.py)
and the model's choices (ExportJob.format) all read FORMATS; adding a Format here
(register) is enough for each of them to offer it. An export format also changes
ExportJob.format's choices and check constraint: `manage.py makemigrations` writes
the migration.

A reader turns what a user sent into Entries (formats/records.py): `read_file` for a
file on its own, `read_zip` for a zip of them; a format with only `read_zip` is
refused unzipped. A writer streams the documents' records into a bundle
(formats/archive.py) and returns counts of its own for the manifest (e.g. "lost").
Pure like every module of formats/: the caller gives the limits and the project's
labels, roles and attributes.
"""
from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from typing import BinaryIO, Callable, Iterable, Iterator

from annotator.formats import conll, doccano, jsonl, labelstudio, plaintext, tabular
from annotator.formats.archive import ArchiveError, Bundle, SafeZip, iter_lines
from annotator.formats.brat import reading as brat_reading
from annotator.formats.brat import writing as brat_writing
from annotator.formats.records import DocumentRecord, Entry

# Files of our own exports that are not documents (skipped when one is imported again).
NOT_DOCUMENTS = ("manifest.json", "loss-report.jsonl")


@dataclass(frozen=True)
class ImportSource:
    """What a reader reads: the file, the limits, and what the project calls things."""
    name: str
    stream: BinaryIO
    max_file: int                    # bytes of a file read whole (JSON, text)
    max_line: int                    # bytes of one line of JSON Lines
    roles: dict = field(default_factory=dict)        # claim / source / cue -> label name
    attributes: dict = field(default_factory=dict)   # attribute name -> its choices


@dataclass(frozen=True)
class ExportContext:
    """What a writer needs of the project, besides its documents."""
    labels: list[str]                # label names, in the project's order
    roles: dict
    attribute_definitions: list[dict] = field(default_factory=list)

    @property
    def attribute_names(self) -> list[str]:
        return [d["name"] for d in self.attribute_definitions
                if d.get("applies_to", "attribution") == "attribution"]


Reader = Callable[[ImportSource], Iterator[Entry]]
ZipReader = Callable[[SafeZip, ImportSource], Iterator[Entry]]
Writer = Callable[[Iterable[DocumentRecord], Bundle, ExportContext], dict]


@dataclass(frozen=True)
class Format:
    name: str                        # what the API, the commands and ExportJob.format say
    title: str                       # shown in choices
    help: str                        # a line for the docs and the pages
    extension: str                   # of the file imported, or of the data file exported
    media_type: str                  # of that file
    read_file: Reader | None = None
    read_zip: ZipReader | None = None
    write: Writer | None = None
    data_file: str | None = None     # the export's data file in the zip, if it has one
    lossy: str | None = None         # what an export in this format leaves out (manifest)
    zip_of: str = ""                 # what the zip of a zip-only format holds, for errors
    also_reads: frozenset = frozenset()  # what else its reader reads, as formats/sniff.py names

    @property
    def can_import(self) -> bool:
        return self.read_file is not None or self.read_zip is not None

    @property
    def can_export(self) -> bool:
        return self.write is not None

    @property
    def zip_only(self) -> bool:
        return self.read_file is None


FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    FORMATS[fmt.name] = fmt
    return fmt


def format_get(name: str) -> Format | None:
    return FORMATS.get(name)


def import_names() -> tuple[str, ...]:
    return tuple(name for name, fmt in FORMATS.items() if fmt.can_import)


def export_names() -> tuple[str, ...]:
    return tuple(name for name, fmt in FORMATS.items() if fmt.can_export)


def import_choices() -> list[tuple[str, str]]:
    """(name, title) of each format one can import; a format read only from a zip says so."""
    return [(fmt.name, f"{fmt.title} (zip)" if fmt.zip_only else fmt.title)
            for fmt in FORMATS.values() if fmt.can_import]


def export_choices() -> list[tuple[str, str]]:
    return [(fmt.name, fmt.title) for fmt in FORMATS.values() if fmt.can_export]


# --- Readers ------------------------------------------------------------------------------

def json_members(names: list[str]) -> list[str]:
    """The JSON and JSON Lines files of a zip, sorted, our export's own files left out."""
    return [n for n in sorted(names) if n.endswith((".jsonl", ".json"))
            and n.rsplit("/", 1)[-1] not in NOT_DOCUMENTS]


def _json_members_or_refuse(archive: SafeZip) -> list[str]:
    names = archive.names()
    wanted = json_members(names)
    if not wanted:
        shown = ", ".join(sorted(names)[:5]) + (", ..." if len(names) > 5 else "")
        raise ArchiveError(f"the zip holds no .jsonl or .json file (it holds "
                           f"{len(names)} file(s){': ' + shown if names else ''}).")
    return wanted


def _lines(archive: SafeZip, name: str, max_line: int):
    with archive.open(name) as handle:
        yield from iter_lines(handle, max_line)


def _read_text_file(source: ImportSource) -> Iterator[Entry]:
    yield plaintext.read_file(source.name, source.stream.read(source.max_file + 1))


def _read_text_zip(archive: SafeZip, source: ImportSource) -> Iterator[Entry]:
    yield from plaintext.read_collection(archive.names(), archive.read)


def _read_jsonl_file(source: ImportSource) -> Iterator[Entry]:
    yield from jsonl.read(iter_lines(source.stream, source.max_line), source.name)


def _read_jsonl_zip(archive: SafeZip, source: ImportSource) -> Iterator[Entry]:
    for name in _json_members_or_refuse(archive):
        yield from jsonl.read(_lines(archive, name, source.max_line), name)


def _read_brat_zip(archive: SafeZip, source: ImportSource) -> Iterator[Entry]:
    yield from brat_reading.read_collection(archive.names(), archive.read_text, source.roles,
                                    source.attributes)


def _read_doccano_file(source: ImportSource) -> Iterator[Entry]:
    yield from doccano.read(iter_lines(source.stream, source.max_line), source.name,
                            source.roles)


def _read_doccano_zip(archive: SafeZip, source: ImportSource) -> Iterator[Entry]:
    yield from doccano.read_members(_json_members_or_refuse(archive),
                                    lambda name: _lines(archive, name, source.max_line),
                                    source.roles)


def _label_studio_readers(read: Callable[[bytes, str, dict], Iterator[Entry]]
                          ) -> tuple[Reader, ZipReader]:
    def read_file(source: ImportSource) -> Iterator[Entry]:
        yield from read(source.stream.read(source.max_file + 1), source.name, source.roles)

    def read_zip(archive: SafeZip, source: ImportSource) -> Iterator[Entry]:
        for name in _json_members_or_refuse(archive):
            yield from read(archive.read(name), name, source.roles)

    return read_file, read_zip


# --- Writers ------------------------------------------------------------------------------

def _write_jsonl(documents, bundle: Bundle, context: ExportContext) -> dict:
    bundle.write("data.jsonl", jsonl.write(documents))
    return {}


def _write_doccano(documents, bundle: Bundle, context: ExportContext) -> dict:
    bundle.write("doccano.jsonl", doccano.write(documents, context.roles))
    return {}


def _write_csv(documents, bundle: Bundle, context: ExportContext) -> dict:
    bundle.write("attributions.csv", tabular.write(documents, context.attribute_names))
    return {}


def _write_conll(documents, bundle: Bundle, context: ExportContext) -> dict:
    # The loss report waits in a temporary file: a zip takes one entry at a time.
    with tempfile.TemporaryFile() as losses:
        lost = 0

        def record_loss(item):
            nonlocal lost
            lost += 1
            losses.write((json.dumps(item, ensure_ascii=False) + "\n").encode("utf-8"))

        bundle.write("data.conll", conll.write(documents, context.labels, record_loss))
        losses.seek(0)
        bundle.write("loss-report.jsonl", iter(lambda: losses.read(1 << 16), b""))
        return {"lost": lost}


def _write_brat(documents, bundle: Bundle, context: ExportContext) -> dict:
    conf = brat_writing.annotation_conf(context.labels, context.roles,
                                        context.attribute_definitions)
    bundle.write("annotation.conf", [conf])
    for index, document in enumerate(documents):
        stem = brat_writing.file_stem(document, index)
        bundle.write(f"{stem}.txt", [document.text])
        bundle.write(f"{stem}.ann", brat_writing.write_ann(document, context.roles))
    return {}


# --- The formats, in the order the pages list them -----------------------------------------

_ls_read, _ls_read_zip = _label_studio_readers(labelstudio.read)
_ls_min_read, _ls_min_read_zip = _label_studio_readers(labelstudio.read_min)

register(Format(
    name="txt", title="Plain text (.txt or a zip of them)", extension=".txt",
    media_type="text/plain", help="One document per UTF-8 .txt file, alone or zipped.",
    read_file=_read_text_file, read_zip=_read_text_zip))
register(Format(
    name="jsonl", title="JSON Lines", extension=".jsonl", media_type="application/x-ndjson",
    help="Ours: one document per line, spans and attributions with offsets and provenance.",
    read_file=_read_jsonl_file, read_zip=_read_jsonl_zip, write=_write_jsonl,
    data_file="data.jsonl"))
register(Format(
    name="brat", title="brat standoff", extension=".zip", media_type="application/zip",
    help="A zip of .txt + .ann per document (and annotation.conf).",
    read_zip=_read_brat_zip, write=_write_brat, zip_of=".txt and .ann files",
    also_reads=frozenset({"txt"}),  # a collection without .ann files yet
    lossy="document titles and metadata (the file name stands for the title); the "
          "provenance of a claim fragment used only inside a claim in fragments (its "
          "claim's note holds the first fragment's); source entities' aliases (their names "
          "and types are kept, as normalisations)"))
register(Format(
    name="conll", title="CoNLL BIO", extension=".conll", media_type="text/plain",
    help="Tokens with one BIO column per label (export only; losses in loss-report.jsonl).",
    write=_write_conll, data_file="data.conll",
    lossy="links (attributions, attributes, second-hand parents), provenance, source "
          "entities, and whatever BIO cannot hold: see loss-report.jsonl"))
register(Format(
    name="csv", title="CSV (one row per attribution)", extension=".csv",
    media_type="text/csv", help="One attribution per row: claim, source, cue, attributes "
                                "(export only).",
    write=_write_csv, data_file="attributions.csv",
    lossy="spans that belong to no attribution, the document text, and source entities' "
          "types and aliases (their names are kept)"))
register(Format(
    name="doccano", title="doccano JSONL", extension=".jsonl",
    media_type="application/x-ndjson",
    help="The JSON Lines doccano exports for sequence labelling, with relations.",
    read_file=_read_doccano_file, read_zip=_read_doccano_zip, write=_write_doccano,
    data_file="doccano.jsonl", lossy="attributes and provenance; titles; source entities; "
                                     "second-hand claims' parents"))
register(Format(
    name="labelstudio", title="Label Studio JSON", extension=".json",
    media_type="application/json", help="Label Studio's JSON export (import only).",
    read_file=_ls_read, read_zip=_ls_read_zip))
register(Format(
    name="labelstudio-min", title="Label Studio JSON_MIN", extension=".json",
    media_type="application/json", help="Label Studio's JSON_MIN export (import only).",
    read_file=_ls_min_read, read_zip=_ls_min_read_zip))
