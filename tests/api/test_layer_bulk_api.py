"""POST /api/documents/{id}/bulk/ (issue #17, point 3): many writes of my layer, all or nothing."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotator.models import Attribution, ClaimFragment, DocStatus, DocumentStatus, Event, Span
from annotator.services.attributions import attribution_create, attribution_snapshot
from annotator.services.documents import document_status_change
from annotator.services.spans import span_snapshot
from tests.api.conftest import span_at

pytestmark = pytest.mark.django_db


def bulk(client, document, body, **headers):
    return client.post(f"/api/documents/{document.pk}/bulk/", body, format="json", **headers)


def with_ref(document, piece, label, ref):
    return {**span_at(document, piece, label), "ref": ref}


def test_bulk_creates_spans_and_attributions_that_use_them_by_ref_when_all_are_good(world, api):
    doc = world.document
    client = api(world.annotator)
    existing = client.post(f"/api/documents/{doc.pk}/spans/",
                           span_at(doc, "said", "CUE"), format="json").json()
    response = bulk(client, doc, {"create": {
        "spans": [with_ref(doc, "The deal is dead,", "CLAIM", "c1"),
                  with_ref(doc, "and nobody will revive it.", "CLAIM", "c2"),
                  with_ref(doc, "the minister", "SOURCE", "s")],
        "attributions": [{"claims": ["c1", "c2"], "source": "s", "cue": existing["id"],
                          "attributes": {}}]}})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [span["quote"] for span in body["spans"]] == [
        "The deal is dead,", "and nobody will revive it.", "the minister"]
    assert body["refs"] == {"c1": body["spans"][0]["id"], "c2": body["spans"][1]["id"],
                            "s": body["spans"][2]["id"]}
    [attribution] = body["attributions"]
    assert attribution["claims"] == [body["refs"]["c1"], body["refs"]["c2"]]
    assert attribution["source"] == body["refs"]["s"] and attribution["cue"] == existing["id"]
    stored = Attribution.objects.get(pk=attribution["id"])
    assert list(ClaimFragment.objects.filter(attribution=stored).values_list(
        "span_id", flat=True)) == [body["refs"]["c2"]]
    assert Event.objects.filter(action="create", target_type="span").count() == 4
    after = Event.objects.get(action="create", target_type="attribution").after
    assert after["claims"] == attribution["claims"] and after["source"] == attribution["source"]


def test_bulk_events_hold_what_a_single_write_would_when_spans_and_attributions_come(
        world, api):
    doc = world.document
    response = bulk(api(world.annotator), doc, {"create": {
        "spans": [with_ref(doc, "The deal is dead,", "CLAIM", "c"),
                  with_ref(doc, "the minister", "SOURCE", "s"),
                  with_ref(doc, "said", "CUE", "q")],
        "attributions": [{"claims": ["c"], "source": "s", "cue": "q"}]}})
    assert response.status_code == 201, response.json()
    for span in Span.objects.filter(annotator=world.annotator).select_related("label"):
        event = Event.objects.get(action="create", target_type="span", target_id=span.pk)
        assert event.before is None and event.after == span_snapshot(span)
    [attribution] = Attribution.objects.filter(annotator=world.annotator)
    event = Event.objects.get(action="create", target_type="attribution")
    assert event.after == attribution_snapshot(attribution, [])


def test_bulk_names_every_bad_item_and_writes_nothing_when_some_are_bad(world, api):
    doc = world.document
    response = bulk(api(world.annotator), doc, {"create": {
        "spans": [span_at(doc, "The deal is dead,", "CLAIM"),
                  {**span_at(doc, "officials", "SOURCE"), "quote": "officers"},
                  {**span_at(doc, "said", "CUE"), "label": "OPINION"},
                  {"label": "CLAIM", "start": 5, "end": 10**6},
                  span_at(doc, "The deal is dead,", "CLAIM")],
        "attributions": [{"claims": ["nope"]}, {"claims": [], "source": 1}]},
        "delete": {"spans": [{"id": 999999, "version": 1}, {"id": 1}]}})
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"create.spans[1].quote", "create.spans[2].label",
                           "create.spans[3].end", "create.spans[4]",
                           "create.attributions[0].claims", "create.attributions[1].claims",
                           "delete.spans[0].id", "delete.spans[1].version"}, errors
    assert "expected 'officials'" in errors["create.spans[1].quote"][0]
    assert not Span.objects.filter(annotator=world.annotator).exists()
    assert not Event.objects.exists()


def test_bulk_deletes_first_so_that_a_span_can_be_replaced_in_one_request(world, api):
    doc = world.document
    client = api(world.annotator)
    first = bulk(client, doc, {"create": {
        "spans": [with_ref(doc, "The deal is dead,", "CLAIM", "c"),
                  with_ref(doc, "the minister", "SOURCE", "s")],
        "attributions": [{"claims": ["c"], "source": "s"}]}}).json()
    claim, source = first["spans"]
    replaced = bulk(client, doc, {
        "delete": {"spans": [{"id": source["id"], "version": 1}]},
        "create": {"spans": [span_at(doc, "the minister", "SOURCE")]}})
    assert replaced.status_code == 201, replaced.json()
    assert replaced.json()["deleted"] == {"spans": [source["id"]], "attributions": []}
    # the attribution stays, without its source (as a single delete leaves it)
    attribution = Attribution.objects.get(pk=first["attributions"][0]["id"])
    assert attribution.source_id is None and attribution.version == 2
    update = Event.objects.get(target_type="attribution", action="update")
    assert update.cause.target_id == source["id"] and update.cause.action == "delete"


def test_bulk_delete_of_a_stale_version_is_409_naming_it_and_deletes_nothing(world, api):
    doc = world.document
    client = api(world.annotator)
    spans = bulk(client, doc, {"create": {"spans": [
        span_at(doc, "The deal is dead,", "CLAIM"), span_at(doc, "the minister", "SOURCE")]}}
    ).json()["spans"]
    client.patch(f"/api/spans/{spans[1]['id']}/", {"label": "CUE", "version": 1}, format="json")
    response = bulk(client, doc, {"delete": {"spans": [{"id": s["id"], "version": 1}
                                                       for s in spans]}})
    assert response.status_code == 409 and response.json()["code"] == "stale_version"
    assert response.json()["current"]["delete.spans[1]"]["version"] == 2
    assert Span.objects.filter(annotator=world.annotator).count() == 2


def test_bulk_deletes_attributions_and_logs_each_when_versions_match(world, api):
    doc = world.document
    client = api(world.annotator)
    made = bulk(client, doc, {"create": {
        "spans": [with_ref(doc, "The deal is dead,", "CLAIM", "c"),
                  with_ref(doc, "the minister", "SOURCE", "s")],
        "attributions": [{"claims": ["c"], "source": "s"}, {"claims": ["c"]}]}}).json()
    response = bulk(client, doc, {"delete": {"attributions": [
        {"id": a["id"], "version": 1} for a in made["attributions"]]}})
    assert response.status_code == 201, response.json()
    assert not Attribution.objects.exists()
    assert Event.objects.filter(target_type="attribution", action="delete").count() == 2


def test_bulk_refuses_a_copy_of_an_attribution_i_have_when_made_of_existing_spans(world, api):
    doc = world.document
    client = api(world.annotator)
    spans = bulk(client, doc, {"create": {"spans": [
        span_at(doc, "The deal is dead,", "CLAIM"), span_at(doc, "the minister", "SOURCE")]}}
    ).json()["spans"]
    attribution_create(document=doc, annotator=world.annotator, claims=[spans[0]["id"]],
                       source=spans[1]["id"])
    response = bulk(client, doc, {"create": {"attributions": [
        {"claims": [spans[0]["id"]], "source": spans[1]["id"]}]}})
    assert response.status_code == 400 and "create.attributions[0]" in response.json()


def test_bulk_uses_only_my_spans_of_this_document(world, api):
    doc = world.document
    theirs = bulk(api(world.annotator2), doc, {"create": {"spans": [
        span_at(doc, "The deal is dead,", "CLAIM")]}}).json()["spans"][0]
    response = bulk(api(world.annotator), doc, {
        "create": {"attributions": [{"claims": [theirs["id"]]}]},
        "delete": {"spans": [{"id": theirs["id"], "version": 1}]}})
    assert response.status_code == 400
    assert set(response.json()) == {"create.attributions[0].claims", "delete.spans[0].id"}


def test_bulk_is_409_when_my_layer_is_submitted(world, api):
    doc = world.document
    client = api(world.annotator)
    bulk(client, doc, {"create": {"spans": [span_at(doc, "said", "CUE")]}})
    document_status_change(document=doc, actor=world.annotator, annotator=world.annotator,
                           action="submit")
    response = bulk(client, doc, {"create": {"spans": [span_at(doc, "the minister", "SOURCE")]}})
    assert response.status_code == 409 and response.json()["code"] == "document_locked"
    assert DocumentStatus.objects.get(document=doc, annotator=world.annotator).status == \
        DocStatus.SUBMITTED


def test_bulk_with_the_same_idempotency_key_writes_once(world, api):
    doc = world.document
    client = api(world.annotator)
    body = {"create": {"spans": [span_at(doc, "the minister", "SOURCE")]}}
    first = bulk(client, doc, body, HTTP_IDEMPOTENCY_KEY="bulk-1")
    again = bulk(client, doc, body, HTTP_IDEMPOTENCY_KEY="bulk-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert Span.objects.filter(annotator=world.annotator).count() == 1


@pytest.mark.parametrize("body,field", [
    ([], "non_field_errors"), ({}, "non_field_errors"), ({"make": {}}, "make"),
    ({"create": []}, "create"), ({"create": {"spans": {}}}, "create.spans"),
    ({"create": {"spans": [None]}}, "create.spans[0]"),
    ({"create": {"spans": [{"label": "CLAIM", "start": True, "end": 3}]}},
     "create.spans[0].start"),
    ({"create": {"attributions": [{"claims": [1.5]}]}}, "create.attributions[0].claims"),
    ({"create": {"spans": [{"label": "CLAIM", "start": 0, "end": 3}] * 10_001}},
     "create.spans"),
])
def test_bulk_says_where_the_body_is_wrong(world, api, body, field):
    response = bulk(api(world.annotator), world.document, body)
    assert response.status_code == 400 and field in response.json(), response.json()


def test_bulk_writes_rows_in_batches_not_one_by_one_when_300_spans_come(
        world, api, make_document):
    client = api(world.annotator)

    def queries(count):
        doc = make_document(world.project, text=f"{count:04} " + "word " * 2000, title="T")
        body = {"create": {
            "spans": [{"label": "CLAIM", "start": 5 * i, "end": 5 * i + 4, "ref": f"c{i}"}
                      for i in range(count)],
            "attributions": [{"claims": [f"c{i}"]} for i in range(count)]}}
        with CaptureQueriesContext(connection) as captured:
            assert bulk(client, doc, body).status_code == 201
        return len(captured)

    # Reads are a fixed number; each INSERT writes a batch (on SQLite, up to 32,766
    # values: thousands of rows; on PostgreSQL 2,000 rows), for spans, their events,
    # attributions and theirs.
    few, many = queries(3), queries(300)
    assert many - few <= 4 * 300 // 50, (few, many)
