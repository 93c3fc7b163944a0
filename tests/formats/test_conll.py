"""CoNLL BIO: seqeval (an independent reader) finds exactly the spans we kept; what BIO
cannot hold is in the loss report."""
from seqeval.metrics.sequence_labeling import get_entities
from seqeval.scheme import IOB2, Entities

from annotator.formats import conll
from tests.formats.conftest import EXAMPLES, build

LABELS = ["CLAIM", "SOURCE", "CUE"]


def write(document):
    lost = []
    text = "".join(conll.write([document], LABELS, lost.append))
    return text, lost


def seqeval_spans(parsed, column):
    """(label, start, end) offsets of the entities seqeval reads from one tag column."""
    tags = parsed["tags"][column]
    tokens = parsed["tokens"]
    # strict IOB2 validity: every entity seqeval's strict mode accepts is the lenient one too
    strict = Entities([tags], IOB2).entities[0]
    assert len(strict) == len(get_entities(tags))
    return {(label, tokens[first][1], tokens[last][2])
            for label, first, last in get_entities(tags)}


def test_seqeval_reads_the_spans_we_kept_and_the_losses_list_the_rest_when_they_overlap(
        fragmented):
    text, lost = write(fragmented)
    (parsed,) = list(conll.read(text.splitlines(True)))
    assert parsed["labels"] == LABELS
    found = set().union(*(seqeval_spans(parsed, i) for i in range(3)))
    spans = {(s.label, s.start, s.end) for s in fragmented.spans}
    lost_spans = {(i["label"], i["start"], i["end"]) for i in lost if i["kind"] == "span"}
    assert found | lost_spans == spans and not found & lost_spans
    # "talks" nests in "talks collapsed.": one CLAIM tag per token, so one of them is lost
    assert lost_spans == {("CLAIM", fragmented.text.index("talks collapsed."),
                           fragmented.text.index("talks collapsed.") + len("talks"))}
    assert {i["reason"] for i in lost} == {"overlap", "attributions"}


def test_tokens_are_code_point_slices_and_split_at_span_boundaries():
    document = build("Officials🇺🇦said no.", [("s", "SOURCE", "Officials🇺"), ("q", "CUE", "said")])
    text, lost = write(document)
    (parsed,) = list(conll.read(text.splitlines(True)))
    for token, start, end in parsed["tokens"]:
        assert document.text[start:end] == token
    assert seqeval_spans(parsed, 1) == {("SOURCE", 0, 10)}
    assert not [i for i in lost if i["kind"] == "span"]


def test_white_space_at_a_span_end_is_trimmed_and_reported():
    document = build("He said  yes.", [("c", "CLAIM", "said  ")])
    _, lost = write(document)
    assert lost == [{"document": 1, "kind": "span", "span": "c", "label": "CLAIM", "start": 3,
                     "end": 9, "reason": "trimmed", "kept_start": 3, "kept_end": 7}]


def test_example_file_and_its_loss_report_are_what_the_writer_writes(example):
    text, lost = write(example)
    assert text == (EXAMPLES / "example.conll").read_text()
    import json

    assert lost == [json.loads(line) for line in
                    (EXAMPLES / "example-loss-report.jsonl").read_text().splitlines()]


def test_our_reader_and_seqeval_agree_on_the_example():
    (parsed,) = list(conll.read((EXAMPLES / "example.conll").read_text().splitlines(True)))
    for column in range(3):
        ours = set(conll.spans_from_tags(parsed["tokens"], parsed["tags"][column]))
        assert ours == seqeval_spans(parsed, column)
