"""Second-hand claims in the formats (issue #16, point 7): JSON Lines `parent`, brat's
`Parent` relation, the CSV column; read back as written, and refused when they dangle,
loop, or do not hold the child."""
from __future__ import annotations

import io
import json

import pytest

from annotator.formats import brat, jsonl, tabular
from annotator.formats.archive import iter_lines
from annotator.formats.check import Rules, check_document
from annotator.formats.records import label_key
from tests.formats.conftest import build

RULES = Rules(labels={"CLAIM", "SOURCE", "CUE"},
              attributes={"quote_type": ["direct", "indirect"]})


@pytest.fixture
def nested():
    """X said that Y claimed Z, two deep: A2 inside A1's claim, A3 inside A2's."""
    text = ("The mayor said that the minister claimed the general warned the bridge 🌉 is "
            "unsafe. Critics disagree.")
    document = build(text, [
        ("c1", "CLAIM", "the minister claimed the general warned the bridge 🌉 is unsafe"),
        ("s1", "SOURCE", "The mayor"), ("q1", "CUE", "said"),
        ("c2", "CLAIM", "the general warned the bridge 🌉 is unsafe"),
        ("s2", "SOURCE", "the minister"), ("q2", "CUE", "claimed"),
        ("c3", "CLAIM", "the bridge 🌉 is unsafe"), ("s3", "SOURCE", "the general"),
        ("q3", "CUE", "warned"), ("c4", "CLAIM", "Critics disagree.")],
        [(["c1"], "s1", "q1", {}), (["c2"], "s2", "q2", {"quote_type": "indirect"}),
         (["c3"], "s3", "q3", {}), (["c4"], None, None, {})])
    document.attributions[1].parent = "A1"
    document.attributions[2].parent = "A2"
    return document


def lines(data: bytes):
    return iter_lines(io.BytesIO(data), 1 << 20)


def parents(document) -> dict:
    """Each attribution's claim text → its parent's claim text (None: first-hand)."""
    spans, by_id = document.span_map(), {a.id: a for a in document.attributions}

    def claim(attribution):
        return " ".join(document.text[spans[c].start:spans[c].end] for c in attribution.claims)
    return {claim(a): claim(by_id[a.parent]) if a.parent else None
            for a in document.attributions}


def test_jsonl_writes_parent_and_reads_it_back(nested):
    data = "".join(jsonl.write([nested])).encode()
    written = json.loads(data)["attributions"]
    assert [a.get("parent") for a in written] == [None, "A1", "A2", None]
    assert "parent" not in written[0]   # first-hand: no key, as before
    entry = next(jsonl.read(lines(data), "d.jsonl"))
    assert not entry.errors
    assert label_key(entry.document) == label_key(nested)
    assert parents(entry.document) == parents(nested)


def test_label_key_tells_nested_from_first_hand(nested):
    flat = build(nested.text, [], [])
    flat.spans, flat.attributions = nested.spans, [
        type(a)(a.id, a.claims, a.source, a.cue, a.attributes) for a in nested.attributions]
    assert label_key(flat) != label_key(nested)


def test_brat_writes_a_parent_relation_between_events_and_reads_it_back(nested):
    ann = "".join(brat.write_ann(nested))
    assert "R1\tParent Arg1:E2 Arg2:E1\n" in ann and "R2\tParent Arg1:E3 Arg2:E2\n" in ann
    entry = brat.read_ann(nested.text, ann, "doc.ann")
    assert not entry.errors, entry.errors
    checked, errors = check_document(entry.document, RULES)
    assert not errors
    assert label_key(checked) == label_key(nested)
    assert parents(checked) == parents(nested)


def test_brat_conf_declares_the_parent_relation_between_claims():
    conf = brat.annotation_conf(["CLAIM", "SOURCE", "CUE"],
                                {"claim": "CLAIM", "source": "SOURCE", "cue": "CUE"}, [])
    assert "Parent\tArg1:CLAIM, Arg2:CLAIM\n" in conf


@pytest.mark.parametrize("line,problem", [
    ("R9\tParent Arg1:E4 Arg2:E7", "E7 is not an event"),
    ("R9\tParent Arg1:T1 Arg2:E1", "T1 is not an event"),
    ("R9\tParent Arg1:E2 Arg2:E3", "second Parent"),
])
def test_brat_parent_that_dangles_or_repeats_is_refused_with_its_line(nested, line, problem):
    ann = "".join(brat.write_ann(nested)) + line + "\n"
    entry = brat.read_ann(nested.text, ann, "doc.ann")
    assert entry.document is None
    assert any(problem in e and e.startswith("doc.ann:") for e in entry.errors), entry.errors


def test_csv_has_the_parent_attribution_id_column(nested):
    rows = list(tabular.read(io.StringIO("".join(tabular.write([nested], ["quote_type"])))))
    assert [(r["attribution_id"], r["parent_attribution_id"]) for r in rows] == [
        ("A1", ""), ("A2", "A1"), ("A3", "A2"), ("A4", "")]


@pytest.mark.parametrize("child,parent,problem", [
    (1, "A9", "is not the id of an attribution"),
    (1, "A2", "own parent"),
    (3, "A1", "outside the parent's claim"),     # "Critics disagree." is not in A1's claim
    (3, "A3", "cannot loop"),                    # A3 inside A4 and A4 inside A3
])
def test_import_check_refuses_a_bad_parent_naming_the_attribution(nested, child, parent,
                                                                   problem):
    if problem == "cannot loop":  # two attributions of the one claim c3: each holds the other
        nested.attributions[2].source = nested.attributions[2].cue = None
        nested.attributions[2].parent = "A4"
        nested.attributions[3].claims = ["c3"]
    nested.attributions[child].parent = parent
    _, errors = check_document(nested, RULES)
    assert any(e.startswith(f"attributions[{child}].parent: ") and problem in e
               for e in errors), errors


def test_jsonl_line_with_a_dangling_parent_names_the_line(nested):
    nested.attributions[1].parent = "A42"
    data = "".join(jsonl.write([nested])).encode()
    entry = next(jsonl.read(lines(b"\n" + data), "d.jsonl"))
    assert entry.where == "d.jsonl:2"
    _, errors = check_document(entry.document, RULES)
    assert errors == ["attributions[1].parent: 'A42' is not the id of an attribution of this "
                      "document."]


def test_jsonl_parent_that_is_not_an_id_is_refused_by_the_reader(nested):
    record = json.loads("".join(jsonl.write([nested])))
    record["attributions"][1]["parent"] = ["A1"]
    entry = next(jsonl.read(lines(json.dumps(record).encode()), "d.jsonl"))
    assert entry.document is None
    assert any(e.startswith("attributions[1]: parent:") for e in entry.errors), entry.errors


def test_layered_import_refuses_a_parent_of_another_annotator(nested):
    nested.layered = True
    for attribution, name in zip(nested.attributions, ["ann", "ann2", "ann2", "ann"]):
        attribution.provenance = {"annotators": [name]}
    _, errors = check_document(nested, RULES)
    assert [e for e in errors if "parent" in e] == [
        "attributions[1].parent: 'A1' is another annotator's (another layer); a parent is of "
        "the same layer."]
