"""Idempotent writes (issue #12, point 3): the Idempotency-Key header.

api.js sends a fresh key with every action and the same key with its retries; a
repeat gets the stored first answer instead of a second write. Keys are per user,
bound to their request, kept for IDEMPOTENCY_KEY_SECONDS and cleaned by the watchdog.
"""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from annotator.models import Attribution, Event, ReviewDecision, Span
from tests.api.conftest import span_at

pytestmark = pytest.mark.django_db

STATIC = Path(__file__).resolve().parents[2] / "static" / "annotator"


def post(client, path, body, key, **headers):
    return client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key, **headers)


def test_the_same_key_twice_writes_once_and_answers_the_same_when_a_span_create_is_retried(
        world, api):
    client = api(world.annotator)
    url = f"/api/documents/{world.document.pk}/spans/"
    body = span_at(world.document, "the minister", "SOURCE")
    first = post(client, url, body, "k-1")
    again = post(client, url, body, "k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert Span.objects.filter(document=world.document).count() == 1
    assert Event.objects.filter(target_type="span", action="create").count() == 1


def test_another_users_key_never_matches_when_two_annotators_send_the_same_key(world, api):
    url = f"/api/documents/{world.document.pk}/spans/"
    body = span_at(world.document, "the minister", "SOURCE")
    mine = post(api(world.annotator), url, body, "shared-key")
    mine_again = post(api(world.annotator), url, body, "shared-key")
    theirs = post(api(world.annotator2), url, body, "shared-key")
    assert mine.status_code == mine_again.status_code == theirs.status_code == 201
    assert mine_again.json() == mine.json() and mine_again.headers["Idempotent-Replayed"]
    assert mine.json()["id"] != theirs.json()["id"]
    assert "Idempotent-Replayed" not in theirs.headers
    assert sorted(Span.objects.values_list("annotator_id", flat=True)) == sorted(
        [world.annotator.pk, world.annotator2.pk])


def test_the_same_key_for_another_request_is_422_and_writes_nothing_when_body_or_path_differ(
        world, api):
    client = api(world.annotator)
    url = f"/api/documents/{world.document.pk}/spans/"
    post(client, url, span_at(world.document, "the minister", "SOURCE"), "k-2")
    other_body = post(client, url, span_at(world.document, "said", "CUE"), "k-2")
    other_path = post(client, url + "bulk/", {"spans": [span_at(world.document, "said", "CUE")]},
                      "k-2")
    for response in (other_body, other_path):
        assert response.status_code == 422
        assert response.json()["code"] == "idempotency_key_reused"
        assert "POST /api/documents/" in response.json()["detail"]
    assert Span.objects.filter(document=world.document).count() == 1


def test_a_retried_delete_and_update_get_their_first_answer_instead_of_a_conflict(world, api):
    client = api(world.annotator)
    span = client.post(f"/api/documents/{world.document.pk}/spans/",
                       span_at(world.document, "the minister", "SOURCE"), format="json").json()
    patch = [client.patch(f"/api/spans/{span['id']}/", {"label": "CLAIM"}, format="json",
                          HTTP_IF_MATCH=str(span["version"]), HTTP_IDEMPOTENCY_KEY="p")
             for _ in range(2)]
    # Without the key the second would be a 409: the version moved on with the first.
    assert [r.status_code for r in patch] == [200, 200] and patch[1].json() == patch[0].json()
    deletes = [client.delete(f"/api/spans/{span['id']}/?version={patch[0].json()['version']}",
                             HTTP_IDEMPOTENCY_KEY="d") for _ in range(2)]
    assert [r.status_code for r in deletes] == [204, 204]  # not 409 "deleted"
    assert Event.objects.filter(target_type="span", action="delete").count() == 1


def test_retried_decisions_reviews_and_status_changes_write_once_when_keyed(world, api):
    from annotator.services.suggestions import SuggestedSpan, suggestions_store

    doc = world.document
    where = span_at(doc, "A spokesperson", "SOURCE")
    suggestions_store(document=doc, tagger_name="t", tagger_version="1",
                      spans=[SuggestedSpan("s", "SOURCE", where["start"], where["end"])],
                      attributions=[])
    suggestion = Span.objects.get(annotator=None)
    annotator, reviewer = api(world.annotator), api(world.reviewer)
    decide = [post(annotator, f"/api/documents/{doc.pk}/suggestions/decide/",
                   {"decision": "accept", "spans": [suggestion.pk]}, "decide") for _ in "12"]
    assert [r.status_code for r in decide] == [200, 200]
    own = Span.objects.get(annotator=world.annotator)
    submit = [post(annotator, f"/api/documents/{doc.pk}/status/", {"action": "submit"},
                   "submit") for _ in "12"]
    assert [r.status_code for r in submit] == [200, 200]  # the second is not "already"
    review = [post(reviewer, f"/api/documents/{doc.pk}/reviews/",
                   {"span": own.pk, "decision": "approve", "note": "ok"}, "r") for _ in "12"]
    bulk = [post(reviewer, f"/api/documents/{doc.pk}/reviews/bulk/",
                 {"decision": "reject", "spans": [own.pk], "note": "no",
                      "undecided_only": False}, "b") for _ in "12"]
    assert [r.status_code for r in review + bulk] == [201] * 4
    assert list(ReviewDecision.objects.order_by("id").values_list("decision", flat=True)) == [
        "approve", "reject"]
    assert Event.objects.filter(action="accept").count() == 1


def test_a_refused_write_stores_no_key_so_its_repeat_is_judged_again(world, api):
    from annotator.models import IdempotencyKey

    client = api(world.annotator)
    url = f"/api/documents/{world.document.pk}/spans/"
    bad = {**span_at(world.document, "the minister", "SOURCE"), "quote": "not the text"}
    assert post(client, url, bad, "k-3").status_code == 400
    assert not IdempotencyKey.objects.exists()
    fixed = post(client, url, span_at(world.document, "the minister", "SOURCE"), "k-3")
    assert fixed.status_code == 201 and "Idempotent-Replayed" not in fixed.headers


@pytest.mark.parametrize("key", ["", "x" * 201, "naïve", "tab\there"])
def test_a_malformed_key_is_400_naming_the_header(world, api, key):
    response = post(api(world.annotator), f"/api/documents/{world.document.pk}/attributions/",
                    {"claims": []}, key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert not Attribution.objects.exists()


def test_an_expired_key_acts_again_and_the_watchdog_deletes_old_keys(world, api, settings):
    from annotator.models import IdempotencyKey
    from annotator.tasks import pretag_watchdog_task

    client = api(world.annotator)
    url = f"/api/documents/{world.document.pk}/spans/"
    first = post(client, url, span_at(world.document, "the minister", "SOURCE"), "old")
    IdempotencyKey.objects.update(created_at=timezone.now()
                                  - timedelta(seconds=settings.IDEMPOTENCY_KEY_SECONDS + 1))
    again = post(client, url, span_at(world.document, "said", "CUE"), "old")
    assert again.status_code == 201 and again.json()["id"] != first.json()["id"]
    post(client, url, span_at(world.document, "According to", "CUE"), "new")
    IdempotencyKey.objects.filter(key="old").update(
        created_at=timezone.now() - timedelta(seconds=settings.IDEMPOTENCY_KEY_SECONDS + 1))
    pretag_watchdog_task()
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def _front_end_writes() -> set[tuple[str, str]]:
    """(METHOD, path template) of every write the JavaScript sends through api.js."""
    calls = set()
    for source in STATIC.glob("*.js"):
        for method, path in re.findall(r"api\.(post|patch|delete)\(\s*`([^`]+)`",
                                       source.read_text()):
            calls.add((method.upper(), re.sub(r"\$\{[^}]+\}", "{}", path.split("?")[0])))
    return calls


def test_every_write_the_front_end_retries_takes_an_idempotency_key_in_the_schema():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    keyed = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            names = {p["name"] for p in operation.get("parameters", [])}
            pattern = re.sub(r"\{[^}]+\}", "{}", path.removeprefix("/api"))
            keyed[(method.upper(), pattern)] = (
                "Idempotency-Key" in names and "422" in operation["responses"])
    writes = _front_end_writes() - UNKEYED
    assert len(writes) >= 12, writes
    assert {call: keyed.get(call) for call in writes} == {call: True for call in writes}
    # The exceptions are answered with a secret, which a replay store would have to keep:
    # they take no key, and a retry cannot duplicate them (the account exists then).
    assert {call: keyed.get(call) for call in UNKEYED} == {call: False for call in UNKEYED}


UNKEYED = {("POST", "/projects/{}/accounts/"),      # a one-time password
           ("POST", "/projects/{}/invitations/")}   # a set-password link
