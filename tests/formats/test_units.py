"""formats/units.py: deciding per document whether offsets count code points or UTF-16 units."""
import pytest

from annotator.formats import units

# Our own sentences. 😀 and 🇺🇦 (two regional indicators) are outside the BMP: 1 code point
# each in Python (the flag is 2), 2 UTF-16 units each.
TEXT = "Officials 😀 said the talks collapsed, and the mayor 🇺🇦 warned of more."


def cp(piece: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(piece)
    return start, start + len(piece)


def u16(piece: str, text: str = TEXT) -> tuple[int, int]:
    start, end = cp(piece, text)
    return (len(text[:start].encode("utf-16-le")) // 2, len(text[:end].encode("utf-16-le")) // 2)


def test_utf16_positions_map_to_code_points_and_none_inside_a_pair():
    index = units.Utf16(TEXT)
    start, end = u16("talks")
    assert TEXT[index(start):index(end)] == "talks"
    smile = TEXT.index("😀")
    assert index(smile + 1) is None           # between the two halves of 😀
    assert index(index.length) == len(TEXT)
    assert index(index.length + 1) is None


def test_a_text_without_astral_characters_needs_no_decision():
    assert units.detect("Officials said so.", [(0, 9, None)]).units == units.CODEPOINTS


def test_spans_before_the_first_emoji_read_the_same_either_way():
    reading = units.detect(TEXT, [(*cp("Officials"), None)])
    assert reading.units == units.CODEPOINTS and reading.span is None


@pytest.mark.parametrize("convert,expected", [(u16, units.UTF16), (cp, units.CODEPOINTS)])
def test_the_spans_text_decides_when_the_file_carries_it(convert, expected):
    spans = [(*convert(piece), piece) for piece in ("said", "the mayor", "warned of more")]
    reading = units.detect(TEXT, spans)
    assert reading.units == expected and reading.span == 0


def test_an_end_past_the_code_point_length_can_only_be_utf16():
    reading = units.detect(TEXT, [(*u16("warned of more."), None)])
    assert reading.units == units.UTF16
    assert "do not fit as code points or grapheme clusters" in reading.reason


def test_a_boundary_inside_a_surrogate_pair_can_only_be_code_points():
    # [0, 11) as code points is "Officials 😀"; as UTF-16 units it ends inside the 😀
    end = TEXT.index("😀") + 1
    assert units.Utf16(TEXT)(end) is None
    reading = units.detect(TEXT, [(0, end, None)])
    assert reading.units == units.CODEPOINTS and "do not fit as UTF-16 units" in reading.reason


@pytest.mark.parametrize("convert,expected", [(u16, units.UTF16), (cp, units.CODEPOINTS)])
def test_word_boundaries_decide_when_nothing_else_does(convert, expected):
    spans = [(*convert(piece), None) for piece in ("said", "the talks collapsed", "mayor")]
    assert units.detect(TEXT, spans).units == expected


def test_no_evidence_either_way_is_ambiguous_and_names_the_first_span_that_differs():
    text = "Before 😀 a.b"
    start = text.index(".")
    spans = [(0, 6, None), (start, start + 1, None)]
    # as code points the span is "."; as UTF-16 units "a": both sit cleanly in the text
    index = units.Utf16(text)
    assert (text[start:start + 1], text[index(start):index(start + 1)]) == (".", "a")
    reading = units.detect(text, spans)
    assert (reading.units, reading.span) == (units.AMBIGUOUS, 1)


def test_offsets_that_fit_no_count_are_left_to_the_span_check_as_code_points():
    assert units.detect(TEXT, [(0, len(TEXT) + 50, None)]).units == units.CODEPOINTS


def test_grapheme_cluster_offsets_are_recognised_when_only_they_sit_on_word_boundaries():
    text = "Paris \U0001F1EB\U0001F1F7 The minister said e\u0301lan wins.\r\nEnd."
    index = units.Graphemes(text)
    start = 8                                    # "The": after P a r i s, space, flag, space
    assert text[index(start):index(start + 12)] == "The minister"
    elan = text.index("e\u0301lan")
    g_elan = elan - 1                            # the flag is 2 code points, 1 cluster
    g_end = g_elan + 4                           # "élan" is 4 clusters, 5 code points
    spans = [(start, start + 12, None), (g_elan, g_end, None)]
    reading = units.detect(text, spans)
    assert reading.units == units.GRAPHEMES, reading
    assert [text[index(s):index(e)] for s, e, _ in spans] == ["The minister", "e\u0301lan"]


def test_crlf_is_one_grapheme_cluster_so_crlf_texts_have_that_reading_too():
    text = "One line.\r\nThe mayor said so."
    start = text.index("The mayor")
    assert units.detect(text, [(start, start + 9, None)]).units == units.CODEPOINTS
    assert units.detect(text, [(start - 1, start + 8, None)]).units == units.GRAPHEMES


def test_a_span_starting_on_a_combining_mark_is_no_evidence_against_code_points():
    text = "Jose\u0301 said no."     # one cluster "é" of two code points: graphemes differ
    assert units.detect(text, [(4, 10, None)]).units == units.CODEPOINTS   # "\u0301 said"
