"""Zip files read safely; bundles with checksums; offsets carried through normalisation."""
import hashlib
import io
import zipfile

import pytest

from annotator.formats import manifest
from annotator.formats.archive import ArchiveError, SafeZip, ZipBundle, check_entry_name
from annotator.formats.check import Rules, check_document
from annotator.formats.records import AttributionRecord, DocumentRecord, SpanRecord
from annotator.formats.textmap import OffsetMap


def make_zip(entries: dict) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize("name", ["/etc/passwd", "../escape.txt", "a/../../b.txt",
                                  "c:/x.txt", "a\\..\\b.txt"])
def test_zip_entries_with_absolute_paths_or_dot_dot_are_refused_when_opened(name):
    with pytest.raises(ArchiveError):
        SafeZip(make_zip({"fine.txt": "x", name: "y"}), max_bytes=10_000)


def test_a_zip_over_the_unpacked_limit_is_refused_by_its_directory_and_by_what_it_yields():
    bomb = make_zip({"a.txt": "0" * 200_000})
    with pytest.raises(ArchiveError, match="unpacks to"):
        SafeZip(bomb, max_bytes=100_000)
    # a directory that lies about the size: the bytes really read are counted too
    archive = SafeZip(make_zip({"a.txt": "0" * 200_000}), max_bytes=300_000)
    archive.max_bytes = 50_000
    with pytest.raises(ArchiveError, match="more than"):
        archive.read("a.txt")


def test_not_a_zip_is_a_clear_error():
    with pytest.raises(ArchiveError, match="not a zip"):
        SafeZip(io.BytesIO(b"PK\x03\x04 broken"), max_bytes=1000)


def test_bundle_records_the_sha256_and_size_of_each_file_for_the_manifest():
    buffer = io.BytesIO()
    with ZipBundle(buffer) as bundle:
        bundle.write("data.jsonl", (f"line {i}\n" for i in range(1000)))
        bundle.write("manifest.json", [manifest.dumps({"files": list(bundle.files)})])
    archive = zipfile.ZipFile(buffer)
    data = archive.read("data.jsonl")
    listed = manifest.loads(archive.read("manifest.json"))["files"]
    assert listed == [{"name": "data.jsonl", "sha256": hashlib.sha256(data).hexdigest(),
                       "bytes": len(data)}]
    with pytest.raises(ArchiveError):
        check_entry_name("../x")


def test_crlf_and_decomposed_accents_move_offsets_to_the_normalised_text():
    raw = "Line one.\r\nCafe\u0301 owners said \u201cno\u201d.\r\n"
    offsets = OffsetMap(raw)
    assert offsets.text == "Line one.\nCafé owners said “no”.\n"
    start = raw.index("owners")
    assert offsets.text[offsets(start):offsets(start + 6)] == "owners"
    # a boundary between "e" and its combining accent is inside the composed "é"
    assert offsets(raw.index("\u0301")) is None


def test_check_lists_every_problem_of_a_document_with_its_field():
    document = DocumentRecord(text="Officials said it.", spans=[
        SpanRecord("1", "SOURCE", 0, 9, "Officials"), SpanRecord("2", "NOPE", 0, 3),
        SpanRecord("3", "CUE", 10, 99), SpanRecord("4", "CUE", 10, 14, "sad"),
        SpanRecord("5", "CLAIM", 15, 17)],
        attributions=[AttributionRecord("a", ["1"], "5", None, {"quote_type": "loud"}),
                      AttributionRecord("b", ["missing"], None, None, {"color": "red"})])
    rules = Rules(labels={"CLAIM", "SOURCE", "CUE"},
                  attributes={"quote_type": ["direct", "indirect"]})
    _, problems = check_document(document, rules)
    fields = sorted(p.split(":")[0] for p in problems)
    assert fields == ["attributions[0].attributes", "attributions[0].claims",
                      "attributions[0].source", "attributions[1].attributes",
                      "attributions[1].claims", "spans[1].label", "spans[2].end",
                      "spans[3].text"]


def test_check_moves_spans_of_a_crlf_text_and_keeps_their_quotes_when_asked_to_normalize():
    raw = "A\r\nOfficials said it."
    document = DocumentRecord(text=raw, spans=[SpanRecord("1", "SOURCE", 3, 12, "Officials")])
    checked, problems = check_document(document, Rules(labels={"SOURCE"},
                                                       normalize=frozenset({"lf"})))
    assert not problems
    (span,) = checked.spans
    assert checked.text[span.start:span.end] == "Officials" and span.start == 2
