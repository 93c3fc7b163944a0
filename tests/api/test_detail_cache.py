"""The document detail's cache (selectors/detail_cache.py): a read after any kind of write
is fresh, one member never gets another's view, a repeated read is one query of stamps,
and If-None-Match gets a 304 until something changes."""
import pytest
from django.db import connection, reset_queries, transaction
from django.test.utils import CaptureQueriesContext

from annotator.models import DocumentChange, Label, Span
from annotator.selectors.detail_cache import detail_cache_clear
from annotator.services.entities import entity_create, entity_merge, span_entity_set
from annotator.services.projects import membership_set
from tests.api.conftest import span_at

pytestmark = pytest.mark.django_db


def ok(response):
    assert response.status_code in (200, 201, 204), response.content[:300]


def read(client, document, layer="mine", **headers):
    response = client.get(f"/api/documents/{document.pk}/?layer={layer}", **headers)
    assert response.status_code == 200, response.content[:300]
    return response


def fresh(client, document, layer="mine") -> bytes:
    """The body of a read, checked against one rendered anew with nothing kept."""
    body = read(client, document, layer).content
    detail_cache_clear()
    assert read(client, document, layer).content == body
    return body


@pytest.fixture
def labelled(world, api):
    """The annotator's claim, source and cue with an attribution, and a suggestion."""
    doc, client = world.document, api(world.annotator)
    made = {}
    for piece, label in (("The deal is dead", "CLAIM"), ("the minister", "SOURCE"),
                         ("said", "CUE"), ("prices will rise", "CLAIM")):
        made[label if label not in made else "CLAIM2"] = client.post(
            f"/api/documents/{doc.pk}/spans/", span_at(doc, piece, label), format="json").json()
    made["attribution"] = client.post(f"/api/documents/{doc.pk}/attributions/", {
        "claims": [made["CLAIM"]["id"]], "source": made["SOURCE"]["id"],
        "cue": made["CUE"]["id"]}, format="json").json()
    start = doc.text.index("officials")
    response = api(world.admin).post(f"/api/documents/{doc.pk}/suggestions/", {
        "tagger_name": "rules", "tagger_version": "1",
        "spans": [{"key": "a", "label": "SOURCE", "start": start, "end": start + 9}]},
        format="json")
    assert response.status_code in (200, 201), response.content
    made["suggestion"] = Span.objects.get(document=doc, annotator__isnull=True).pk
    return made


# Each write takes (world, api, labelled) and changes what the annotator's layer shows.
def span_create(world, api, made):
    ok(api(world.annotator).post(f"/api/documents/{world.document.pk}/spans/",
                              span_at(world.document, "talks", "CLAIM"), format="json"))


def span_update(world, api, made):
    ok(api(world.annotator).patch(f"/api/spans/{made['CLAIM2']['id']}/",
                                  {"label": "SOURCE", "version": 1}, format="json"))


def span_delete(world, api, made):
    ok(api(world.annotator).delete(f"/api/spans/{made['CLAIM2']['id']}/?version=1"))


def attribution_create(world, api, made):
    ok(api(world.annotator).post(f"/api/documents/{world.document.pk}/attributions/", {
        "claims": [made["CLAIM2"]["id"]], "source": made["SOURCE"]["id"]}, format="json"))


def attribution_claims(world, api, made):  # a second fragment: claim fragments' rows
    ok(api(world.annotator).patch(f"/api/attributions/{made['attribution']['id']}/", {
        "claims": [made["CLAIM"]["id"], made["CLAIM2"]["id"]], "version": 1}, format="json"))


def attribution_delete(world, api, made):
    ok(api(world.annotator).delete(f"/api/attributions/{made['attribution']['id']}/?version=1"))


def status_submit(world, api, made):
    ok(api(world.annotator).post(f"/api/documents/{world.document.pk}/status/",
                              {"action": "submit"}, format="json"))


def review_approve(world, api, made):
    ok(api(world.reviewer).post(f"/api/documents/{world.document.pk}/reviews/",
                             {"span": made["CUE"]["id"], "decision": "approve"}, format="json"))


def suggestions_store(world, api, made):
    start = world.document.text.index("spokesperson")
    ok(api(world.admin).post(f"/api/documents/{world.document.pk}/suggestions/", {
        "tagger_name": "rules", "tagger_version": "2",
        "spans": [{"key": "b", "label": "SOURCE", "start": start, "end": start + 12}]},
        format="json"))


def suggestion_accept(world, api, made):
    ok(api(world.annotator).post(f"/api/documents/{world.document.pk}/suggestions/decide/",
                              {"decision": "accept", "spans": [made["suggestion"]]},
                              format="json"))


def suggestion_reject(world, api, made):
    ok(api(world.annotator).post(f"/api/documents/{world.document.pk}/suggestions/decide/",
                              {"decision": "reject", "spans": [made["suggestion"]]},
                              format="json"))


def label_rename(world, api, made):
    label = Label.objects.get(project=world.project, name="CUE")
    response = api(world.admin).patch(f"/api/projects/{world.project.pk}/labels/{label.pk}/",
                                      {"name": "VERB"}, format="json")
    assert response.status_code == 200, response.content


def entity_set_and_merge(world, api, made):
    span = Span.objects.get(pk=made["SOURCE"]["id"])
    first = entity_create(project=world.project, actor=world.admin, name="The minister")
    span_entity_set(span=span, actor=world.annotator, entity=first,
                    expected_version=span.version)
    detail_cache_clear()  # only the merge (an UPDATE of the mentions) is left to show
    read(api(world.annotator), world.document)
    second = entity_create(project=world.project, actor=world.admin, name="Minister")
    entity_merge(entity=first, into=second, actor=world.admin)


def document_edited(world, api, made):  # as the admin site would
    world.document.title = "Another title"
    world.document.save(update_fields=["title"])


def layer_bulk(world, api, made):
    start = world.document.text.index("collapsed")
    response = api(world.annotator).post(f"/api/documents/{world.document.pk}/bulk/", {
        "create": {"spans": [{"ref": "x", "label": "CLAIM", "start": start,
                              "end": start + 9}]}}, format="json")
    assert response.status_code in (200, 201), response.content


WRITES = [span_create, span_update, span_delete, attribution_create, attribution_claims,
          attribution_delete, status_submit, review_approve, suggestions_store,
          suggestion_accept, suggestion_reject, label_rename, entity_set_and_merge,
          document_edited, layer_bulk]


@pytest.mark.parametrize("write", WRITES, ids=[write.__name__ for write in WRITES])
def test_a_read_after_each_kind_of_write_is_fresh(world, api, labelled, write):
    readers = {"mine": api(world.annotator), "all": api(world.reviewer),
               str(world.annotator.pk): api(world.reviewer)}
    before = {layer: read(client, world.document, layer).content
              for layer, client in readers.items()}
    write(world, api, labelled)
    after = {layer: fresh(client, world.document, layer) for layer, client in readers.items()}
    assert after["mine"] != before["mine"], "the write changed nothing the test could see"


def test_one_member_never_gets_another_members_view(world, api, labelled):
    doc = world.document
    mine = read(api(world.annotator), doc).json()
    theirs = read(api(world.annotator2), doc).json()   # after the annotator's was kept
    assert len(mine["spans"]) == 4 and theirs["spans"] == []
    assert read(api(world.annotator), doc).json() == mine
    # The reviewer's view of the annotator's layer: the same labels, the reviewer's status.
    api(world.annotator).post(f"/api/documents/{doc.pk}/status/", {"action": "submit"},
                              format="json")
    seen = read(api(world.reviewer), doc, str(world.annotator.pk)).json()
    assert seen["spans"] == read(api(world.annotator), doc).json()["spans"]
    assert seen["my_status"] == "not_started"
    assert read(api(world.annotator), doc).json()["my_status"] == "submitted"
    # Nor does an outsider get anything kept.
    assert api(world.outsider).get(f"/api/documents/{doc.pk}/").status_code == 404


def test_a_role_taken_away_is_refused_though_the_view_was_kept(world, api, labelled):
    reviewer = api(world.reviewer)
    read(reviewer, world.document, "all")
    membership_set(project=world.project, user=world.reviewer, role="annotator")
    assert reviewer.get(f"/api/documents/{world.document.pk}/?layer=all").status_code == 403
    mine = read(reviewer, world.document).json()  # their own layer (empty) still
    assert mine["spans"] == [] and mine["layer"] == "mine"


def test_if_none_match_gets_a_304_until_something_changes(world, api, labelled):
    client, doc = api(world.annotator), world.document
    first = read(client, doc)
    etag = first["ETag"]
    assert first["Cache-Control"] == "private, no-cache"
    again = client.get(f"/api/documents/{doc.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    other = api(world.annotator2).get(f"/api/documents/{doc.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert other.status_code == 200 and other["ETag"] != etag   # another reader's view
    span_create(world, api, labelled)
    changed = client.get(f"/api/documents/{doc.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert len(changed.json()["spans"]) == 5


def queries_of(call) -> list[str]:
    """The SQL of one request. The log is emptied first: the test client's request_started
    empties it (reset_queries), which would leave CaptureQueriesContext's start past its end."""
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        call()
    return [query["sql"] for query in captured.captured_queries]


def test_a_repeated_read_is_one_query_with_its_stamps(world, api, labelled):
    client, doc = api(world.annotator), world.document
    url = f"/api/documents/{doc.pk}/"
    detail_cache_clear()
    rendered = queries_of(lambda: read(client, doc))
    kept = queries_of(lambda: read(client, doc))
    etag = read(client, doc)["ETag"]
    not_modified = queries_of(lambda: client.get(url, HTTP_IF_NONE_MATCH=etag))
    # access (document, project, membership and the stamps; force_authenticate: no token);
    # rendering adds one: the status and the JSON of the spans and of the attributions
    assert len(kept) == len(not_modified) == 1 and "annotator_documentchange" in kept[0]
    assert len(rendered) == 2, rendered
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert read(client, doc).content == fresh(client, doc)


def test_a_rolled_back_write_read_in_its_transaction_is_not_served_after(world, api, labelled):
    client, doc = api(world.annotator), world.document
    before = read(client, doc).content
    with pytest.raises(RuntimeError), transaction.atomic():
        span_create(world, api, labelled)
        assert len(read(client, doc).json()["spans"]) == 5   # kept, under new stamps
        raise RuntimeError("roll back")
    assert read(client, doc).content == before


def test_every_document_has_stamps_and_a_delete_takes_them(world, make_document):
    doc = make_document(world.project, text="A new text.", title="New")
    assert DocumentChange.objects.filter(document_id=doc.pk, layer=0).exists()
    Span.objects.create(document=doc, annotator=world.annotator, start=0, end=1, quote="A",
                        label=Label.objects.get(project=world.project, name="CLAIM"))
    assert DocumentChange.objects.filter(document_id=doc.pk).count() == 2
    doc.delete()
    assert not DocumentChange.objects.filter(document_id=doc.pk).exists()
