"""formats/labelstudio.py: Label Studio's JSON and JSON_MIN exports of text spans."""
import json

from annotator.formats import labelstudio

TEXT = "“Rates will rise,” the governor said on Friday. Bankers 😀 disagreed."


def region(rid, label, piece, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(piece, start + 1)
    return {"id": rid, "type": "labels", "from_name": "label", "to_name": "text",
            "value": {"start": start, "end": start + len(piece), "text": piece,
                      "labels": [label]}}


def relation(a, b):
    return {"type": "relation", "from_id": a, "to_id": b, "direction": "right", "labels": []}


TASK = {
    "id": 41, "data": {"text": TEXT, "outlet": "Wire"}, "meta": {"title": "Rates"},
    "annotations": [
        {"id": 1, "completed_by": {"id": 3, "email": "Ann@Example.org"}, "was_cancelled": False,
         "result": [region("c", "CLAIM", "Rates will rise,"), region("s", "SOURCE", "the governor"),
                    region("q", "CUE", "said"), relation("s", "c"), relation("c", "q"),
                    {"id": "x", "type": "choices", "value": {"choices": ["economy"]}}]},
        {"id": 2, "completed_by": 4, "result": [region("s", "SOURCE", "Bankers")]},
        {"id": 3, "completed_by": 5, "was_cancelled": True, "result": []}],
    "predictions": [{"model_version": "ner-2", "score": 0.7,
                     "result": [region("p1", "SOURCE", "the governor")]}],
}


def read(data, fmt="json"):
    reader = labelstudio.read if fmt == "json" else labelstudio.read_min
    return list(reader(data, "project-1.json"))


def test_each_annotation_is_a_layer_and_relations_are_attributions():
    (entry,) = read(json.dumps([TASK]).encode())
    assert not entry.errors and entry.where == "project-1.json#41"
    document = entry.document
    assert document.text == TEXT and document.layered and document.offset_units == "unknown"
    assert document.title == "Rates"
    assert document.metadata["outlet"] == "Wire" and document.metadata["labelstudio_task"] == 41
    owners = {(s.label, s.text, s.provenance.get("annotators", [None])[0]) for s in document.spans
              if not s.provenance.get("prediction")}
    assert owners == {("CLAIM", "Rates will rise,", "Ann@Example.org"),
                      ("SOURCE", "the governor", "Ann@Example.org"),
                      ("CUE", "said", "Ann@Example.org"), ("SOURCE", "Bankers", "4")}
    (attribution,) = document.attributions
    spans = document.span_map()
    assert [spans[c].text for c in attribution.claims] == ["Rates will rise,"]
    assert (spans[attribution.source].text, spans[attribution.cue].text) == ("the governor",
                                                                             "said")
    assert attribution.provenance["annotators"] == ["Ann@Example.org"]


def test_predictions_are_marked_and_what_is_not_a_span_is_noted():
    (entry,) = read(json.dumps([TASK]).encode())
    (predicted,) = [s for s in entry.document.spans if s.provenance.get("prediction")]
    assert predicted.provenance["tagger_version"] == "ner-2"
    assert predicted.provenance["confidence"] == 0.7
    assert entry.document.notes == [
        "annotations[2]: cancelled (skipped) in Label Studio; left out.",
        "annotations[0].result[5]: a 'choices' result is not a text span; left out."]


def test_tasks_as_json_lines_read_the_same_and_titles_fall_back_to_the_task_id():
    task = {**TASK, "meta": {}}
    (entry,) = read((json.dumps(task) + "\n").encode())
    assert entry.document.title == "project-1.json#41"


def test_the_text_key_is_found_from_the_regions_when_it_is_not_called_text():
    task = {"id": 2, "data": {"article": TEXT, "source": "Wire"},
            "annotations": [{"id": 1, "completed_by": 1,
                             "result": [region("s", "SOURCE", "the governor")]}]}
    (entry,) = read(json.dumps([task]).encode())
    assert entry.document.text == TEXT and entry.document.metadata["source"] == "Wire"
    task["data"]["source"] = "the governor said"
    (entry,) = read(json.dumps([task]).encode())
    assert "which key holds the text" in entry.errors[0]


def test_bad_regions_and_relations_name_their_place():
    bad = {"id": 3, "data": {"text": TEXT}, "annotations": [{"id": 1, "completed_by": 1, "result": [
        {"id": "h", "type": "labels", "value": {"start": "/p[1]", "end": "/p[1]",
                                                "labels": ["CLAIM"]}},
        relation("a", "b")]}]}
    (entry,) = read(json.dumps([bad]).encode())
    assert entry.errors == [
        "annotations[0].result[0].value: start and end must be integers (character offsets of "
        "a <Text> region; HyperText regions are not read).",
        "annotations[0].result[1]: from_id or to_id is not the id of a region of this "
        "annotation."]


def test_json_min_rows_of_one_task_are_one_document_with_a_layer_per_annotator():
    rows = [{"id": 41, "text": TEXT, "annotator": "ann@example.org", "annotation_id": 1,
             "label": [region("c", "CLAIM", "Rates will rise,")["value"]], "lead_time": 3.2},
            {"id": 41, "text": TEXT, "annotator": "bob@example.org", "annotation_id": 2,
             "label": [region("s", "SOURCE", "Bankers")["value"]]},
            {"id": 42, "text": "Another text.", "annotator": "bob@example.org",
             "annotation_id": 3}]
    first, second = read(json.dumps(rows).encode(), fmt="min")
    assert first.where == "project-1.json#41" and not first.errors
    assert sorted((s.label, s.provenance["annotators"][0]) for s in first.document.spans) == [
        ("CLAIM", "ann@example.org"), ("SOURCE", "bob@example.org")]
    assert second.document.text == "Another text." and second.document.spans == []


def test_json_min_rows_of_one_task_with_different_texts_are_an_error():
    rows = [{"id": 1, "text": "One.", "annotator": "a@x.org"},
            {"id": 1, "text": "Two.", "annotator": "b@x.org"}]
    (entry,) = read(json.dumps(rows).encode(), fmt="min")
    assert entry.errors == ["the rows of this task id hold different texts."]


def test_not_json_is_an_error_with_its_line():
    (entry,) = read(b"[{oops")
    assert entry.where == "project-1.json:1" and entry.errors[0].startswith("not JSON")


def test_example_files_read_into_two_layers_with_three_attributions_one_in_fragments():
    from tests.formats.conftest import EXAMPLES

    (entry,) = labelstudio.read((EXAMPLES / "example-labelstudio.json").read_bytes(), "e.json")
    assert not entry.errors and entry.document.title == "The deal"
    layers = {s.provenance["annotators"][0] for s in entry.document.spans
              if not s.provenance.get("prediction")}
    assert layers == {"ann@example.org", "2"}
    assert sorted(len(a.claims) for a in entry.document.attributions) == [1, 1, 2]
    (minimal,) = labelstudio.read_min((EXAMPLES / "example-labelstudio-min.json").read_bytes(),
                                      "m.json")
    assert not minimal.errors
    assert {(s.label, s.start, s.end) for s in minimal.document.spans} == {
        (s.label, s.start, s.end) for s in entry.document.spans
        if not s.provenance.get("prediction")}
