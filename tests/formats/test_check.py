"""formats/check.py: the text and offsets kept exactly, unless the import asks or the file shows."""
from annotator.formats.check import Rules, check_document
from annotator.formats.records import DocumentRecord, SpanRecord

# "e" + U+0301 (a combining acute) and CRLF line ends: NFC and LF would remove 3 code points
RAW = "Cafe\u0301 owners said:\r\n\u201cPrices will rise.\u201d\r\n"
RULES = Rules(labels={"CLAIM", "SOURCE", "CUE"})


def span(span_id, label, piece, text=RAW, with_text=True):
    start = text.index(piece)
    return SpanRecord(span_id, label, start, start + len(piece), piece if with_text else None)


def test_text_and_offsets_are_kept_exactly_by_default():
    document = DocumentRecord(text=RAW, spans=[span("1", "SOURCE", "Cafe\u0301 owners"),
                                               span("2", "CLAIM", "Prices will rise.")])
    checked, problems = check_document(document, RULES)
    assert not problems
    assert checked.text == RAW and len(checked.text) == len(RAW)
    assert [(s.start, s.end) for s in checked.spans] == [(s.start, s.end) for s in document.spans]
    assert checked.normalized == {} and checked.notes == []


def test_a_span_starting_on_a_combining_mark_is_kept():
    start = RAW.index("\u0301")
    document = DocumentRecord(text=RAW, spans=[SpanRecord("1", "CUE", start, start + 8)])
    checked, problems = check_document(document, RULES)
    assert not problems and checked.spans[0].text == "\u0301 owners"


def test_normalize_moves_offsets_and_says_what_changed():
    document = DocumentRecord(text=RAW, spans=[span("1", "SOURCE", "Cafe\u0301 owners"),
                                               span("2", "CLAIM", "Prices will rise.")])
    checked, problems = check_document(document, Rules(labels=RULES.labels,
                                                       normalize=frozenset({"nfc", "lf"})))
    assert not problems
    assert checked.text == "Café owners said:\n“Prices will rise.”\n"
    assert [s.text for s in checked.spans] == ["Café owners", "Prices will rise."]
    assert checked.normalized == {"line_ends": 2, "nfc": 1, "removed": 3, "spans_moved": 2}


def test_a_span_ending_inside_a_composed_character_cannot_be_normalized():
    start = RAW.index("Cafe")
    document = DocumentRecord(text=RAW, spans=[SpanRecord("1", "SOURCE", start, start + 4)])
    _, problems = check_document(document, Rules(labels=RULES.labels,
                                                 normalize=frozenset({"nfc"})))
    assert problems == ["spans[0].start: a boundary falls inside a character that Unicode "
                        "normalisation (NFC) composes; the span cannot be kept exactly (import "
                        "without normalize=nfc)."]


EMOJI = "Officials 😀 said the talks collapsed."


def utf16(piece, text=EMOJI):
    start = text.index(piece)
    return (len(text[:start].encode("utf-16-le")) // 2,
            len(text[:start + len(piece)].encode("utf-16-le")) // 2)


def test_utf16_offsets_of_a_tool_are_converted_with_a_note_per_span_moved():
    spans = [SpanRecord("1", "SOURCE", 0, 9), SpanRecord("2", "CUE", *utf16("said")),
             SpanRecord("3", "CLAIM", *utf16("the talks collapsed."))]
    document = DocumentRecord(text=EMOJI, spans=spans, offset_units="unknown")
    checked, problems = check_document(document, RULES)
    assert not problems
    assert [s.text for s in checked.spans] == ["Officials", "said", "the talks collapsed."]
    assert checked.notes == [
        "offsets read as UTF-16 units (read as UTF-16 units every span sits on word "
        "boundaries; the offsets do not fit as code points); 2 span(s) moved to code points.",
        "spans[1] CUE [13, 17) counted UTF-16 units: stored at code points [12, 16) 'said'.",
        "spans[2] CLAIM [18, 38) counted UTF-16 units: stored at code points [17, 37) "
        "'the talks collapsed.'."]


def test_offsets_of_our_own_formats_are_code_points_whatever_they_look_like():
    spans = [SpanRecord("1", "CUE", *utf16("said"))]
    checked, problems = check_document(DocumentRecord(text=EMOJI, spans=spans), RULES)
    assert not problems and checked.spans[0].text == "aid "


def test_an_ambiguous_document_is_refused_naming_the_span_and_the_option():
    text = "Before 😀 a.b"
    start = text.index(".")
    document = DocumentRecord(text=text, spans=[SpanRecord("1", "CUE", start, start + 1)],
                              offset_units="unknown")
    _, problems = check_document(document, RULES)
    assert problems == [
        "spans[0]: offsets [10, 11) give '.' as code points, 'a' as UTF-16 units, '.' as "
        "grapheme clusters; the file does not show whether its offsets count code points or "
        "UTF-16 units. doccano's annotation page counts UTF-16 units after an emoji, or grapheme "
        "clusters when its project counts them as one character: import it again with the "
        "option offsets=utf16, offsets=graphemes or offsets=codepoints."]
    forced, problems = check_document(document, Rules(labels=RULES.labels, offsets="utf16"))
    assert not problems and forced.spans[0].text == "a"
    kept, problems = check_document(document, Rules(labels=RULES.labels, offsets="codepoints"))
    assert not problems and kept.spans[0].text == "."


def test_grapheme_cluster_offsets_are_converted_and_a_span_that_cuts_words_everywhere_refused():
    text = "Paris \U0001F1EB\U0001F1F7 The minister said e\u0301lan wins."
    document = DocumentRecord(text=text, offset_units="unknown", spans=[
        SpanRecord("1", "SOURCE", 8, 20), SpanRecord("2", "CLAIM", 26, 30)])
    checked, problems = check_document(document, RULES)
    assert not problems
    assert [s.text for s in checked.spans] == ["The minister", "e\u0301lan"]
    assert checked.notes[0].startswith("offsets read as grapheme clusters")
    cutting = DocumentRecord(text=text, offset_units="unknown", spans=[
        SpanRecord("1", "SOURCE", 10, 14)])   # "e mi" / "he m" / "inis": a cut in every count
    _, problems = check_document(cutting, RULES)
    assert problems[0].startswith("spans[0]: offsets [10, 14) give ")
    assert "in every count that fits, some span would cut a word" in problems[0]
