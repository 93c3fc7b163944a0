"""Our JSON Lines: lossless round trip, the example file, errors by line."""
import io
import json

from annotator.formats import jsonl
from annotator.formats.archive import iter_lines
from annotator.formats.records import label_key
from tests.formats.conftest import EXAMPLES


def lines_of(data: bytes, limit: int = 1 << 20):
    return iter_lines(io.BytesIO(data), limit)


def test_write_then_read_keeps_every_label_and_provenance_when_round_tripped(example):
    written = "".join(jsonl.write([example])).encode()
    back = next(jsonl.read(lines_of(written), "x.jsonl")).document
    assert label_key(back) == label_key(example)
    assert [s.provenance for s in back.spans] == [s.provenance for s in example.spans]
    assert back.title == example.title and back.metadata == example.metadata


def test_example_file_is_what_the_writer_writes_when_read_back(example):
    assert "".join(jsonl.write([example])) == (EXAMPLES / "example.jsonl").read_text()


def test_every_span_is_a_code_point_slice_as_spacy_char_span_needs_when_text_has_emoji(
        fragmented):
    record = json.loads(next(jsonl.write([fragmented])))
    for span in record["spans"]:
        assert record["text"][span["start"]:span["end"]] == span["text"]
    emoji_span = next(s for s in record["spans"] if "🇺🇦" in s["text"])
    # code points: the flag is 2, not 4 as in UTF-16
    assert emoji_span["end"] - emoji_span["start"] == len("Officials ") + 2


def test_bad_lines_are_reported_with_their_number_when_read():
    data = (b'{"text": "fine"}\n'
            b'not json\n'
            b'\n'
            b'{"title": "no text"}\n'
            b'{"text": "x", "spans": [{"label": 3}]}\n'
            b'\xff\xfe\n'
            b'[1, 2]\n')
    entries = list(jsonl.read(lines_of(data), "f.jsonl"))
    problems = {e.where: e.errors for e in entries if e.errors}
    assert set(problems) == {"f.jsonl:2", "f.jsonl:4", "f.jsonl:5", "f.jsonl:6", "f.jsonl:7"}
    assert "not JSON" in problems["f.jsonl:2"][0]
    assert "text" in problems["f.jsonl:4"][0]
    assert "not UTF-8" in problems["f.jsonl:6"][0]
    assert entries[0].document.text == "fine"


def test_a_line_over_the_limit_is_an_error_and_is_never_kept_whole_when_read():
    data = b'{"text": "ok"}\n' + b'{"text": "' + b"x" * 5000 + b'"}\n' + b'{"text": "after"}\n'
    entries = list(jsonl.read(iter_lines(io.BytesIO(data), 1000, chunk=64), "big.jsonl"))
    assert [e.where for e in entries] == ["big.jsonl:1", "big.jsonl:2", "big.jsonl:3"]
    assert "longer than the limit of 1,000 bytes" in entries[1].errors[0]
    assert entries[2].document.text == "after"


def test_a_byte_order_mark_and_crlf_line_ends_are_accepted_when_read():
    data = b'\xef\xbb\xbf{"text": "one"}\r\n{"text": "two"}\r\n'
    texts = [e.document.text for e in jsonl.read(lines_of(data), "bom.jsonl")]
    assert texts == ["one", "two"]


def test_deeply_nested_json_is_an_error_not_a_crash_when_read():
    data = b'{"text": "x", "metadata": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"
    entry = next(jsonl.read(lines_of(data, 1 << 21), "deep.jsonl"))
    assert entry.errors


def test_the_formats_know_the_entity_types_the_models_store():
    from annotator.formats.records import ENTITY_TYPES
    from annotator.models import EntityType

    assert ENTITY_TYPES == tuple(EntityType.values)


def test_entities_are_read_back_with_the_spans_that_mention_them(example):
    [entity] = example.entities
    assert (entity.id, entity.name, entity.aliases) == ("E1", "The foreign minister",
                                                        ["the minister"])
    assert [example.text[s.start:s.end] for s in example.spans if s.entity == "E1"] == [
        "the minister"]
