"""The document's fast path gives exactly what the documented serializers give."""
import json
from datetime import datetime, timezone

import pytest

from annotator import selectors
from annotator.api import serializers as s
from annotator.api.renderers import JSONRenderer
from annotator.models import Span
from annotator.services.attributions import attribution_create
from annotator.services.reviews import review_decide
from annotator.services.spans import spans_bulk_create
from annotator.services.suggestions import (SuggestedAttribution, SuggestedSpan,
                                            suggestions_store)
from tests.api.conftest import span_at

pytestmark = pytest.mark.django_db


def as_json(data):
    """What a client reads: the response body as the app writes it, parsed."""
    return json.loads(JSONRenderer().render(data))


def test_document_detail_dict_equals_the_serializers_output(world):
    doc = world.document
    claim, source, cue, second = spans_bulk_create(document=doc, annotator=world.annotator, items=[
        span_at(doc, "The deal is dead,"), span_at(doc, "the minister", "SOURCE"),
        span_at(doc, "said", "CUE"), span_at(doc, "and nobody will revive it.")])
    attribution = attribution_create(document=doc, annotator=world.annotator,
                                     claims=[claim.pk, second.pk], source=source.pk, cue=cue.pk,
                                     attributes={"quote_type": "direct"})
    review_decide(reviewer=world.reviewer, target=attribution, decision="approve")
    suggestions_store(document=doc, tagger_name="t", tagger_version="1",
                      spans=[SuggestedSpan(key="a", label="CLAIM", start=0, end=5,
                                           confidence=0.5),
                             SuggestedSpan(key="b", label="CUE", start=6, end=9)],
                      attributions=[SuggestedAttribution(claims=["a"], cue="b", confidence=1)])
    # A proposed entity with characters JSON escapes (the database writes spans' JSON:
    # selectors/label_json.py), and an empty type (written "other").
    Span.objects.filter(document=doc, annotator__isnull=True, start=0).update(
        suggested_entity_name='the "minister" \\ \t\u2028 é 📈', suggested_entity_type="",
        suggested_entity_by="")
    # A timestamp on a whole second is written without microseconds, as DRF writes it.
    Span.objects.filter(pk=claim.pk).update(created_at=datetime(2026, 1, 2, 3, 4, 5,
                                                                tzinfo=timezone.utc))
    for layer, user in (("mine", world.annotator), ("all", world.reviewer)):
        fast = as_json(s.document_detail_dict(
            selectors.document_detail_for_user(document=doc, user=user, layer=layer)))
        documented = s.DocumentDetailOut(
            selectors.document_detail_for_user(document=doc, user=user, layer=layer,
                                               as_rows=False)).data
        assert fast == as_json(documented)
        assert fast["spans"] and fast["attributions"] and fast["suggestions"]["spans"]
        assert fast["suggestions"]["attributions"]
        assert [a["claims"] for a in fast["attributions"]] == [[claim.pk, second.pk]]
        assert {sp["id"]: sp["created_at"] for sp in fast["spans"]}[claim.pk] == \
            "2026-01-02T03:04:05Z"
        proposed = [sp["suggested_entity"] for sp in fast["suggestions"]["spans"]
                    if sp["suggested_entity"]]
        assert proposed == [{"id": None, "name": 'the "minister" \\ \t\u2028 é 📈',
                             "type": "other", "by": ""}]


def test_span_dict_equals_span_out_for_new_and_updated_spans(world):
    doc = world.document
    spans = spans_bulk_create(document=doc, annotator=world.annotator, items=[
        span_at(doc, "The deal is dead,"), span_at(doc, "the minister", "SOURCE")])
    fresh = spans_bulk_create(document=doc, annotator=world.annotator,
                              items=[span_at(doc, "said", "CUE")])
    for span in [*spans, *fresh, *Span.objects.select_related("label").filter(document=doc)]:
        assert as_json(s.span_dict(span)) == as_json(s.SpanOut(span).data)


# --- Every endpoint that answers spans or attributions writes them through output.py ---------

def _documented_attributions(ids):
    return s.AttributionOut(selectors.attribution_list_by_id(ids=ids), many=True).data


def test_span_and_attribution_endpoints_answer_what_the_serializers_document(world, api):
    doc, client = world.document, api(world.annotator)
    made = [client.post(f"/api/documents/{doc.pk}/spans/", span_at(doc, piece, label),
                        format="json").json()
            for piece, label in (("The deal is dead,", "CLAIM"), ("the minister", "SOURCE"),
                                 ("said", "CUE"), ("and nobody will revive it.", "CLAIM"))]
    claim, source, cue, second = (span["id"] for span in made)
    for span in made:
        assert span == as_json(s.SpanOut(Span.objects.get(pk=span["id"])).data)
    created = client.post(f"/api/documents/{doc.pk}/attributions/",
                          {"claims": [claim, second], "source": source, "cue": cue,
                           "attributes": {"quote_type": "direct"}}, format="json")
    assert created.status_code == 201
    [documented] = _documented_attributions([created.json()["id"]])
    assert created.json() == as_json(documented)
    got = client.get(f"/api/attributions/{created.json()['id']}/")
    assert got.json() == as_json(documented) and got.json()["claims"] == [claim, second]
    correction = api(world.reviewer).post(f"/api/documents/{doc.pk}/corrections/spans/",
                                          span_at(doc, "officials", "SOURCE"), format="json")
    assert correction.status_code == 201
    assert correction.json() == as_json(s.SpanOut(Span.objects.get(
        pk=correction.json()["id"])).data)


def test_decided_suggestions_and_a_restored_span_answer_what_the_serializers_document(
        world, api):
    doc, client = world.document, api(world.annotator)
    suggestions_store(document=doc, tagger_name="t", tagger_version="1",
                      spans=[SuggestedSpan(key="a", label="CLAIM", start=0, end=5,
                                           confidence=0.5),
                             SuggestedSpan(key="b", label="CUE", start=6, end=9)],
                      attributions=[SuggestedAttribution(claims=["a"], cue="b", confidence=1)])
    suggested = list(Span.objects.filter(document=doc, annotator__isnull=True).order_by("id"))
    decided = client.post(f"/api/documents/{doc.pk}/suggestions/decide/",
                          {"decision": "accept", "spans": [suggested[0].pk],
                           "attributions": list(selectors.attribution_list_for_document(
                               document=doc, suggestions=True).values_list("id", flat=True))},
                          format="json")
    assert decided.status_code == 200, decided.content
    body = decided.json()
    assert body["spans"] and body["attributions"]
    mine = Span.objects.select_related("label").filter(pk__in=[sp["id"] for sp in body["spans"]])
    by_id = {span.pk: span for span in mine}
    assert body == as_json(s.SuggestionDecidedOut({
        "spans": [by_id[sp["id"]] for sp in body["spans"]],
        "attributions": selectors.attribution_list_by_id(
            ids=[a["id"] for a in body["attributions"]])}).data)
    cue = next(sp for sp in body["spans"] if sp["label"] == "CUE")
    deleted = client.delete(f"/api/spans/{cue['id']}/", HTTP_IF_MATCH=str(cue["version"]))
    assert deleted.status_code == 204
    restored = client.post(f"/api/spans/{cue['id']}/restore/", format="json")
    assert restored.status_code == 201, restored.content
    span = Span.objects.select_related("label").get(pk=cue["id"])
    assert restored.json() == as_json(s.SpanRestoredOut({
        "span": span, "skipped": restored.json()["skipped"],
        "attributions": selectors.attribution_list_by_id(
            ids=[a["id"] for a in restored.json()["attributions"]])}).data)
    assert restored.json()["attributions"]


# --- The document list's page without filters (issue #17: compiled queries, plain rows) ---

def _filtered_page(client, url):
    """The same page through the filtered path (django-filter, DocumentListOut): a filter
    that keeps every document."""
    return client.get(url + "&has_suggestions=true").json(), client.get(
        url + "&has_suggestions=false").json()


def test_document_list_page_equals_the_serializers_output(world, api, make_document):
    from annotator.models import Assignment, Document

    others = [make_document(world.project, text=f"Text {i} “quoted” 📈", title=f"Doc {i}")
              for i in range(4)]
    Document.objects.filter(pk=others[0].pk).update(metadata={"outlet": "Le Monde", "n": 3})
    Assignment.objects.create(document=others[1], annotator=world.annotator,
                              assigned_by=world.admin)
    Assignment.objects.create(document=others[1], annotator=world.annotator2,
                              assigned_by=world.admin)
    spans_bulk_create(document=others[2], annotator=world.annotator,
                      items=[{"label": "CLAIM", "start": 0, "end": 4}])
    suggestions_store(document=others[3], tagger_name="t", tagger_version="1",
                      spans=[SuggestedSpan(key="a", label="CLAIM", start=0, end=4)],
                      attributions=[])
    for user in (world.annotator, world.reviewer):
        client = api(user)
        url = f"/api/projects/{world.project.id}/documents/?page_size=3&page=2"
        fast = client.get(url).json()
        with_suggestions, without = _filtered_page(
            client, f"/api/projects/{world.project.id}/documents/?page_size=500")
        everything = {row["id"]: row for row in with_suggestions["results"]
                      + without["results"]}
        assert fast["count"] == len(everything) == 5
        assert fast["previous"] and fast["next"] is None
        assert fast["results"] == [everything[row["id"]] for row in fast["results"]]
        first = client.get(f"/api/projects/{world.project.id}/documents/").json()
        assert [row["id"] for row in first["results"]][0] == (
            others[1].pk if user == world.annotator else world.document.pk)
        assert first["results"] == [everything[row["id"]] for row in first["results"]]
        assignees = {row["id"]: row["assignees"] for row in first["results"]}
        if user == world.reviewer:
            assert [a["id"] for a in assignees[others[1].pk]] == sorted(
                [world.annotator.pk, world.annotator2.pk],
                key=lambda pk: {world.annotator.pk: world.annotator.username,
                                world.annotator2.pk: world.annotator2.username}[pk])
        else:
            assert set(assignees.values()) == {None}
    assert client.get(f"/api/projects/{world.project.id}/documents/?page=9").status_code == 404


def test_document_list_page_when_annotators_open_only_their_assigned_documents(
        world, api, make_document, make_project):
    from annotator.models import Assignment, Project

    others = [make_document(world.project, text=f"Text {i}", title=f"Doc {i}") for i in range(4)]
    for document in others[1:3]:
        Assignment.objects.create(document=document, annotator=world.annotator,
                                  assigned_by=world.admin)
    Project.objects.filter(pk=world.project.pk).update(settings={"unassigned_open": False})
    url = f"/api/projects/{world.project.id}/documents/"
    for user, expected in ((world.annotator, 2), (world.reviewer, 5)):
        client = api(user)
        fast = client.get(url + "?page_size=1&page=2").json()
        with_suggestions, without = _filtered_page(client, url + "?page_size=500")
        everything = {row["id"]: row for row in with_suggestions["results"]
                      + without["results"]}
        assert fast["count"] == len(everything) == expected
        assert fast["results"] == [everything[row["id"]] for row in fast["results"]]
        last = client.get(url + "?page_size=1&page=last").json()
        assert last["count"] == expected and last["next"] is None
        assert last["results"] == [everything[row["id"]] for row in last["results"]]
    assert {row["id"] for row in _filtered_page(api(world.annotator), url + "?page_size=500")[1][
        "results"]} == {others[1].pk, others[2].pk}
    empty = make_project(name="Empty", admin=world.admin, annotator=world.annotator)
    answer = api(world.annotator).get(f"/api/projects/{empty.id}/documents/?page=1").json()
    assert answer["count"] == 0 and answer["results"] == []
    assert api(world.annotator).get(url + "?page=3").status_code == 404
    assert api(world.annotator).get(url + "?page=99999999999999999999").status_code == 404
    assert api(world.annotator).get(url + "?page=%C2%B2").status_code == 404
