"""brat standoff: an independent reader (tests/formats/standoff_reader.py) checks what we
write; our reader reads it back with the same labels."""
from annotator.formats import brat
from annotator.formats.records import label_key
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
