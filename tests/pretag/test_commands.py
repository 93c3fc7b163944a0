"""manage.py pretag_jsonl and evaluate_tagger, on temporary files (no database)."""
from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from annotator.pretag import get_tagger, pretag_text, result_to_record


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_pretag_jsonl_writes_one_record_per_input_through_the_shared_code_path(tmp_path):
    documents = [{"id": "a", "text": '\U0001F680 "The deal is dead," he said.'},
                 {"id": 7, "text": "Nothing to see here."}]
    write_jsonl(tmp_path / "in.jsonl", documents)
    call_command("pretag_jsonl", str(tmp_path / "in.jsonl"), str(tmp_path / "out.jsonl"),
                 stderr=StringIO())
    out = read_jsonl(tmp_path / "out.jsonl")
    assert [r["id"] for r in out] == ["a", 7]
    expected = result_to_record("a", documents[0]["text"],
                                pretag_text(get_tagger(), documents[0]["text"]))
    assert out[0] == json.loads(json.dumps(expected))
    assert {s["label"] for s in out[0]["spans"]} == {"CLAIM", "SOURCE", "CUE"}
    assert out[1]["spans"] == [] and out[1]["relations"] == []


def test_pretag_jsonl_with_entities_numbers_the_sources_entities_as_exports_do(tmp_path):
    text = ("Foreign Minister Ana Ruiz said the talks would resume. She said the deal was "
            "close. Officials said the border would stay shut.")
    write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": text}])
    call_command("pretag_jsonl", str(tmp_path / "in.jsonl"), str(tmp_path / "out.jsonl"),
                 "--entities", stderr=StringIO())
    record = read_jsonl(tmp_path / "out.jsonl")[0]
    sources = {s["text"]: s.get("entity") for s in record["spans"] if s["label"] == "SOURCE"}
    assert sources["Foreign Minister Ana Ruiz"] == sources["She"] == "E1"
    assert record["entities"][0] == {"id": "E1", "name": "Ana Ruiz", "type": "person"}
    anonymous = next(e for e in record["entities"] if e["id"] == sources["Officials"])
    assert anonymous == {"id": sources["Officials"], "name": "officials", "type": "anonymous"}


def test_pretag_jsonl_writes_to_stdout_when_output_is_a_dash(tmp_path):
    write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": "Officials said it would rain."}])
    stdout = StringIO()
    call_command("pretag_jsonl", str(tmp_path / "in.jsonl"), "-", stdout=stdout)
    assert json.loads(stdout.getvalue())["relations"][0]["source"] is not None


@pytest.mark.parametrize("content,message", [
    ('{"id": "a", "text": "ok"}\nnot json\n', "in.jsonl:2: not JSON"),
    ('{"text": "no id"}\n', 'in.jsonl:1: "id"'),
    ('{"id": "a", "text": 3}\n', 'in.jsonl:1: "text" must be a string'),
    ('[1, 2]\n', "in.jsonl:1: expected an object"),
    ('{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n', "in.jsonl:2: id 'a' is repeated"),
])
def test_pretag_jsonl_names_the_bad_line(tmp_path, content, message):
    (tmp_path / "in.jsonl").write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("pretag_jsonl", str(tmp_path / "in.jsonl"), str(tmp_path / "out.jsonl"))
    assert not (tmp_path / "out.jsonl").exists()


def test_pretag_jsonl_rejects_an_unknown_tagger(tmp_path):
    write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": "x"}])
    with pytest.raises(CommandError, match="unknown tagger"):
        call_command("pretag_jsonl", str(tmp_path / "in.jsonl"), "-", tagger="nope")


def test_evaluate_tagger_prints_exact_and_overlap_scores(tmp_path):
    text = '"The deal is dead," he said.'
    write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": text}])
    call_command("pretag_jsonl", str(tmp_path / "in.jsonl"), str(tmp_path / "pred.jsonl"),
                 stderr=StringIO())
    stdout = StringIO()
    call_command("evaluate_tagger", str(tmp_path / "pred.jsonl"), str(tmp_path / "pred.jsonl"),
                 stdout=stdout)
    table = stdout.getvalue()
    assert "exact P" in table and "overlap P" in table
    for row in ("CLAIM", "SOURCE", "CUE", "ALL", "SOURCE->CLAIM"):
        line = next(l for l in table.splitlines() if l.startswith(row + " "))
        assert line.split()[-1] == "1.000", line


def test_evaluate_tagger_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="missing.jsonl"):
        call_command("evaluate_tagger", str(tmp_path / "missing.jsonl"),
                     str(tmp_path / "missing.jsonl"))
