"""brat standoff: an independent reader (tests/formats/standoff_reader.py) checks what we
write; our reader reads it back with the same labels."""
import pytest

from annotator.formats import brat
from annotator.formats.records import EntityRecord, SpanRecord, label_key
from tests.formats import standoff_reader
from tests.formats.conftest import EXAMPLES, build

CHOICES = {"quote_type": ["direct", "indirect"],
           "source_type": ["named person", "organisation", "anonymous"]}


def test_independent_reader_parses_our_ann_and_its_texts_match_the_txt_when_fragmented(
        fragmented):
    ann = "".join(brat.write_ann(fragmented))
    parsed = standoff_reader.parse(ann)
    standoff_reader.check_against_text(parsed, fragmented.text)
    discontinuous = [e for e in parsed["entities"].values() if len(e["fragments"]) > 1]
    assert len(discontinuous) == 1 and discontinuous[0]["type"] == "CLAIM"
    assert discontinuous[0]["text"] == "The deal is dead, and nobody will revive it."
    assert len(parsed["events"]) == 2
    values = {(a["type"], a["value"]) for a in parsed["attributes"].values()}
    assert values == {("quote_type", "direct"), ("source_type", "named_person")}


def test_write_then_read_gives_the_same_labels_when_claims_are_fragmented_and_overlap(
        fragmented):
    ann = "".join(brat.write_ann(fragmented))
    entry = brat.read_ann(fragmented.text, ann, "doc.ann", attribute_choices=CHOICES)
    assert not entry.errors
    assert label_key(entry.document) == label_key(fragmented)


def test_example_collection_reads_with_its_attributions_and_review_states(example):
    text = (EXAMPLES / "brat" / "doc-1.txt").read_text()
    ann = (EXAMPLES / "brat" / "doc-1.ann").read_text()
    standoff_reader.check_against_text(standoff_reader.parse(ann), text)
    entry = brat.read_ann(text, ann, "doc-1.ann", attribute_choices=CHOICES)
    assert not entry.errors
    assert label_key(entry.document) == label_key(example)
    assert {s.provenance["review_state"] for s in entry.document.spans} == {"approved"}
    assert "".join(brat.write_ann(example)) == ann


def test_relations_are_read_as_attributions_too():
    text = "Officials said talks collapsed."
    ann = ("T1\tSOURCE 0 9\tOfficials\nT2\tCUE 10 14\tsaid\nT3\tCLAIM 15 31\ttalks collapsed.\n"
           "R1\tSource Arg1:T3 Arg2:T1\nR2\tCue Arg1:T3 Arg2:T2\n")
    entry = brat.read_ann(text, ann, "r.ann")
    assert not entry.errors
    (attribution,) = entry.document.attributions
    spans = entry.document.span_map()
    assert spans[attribution.source].label == "SOURCE" and spans[attribution.cue].label == "CUE"


def test_every_bad_line_is_reported_with_its_number_when_read():
    text = "Officials said talks collapsed."
    ann = ("T1\tSOURCE 0 9\tOfficials\n"
           "T2\tCUE 10 14\tsaif\n"            # text does not match
           "T3\tCLAIM 15 99\ttalks\n"          # past the end
           "T4\tSOURCE 0 3;5 9\tOff cials\n"   # only claims are discontinuous
           "N1\tReference T1 Wikipedia:1\tx\n"  # not supported
           "E1\tCLAIM:T9 Source:T1\n"          # unknown trigger
           "A1\tquote_type E7 direct\n"        # unknown target
           "garbage\n")
    entry = brat.read_ann(text, ann, "bad.ann")
    lines = sorted(int(e.split(":")[1]) for e in entry.errors)
    assert lines == [2, 3, 4, 5, 6, 7, 8]
    assert entry.document is None


def test_files_pair_by_name_and_stray_ones_are_errors():
    pairs, problems = brat.pair_files(["a/x.txt", "a/x.ann", "y.txt", "z.ann", "annotation.conf",
                                       "notes.pdf", ".hidden", "__MACOSX/x.ann"])
    assert pairs == [("a/x.txt", "a/x.ann"), ("y.txt", None)]
    assert sorted(p.split(":")[0] for p in problems) == ["notes.pdf", "z.ann"]


def test_a_span_across_a_line_break_is_written_with_a_space_on_its_line():
    document = build("He said:\n“Go.”", [("c", "CLAIM", "said:\n“Go")])
    ann = "".join(brat.write_ann(document))
    assert ann.count("\n") == 1
    standoff_reader.check_against_text(standoff_reader.parse(ann), document.text)
    assert not brat.read_ann(document.text, ann, "x.ann").errors


def with_entities(document):
    """The fragmented record, its two SOURCE spans naming entities (one of them twice)."""
    document.spans.append(SpanRecord("s3", "SOURCE", 0, 1, document.text[0]))
    document.entities = [EntityRecord("ent a", "The minister", "person", ["minister"]),
                         EntityRecord("ent b", "Officials", "anonymous")]
    for span in document.spans:
        span.entity = {"s": "ent a", "s3": "ent a", "s2": "ent b"}.get(span.id)
    return document


def test_source_entities_are_normalisations_read_back_by_name_and_type_when_written(
        fragmented):
    document = with_entities(fragmented)
    ann = "".join(brat.write_ann(document))
    parsed = standoff_reader.parse(ann)
    normalizations = sorted((n["target"], n["rid"], n["eid"], n["text"])
                            for n in parsed["normalizations"].values())
    types = {ident: e["type"] for ident, e in parsed["entities"].items()}
    assert {types[target] for target, *_ in normalizations} == {"SOURCE"}
    # identifiers hold no space (the record's own ids do): E1, E2 in text order
    assert sorted(n[1:] for n in normalizations) == [
        ("anonymous", "E2", "Officials"), ("person", "E1", "The minister"),
        ("person", "E1", "The minister")]
    entry = brat.read_ann(document.text, ann, "doc.ann", attribute_choices=CHOICES)
    assert not entry.errors
    read = entry.document
    names = {e.id: (e.name, e.type) for e in read.entities}
    assert sorted(names.values()) == [("Officials", "anonymous"), ("The minister", "person")]
    linked = {(s.start, s.end): names[s.entity][0] for s in read.spans if s.entity}
    assert linked == {(s.start, s.end): {"ent a": "The minister", "ent b": "Officials"}[s.entity]
                      for s in document.spans if s.entity}


@pytest.mark.parametrize("line, reason", [
    ("N1\tReference T1 Wikipedia:534366\tBarack Obama", "'Wikipedia', which is not a source"),
    ("N1\tEquiv T1 person:E1\tX", "'Equiv' normalisation"),
    ("N1\tReference T9 person:E1\tX", "T9, which is not a continuous"),
    ("N1\tReference T1 person:E1\t  ", "has no name"),
    ("N1\tReference T1 person", "not a normalisation"),
    ("N1\tReference T1 person:E1\tX\nN2\tReference T1 person:E2\tY", "a second source entity"),
    ("N1\tReference T1 person:E1\tX\nN2\tReference T2 group:E1\tX", "group:'X'"),
])
def test_a_bad_normalisation_is_refused_naming_its_line_when_read(line, reason):
    text = "Officials said talks collapsed."
    ann = f"T1\tSOURCE 0 9\tOfficials\nT2\tSOURCE 10 14\tsaid\n{line}\n"
    entry = brat.read_ann(text, ann, "n.ann")
    assert entry.document is None
    [error] = entry.errors
    assert error.startswith("n.ann:3: ") or error.startswith("n.ann:4: "), error
    assert reason in error, error
