"""formats/relations.py: binary relations (doccano, Label Studio) → attributions."""
from annotator.formats import doccano
from annotator.formats.records import DEFAULT_ROLES, SpanRecord
from annotator.formats.relations import relations_to_attributions

TEXT = "The plan will fail, said Ana and Ben, and Cy agreed, while Di warned."


def spans(*pieces):
    found = []
    for span_id, label, piece in pieces:
        start = TEXT.index(piece)
        found.append(SpanRecord(span_id, label, start, start + len(piece)))
    return found


def attributions(items, links):
    found, errors = relations_to_attributions(
        items, [(f"relations[{i}]", a, b) for i, (a, b) in enumerate(links)], DEFAULT_ROLES)
    return {(tuple(a.claims), a.source, a.cue) for a in found}, errors


def test_a_claim_with_two_sources_and_one_cue_is_two_attributions_sharing_the_cue():
    items = spans(("c", "CLAIM", "The plan will fail"), ("ana", "SOURCE", "Ana"),
                  ("ben", "SOURCE", "Ben"), ("said", "CUE", "said"))
    found, errors = attributions(items, [("c", "ana"), ("ben", "c"), ("c", "said")])
    assert not errors
    assert found == {(("c",), "ana", "said"), (("c",), "ben", "said")}


def test_sources_and_cues_pair_by_explicit_links_then_in_text_order():
    items = spans(("c", "CLAIM", "The plan will fail"), ("ana", "SOURCE", "Ana"),
                  ("cy", "SOURCE", "Cy"), ("di", "SOURCE", "Di"), ("said", "CUE", "said"),
                  ("agreed", "CUE", "agreed"), ("warned", "CUE", "warned"))
    links = [("c", "ana"), ("c", "cy"), ("c", "di"), ("c", "said"), ("c", "agreed"),
             ("c", "warned"), ("di", "warned")]        # Di–warned linked explicitly
    found, errors = attributions(items, links)
    assert not errors
    assert found == {(("c",), "ana", "said"), (("c",), "cy", "agreed"),
                     (("c",), "di", "warned")}


def test_two_sources_without_cues_are_two_attributions_of_the_claim_in_fragments():
    text_spans = spans(("c1", "CLAIM", "The plan"), ("c2", "CLAIM", "will fail"),
                       ("ana", "SOURCE", "Ana"), ("ben", "SOURCE", "Ben"))
    found, errors = attributions(text_spans, [("c1", "c2"), ("c2", "ana"), ("c1", "ben")])
    assert not errors
    assert found == {(("c1", "c2"), "ana", None), (("c1", "c2"), "ben", None)}


def test_a_source_linked_only_through_its_cue_joins_the_cues_claim():
    items = spans(("c", "CLAIM", "The plan will fail"), ("ana", "SOURCE", "Ana"),
                  ("said", "CUE", "said"))
    found, errors = attributions(items, [("c", "said"), ("said", "ana")])
    assert (found, errors) == ({(("c",), "ana", "said")}, [])


def test_sources_and_cues_that_cannot_be_paired_are_an_error_asking_for_links():
    items = spans(("c", "CLAIM", "The plan will fail"), ("ana", "SOURCE", "Ana"),
                  ("ben", "SOURCE", "Ben"), ("said", "CUE", "said"), ("agreed", "CUE", "agreed"),
                  ("warned", "CUE", "warned"))
    found, errors = attributions(items, [("c", "ana"), ("c", "ben"), ("c", "said"),
                                         ("c", "agreed"), ("c", "warned")])
    assert found == set()
    assert errors == ["relations: the CLAIM c has 2 sources and 3 cues not linked to each "
                      "other: link each CUE to its SOURCE (a SOURCE–CUE relation)."]


def test_a_pair_linked_to_no_claim_is_an_error():
    items = spans(("ana", "SOURCE", "Ana"), ("said", "CUE", "said"))
    _, errors = attributions(items, [("ana", "said")])
    assert errors == ["relations: the SOURCE ana and the CUE said are linked to each other but "
                      "to no CLAIM."]


def test_doccano_line_with_one_claim_and_two_sources_reads_as_two_attributions():
    record = {"id": 3, "text": TEXT, "entities": [
        {"id": 1, "label": "CLAIM", "start_offset": 0, "end_offset": 18},
        {"id": 2, "label": "SOURCE", "start_offset": 25, "end_offset": 28},
        {"id": 3, "label": "SOURCE", "start_offset": 33, "end_offset": 36}],
        "relations": [{"id": 1, "from_id": 2, "to_id": 1, "type": "says"},
                      {"id": 2, "from_id": 3, "to_id": 1, "type": "says"}]}
    document, errors = doccano.parse_document(record)
    assert not errors
    assert sorted((a.claims, a.source) for a in document.attributions) == [
        (["1"], "2"), (["1"], "3")]
