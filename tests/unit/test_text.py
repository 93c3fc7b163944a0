import pytest
from django.core.exceptions import ValidationError

from annotator import text

# One character of each kind that breaks naive offset code.
TRICKY = "Emoji 🇺🇦👍🏽 e\u0301 “quoted” non\u00a0breaking שלום עולם done."


def test_check_span_returns_slice_when_offsets_are_code_points():
    start = TRICKY.index("“")
    end = TRICKY.index("”") + 1
    assert text.check_span(TRICKY, start, end, "“quoted”") == "“quoted”"


@pytest.mark.parametrize("piece", ["🇺🇦", "👍🏽", "e\u0301", "non\u00a0breaking", "שלום עולם"])
def test_check_span_accepts_astral_combining_nbsp_and_rtl_when_quote_matches(piece):
    start = TRICKY.index(piece)
    assert text.check_span(TRICKY, start, start + len(piece), piece) == piece


def test_check_span_rejects_quote_when_it_differs_from_the_slice():
    with pytest.raises(ValidationError) as info:
        text.check_span("Officials said so.", 0, 9, "Official ")
    assert "quote" in info.value.message_dict
    assert "'Officials'" in info.value.message_dict["quote"][0]


@pytest.mark.parametrize("start,end,field", [
    (-1, 3, "start"), (3, 3, "end"), (5, 2, "end"), (0, 19, "end"), ("0", 3, "start"),
    (0, 2.5, "end"), (True, 3, "start"),
])
def test_check_span_names_the_field_when_offsets_are_invalid(start, end, field):
    with pytest.raises(ValidationError) as info:
        text.check_span("Officials said so.", start, end)
    assert list(info.value.message_dict) == [field]


def test_check_span_counts_an_emoji_as_one_when_python_does():
    doc = "👍 ok"
    assert text.check_span(doc, 2, 4, "ok") == "ok"  # UTF-16 would say 3..5


def test_normalize_turns_crlf_and_cr_into_lf_and_composes():
    assert text.normalize("a\r\nb\rc\n") == "a\nb\nc\n"
    assert text.normalize("e\u0301") == "\u00e9"


def test_sha256_is_of_the_utf8_bytes():
    # Worked out once with `printf 'é' | sha256sum`.
    assert text.sha256("é") == "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c"
