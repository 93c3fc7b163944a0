"""Review decisions that stick (issue 12, point 1 and 3).

Bulk approval decides only what is still pending and never overrides an explicit
decision, consequences included; it says what it approved and what it left, and why.
Nobody approves or rejects a label they made unless the project allows it.
"""
from __future__ import annotations

import pytest

from annotator.models import Attribution, DocumentStatus, ReviewDecision, Span
from annotator.selectors import approved_layer_for_document
from annotator.services.attributions import attribution_create
from annotator.services.documents import document_status_change
from annotator.services.projects import membership_set
from tests.api.conftest import span_at
from tests.api.test_review_workflow_api import AGREED, bulk, layer, submit, two_layers  # noqa: F401

pytestmark = pytest.mark.django_db


def everything(document):
    """Every annotator's label of the document, as a bulk request's ids."""
    return {"spans": list(Span.objects.filter(document=document, annotator__isnull=False)
                          .values_list("pk", flat=True)),
            "attributions": list(Attribution.objects.filter(document=document,
                                                            annotator__isnull=False)
                                 .values_list("pk", flat=True))}


def states(rows):
    return {row.pk: type(row).objects.get(pk=row.pk).review_state for row in rows}


# --- 1. Bulk approval touches only undecided labels ------------------------------------------

def test_approve_all_leaves_a_shared_label_a_reviewer_rejected_when_it_comes_after(
        world, api, two_layers):
    reviewer = api(world.reviewer)
    claims = [two_layers["mine"][0], two_layers["theirs"][0]]  # "The deal is dead," of both
    rejected = bulk(reviewer, world.document, decision="reject", note="Not a claim.",
                    spans=[c.pk for c in claims], undecided_only=False)
    assert rejected.status_code == 201, rejected.json()

    response = bulk(reviewer, world.document, decision="approve",
                    note="agreed by every annotator", **everything(world.document))

    assert response.status_code == 201, response.json()
    assert set(states(claims).values()) == {"rejected"}
    body = response.json()
    # Both claims, and both attributions (rejected with them), were decided already.
    assert body["left_count"] == {"already_decided": 4, "own_label": 0, "rejected_part": 0}
    assert {(r["span"], r["attribution"], r["reason"], r["detail"]) for r in body["left"]} == {
        (claims[0].pk, None, "already_decided", "already rejected"),
        (claims[1].pk, None, "already_decided", "already rejected"),
        (None, two_layers["mine_attr"].pk, "already_decided", "already rejected"),
        (None, two_layers["theirs_attr"].pk, "already_decided", "already rejected")}
    assert body["decided"] == len(body["decisions"]) == 6  # the 8 spans less the 2 claims
    assert not any(d["span"] in {c.pk for c in claims} for d in body["decisions"])
    layer_quotes = {s.quote for s in approved_layer_for_document(document=world.document).spans}
    assert "The deal is dead," not in layer_quotes and "the minister" in layer_quotes
    # The history keeps the rejection as the newest decision on the claim.
    assert [r.decision for r in ReviewDecision.objects.filter(span=claims[0])] == ["reject"]


def test_bulk_without_the_option_leaves_decided_labels_because_it_is_the_default(
        world, api, two_layers):
    reviewer = api(world.reviewer)
    cue = two_layers["mine"][2]
    bulk(reviewer, world.document, decision="approve", spans=[cue.pk])
    response = bulk(reviewer, world.document, decision="reject", spans=[cue.pk])
    assert response.status_code == 201
    assert response.json()["decided"] == 0 and response.json()["decisions"] == []
    assert states([cue]) == {cue.pk: "approved"}
    # Asked explicitly, a newer decision supersedes the older.
    explicit = bulk(reviewer, world.document, decision="reject", spans=[cue.pk],
                    undecided_only=False)
    assert explicit.json()["decided"] == 2  # the cue, and the attribution that uses it
    assert states([cue]) == {cue.pk: "rejected"}


@pytest.fixture
def relinked(world, api, two_layers):
    """ann's SOURCE rejected, the work returned, and ann links that SOURCE again."""
    source = two_layers["mine"][1]
    reviewer = api(world.reviewer)
    bulk(reviewer, world.document, decision="reject", spans=[source.pk],
         note="Not the speaker.")
    document_status_change(document=world.document, actor=world.reviewer,
                           annotator=world.annotator, action="return")
    claim = two_layers["mine"][3]  # "prices will rise.", in no attribution yet
    again = attribution_create(document=world.document, annotator=world.annotator,
                               claims=[claim.pk], source=source.pk, cue=None)
    submit(world.document, world.annotator)
    return {"source": source, "claim": claim, "attribution": again}


def test_approving_an_attribution_never_flips_a_span_a_reviewer_rejected(world, api, relinked):
    source, attribution = relinked["source"], relinked["attribution"]
    response = bulk(api(world.reviewer), world.document, decision="approve",
                    attributions=[attribution.pk])
    assert response.status_code == 201, response.json()
    assert states([source]) == {source.pk: "rejected"}
    assert states([attribution]) == {attribution.pk: "pending"}
    assert states([relinked["claim"]]) == {relinked["claim"].pk: "pending"}
    assert response.json()["left"] == [{
        "span": None, "attribution": attribution.pk, "reason": "rejected_part",
        "detail": f"its SOURCE “the minister” (span {source.pk}) was rejected"}]
    assert response.json()["decided"] == 0


def test_explicit_approval_of_such_an_attribution_is_a_409_unless_it_names_the_span(
        world, api, relinked):
    source, attribution = relinked["source"], relinked["attribution"]
    reviewer = api(world.reviewer)
    refused = bulk(reviewer, world.document, decision="approve", undecided_only=False,
                   attributions=[attribution.pk])
    assert refused.status_code == 409
    assert refused.json()["code"] == "rejected_part"
    assert f"SOURCE “the minister” (span {source.pk}) was rejected" in refused.json()["detail"]
    assert refused.json()["current"] == {"spans": [source.pk]}
    assert states([source, attribution]) == {source.pk: "rejected", attribution.pk: "pending"}
    single = reviewer.post(f"/api/documents/{world.document.id}/reviews/",
                           {"attribution": attribution.pk, "decision": "approve"}, format="json")
    assert single.status_code == 409
    # The reviewer changes their mind on the span, in the same request: both approved.
    both = bulk(reviewer, world.document, decision="approve", undecided_only=False,
                attributions=[attribution.pk], spans=[source.pk])
    assert both.status_code == 201, both.json()
    assert states([source, attribution]) == {source.pk: "approved", attribution.pk: "approved"}


# --- 3. Who may approve ------------------------------------------------------------------------

@pytest.fixture
def admin_annotated(world, two_layers):
    """The admin labelled the document too, and submitted."""
    spans, attribution = layer(world.document, world.admin, AGREED)
    submit(world.document, world.admin)
    return {"spans": spans, "attribution": attribution}


def test_admin_who_annotated_cannot_approve_their_own_label(world, api, admin_annotated):
    admin = api(world.admin)
    own = admin_annotated["spans"][0]
    response = bulk(admin, world.document, decision="approve", spans=[own.pk],
                    undecided_only=False)
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "You made these labels, so another reviewer decides them (the project's setting "
        f"review_own_labels is off): CLAIM “The deal is dead,” (span {own.pk}).")
    single = admin.post(f"/api/documents/{world.document.id}/reviews/",
                        {"span": own.pk, "decision": "reject"}, format="json")
    assert single.status_code == 403
    assert states([own]) == {own.pk: "pending"}
    assert not ReviewDecision.objects.exists()


def test_approve_all_by_an_admin_who_annotated_leaves_their_own_labels(
        world, api, two_layers, admin_annotated):
    response = bulk(api(world.admin), world.document, decision="approve",
                    **everything(world.document))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["left_count"] == {"already_decided": 0, "own_label": 4, "rejected_part": 0}
    assert {r["reason"] for r in body["left"]} == {"own_label"}
    assert body["decided"] == 10  # the two annotators' 8 spans and 2 attributions
    own = admin_annotated["spans"] + [admin_annotated["attribution"]]
    assert set(states(own).values()) == {"pending"}


def test_admin_approves_their_own_labels_and_work_when_the_project_allows_it(
        world, api, admin_annotated):
    admin = api(world.admin)
    changed = admin.patch(f"/api/projects/{world.project.id}/",
                          {"settings": {"review_own_labels": True}}, format="json")
    assert changed.status_code == 200, changed.json()
    own = admin_annotated["spans"][0]
    response = bulk(admin, world.document, decision="approve", spans=[own.pk])
    assert response.status_code == 201 and response.json()["decided"] == 1
    assert states([own]) == {own.pk: "approved"}
    bulk(admin, world.document, decision="approve",
         attributions=[admin_annotated["attribution"].pk])
    status = admin.post(f"/api/documents/{world.document.id}/status/",
                        {"action": "approve", "annotator": world.admin.pk}, format="json")
    assert status.status_code == 200, status.json()


def test_a_reviewer_who_annotated_the_document_decides_only_the_others_labels(
        world, api, make_user, two_layers):
    former = make_user("former")
    membership_set(project=world.project, user=former, role="annotator")
    spans, _ = layer(world.document, former, [("A spokesperson", "SOURCE")])
    submit(world.document, former)
    membership_set(project=world.project, user=former, role="reviewer")
    client = api(former)
    others = bulk(client, world.document, decision="approve",
                  spans=[two_layers["theirs"][3].pk], undecided_only=False)
    assert others.status_code == 201, others.json()
    own = bulk(client, world.document, decision="reject", spans=[spans[0].pk],
               undecided_only=False)
    assert own.status_code == 403
    assert f"SOURCE “A spokesperson” (span {spans[0].pk})" in own.json()["detail"]
    assert states(spans) == {spans[0].pk: "pending"}
    # Nor through a correction at the same place (it would approve their own row) ...
    correction = client.post(f"/api/documents/{world.document.id}/corrections/spans/",
                             span_at(world.document, "A spokesperson", "SOURCE"), format="json")
    assert correction.status_code == 403
    assert states(spans) == {spans[0].pk: "pending"}
    # ... nor one that replaces it.
    replacing = client.post(f"/api/documents/{world.document.id}/corrections/spans/",
                            {**span_at(world.document, "spokesperson", "SOURCE"),
                             "replaces": [spans[0].pk]}, format="json")
    assert replacing.status_code == 403
    assert not Span.objects.filter(origin="review").exists()
    # Nor approve their own work on the document.
    approve = client.post(f"/api/documents/{world.document.id}/status/",
                          {"action": "approve", "annotator": former.pk}, format="json")
    assert approve.status_code == 403
    assert "your own work" in approve.json()["detail"]
    assert DocumentStatus.objects.get(document=world.document,
                                      annotator=former).status == "submitted"


def test_the_admins_own_work_is_approved_by_another_reviewer_only(world, api, admin_annotated):
    url = f"/api/documents/{world.document.id}/status/"
    body = {"action": "approve", "annotator": world.admin.pk}
    reviewer = api(world.reviewer)
    decided = bulk(reviewer, world.document, decision="approve",
                   attributions=[admin_annotated["attribution"].pk])
    assert decided.json()["decided"] == 4  # the attribution and its three spans
    own = api(world.admin).post(url, body, format="json")
    assert own.status_code == 403
    assert own.json()["detail"] == ("This is your own work on the document: another reviewer "
                                    "approves it (the project's setting review_own_labels is "
                                    "off).")
    assert DocumentStatus.objects.get(document=world.document,
                                      annotator=world.admin).status == "submitted"
    assert reviewer.post(url, body, format="json").status_code == 200


def test_a_reviewer_may_take_back_their_own_correction(world, api, two_layers):
    reviewer = api(world.reviewer)
    made = reviewer.post(f"/api/documents/{world.document.id}/corrections/spans/",
                         span_at(world.document, "officials", "SOURCE"), format="json").json()
    response = bulk(reviewer, world.document, decision="reject", spans=[made["id"]],
                    undecided_only=False, note="Wrong after all.")
    assert response.status_code == 201
    assert Span.objects.get(pk=made["id"]).review_state == "rejected"


@pytest.mark.parametrize("value", ["yes", 1, None, [], {}])
def test_review_own_labels_must_be_true_or_false(world, api, value):
    response = api(world.admin).patch(f"/api/projects/{world.project.id}/",
                                      {"settings": {"review_own_labels": value}}, format="json")
    assert response.status_code == 400
    assert response.json() == {"settings": ["'review_own_labels' must be true or false."]}
    world.project.refresh_from_db()
    assert "review_own_labels" not in world.project.settings
