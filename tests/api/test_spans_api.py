import pytest

from annotator.models import Event, Span
from tests.api.conftest import span_at

pytestmark = pytest.mark.django_db


def create(client, document, body):
    return client.post(f"/api/documents/{document.id}/spans/", body, format="json")


def test_span_create_stores_code_point_offsets_when_text_has_emoji(world, api):
    doc = world.document
    body = span_at(doc, "talks 🇺🇦 collapsed")
    response = create(api(world.annotator), doc, body)
    assert response.status_code == 201, response.json()
    span = Span.objects.get(pk=response.json()["id"])
    assert doc.text[span.start:span.end] == "talks 🇺🇦 collapsed" == span.quote
    assert response.json()["version"] == 1 and response.json()["annotator"] == world.annotator.id


def test_span_create_and_update_read_the_right_code_points_when_a_long_text_has_emoji(
        world, api, make_document):
    # A write checks offsets against Document.length and slices the text its process keeps
    # (services/layers.py): code points, past emoji, combining marks and right-to-left text.
    piece = "“Prices will rise,” said 📈 the cafe\u0301 owner, \u05e9\u05dc\u05d5\u05dd. "
    doc = make_document(world.project, text=piece * 20_000, title="Long")
    client = api(world.annotator)
    start = len(piece) * 19_000 + piece.index("📈")
    body = {"label": "CLAIM", "start": start, "end": start + 11,
            "quote": doc.text[start:start + 11]}
    response = create(client, doc, body)
    assert response.status_code == 201, response.json()
    assert response.json()["quote"] == doc.text[start:start + 11] == "📈 the cafe\u0301"
    wrong = create(client, doc, {**body, "start": start + 1, "end": start + 12})
    assert wrong.status_code == 400
    assert repr(doc.text[start + 1:start + 12]) in wrong.json()["quote"][0]
    moved = client.patch(f"/api/spans/{response.json()['id']}/",
                         {"start": start + 1, "end": start + 14, "version": 1}, format="json")
    assert moved.status_code == 200, moved.json()
    assert moved.json()["quote"] == doc.text[start + 1:start + 14] == Span.objects.get(
        pk=response.json()["id"]).quote


@pytest.mark.parametrize("change,field", [
    ({"start": 10, "end": 10}, "end"),
    ({"start": 12, "end": 3}, "end"),
    ({"start": 0, "end": 100_000}, "end"),
    ({"start": -1}, "start"),
    ({"quote": "not the text"}, "quote"),
    ({"label": "OPINION"}, "label"),
    ({"label": None}, "label"),
    ({"start": "one"}, "start"),
])
def test_span_create_says_which_field_is_wrong(world, api, change, field):
    body = {**span_at(world.document, "The deal is dead,"), **change}
    response = create(api(world.annotator), world.document, body)
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Span.objects.exists()


def test_span_create_refuses_label_of_another_project(world, api):
    world.other_project.labels.filter(name="CLAIM").update(name="OTHERCLAIM")
    body = {**span_at(world.document, "The deal is dead,"), "label": "OTHERCLAIM"}
    response = create(api(world.annotator), world.document, body)
    assert response.status_code == 400 and "label" in response.json()


def test_span_create_gives_409_with_existing_span_when_duplicate(world, api):
    client = api(world.annotator)
    first = create(client, world.document, span_at(world.document, "officials", "SOURCE"))
    second = create(client, world.document, span_at(world.document, "officials", "SOURCE"))
    assert second.status_code == 409
    assert second.json()["current"]["id"] == first.json()["id"]
    assert Span.objects.count() == 1


def test_bulk_create_is_all_or_nothing_and_names_the_bad_item(world, api):
    doc = world.document
    good = span_at(doc, "The deal is dead,")
    bad = {**span_at(doc, "officials", "SOURCE"), "quote": "officers"}
    response = api(world.annotator).post(f"/api/documents/{doc.id}/spans/bulk/",
                                         {"spans": [good, bad]}, format="json")
    assert response.status_code == 400
    assert "quote" in response.json()["spans"]["1"]
    assert not Span.objects.exists()


def test_bulk_create_stores_every_span_and_one_event_each(world, api):
    doc = world.document
    items = [span_at(doc, "The deal is dead,"), span_at(doc, "the minister", "SOURCE"),
             span_at(doc, "said", "CUE")]
    response = api(world.annotator).post(f"/api/documents/{doc.id}/spans/bulk/",
                                         {"spans": items}, format="json")
    assert response.status_code == 201
    assert [s["quote"] for s in response.json()] == [i["quote"] for i in items]
    assert Event.objects.filter(target_type="span", action="create").count() == 3


def test_bulk_create_refuses_the_same_span_twice_in_one_request(world, api):
    item = span_at(world.document, "said", "CUE")
    response = api(world.annotator).post(f"/api/documents/{world.document.id}/spans/bulk/",
                                         {"spans": [item, item]}, format="json")
    assert response.status_code == 400 and "1" in response.json()["spans"]


def test_span_update_needs_the_version(world, api):
    client = api(world.annotator)
    span = create(client, world.document, span_at(world.document, "said", "CUE")).json()
    response = client.patch(f"/api/spans/{span['id']}/", {"label": "CLAIM"}, format="json")
    assert response.status_code == 428 and "version" in response.json()


def test_span_update_with_stale_version_gets_409_and_current_state(world, api):
    client = api(world.annotator)
    span = create(client, world.document, span_at(world.document, "said", "CUE")).json()
    url = f"/api/spans/{span['id']}/"
    assert client.patch(url, {"label": "CLAIM", "version": 1}, format="json").status_code == 200
    stale = client.patch(url, {"label": "SOURCE"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 409
    assert stale.json()["current"]["label"] == "CLAIM" and stale.json()["current"]["version"] == 2
    assert Span.objects.get(pk=span["id"]).label.name == "CLAIM"


def test_span_update_writes_event_with_before_and_after(world, api):
    client = api(world.annotator)
    doc = world.document
    span = create(client, doc, span_at(doc, "officials", "SOURCE")).json()
    wider = span_at(doc, "According to officials", "SOURCE")
    response = client.patch(f"/api/spans/{span['id']}/", {**wider, "version": 1}, format="json")
    assert response.status_code == 200 and response.json()["quote"] == "According to officials"
    event = Event.objects.get(target_type="span", target_id=span["id"], action="update")
    assert event.before["quote"] == "officials"
    assert event.after["quote"] == "According to officials"
    assert event.actor == world.annotator


def test_span_update_checks_new_offsets_against_the_text(world, api):
    client = api(world.annotator)
    span = create(client, world.document, span_at(world.document, "said", "CUE")).json()
    response = client.patch(f"/api/spans/{span['id']}/", {"end": 10_000, "version": 1},
                            format="json")
    assert response.status_code == 400 and "end" in response.json()


def test_span_delete_with_version_removes_it_and_logs_it(world, api):
    client = api(world.annotator)
    span = create(client, world.document, span_at(world.document, "said", "CUE")).json()
    assert client.delete(f"/api/spans/{span['id']}/?version=2").status_code == 409
    assert client.delete(f"/api/spans/{span['id']}/").status_code == 428
    assert client.delete(f"/api/spans/{span['id']}/", HTTP_IF_MATCH="1").status_code == 204
    assert not Span.objects.exists()
    event = Event.objects.get(target_type="span", action="delete")
    assert event.before["quote"] == "said"


def test_history_lists_every_change_of_a_span(world, api):
    client = api(world.annotator)
    span = create(client, world.document, span_at(world.document, "said", "CUE")).json()
    client.patch(f"/api/spans/{span['id']}/", {"label": "CLAIM", "version": 1}, format="json")
    api(world.reviewer).post(f"/api/documents/{world.document.id}/reviews/",
                             {"span": span["id"], "decision": "reject", "note": "a cue"},
                             format="json")
    history = client.get(f"/api/spans/{span['id']}/history/").json()
    assert [e["action"] for e in history["events"]] == ["create", "update", "reject"]
    assert history["events"][1]["before"]["label"] == "CUE"
    assert history["reviews"][0]["note"] == "a cue"
    assert history["reviews"][0]["reviewer_name"] == "rev"


def test_submitted_document_is_locked_until_returned(world, api):
    client = api(world.annotator)
    doc = world.document
    assert client.post(f"/api/documents/{doc.id}/status/", {"action": "submit"},
                       format="json").status_code == 200
    locked = create(client, doc, span_at(doc, "said", "CUE"))
    assert locked.status_code == 409 and locked.json()["code"] == "document_locked"
    api(world.reviewer).post(f"/api/documents/{doc.id}/status/",
                             {"action": "return", "annotator": world.annotator.id,
                              "note": "add the cue"}, format="json")
    assert create(client, doc, span_at(doc, "said", "CUE")).status_code == 201
