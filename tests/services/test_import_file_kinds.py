"""Imports refuse a file that is not what its format says, saying what it is (issue #12,
point 5): a fake zip, a zip without the format inside, JSON as plain text, binary data as
text (naming the line and byte), an empty file. Nothing is stored."""
import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError

from annotator.models import Document
from annotator.services.imports import import_file
from tests.services.test_import_refusals import GOOD, admin, lines, refused, target

__all__ = ["admin", "target"]  # the fixtures, used by the tests below
pytestmark = pytest.mark.django_db


def file_refused(target, admin, data: bytes, fmt: str, name: str) -> str:
    """The import refused the file as a whole (a 400 on "file"); it stored nothing."""
    with pytest.raises(ValidationError) as info:
        import_file(project=target, user=admin, stream=io.BytesIO(data), file_name=name,
                    fmt=fmt)
    assert not Document.objects.filter(project=target).exists()
    return info.value.message_dict["file"][0]


def test_a_fake_zip_is_refused_saying_what_it_is(target, admin):
    data = lines(json.dumps(GOOD)).getvalue()
    for fmt in ("txt", "jsonl", "doccano"):
        message = file_refused(target, admin, data, fmt, "export.zip")
        assert message == "export.zip is not a zip file: it is JSON Lines."
    assert file_refused(target, admin, b"Officials said so.", "txt", "a.ZIP") == \
        "a.ZIP is not a zip file: it is plain text."
    assert file_refused(target, admin, b"%PDF-1.7\n\xe2\xe3\xcf\xd3", "txt", "doc.zip") == \
        "doc.zip is not a zip file: it is a PDF document."


def test_a_brat_import_that_is_not_a_zip_says_what_it_is(target, admin):
    message = file_refused(target, admin, b"T1\tCLAIM 0 1\tx\n", "brat", "x.ann")
    assert message == ("a brat import is a zip of .txt and .ann files; this file is plain "
                       "text.")


def test_a_zip_without_the_format_inside_is_refused_saying_what_it_holds(target, admin):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "Officials said so.")
        archive.writestr("b.txt", "Others said so.")
    # A zip of texts is recognised as one (formats/sniff.py) before the reader looks for JSON.
    assert refused(target, admin, buffer, fmt="jsonl", name="texts.zip") == [
        "texts.zip: this looks like plain text: choose the format 'txt'."]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.csv", "Officials,said so")
    message = file_refused(target, admin, buffer.getvalue(), "jsonl", "tables.zip")
    assert message == "the zip holds no .jsonl or .json file (it holds 1 file(s): a.csv)."
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.jsonl", json.dumps(GOOD) + "\n")
    assert refused(target, admin, buffer, fmt="txt", name="data.zip") == [
        "data.jsonl: not a .txt file."]


@pytest.mark.parametrize("data, said", [
    # JSON that no tool's export looks like: the plain-text reader says what it is.
    (lines(json.dumps(GOOD), json.dumps(GOOD)).getvalue(),
     "news.txt: this is JSON Lines, not plain text: choose the format 'jsonl'"),
    (json.dumps([GOOD, GOOD], indent=2).encode(),
     "news.txt: this is a JSON document, not plain text: choose the format 'jsonl'"),
    # A doccano export: refused before reading, naming the tool (formats/sniff.py).
    (json.dumps({"text": "x", "entities": []}, indent=1).encode(),
     "news.txt: this looks like a doccano JSONL export: choose the format 'doccano'."),
    (lines('{"text": "x", "label": [[0, 1, "CLAIM"]]}').getvalue(),
     "news.txt: this looks like a doccano JSONL export: choose the format 'doccano'."),
])
def test_json_uploaded_as_plain_text_is_refused_suggesting_the_right_format(
        target, admin, data, said):
    [problem] = refused(target, admin, io.BytesIO(data), fmt="txt", name="news.txt")
    assert problem.startswith(said)


def test_plain_text_that_starts_like_json_is_still_plain_text(target, admin):
    data = "{Updated} Officials said the talks collapsed.\n[1] A footnote.\n".encode()
    report = import_file(project=target, user=admin, stream=io.BytesIO(data),
                         file_name="news.txt", fmt="txt")
    assert report.created == 1


def test_binary_data_as_text_is_refused_naming_the_line_and_byte(target, admin):
    data = "Officials said so.\nLine two.\nThree: ".encode() + b"\xff\xfe\x00 binary"
    assert refused(target, admin, io.BytesIO(data), fmt="txt", name="a.txt") == [
        "a.txt: not UTF-8 text (line 3, byte 36: invalid start byte)."]
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    assert refused(target, admin, io.BytesIO(png), fmt="txt", name="photo.txt") == [
        "photo.txt: not UTF-8 text: it is a PNG image (line 1, byte 0: invalid start byte)."]
    utf16 = "Officials said so.".encode("utf-16")
    [problem] = refused(target, admin, io.BytesIO(utf16), fmt="txt", name="u.txt")
    assert problem.startswith("u.txt: not UTF-8 text: it is UTF-16 text (save it as UTF-8)")


def test_binary_data_in_a_zip_of_texts_is_refused_naming_the_entry_and_byte(target, admin):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("good.txt", "Officials said so.")
        archive.writestr("bad.txt", b"caf\xe9 au lait")
    assert refused(target, admin, buffer, fmt="txt", name="texts.zip") == [
        "bad.txt: not UTF-8 text (line 1, byte 3: invalid continuation byte)."]


def test_binary_data_as_brat_text_names_the_file_and_byte(target, admin):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("d.txt", "Officials said so.")
        archive.writestr("d.ann", b"T1\tSOURCE 0 9\tOfficials\n\xff")
    assert refused(target, admin, buffer, fmt="brat", name="b.zip") == [
        "d.txt: d.ann: not UTF-8 (byte 24: invalid start byte)."]


@pytest.mark.parametrize("fmt, data, expected", [
    ("txt", b"", "a.txt: the file is empty."),
    ("txt", b" \n\t\n", "a.txt: the file is empty."),
    ("jsonl", b"", "a.txt: the file holds no document."),
    ("doccano", b"\n\n", "a.txt: the file holds no document."),
])
def test_an_empty_file_is_refused_saying_so(target, admin, fmt, data, expected):
    assert refused(target, admin, io.BytesIO(data), fmt=fmt, name="a.txt") == [expected]
