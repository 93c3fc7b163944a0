"""Writes of one statement (PostgreSQL, services/single_writes.py): when the statement
writes nothing, the write's transaction says why, and nothing is half written.

The access query reads the annotator's layer status; a submit that commits before the
write's statement stops it (the statement checks the status again), and the answer is
the same 409 as ever. On SQLite the status is read inside the write's transaction: the
same tests hold there, through that path.
"""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotator import access
from annotator.access import Need
from annotator.errors import Conflict
from annotator.models import Attribution, ClaimFragment, DocumentStatus, Event, Span
from annotator.services.attributions import attribution_create
from annotator.services.spans import span_create
from tests.api.conftest import span_at

pytestmark = pytest.mark.django_db


def made(world, client, piece, label):
    response = client.post(f"/api/documents/{world.document.pk}/spans/",
                           span_at(world.document, piece, label), format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def stored():
    return (Span.objects.count(), Attribution.objects.count(), ClaimFragment.objects.count(),
            Event.objects.count())


def submitted_behind_the_access_read(world):
    """Submit the annotator's layer, as another request would between this write's access
    query (which read it open) and its statement."""
    DocumentStatus.objects.filter(document=world.document, annotator=world.annotator).update(
        status="submitted")


def one_statement_tried(queries) -> bool:
    return any(query["sql"].startswith("WITH n AS (INSERT") for query in queries)


def test_span_create_is_a_409_and_writes_nothing_when_the_layer_was_submitted_after_the_read(
        world, api):
    made(world, api(world.annotator), "the minister", "SOURCE")  # the layer is open
    document, label = access.access_document_and_label(
        world.annotator, world.document.pk, Need.ANNOTATE, label_name="CUE")
    submitted_behind_the_access_read(world)
    before = stored()
    body = span_at(world.document, "said", "CUE")
    with CaptureQueriesContext(connection) as queries, pytest.raises(Conflict) as refused:
        span_create(document=document, annotator=world.annotator, label=label,
                    start=body["start"], end=body["end"], quote=body["quote"])
    assert refused.value.code == "document_locked"
    assert stored() == before
    assert one_statement_tried(queries) == (connection.vendor == "postgresql")


def test_attribution_create_is_a_409_and_writes_nothing_when_the_layer_was_submitted_after(
        world, api):
    client = api(world.annotator)
    claims = [made(world, client, "The deal is dead,", "CLAIM"),
              made(world, client, "and nobody will revive it.", "CLAIM")]
    source = made(world, client, "the minister", "SOURCE")
    document = access.access_document(world.annotator, world.document.pk, Need.ANNOTATE,
                                      text=False)
    submitted_behind_the_access_read(world)
    before = stored()
    with CaptureQueriesContext(connection) as queries, pytest.raises(Conflict) as refused:
        attribution_create(document=document, annotator=world.annotator, claims=claims,
                           source=source)
    assert refused.value.code == "document_locked"
    assert stored() == before  # no attribution, no fragment, no event
    assert one_statement_tried(queries) == (connection.vendor == "postgresql")


def test_a_duplicate_span_create_is_a_409_naming_the_first_and_writes_no_event(world, api):
    client = api(world.annotator)
    first = made(world, client, "the minister", "SOURCE")
    before = stored()
    again = client.post(f"/api/documents/{world.document.pk}/spans/",
                        span_at(world.document, "the minister", "SOURCE"), format="json")
    assert again.status_code == 409 and again.json()["code"] == "duplicate"
    assert again.json()["current"]["id"] == first
    assert stored() == before


def test_a_split_claim_created_in_one_statement_keeps_its_fragments_in_order(world, api):
    client = api(world.annotator)
    claims = [made(world, client, "and nobody will revive it.", "CLAIM"),
              made(world, client, "The deal is dead,", "CLAIM")]
    source = made(world, client, "the minister", "SOURCE")
    response = client.post(f"/api/documents/{world.document.pk}/attributions/",
                           {"claims": claims, "source": source}, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["claims"] == claims
    assert list(ClaimFragment.objects.filter(attribution_id=created["id"]).values_list(
        "span_id", "position")) == [(claims[1], 1)]
    event = Event.objects.get(target_type="attribution", target_id=created["id"])
    assert event.action == "create" and event.after["id"] == created["id"]
    assert event.after["claims"] == claims
    # and the delete's event keeps the fragments, read with the lock in one query
    deleted = client.delete(f"/api/attributions/{created['id']}/?version=1")
    assert deleted.status_code == 204
    gone = Event.objects.get(target_type="attribution", target_id=created["id"],
                             action="delete")
    assert gone.before["claims"] == claims
    assert not ClaimFragment.objects.filter(attribution_id=created["id"]).exists()


def test_a_deleted_span_takes_its_review_decisions_and_clears_suggestions_of_it(world, api):
    from annotator.models import ReviewDecision

    client = api(world.annotator)
    span_id = made(world, client, "the minister", "SOURCE")
    follower = made(world, client, "said", "CUE")
    Span.objects.filter(pk=follower).update(suggestion_id=span_id)  # as an accept links it
    ReviewDecision.objects.create(document=world.document, reviewer=world.reviewer,
                                  span_id=span_id, decision="approve")
    response = client.delete(f"/api/spans/{span_id}/?version=1")
    assert response.status_code == 204
    assert not Span.objects.filter(pk=span_id).exists()
    assert not ReviewDecision.objects.filter(span_id=span_id).exists()
    assert Span.objects.get(pk=follower).suggestion_id is None
    event = Event.objects.get(target_type="span", target_id=span_id, action="delete")
    assert event.before["id"] == span_id and event.after is None
