"""Second-hand claims among suggestions: the pre-tagger's parents stored, checked, and
carried into an annotator's layer when they accept (issue #16, point 7)."""
import pytest

from annotator.models import Attribution, LabelStatus
from annotator.pretag import get_tagger, pretag_text
from annotator.services.suggestions import (SuggestedAttribution, SuggestedSpan,
                                            suggestions_store)

pytestmark = pytest.mark.django_db

TEXT = "The mayor said that the minister claimed the bridge is safe. Engineers disagree."


@pytest.fixture
def tagged(world, make_document):
    """The rules tagger's suggestions for TEXT, stored as a pre-tagging job stores them."""
    document = make_document(world.project, text=TEXT, title="Bridge")
    tagger = get_tagger("rules-attribution")
    result = pretag_text(tagger, TEXT)
    suggestions_store(document=document, tagger_name=tagger.name,
                      tagger_version=tagger.version, spans=result.spans,
                      attributions=result.attributions)
    rows = {a.claim.quote: a for a in Attribution.objects.filter(
        document=document, annotator__isnull=True).select_related("claim")}
    return document, rows


def test_rules_tagger_suggestion_of_a_second_hand_claim_has_its_parent(tagged, world, api):
    document, rows = tagged
    outer, inner = rows["the minister claimed the bridge is safe"], rows["the bridge is safe"]
    assert inner.parent_id == outer.pk and outer.parent_id is None
    detail = api(world.annotator).get(f"/api/documents/{document.id}/").json()
    parents = {a["id"]: a["parent"] for a in detail["suggestions"]["attributions"]}
    assert parents == {outer.pk: None, inner.pk: outer.pk}


def test_storing_the_same_output_again_keeps_the_parents(tagged):
    document, rows = tagged
    tagger = get_tagger("rules-attribution")
    result = pretag_text(tagger, TEXT)
    assert suggestions_store(document=document, tagger_name=tagger.name,
                             tagger_version=tagger.version, spans=result.spans,
                             attributions=result.attributions) == (0, 0)
    inner = Attribution.objects.get(pk=rows["the bridge is safe"].pk)
    assert inner.parent_id == rows["the minister claimed the bridge is safe"].pk


@pytest.mark.parametrize("order", ["parent first", "child first", "together"])
def test_accepting_nested_suggestions_nests_the_annotators_copies(tagged, world, api, order):
    document, rows = tagged
    outer, inner = rows["the minister claimed the bridge is safe"], rows["the bridge is safe"]
    client = api(world.annotator)
    url = f"/api/documents/{document.id}/suggestions/decide/"
    batches = {"parent first": [[outer.pk], [inner.pk]],
               "child first": [[inner.pk], [outer.pk]],
               "together": [[outer.pk, inner.pk]]}[order]
    for batch in batches:
        response = client.post(url, {"decision": "accept", "attributions": batch},
                               format="json")
        assert response.status_code == 200, response.json()
    mine = {a.suggestion_id: a for a in Attribution.objects.filter(
        annotator=world.annotator, status=LabelStatus.ACCEPTED)}
    assert mine[inner.pk].parent_id == mine[outer.pk].pk
    assert mine[outer.pk].parent_id is None
    answer = response.json()["attributions"]
    if order != "parent first":
        assert {a["id"]: a["parent"] for a in answer}[mine[inner.pk].pk] == mine[outer.pk].pk


def _store(world, make_document, parent):
    document = make_document(world.project, text=TEXT, title="Bridge")
    at = {piece: (TEXT.index(piece), TEXT.index(piece) + len(piece)) for piece in (
        "the minister claimed the bridge is safe", "the bridge is safe", "Engineers disagree")}
    spans = [{"key": k, "label": "CLAIM", "start": s, "end": e}
             for k, (s, e) in zip("oid", at.values())]
    return document, {"tagger_name": "t", "tagger_version": "1", "spans": spans,
                      "attributions": [{"claims": ["o"]}, {"claims": ["i"], "parent": parent},
                                       {"claims": ["d"]}]}


@pytest.mark.parametrize("parent,problem", [
    (2, "outside the parent's claim"), (1, "own parent"), (7, "not the index")])
def test_stored_suggestions_with_a_bad_parent_are_refused_whole(world, api, make_document,
                                                                 parent, problem):
    document, body = _store(world, make_document, parent)
    response = api(world.admin).post(f"/api/documents/{document.id}/suggestions/", body,
                                     format="json")
    assert response.status_code == 400, response.json()
    assert problem in str(response.json()["attributions[1].parent"])
    assert not Attribution.objects.filter(document=document).exists()


def test_a_suggestion_stored_without_a_parent_gets_it_when_the_output_names_one(world,
                                                                               make_document):
    document, body = _store(world, make_document, 0)
    spans = [SuggestedSpan(**s) for s in body["spans"]]
    plain = [SuggestedAttribution(claims=a["claims"]) for a in body["attributions"]]
    suggestions_store(document=document, tagger_name="t", tagger_version="1", spans=spans,
                      attributions=plain)
    assert not Attribution.objects.filter(document=document, parent__isnull=False).exists()
    nested = [SuggestedAttribution(**a) for a in body["attributions"]]
    assert suggestions_store(document=document, tagger_name="t", tagger_version="1",
                             spans=spans, attributions=nested) == (0, 0)
    child = Attribution.objects.get(document=document, claim__quote="the bridge is safe")
    assert child.parent.claim.quote == "the minister claimed the bridge is safe"
