"""Issue 12, point 7: a deleted label's history still answers, and undoing a delete
restores the same label (same id, fields, review decisions and history), with the
attributions its delete changed. Runs on SQLite and on PostgreSQL."""
import pytest
from django.utils.dateparse import parse_datetime

from annotator.models import Attribution, ClaimFragment, Event, Project, ReviewDecision, Span
from tests.api.conftest import span_at

pytestmark = pytest.mark.django_db


def make_span(client, document, piece, label="CLAIM"):
    response = client.post(f"/api/documents/{document.id}/spans/", span_at(document, piece, label),
                           format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def link(client, document, claims, source=None, cue=None, attributes=None):
    response = client.post(f"/api/documents/{document.id}/attributions/",
                           {"claims": claims, "source": source, "cue": cue,
                            "attributes": attributes or {}}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def delete(client, kind, row_id):
    version = {"span": Span, "attribution": Attribution}[kind].objects.get(pk=row_id).version
    response = client.delete(f"/api/{kind}s/{row_id}/", HTTP_IF_MATCH=str(version))
    assert response.status_code == 204, response.content


def restore(client, kind, row_id):
    return client.post(f"/api/{kind}s/{row_id}/restore/", format="json")


def actions(client, kind, row_id):
    response = client.get(f"/api/{kind}s/{row_id}/history/")
    assert response.status_code == 200, response.content
    return [event["action"] for event in response.json()["events"]]


def review(world, api, **target):
    response = api(world.reviewer).post(f"/api/documents/{world.document.id}/reviews/",
                                        {**target, "note": "Checked against the text."},
                                        format="json")
    assert response.status_code == 201, response.json()


@pytest.fixture
def layer(world, api):
    """The annotator's spans and two attributions: A (claim, source, cue) and B, whose claim
    is in two fragments, the second being A's claim."""
    client, doc = api(world.annotator), world.document
    spans = {"claim": make_span(client, doc, "The deal is dead,"),
             "second": make_span(client, doc, "and nobody will revive it."),
             "source": make_span(client, doc, "the minister", "SOURCE"),
             "cue": make_span(client, doc, "said", "CUE"),
             "talks": make_span(client, doc, "talks 🇺🇦 collapsed")}
    ids = {name: span["id"] for name, span in spans.items()}
    a = link(client, doc, [ids["claim"]], ids["source"], ids["cue"],
             {"quote_type": "direct"})
    b = link(client, doc, [ids["second"], ids["claim"]], ids["source"])
    return {"client": client, "spans": ids, "a": a["id"], "b": b["id"]}


# --- History after a delete ------------------------------------------------------------------

def test_history_of_a_deleted_span_answers_to_who_could_see_it_when_deleted(world, api, layer):
    client, span = layer["client"], layer["spans"]["talks"]
    client.patch(f"/api/spans/{span}/", {"label": "SOURCE", "version": 1}, format="json")
    review(world, api, span=span, decision="reject")
    delete(client, "span", span)

    assert actions(client, "span", span) == ["create", "update", "reject", "delete"]
    deleted = client.get(f"/api/spans/{span}/history/").json()["events"][-1]
    assert deleted["before"]["label"] == "SOURCE" and deleted["actor_name"] == "ann"
    for user in (world.reviewer, world.admin):
        assert api(user).get(f"/api/spans/{span}/history/").status_code == 200
    # The rule of live labels, applied to the last snapshot: other annotators do not see
    # it, non-members neither; only missing ids are 404s too.
    for user in (world.annotator2, world.outsider, world.stranger):
        assert api(user).get(f"/api/spans/{span}/history/").status_code == 404
    assert api().get(f"/api/spans/{span}/history/").status_code == 401
    assert client.get("/api/spans/987654/history/").status_code == 404
    Project.objects.filter(pk=world.project.pk).update(
        settings={"annotators_see_each_other": True})
    assert api(world.annotator2).get(f"/api/spans/{span}/history/").status_code == 200


def test_history_of_an_attribution_deleted_with_its_claim_says_why(world, api, layer):
    client = layer["client"]
    delete(client, "span", layer["spans"]["claim"])
    assert actions(client, "attribution", layer["a"]) == ["create", "delete"]
    events = client.get(f"/api/attributions/{layer['a']}/history/").json()["events"]
    assert events[-1]["note"] == f"its claim span {layer['spans']['claim']} was deleted"
    assert events[-1]["before"]["claims"] == [layer["spans"]["claim"]]
    assert api(world.annotator2).get(
        f"/api/attributions/{layer['a']}/history/").status_code == 404
    assert api(world.reviewer).get(
        f"/api/attributions/{layer['a']}/history/").status_code == 200


# --- Restoring a span -------------------------------------------------------------------------

def test_restore_brings_back_the_same_span_with_its_reviews_and_history(world, api, layer):
    client, span_id = layer["client"], layer["spans"]["talks"]
    review(world, api, span=span_id, decision="approve")
    original = Span.objects.get(pk=span_id)
    reviewed = ReviewDecision.objects.get(span=span_id)
    delete(client, "span", span_id)
    assert not ReviewDecision.objects.filter(span=span_id).exists()

    response = restore(client, "span", span_id)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["span"]["id"] == span_id
    back = Span.objects.get(pk=span_id)
    for field in ("label_id", "start", "end", "quote", "annotator_id", "origin", "status",
                  "review_state", "created_at"):
        assert getattr(back, field) == getattr(original, field), field
    assert back.version == original.version + 1  # a change: stale copies reload first
    decision = ReviewDecision.objects.get(span=span_id)
    assert (decision.reviewer_id, decision.decision, decision.note) == (
        reviewed.reviewer_id, "approve", reviewed.note)
    # Written again from its event, at the event's time (the same request wrote both).
    assert decision.created_at == Event.objects.get(target_type="span", target_id=span_id,
                                                    action="approve").created_at
    assert actions(client, "span", span_id) == ["create", "approve", "delete", "restore"]
    history = client.get(f"/api/spans/{span_id}/history/").json()
    assert [r["decision"] for r in history["reviews"]] == ["approve"]

    # Deleted and restored again: one decision still, not two.
    delete(client, "span", span_id)
    assert restore(client, "span", span_id).status_code == 201
    assert ReviewDecision.objects.filter(span=span_id).count() == 1
    assert actions(client, "span", span_id)[-4:] == ["delete", "restore", "delete", "restore"]


def test_restoring_a_claim_restores_the_attribution_deleted_with_it_and_its_fragment(
        world, api, layer):
    client, ids = layer["client"], layer["spans"]
    a_before = client.get(f"/api/attributions/{layer['a']}/").json()
    delete(client, "span", ids["claim"])
    assert not Attribution.objects.filter(pk=layer["a"]).exists()  # its only claim went
    assert Attribution.objects.get(pk=layer["b"]).claim_id == ids["second"]  # lost a fragment

    response = restore(client, "span", ids["claim"])

    assert response.status_code == 201, response.json()
    body = response.json()
    assert sorted(a["id"] for a in body["attributions"]) == [layer["a"], layer["b"]]
    assert body["skipped"] == []
    a = client.get(f"/api/attributions/{layer['a']}/").json()
    for key in ("claims", "source", "cue", "attributes", "created_at", "review_state"):
        assert a[key] == a_before[key], key
    b = client.get(f"/api/attributions/{layer['b']}/").json()
    assert b["claims"] == [ids["second"], ids["claim"]]  # back in its place
    assert actions(client, "attribution", layer["a"]) == ["create", "delete", "restore"]
    assert actions(client, "attribution", layer["b"]) == ["create", "update", "update"]
    relinked = Event.objects.filter(target_type="attribution", target_id=layer["b"]).last()
    assert relinked.note == f"span {ids['claim']} was restored"
    assert relinked.cause.action == "restore" and relinked.cause.target_id == ids["claim"]


def test_restoring_a_source_links_it_again_where_nothing_changed_since(world, api, layer):
    client, ids = layer["client"], layer["spans"]
    delete(client, "span", ids["source"])
    assert Attribution.objects.filter(pk__in=[layer["a"], layer["b"]], source=None).count() == 2
    # B changes after the delete: its source is the user's to set again.
    b = Attribution.objects.get(pk=layer["b"])
    client.patch(f"/api/attributions/{b.pk}/", {"attributes": {"quote_type": "indirect"},
                                                "version": b.version}, format="json")

    body = restore(client, "span", ids["source"]).json()

    assert [a["id"] for a in body["attributions"]] == [layer["a"]]
    assert body["attributions"][0]["source"] == ids["source"]
    assert body["skipped"] == [{"attribution": layer["b"], "reason": (
        "It was changed after the span was deleted: link the span again yourself if it "
        "still belongs there.")}]
    assert Attribution.objects.get(pk=layer["b"]).source_id is None


def test_a_new_span_after_a_restore_gets_a_new_id(world, api, layer):
    """The restored row takes its old id explicitly; the id sequence must not hand it out."""
    client, ids = layer["client"], layer["spans"]
    delete(client, "span", ids["talks"])
    assert restore(client, "span", ids["talks"]).status_code == 201
    fresh = make_span(client, world.document, "A spokesperson", "SOURCE")
    assert fresh["id"] > max(ids.values())
    delete(client, "attribution", layer["b"])
    assert restore(client, "attribution", layer["b"]).status_code == 201
    again = link(client, world.document, [ids["talks"]])
    assert again["id"] > layer["b"]


# --- Restoring an attribution -----------------------------------------------------------------

def test_restore_brings_back_the_same_attribution_with_its_fragments(world, api, layer):
    client = layer["client"]
    review(world, api, attribution=layer["b"], decision="approve")
    before = client.get(f"/api/attributions/{layer['b']}/").json()
    delete(client, "attribution", layer["b"])
    assert not ClaimFragment.objects.filter(attribution=layer["b"]).exists()

    response = restore(client, "attribution", layer["b"])

    assert response.status_code == 201, response.json()
    after = response.json()
    assert after["id"] == layer["b"]
    for key in ("claims", "source", "cue", "attributes", "review_state", "created_at"):
        assert after[key] == before[key], key
    assert after["version"] == before["version"] + 1
    assert ReviewDecision.objects.filter(attribution=layer["b"], decision="approve").count() == 1
    assert actions(client, "attribution", layer["b"]) == [
        "create", "approve", "delete", "restore"]


# --- What a restore refuses -------------------------------------------------------------------

def unchanged(test):
    """Run `test`; no row of any label table may change."""
    def snapshot():
        return [list(model.objects.order_by("pk").values()) for model in
                (Span, Attribution, ClaimFragment, ReviewDecision)]
    before = snapshot()
    test()
    assert snapshot() == before


def test_restore_answers_409_when_the_span_was_made_again_meanwhile(world, api, layer):
    client, span_id = layer["client"], layer["spans"]["talks"]
    assert restore(client, "span", span_id).json()["code"] == "not_deleted"
    delete(client, "span", span_id)
    again = make_span(client, world.document, "talks 🇺🇦 collapsed")

    def refused():
        response = restore(client, "span", span_id)
        assert response.status_code == 409
        assert response.json()["code"] == "duplicate"
        assert response.json()["current"]["id"] == again["id"]
    unchanged(refused)
    delete(client, "span", again["id"])
    assert restore(client, "span", span_id).status_code == 201


def test_restore_answers_409_when_a_span_the_attribution_needs_is_gone(world, api, layer):
    client, ids = layer["client"], layer["spans"]
    delete(client, "attribution", layer["a"])
    delete(client, "span", ids["cue"])

    def refused():
        response = restore(client, "attribution", layer["a"])
        assert response.status_code == 409
        assert response.json()["code"] == "span_gone"
        assert str(ids["cue"]) in response.json()["detail"]
    unchanged(refused)
    # Its claim deleted with it: restoring the claim (not the attribution) brings it back.
    delete(client, "span", ids["claim"])
    assert restore(client, "attribution", layer["b"]).status_code == 409  # not deleted
    assert restore(client, "span", ids["cue"]).status_code == 201
    assert restore(client, "attribution", layer["a"]).status_code == 409  # claim still gone


def test_restore_answers_409_when_the_attribution_was_made_again_meanwhile(world, api, layer):
    client, ids = layer["client"], layer["spans"]
    delete(client, "attribution", layer["a"])
    link(client, world.document, [ids["claim"]], ids["source"], ids["cue"])

    def refused():
        response = restore(client, "attribution", layer["a"])
        assert response.status_code == 409 and response.json()["code"] == "duplicate"
    unchanged(refused)


def test_restore_is_for_the_labels_own_annotator_while_their_layer_is_open(world, api, layer):
    client, span_id = layer["client"], layer["spans"]["talks"]
    delete(client, "span", span_id)
    for user, status in ((world.reviewer, 403), (world.admin, 403), (world.annotator2, 404),
                         (world.outsider, 404), (None, 401)):
        assert restore(api(user), "span", span_id).status_code == status, user
    client.post(f"/api/documents/{world.document.id}/status/", {"action": "submit"},
                format="json")
    locked = restore(client, "span", span_id)
    assert locked.status_code == 409 and locked.json()["code"] == "document_locked"
    assert not Span.objects.filter(pk=span_id).exists()
    assert restore(client, "span", 2**62).status_code == 404


def test_restored_created_at_is_the_original_one(world, api, layer):
    client, span_id = layer["client"], layer["spans"]["talks"]
    created = parse_datetime(client.get(f"/api/spans/{span_id}/").json()["created_at"])
    delete(client, "span", span_id)
    restored = restore(client, "span", span_id).json()["span"]
    assert parse_datetime(restored["created_at"]) == created
