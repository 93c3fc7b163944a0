"""annotator.text's check of what comes in: pure, no database."""
import json

import pytest
from django.core.exceptions import ValidationError

from annotator import text


def test_input_problems_name_every_bad_string_key_and_number_by_its_path_in_order():
    value = {"title": "fine 🇺🇦 e\u0301", "metadata": {"author": "ab\udc80", "x\ud800": 1,
                                                     "scores": [1.5, float("nan")]},
             "spans": [{"label": "OK"}, {"label": "\udfff"}], "n": float("-inf")}
    assert text.input_problems(value) == [
        ("metadata.author", "contains a lone surrogate U+DC80 (code point 2)."),
        ("metadata.x\\ud800", "the key contains a lone surrogate U+D800 (code point 1)."),
        ("metadata.scores[1]", "is NaN: only finite numbers are allowed."),
        ("spans[1].label", "contains a lone surrogate U+DFFF (code point 0)."),
        ("n", "is -Infinity: only finite numbers are allowed.")]


def test_valid_text_finite_numbers_and_joined_pairs_have_no_problem():
    decoded = json.loads('{"emoji": "\\ud83c\\uddfa\\ud83c\\udde6", "big": 1e300, "i": 10}')
    assert decoded["emoji"] == "🇺🇦"
    assert text.input_problems(decoded) == []
    assert text.input_problems(["", None, True, 0, -0.0, "\uffff", "\U0010ffff"]) == []


def test_input_problems_walk_nesting_deeper_than_the_recursion_limit():
    deep = "\udc80"
    for _ in range(5000):
        deep = [deep]
    [(path, reason)] = text.input_problems(deep, root="the line")
    assert path == "[0]" * 5000 and "U+DC80" in reason


def test_input_problems_stop_after_a_limit():
    assert len(text.input_problems(["\udc80"] * 100)) == text.MAX_PROBLEMS


def test_check_input_raises_a_validation_error_keyed_by_path():
    with pytest.raises(ValidationError) as info:
        text.check_input({"a": {"b": float("inf")}})
    assert info.value.message_dict == {"a.b": ["is Infinity: only finite numbers are allowed."]}
    with pytest.raises(ValidationError) as info:
        text.check_input("x\udc80.txt", "file")
    assert list(info.value.message_dict) == ["file"]


def test_decode_form_decodes_utf8_and_names_what_is_not():
    assert text.decode_form(b"q=caf%C3%A9+au+lait&empty=&flag&&x=%F0%9F%87%BA") == [
        ("q", "café au lait"), ("empty", ""), ("flag", ""), ("x", "\U0001f1fa")]
    with pytest.raises(ValidationError) as info:
        text.decode_form(b"ok=1&q=%ED%B2%80")  # a lone surrogate, as sloppy UTF-8
    assert info.value.message_dict == {"q": ["is not valid UTF-8 (byte 0: 0xed)."]}
    with pytest.raises(ValidationError) as info:
        text.decode_form(b"na%FFme=1")
    assert info.value.message_dict == {
        "non_field_errors": ["a field name is not valid UTF-8 (byte 2: 0xff)."]}
