"""formats/sniff.py: what a file is from its first bytes, and which tool's export it looks like."""
import json

import pytest

from annotator.formats import registry, sniff

OURS = {"id": 1, "title": "T", "text": "Officials said so.", "text_sha256": "ab",
        "spans": [{"id": "T1", "label": "SOURCE", "start": 0, "end": 9}], "attributions": []}
DOCCANO = {"id": 4, "text": "Officials said so.", "entities": [
    {"id": 1, "label": "SOURCE", "start_offset": 0, "end_offset": 9}], "relations": []}
DOCCANO_PLAIN = {"id": 4, "text": "Officials said so.", "label": [[0, 9, "SOURCE"]]}
STUDIO = [{"id": 7, "data": {"text": "Officials said so."}, "annotations": [
    {"id": 1, "completed_by": 1, "result": []}], "predictions": []}]
STUDIO_MIN = [{"id": 7, "text": "Officials said so.", "annotator": 1, "annotation_id": 1,
               "label": [{"start": 0, "end": 9, "text": "Officials", "labels": ["SOURCE"]}]}]


def lines(*records) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


@pytest.mark.parametrize("data,expected", [
    (lines(OURS), "jsonl"),
    (lines(DOCCANO), "doccano"),
    (lines(DOCCANO_PLAIN), "doccano"),
    (json.dumps(STUDIO).encode(), "labelstudio"),
    (lines(*STUDIO), "labelstudio"),                 # Label Studio tasks as JSON Lines
    (json.dumps(STUDIO_MIN, indent=2).encode(), "labelstudio-min"),
    (b"\xef\xbb\xbfOfficials said so.\r\n", None),  # text: the JSON readers list its lines
    (lines({"text": "Officials said so."}), None),   # reads the same in several formats
])
def test_content_is_recognised_by_clear_signs_only(data, expected):
    assert sniff.sniff_content(data) == expected


def test_a_label_studio_task_longer_than_the_head_is_recognised_by_its_keys():
    task = json.dumps([{"id": 1, "data": {"text": "x" * 5000}, "annotations": []}]).encode()
    assert sniff.sniff_content(task[:2000]) == "labelstudio"


def test_zips_are_recognised_by_their_names_and_their_first_json_file():
    assert sniff.sniff_zip(["doc-1.txt", "doc-1.ann", "annotation.conf"], None) == "brat"
    assert sniff.sniff_zip(["data.jsonl", "manifest.json"], lines(OURS)) == "jsonl"
    assert sniff.sniff_zip(["a.txt", "b/c.txt", "__MACOSX/._a.txt"], None) == "txt"


@pytest.mark.parametrize("chosen,sniffed,message", [
    ("doccano", "labelstudio", "this looks like a Label Studio JSON export: choose the format "
                               "'labelstudio'."),
    ("jsonl", "doccano", "this looks like a doccano JSONL export: choose the format 'doccano'."),
    ("doccano", "jsonl", "this looks like a JSON Lines export of this tool (spans and "
                         "attributions): choose the format 'jsonl'."),
    ("jsonl", "brat", "this looks like a brat standoff collection (.txt and .ann files): choose "
                      "the format 'brat'."),
])
def test_the_refusal_names_the_tool_and_the_format_to_choose(chosen, sniffed, message):
    assert sniff.refusal(chosen, sniffed) == message


def test_no_refusal_when_the_file_fits_the_choice_or_says_nothing():
    assert sniff.refusal("doccano", "doccano") is None
    assert sniff.refusal("jsonl", None) is None
    # a brat collection without .ann files yet
    assert sniff.refusal("brat", "txt", registry.format_get("brat").also_reads) is None


@pytest.mark.parametrize("head, what", [
    (b"", "an empty file"), (b" \n", "only white space"), (b"PK\x03\x04rest", "a zip file"),
    (b"%PDF-1.7", "a PDF document"), (b"\x1f\x8b\x08", "a gzip file"),
    (b"\xff\xfeO\x00", "UTF-16 text (save it as UTF-8)"),
    (b"abc\xffdef", "binary data (not UTF-8 at byte 3)"),
    (b"abc\x00def", "binary data (it holds NUL bytes)"),
    (b'{"text": "x"}\n{"text": "y"}\n', "JSON Lines"), (b'{"text": "x"}', "JSON Lines"),
    (b'[{"text": "x"}]', "a JSON document"), (b'{\n "text": "x"\n}', "a JSON document"),
    (b"{Updated} Officials said so.", "plain text"), (b"Officials said so.", "plain text"),
])
def test_describe_says_what_a_file_is_from_its_first_bytes(head, what):
    assert sniff.describe(head) == what


def test_describe_does_not_count_a_character_cut_off_at_the_end_of_the_head():
    head = b"a" * (sniff.HEAD_BYTES - 1) + "é".encode()[:1]
    assert sniff.describe(head) == "plain text"


@pytest.mark.parametrize("text, hint", [
    ('{"text": "x", "label": [[0, 1, "SOURCE"]]}\n', "a doccano JSONL export: choose the format "
                                                     "'doccano'"),
    ('{"text": "x"}\n', "choose the format 'jsonl' (one JSON object with a \"text\" per line)"),
])
def test_json_sent_as_plain_text_gets_the_format_it_looks_like(text, hint):
    assert hint in sniff.json_format_hint(text)
