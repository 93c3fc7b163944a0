import pytest

from annotator.models import Attribution, Event, LabelStatus, Span

pytestmark = pytest.mark.django_db


@pytest.fixture
def suggested(world, api):
    doc = world.document
    text = doc.text

    def at(piece):
        start = text.index(piece)
        return start, start + len(piece)
    claim, source, cue = at("prices will rise"), at("A spokesperson"), at("warned")
    body = {"tagger_name": "rules", "tagger_version": "1.0",
            "spans": [{"key": "c", "label": "CLAIM", "start": claim[0], "end": claim[1],
                       "confidence": 0.8},
                      {"key": "s", "label": "SOURCE", "start": source[0], "end": source[1]},
                      {"key": "q", "label": "CUE", "start": cue[0], "end": cue[1]}],
            "attributions": [{"claims": ["c"], "source": "s", "cue": "q", "confidence": 0.7,
                              "attributes": {"source_type": "anonymous"}}]}
    response = api(world.admin).post(f"/api/documents/{doc.id}/suggestions/", body,
                                     format="json")
    assert response.status_code == 201
    assert response.json() == {"spans_created": 3, "attributions_created": 1}
    return body


def test_storing_the_same_suggestions_again_adds_nothing(world, api, suggested):
    again = api(world.admin).post(f"/api/documents/{world.document.id}/suggestions/",
                                  suggested, format="json")
    assert again.json() == {"spans_created": 0, "attributions_created": 0}
    assert Span.objects.filter(annotator__isnull=True).count() == 3
    assert Attribution.objects.filter(annotator__isnull=True).count() == 1


def test_annotator_sees_suggestions_and_accepting_one_makes_it_theirs(world, api, suggested):
    client = api(world.annotator)
    url = f"/api/documents/{world.document.id}/"
    detail = client.get(url).json()
    attribution = detail["suggestions"]["attributions"][0]
    response = client.post(url + "suggestions/decide/",
                           {"decision": "accept", "attributions": [attribution["id"]]},
                           format="json")
    assert response.status_code == 200
    own = response.json()["attributions"][0]
    assert own["annotator"] == world.annotator.id and own["suggestion"] == attribution["id"]
    assert own["origin"] == "pretag" and own["tagger_version"] == "1.0"
    assert own["attributes"] == {"source_type": "anonymous"}
    after = client.get(url).json()
    assert after["suggestions"] == {"spans": [], "attributions": []}
    assert sorted(s["label"] for s in after["spans"]) == ["CLAIM", "CUE", "SOURCE"]
    assert all(s["annotator"] == world.annotator.id for s in after["spans"])
    # ... and another annotator still sees the suggestions.
    other = api(world.annotator2).get(url).json()
    assert len(other["suggestions"]["spans"]) == 3


def test_accepting_twice_is_idempotent(world, api, suggested):
    client = api(world.annotator)
    url = f"/api/documents/{world.document.id}/suggestions/decide/"
    ids = [s.pk for s in Span.objects.filter(annotator__isnull=True)]
    first = client.post(url, {"decision": "accept", "spans": ids}, format="json")
    second = client.post(url, {"decision": "accept", "spans": ids}, format="json")
    assert first.status_code == second.status_code == 200
    assert Span.objects.filter(annotator=world.annotator).count() == 3
    assert Event.objects.filter(action="accept").count() == 3


def test_rejecting_hides_the_suggestion_for_me_only(world, api, suggested):
    client = api(world.annotator)
    doc_url = f"/api/documents/{world.document.id}/"
    one = Span.objects.filter(annotator__isnull=True, label__name="CUE").get()
    response = client.post(doc_url + "suggestions/decide/",
                           {"decision": "reject", "spans": [one.pk]}, format="json")
    assert response.status_code == 200
    assert response.json()["spans"][0]["status"] == LabelStatus.REJECTED
    mine = client.get(doc_url).json()
    assert one.pk not in [s["id"] for s in mine["suggestions"]["spans"]]
    assert mine["spans"] == []  # a rejection is not a label of mine
    assert one.pk in [s["id"] for s in api(world.annotator2).get(doc_url).json()[
        "suggestions"]["spans"]]


def test_deciding_on_something_that_is_not_a_suggestion_here_is_400(world, api, suggested):
    client = api(world.annotator)
    url = f"/api/documents/{world.document.id}/suggestions/decide/"
    response = client.post(url, {"decision": "accept", "spans": [987654]}, format="json")
    assert response.status_code == 400 and "spans" in response.json()
    assert client.post(url, {"decision": "accept"}, format="json").status_code == 400


def test_suggestions_with_bad_offsets_are_refused_whole(world, api):
    body = {"tagger_name": "rules", "tagger_version": "1",
            "spans": [{"key": "a", "label": "CLAIM", "start": 0, "end": 5},
                      {"key": "b", "label": "CLAIM", "start": 5, "end": 99_999}]}
    response = api(world.admin).post(f"/api/documents/{world.document.id}/suggestions/", body,
                                     format="json")
    assert response.status_code == 400 and "spans[1].end" in response.json()
    assert not Span.objects.exists()


def test_accepting_a_suggestion_i_already_drew_links_it_and_adds_nothing(world, api, suggested):
    client = api(world.annotator)
    doc = world.document
    start = doc.text.index("warned")
    mine = client.post(f"/api/documents/{doc.id}/spans/",
                       {"label": "CUE", "start": start, "end": start + 6}, format="json").json()
    cue = Span.objects.get(annotator__isnull=True, label__name="CUE")
    response = client.post(f"/api/documents/{doc.id}/suggestions/decide/",
                           {"decision": "accept", "spans": [cue.pk]}, format="json")
    assert response.status_code == 200
    assert [s["id"] for s in response.json()["spans"]] == [mine["id"]]
    assert Span.objects.filter(annotator=world.annotator).count() == 1
    assert Span.objects.get(pk=mine["id"]).suggestion_id == cue.pk
    detail = client.get(f"/api/documents/{doc.id}/").json()
    assert cue.pk not in [s["id"] for s in detail["suggestions"]["spans"]]


def test_accepting_all_suggested_spans_stores_them_in_batches_when_there_are_many(
        world, api, make_document):
    # Accept all goes through the bulk insert (services/rows.py): a fixed number of reads,
    # then a batch per 58 spans (99 events) on SQLite, not a few queries per suggestion.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from annotator.services.suggestions import SuggestedSpan, suggestions_store

    client = api(world.annotator)

    def accept_all(count):
        doc = make_document(world.project, text=f"{count:04} " + "word " * 400, title="T")
        suggestions_store(document=doc, tagger_name="t", tagger_version="1",
                          spans=[SuggestedSpan(key=str(i), label="CLAIM", start=5 * i + 5,
                                               end=5 * i + 9) for i in range(count)],
                          attributions=[])
        ids = list(Span.objects.filter(document=doc, annotator=None).values_list("pk",
                                                                                 flat=True))
        with CaptureQueriesContext(connection) as captured:
            response = client.post(f"/api/documents/{doc.pk}/suggestions/decide/",
                                   {"decision": "accept", "spans": ids, "attributions": []},
                                   format="json")
        assert response.status_code == 200, response.content[:300]
        mine = Span.objects.filter(document=doc, annotator=world.annotator)
        assert sorted(mine.values_list("suggestion_id", flat=True)) == sorted(ids)
        assert set(mine.values_list("origin", "tagger_name", "status")) == {
            ("pretag", "t", LabelStatus.ACCEPTED)}
        assert Event.objects.filter(document=doc, action="accept").count() == count
        return len(captured)

    few, many = accept_all(2), accept_all(200)
    assert many - few <= 2 * 200 // 50, (few, many)  # batches of spans and of events
