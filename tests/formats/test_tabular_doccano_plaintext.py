"""CSV rows per attribution, doccano JSON Lines, plain text."""
import io
import json

from annotator.formats import doccano, plaintext, tabular
from annotator.formats.archive import iter_lines
from annotator.formats.records import label_key
from tests.formats.conftest import EXAMPLES

ATTRIBUTES = ["source_type", "claim_type", "quote_type"]


def test_csv_has_one_row_per_attribution_that_a_csv_reader_reads_back(fragmented):
    rows = list(tabular.read(io.StringIO("".join(tabular.write([fragmented], ATTRIBUTES)))))
    assert len(rows) == len(fragmented.attributions)
    first = rows[0]
    assert first["claim"] == "The deal is dead, … and nobody will revive it."
    starts = [tuple(map(int, part.split("-"))) for part in first["claim_offsets"].split(";")]
    assert [fragmented.text[s:e] for s, e in starts] == ["The deal is dead,",
                                                         "and nobody will revive it."]
    assert first["source"] == fragmented.text[int(first["source_start"]):
                                              int(first["source_end"])]
    assert first["quote_type"] == "direct" and rows[1]["source_type"] == "named person"


def test_csv_example_is_what_the_writer_writes(example):
    written = "".join(tabular.write([example], ATTRIBUTES))
    assert written == (EXAMPLES / "example.csv").read_bytes().decode("utf-8")


def lines(data: bytes):
    return iter_lines(io.BytesIO(data), 1 << 20)


def test_doccano_write_then_read_keeps_spans_and_attributions_with_fragments(fragmented):
    data = "".join(doccano.write([fragmented])).encode()
    entry = next(doccano.read(lines(data), "d.jsonl"))
    assert not entry.errors
    expected_spans, expected_attributions = label_key(fragmented)
    spans, attributions = label_key(entry.document)
    assert spans == expected_spans
    # doccano has no attributes: the links survive, the attribute values do not
    assert {a[:3] for a in attributions} == {a[:3] for a in expected_attributions}


def test_doccano_example_reads_into_three_attributions_one_in_fragments():
    entry = next(doccano.read(lines((EXAMPLES / "example-doccano.jsonl").read_bytes()), "e"))
    assert not entry.errors
    claims = sorted(len(a.claims) for a in entry.document.attributions)
    assert claims == [1, 1, 2]


def test_doccano_without_relations_uses_the_label_list():
    data = json.dumps({"id": 4, "text": "Officials said so.", "label": [[0, 9, "SOURCE"]],
                       "source": "wire"}).encode()
    entry = next(doccano.read(lines(data), "plain.jsonl"))
    (span,) = entry.document.spans
    assert (span.label, span.start, span.end) == ("SOURCE", 0, 9)
    assert entry.document.metadata == {"source": "wire", "doccano_id": 4}


def test_doccano_relations_between_other_labels_are_errors():
    record = {"text": "A said B told C.", "entities": [
        {"id": 1, "label": "SOURCE", "start_offset": 0, "end_offset": 1},
        {"id": 2, "label": "SOURCE", "start_offset": 7, "end_offset": 8},
        {"id": 3, "label": "CLAIM", "start_offset": 14, "end_offset": 15}],
        "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "x"},
                      {"id": 2, "from_id": 3, "to_id": 1, "type": "source"}]}
    entry = next(doccano.read(lines(json.dumps(record).encode()), "r.jsonl"))
    assert entry.errors == ["relations[0]: links a SOURCE and a SOURCE; an attribution links a "
                            "CLAIM with a SOURCE, a CUE or another CLAIM (a fragment)."]


def test_plain_text_reads_one_document_and_refuses_empty_or_non_utf8_files():
    entry = plaintext.read_file("dir/story.txt", (EXAMPLES / "example.txt").read_bytes())
    assert entry.document.title == "story"
    assert plaintext.write(entry.document) == (EXAMPLES / "example.txt").read_text()
    assert plaintext.read_file("e.txt", b"  \n").errors == ["the file is empty."]
    assert "not UTF-8" in plaintext.read_file("l.txt", "café".encode("latin-1")).errors[0]
