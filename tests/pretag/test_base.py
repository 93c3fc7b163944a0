"""The tagger interface: registry, output checks, de-duplication, the JSON Lines record."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from annotator import pretag
from annotator.pretag import (PretagOutputError, TaggedAttribution, TaggedSpan, Tagger,
                              TagResult, available_taggers, get_tagger, pretag_text,
                              register_tagger, result_check, result_to_record)

TEXT = "Officials said the bridge will reopen."


class Fixed(Tagger):
    """A tagger that returns what it is given, to test the checks."""
    name, version = "fixed", "1"

    def __init__(self, result: TagResult):
        self.result = result

    def tag(self, text: str) -> TagResult:
        return self.result


def span(key, label, start, end):
    return TaggedSpan(key=key, label=label, start=start, end=end, confidence=0.5)


def good_spans():
    return [span("s", "SOURCE", 0, 9), span("c", "CUE", 10, 14), span("k", "CLAIM", 15, 37)]


def test_get_tagger_returns_the_built_in_rules_when_no_name_is_given():
    tagger = get_tagger()
    assert tagger.name == "rules-attribution" and tagger.version
    assert "rules-attribution" in available_taggers()
    assert get_tagger("rules-attribution") is tagger


def test_get_tagger_raises_key_error_naming_the_choices_when_name_is_unknown():
    with pytest.raises(KeyError, match="rules-attribution"):
        get_tagger("no-such-tagger")


def test_register_tagger_makes_a_tagger_available_by_name():
    register_tagger("test-fixed", lambda: Fixed(TagResult()))
    assert "test-fixed" in available_taggers()
    assert get_tagger("test-fixed").name == "fixed"


def test_base_and_rules_modules_do_not_import_django():
    folder = Path(pretag.__file__).parent
    for module in folder.rglob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        names = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for alias in node.names]
        names += [node.module or "" for node in ast.walk(tree)
                  if isinstance(node, ast.ImportFrom)]
        assert not [n for n in names if n.startswith("django")], module.name


def test_result_check_accepts_a_valid_result_and_keeps_links():
    result = result_check(TEXT, TagResult(good_spans(), [
        TaggedAttribution(claims=["k"], source="s", cue="c", confidence=0.7)]))
    assert [(s.label, TEXT[s.start:s.end]) for s in result.spans] == [
        ("SOURCE", "Officials"), ("CUE", "said"), ("CLAIM", "the bridge will reopen")]
    assert result.attributions[0].claims == ["k"] and result.attributions[0].source == "s"


@pytest.mark.parametrize("bad,message", [
    (span("x", "CLAIM", -1, 3), "inside the text"),
    (span("x", "CLAIM", 5, 5), "inside the text"),
    (span("x", "CLAIM", 30, 99), "inside the text"),
    (span("x", "QUOTE", 0, 3), "label"),
    (TaggedSpan("x", "CLAIM", 0, 3.5), "integers"),
    (span("x", "CLAIM", 14, 15), "only whitespace"),
])
def test_result_check_rejects_a_bad_span(bad, message):
    with pytest.raises(PretagOutputError, match=message):
        result_check(TEXT, TagResult([*good_spans(), bad], []))


@pytest.mark.parametrize("attribution,message", [
    (TaggedAttribution(claims=[]), "at least one claim"),
    (TaggedAttribution(claims=["nope"]), "not a span key"),
    (TaggedAttribution(claims=["k"], source="nope"), "not a span key"),
    (TaggedAttribution(claims=["k"], source="c"), "is a CUE, not a SOURCE"),
    (TaggedAttribution(claims=["s"]), "is a SOURCE, not a CLAIM"),
])
def test_result_check_rejects_a_bad_attribution(attribution, message):
    with pytest.raises(PretagOutputError, match=message):
        result_check(TEXT, TagResult(good_spans(), [attribution]))


def test_result_check_rejects_a_key_used_twice():
    with pytest.raises(PretagOutputError, match="twice"):
        result_check(TEXT, TagResult([span("s", "SOURCE", 0, 9), span("s", "CUE", 10, 14)], []))


def test_result_check_merges_identical_spans_and_identical_attributions():
    spans = [*good_spans(), span("k2", "CLAIM", 15, 37), span("s2", "SOURCE", 0, 9)]
    result = result_check(TEXT, TagResult(spans, [
        TaggedAttribution(claims=["k"], source="s"),
        TaggedAttribution(claims=["k2"], source="s2"),
    ]))
    assert len(result.spans) == 3
    assert len(result.attributions) == 1


def test_result_check_trims_whitespace_at_span_edges():
    result = result_check(TEXT, TagResult([span("s", "SOURCE", 0, 10)], []))
    assert TEXT[result.spans[0].start:result.spans[0].end] == "Officials"


def test_result_check_puts_claim_fragments_in_text_order():
    text = '"A," he said, "B."'
    spans = [span("b", "CLAIM", 15, 17), span("a", "CLAIM", 1, 2)]
    result = result_check(text, TagResult(spans, [TaggedAttribution(claims=["b", "a"])]))
    assert result.attributions[0].claims == ["a", "b"]


def test_pretag_text_checks_what_the_tagger_returns():
    broken = Fixed(TagResult([span("x", "CLAIM", 0, 999)], []))
    with pytest.raises(PretagOutputError):
        pretag_text(broken, TEXT)


def test_result_to_record_has_the_pretag_jsonl_shape():
    text = '"A," he said, "B."'
    result = pretag_text(get_tagger(), text)
    record = result_to_record("doc-1", text, result)
    assert set(record) == {"id", "text", "spans", "relations"}
    assert record["id"] == "doc-1" and record["text"] == text
    assert [s["id"] for s in record["spans"]] == ["T1", "T2", "T3", "T4"]
    for s in record["spans"]:
        assert {"id", "start", "end", "label", "text"} <= set(s)
        assert text[s["start"]:s["end"]] == s["text"]
    labels = {s["id"]: s["label"] for s in record["spans"]}
    # A split quote: one relation per fragment, same source and cue, same attribution.
    assert len(record["relations"]) == 2
    assert {r["attribution"] for r in record["relations"]} == {1}
    for relation in record["relations"]:
        assert labels[relation["claim"]] == "CLAIM"
        assert labels[relation["source"]] == "SOURCE" and labels[relation["cue"]] == "CUE"


def test_result_to_record_writes_null_for_a_missing_source():
    text = "It is understood that the plan will change."
    record = result_to_record(1, text, pretag_text(get_tagger(), text))
    assert record["relations"][0]["source"] is None
