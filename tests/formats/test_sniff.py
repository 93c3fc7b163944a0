"""formats/sniff.py: a file chosen as one format that looks like another tool's export."""
import json

import pytest

from annotator.formats import sniff

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
    assert sniff.refusal("brat", "txt") is None   # a brat collection without .ann files yet
