"""Concurrent edits on PostgreSQL: no silent overwrite, no duplicate rows."""
import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from annotator.models import Event, Span
from tests.api.conftest import span_at, world  # noqa: F401 (the fixture)


def in_parallel(count, action):
    """Run action(i) in `count` threads released at the same instant; return the results."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        try:
            barrier.wait()
            results[i] = action(i)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_two_clients_editing_the_same_version_exactly_one_wins(world):
    doc = world.document
    span = client_for(world.annotator).post(f"/api/documents/{doc.id}/spans/",
                                            span_at(doc, "said", "CUE"), format="json").json()
    wanted = ["CLAIM", "SOURCE"]
    for _ in range(10):  # repeat: a race that is lost once in ten would still show
        current = Span.objects.get(pk=span["id"])
        statuses = in_parallel(2, lambda i: client_for(world.annotator).patch(
            f"/api/spans/{span['id']}/", {"label": wanted[i], "version": current.version},
            format="json").status_code)
        assert sorted(statuses) == [200, 409]
        winner = wanted[statuses.index(200)]
        stored = Span.objects.select_related("label").get(pk=span["id"])
        assert stored.label.name == winner and stored.version == current.version + 1
    assert Event.objects.filter(target_type="span", action="update").count() == 10


@pytest.mark.django_db(transaction=True)
def test_fifty_identical_concurrent_creates_leave_one_row(world):
    doc = world.document
    body = span_at(doc, "A spokesperson", "SOURCE")
    statuses = in_parallel(50, lambda i: client_for(world.annotator).post(
        f"/api/documents/{doc.id}/spans/", body, format="json").status_code)
    assert Span.objects.filter(document=doc).count() == 1
    assert sorted(set(statuses)) == [201, 409] and statuses.count(201) == 1
    assert Event.objects.filter(target_type="span", action="create").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_of_one_suggestion_make_one_row(world):
    from annotator.services.suggestions import SuggestedSpan, suggestions_store

    doc = world.document
    suggestions_store(document=doc, tagger_name="t", tagger_version="1",
                      spans=[SuggestedSpan(key="a", label="CLAIM", start=0, end=5)],
                      attributions=[])
    suggestion = Span.objects.get(annotator__isnull=True)
    statuses = in_parallel(10, lambda i: client_for(world.annotator).post(
        f"/api/documents/{doc.id}/suggestions/decide/",
        {"decision": "accept", "spans": [suggestion.pk]}, format="json").status_code)
    assert Span.objects.filter(annotator=world.annotator).count() == 1
    assert all(code in (200, 409) for code in statuses) and 200 in statuses


@pytest.mark.django_db(transaction=True)
def test_fifty_identical_concurrent_attribution_creates_leave_one_row(world):
    from annotator.models import Attribution

    doc = world.document
    client = client_for(world.annotator)
    claim, source = (client.post(f"/api/documents/{doc.id}/spans/", span_at(doc, piece, label),
                                 format="json").json()["id"]
                     for piece, label in (("The deal is dead,", "CLAIM"),
                                          ("the minister", "SOURCE")))
    body = {"claims": [claim], "source": source, "cue": None}  # a null cue: NULLs never clash
    responses = in_parallel(50, lambda i: client_for(world.annotator).post(
        f"/api/documents/{doc.id}/attributions/", body, format="json"))
    statuses = [r.status_code for r in responses]
    assert statuses.count(201) == 1 and statuses.count(409) == 49, statuses
    created = next(r.json() for r in responses if r.status_code == 201)
    assert {(r.json()["code"], r.json()["current"]["id"]) for r in responses
            if r.status_code == 409} == {("duplicate", created["id"])}
    assert Attribution.objects.filter(document=doc, annotator=world.annotator).count() == 1
    assert Event.objects.filter(target_type="attribution", action="create").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_idempotency_key_write_once_and_answer_alike(world):
    doc = world.document
    body = span_at(doc, "A spokesperson", "SOURCE")
    responses = in_parallel(10, lambda i: client_for(world.annotator).post(
        f"/api/documents/{doc.id}/spans/", body, format="json",
        HTTP_IDEMPOTENCY_KEY="one-action"))
    # The first writes; the others wait for it on the key, then get its answer.
    assert [r.status_code for r in responses] == [201] * 10
    assert len({r.json()["id"] for r in responses}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 9
    assert Span.objects.filter(document=doc).count() == 1
