"""The review workflow through the API: bulk decisions and their consequences, corrections,
the approved layer, the queue, annotators' statuses, agreement, and their query counts."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotator import agreement
from annotator.models import (Attribution, DocumentStatus, Event, Origin, ReviewDecision, Span)
from annotator.selectors import agreement_for_project, approved_layer_for_document
from annotator.services.attributions import attribution_create
from annotator.services.documents import document_status_change
from annotator.services.reviews import review_bulk_decide
from annotator.services.spans import spans_bulk_create
from tests.api.conftest import span_at

pytestmark = pytest.mark.django_db


def layer(document, user, pieces):
    """Spans for (piece, label) pairs, and one attribution if a CLAIM, SOURCE and CUE are there."""
    spans = spans_bulk_create(document=document, annotator=user,
                              items=[span_at(document, piece, label) for piece, label in pieces])
    by_label = {}
    for span in spans:
        by_label.setdefault(span.label.name, span)  # the first of each label
    attribution = None
    if {"CLAIM", "SOURCE", "CUE"} <= set(by_label):
        attribution = attribution_create(document=document, annotator=user,
                                         claims=[by_label["CLAIM"].pk],
                                         source=by_label["SOURCE"].pk, cue=by_label["CUE"].pk)
    return spans, attribution


def submit(document, user):
    return document_status_change(document=document, actor=user, annotator=user,
                                  action="submit")


AGREED = [("The deal is dead,", "CLAIM"), ("the minister", "SOURCE"), ("said", "CUE")]


@pytest.fixture
def two_layers(world):
    doc = world.document
    mine, mine_attr = layer(doc, world.annotator, AGREED + [("prices will rise.", "CLAIM")])
    theirs, theirs_attr = layer(doc, world.annotator2, AGREED + [("A spokesperson", "SOURCE")])
    submit(doc, world.annotator)
    submit(doc, world.annotator2)
    return {"mine": mine, "mine_attr": mine_attr, "theirs": theirs, "theirs_attr": theirs_attr}


def bulk(client, document, **body):
    return client.post(f"/api/documents/{document.id}/reviews/bulk/", body, format="json")


# --- Decisions ------------------------------------------------------------------------------

def test_bulk_approve_of_an_attribution_approves_its_spans_when_they_were_pending(
        world, api, two_layers):
    response = bulk(api(world.reviewer), world.document, decision="approve",
                    attributions=[two_layers["mine_attr"].pk], note="Agreed.")
    assert response.status_code == 201, response.json()
    notes = {(r["attribution"], r["span"]): r["note"] for r in response.json()["decisions"]}
    assert notes[(two_layers["mine_attr"].pk, None)] == "Agreed."
    claim = two_layers["mine"][0]
    assert notes[(None, claim.pk)] == "approved with the attribution that uses it: Agreed."
    states = dict(Span.objects.filter(annotator=world.annotator).values_list("quote",
                                                                              "review_state"))
    assert states == {"The deal is dead,": "approved", "the minister": "approved",
                      "said": "approved", "prices will rise.": "pending"}


def test_rejecting_a_span_rejects_the_attributions_that_use_it(world, api, two_layers):
    source = two_layers["theirs"][1]
    response = bulk(api(world.reviewer), world.document, decision="reject",
                    spans=[source.pk], note="Not the speaker.")
    assert response.status_code == 201
    assert Attribution.objects.get(pk=two_layers["theirs_attr"].pk).review_state == "rejected"
    [consequence] = [r for r in response.json()["decisions"] if r["attribution"]]
    assert consequence["note"] == "its SOURCE “the minister” was rejected: Not the speaker."


def test_a_newer_decision_supersedes_and_both_stay_in_the_history(world, api, two_layers):
    reviewer, claim = api(world.reviewer), two_layers["mine"][0]
    bulk(reviewer, world.document, decision="reject", spans=[claim.pk], note="Too short.")
    bulk(reviewer, world.document, decision="approve", spans=[claim.pk], note="On reflection.",
         undecided_only=False)
    assert Span.objects.get(pk=claim.pk).review_state == "approved"
    history = api(world.annotator).get(f"/api/spans/{claim.pk}/history/").json()
    assert [(r["decision"], r["note"]) for r in history["reviews"]] == [
        ("reject", "Too short."), ("approve", "On reflection.")]
    assert [e["action"] for e in history["events"]] == ["create", "reject", "approve"]


def test_bulk_refuses_everything_when_one_id_is_a_suggestion_or_unknown(world, api, two_layers):
    claim = two_layers["mine"][0]
    response = bulk(api(world.reviewer), world.document, decision="approve",
                    spans=[claim.pk, 10**9])
    assert response.status_code == 400
    assert "spans" in response.json()
    assert not ReviewDecision.objects.exists()
    assert bulk(api(world.reviewer), world.document, decision="approve").status_code == 400


# --- Corrections ------------------------------------------------------------------------------

def test_correction_is_the_reviewers_approved_span_and_rejects_what_it_replaces(
        world, api, two_layers):
    wrong = two_layers["mine"][3]  # "prices will rise." without the subject
    body = {**span_at(world.document, "A spokesperson warned that prices will rise.", "CLAIM"),
            "replaces": [wrong.pk], "note": "The whole sentence is reported."}
    response = api(world.reviewer).post(
        f"/api/documents/{world.document.id}/corrections/spans/", body, format="json")
    assert response.status_code == 201, response.json()
    made = Span.objects.get(pk=response.json()["id"])
    assert (made.annotator, made.origin, made.review_state) == (world.reviewer, "review",
                                                                "approved")
    assert Span.objects.get(pk=wrong.pk).review_state == "rejected"
    [note] = ReviewDecision.objects.filter(span=made).values_list("note", flat=True)
    assert note == "reviewer's correction: The whole sentence is reported."
    assert Event.objects.filter(target_type="span", target_id=made.pk, action="correct").exists()
    # The annotator sees why their span went.
    feedback = api(world.annotator).get(f"/api/documents/{world.document.id}/reviews/").json()
    assert any(r["span"] == wrong.pk and "replaced by the reviewer's CLAIM “A spokesperson" in r["note"]
               for r in feedback)


def test_corrected_attribution_links_copies_of_any_annotators_spans(world, api, two_layers):
    claim = two_layers["mine"][0]
    other_source = two_layers["theirs"][3]  # "A spokesperson", only annotator2 has it
    response = api(world.reviewer).post(
        f"/api/documents/{world.document.id}/corrections/attributions/",
        {"claims": [claim.pk], "source": other_source.pk, "cue": None,
         "attributes": {"quote_type": "direct"}, "replaces": [two_layers["mine_attr"].pk]},
        format="json")
    assert response.status_code == 201, response.json()
    made = Attribution.objects.get(pk=response.json()["id"])
    assert (made.annotator, made.origin, made.review_state) == (world.reviewer, "review",
                                                                "approved")
    assert (made.claim.annotator, made.claim.quote) == (world.reviewer, "The deal is dead,")
    assert (made.source.annotator, made.source.quote) == (world.reviewer, "A spokesperson")
    assert made.claim.origin == Origin.REVIEW and made.claim.review_state == "approved"
    assert Attribution.objects.get(pk=two_layers["mine_attr"].pk).review_state == "rejected"


def test_correction_refuses_a_span_of_the_wrong_role(world, api, two_layers):
    response = api(world.reviewer).post(
        f"/api/documents/{world.document.id}/corrections/attributions/",
        {"claims": [two_layers["mine"][1].pk]}, format="json")  # a SOURCE as the claim
    assert response.status_code == 400
    assert "claims" in response.json()


def test_correction_twice_reuses_the_reviewers_span(world, api, two_layers):
    url = f"/api/documents/{world.document.id}/corrections/spans/"
    body = span_at(world.document, "talks 🇺🇦 collapsed", "CLAIM")
    first = api(world.reviewer).post(url, body, format="json").json()
    second = api(world.reviewer).post(url, body, format="json")
    assert second.status_code == 201 and second.json()["id"] == first["id"]


# --- The approved layer -----------------------------------------------------------------------

def test_approved_layer_merges_identical_labels_and_keeps_corrections(world, api, two_layers):
    reviewer = api(world.reviewer)
    both = [two_layers["mine_attr"].pk, two_layers["theirs_attr"].pk]
    bulk(reviewer, world.document, decision="approve", attributions=both)
    bulk(reviewer, world.document, decision="reject", spans=[two_layers["theirs"][3].pk])
    reviewer.post(f"/api/documents/{world.document.id}/corrections/spans/",
                  span_at(world.document, "officials", "SOURCE"), format="json")

    result = approved_layer_for_document(document=world.document)

    assert [(s.label, s.quote, s.annotators, s.corrected) for s in result.spans] == [
        ("CLAIM", "The deal is dead,", (world.annotator.pk, world.annotator2.pk), False),
        ("SOURCE", "the minister", (world.annotator.pk, world.annotator2.pk), False),
        ("CUE", "said", (world.annotator.pk, world.annotator2.pk), False),
        ("SOURCE", "officials", (world.reviewer.pk,), True)]
    [attribution] = result.attributions
    assert ([c.quote for c in attribution.claims], attribution.source.quote,
            attribution.cue.quote) == (["The deal is dead,"], "the minister", "said")
    assert attribution.annotators == (world.annotator.pk, world.annotator2.pk)


def test_approved_layer_reads_a_fixed_number_of_queries(world, two_layers):
    review_bulk_decide(reviewer=world.reviewer, document=world.document, decision="approve",
                       attributions=[two_layers["mine_attr"]])
    with CaptureQueriesContext(connection) as captured:
        approved_layer_for_document(document=world.document)
    assert len(captured.captured_queries) == 3  # spans, attributions, their fragments


# --- Statuses and the queue ---------------------------------------------------------------------

def test_statuses_list_every_annotator_with_their_label_count(world, api, two_layers):
    rows = api(world.reviewer).get(f"/api/documents/{world.document.id}/statuses/").json()
    assert [(r["username"], r["status"], r["span_count"]) for r in rows] == [
        ("ann", "submitted", 4), ("ann2", "submitted", 4)]


def test_queue_lists_submitted_documents_oldest_first_with_filters(
        world, api, make_document, two_layers):
    newer = make_document(world.project, text="Later, officials said more.", title="Later")
    submit(newer, world.annotator)
    old = timezone.now() - timedelta(days=10)
    DocumentStatus.objects.filter(document=world.document).update(updated_at=old)
    reviewer = api(world.reviewer)

    rows = reviewer.get("/api/review-queue/").json()["results"]
    assert [r["id"] for r in rows] == [world.document.id, newer.id]
    assert [s["username"] for s in rows[0]["submitted"]] == ["ann", "ann2"]
    assert rows[0]["project_name"] == "Main"

    def ids(**query):
        return [r["id"] for r in reviewer.get("/api/review-queue/", query).json()["results"]]

    assert ids(older_than_days=5) == [world.document.id]
    assert ids(annotator=world.annotator2.id) == [world.document.id]
    assert ids(project=world.other_project.id) == []
    assert api(world.annotator).get("/api/review-queue/").json()["results"] == []
    assert reviewer.get("/api/review-queue/", {"older_than_days": -1}).status_code == 400


def decide_all(world, decision="approve"):
    for user in (world.annotator, world.annotator2):
        review_bulk_decide(
            reviewer=world.reviewer, document=world.document, decision=decision,
            spans=list(Span.objects.filter(document=world.document, annotator=user)),
            attributions=list(Attribution.objects.filter(document=world.document,
                                                         annotator=user)))


def test_queue_leaves_out_documents_once_every_submission_is_decided(world, api, two_layers):
    decide_all(world)
    for user in (world.annotator, world.annotator2):
        document_status_change(document=world.document, actor=world.reviewer, annotator=user,
                               action="approve")
    assert api(world.reviewer).get("/api/review-queue/").json()["results"] == []


def test_approving_a_document_with_undecided_labels_is_a_409_naming_them(world, api, two_layers):
    reviewer = api(world.reviewer)
    url = f"/api/documents/{world.document.id}/status/"
    body = {"action": "approve", "annotator": world.annotator.pk}
    mine = two_layers["mine"]
    review_bulk_decide(reviewer=world.reviewer, document=world.document, decision="approve",
                       spans=mine[:1])
    response = reviewer.post(url, body, format="json")
    assert response.status_code == 409
    error = response.json()
    assert error["code"] == "undecided_labels"
    assert error["current"]["undecided"]["spans"] == sorted(s.pk for s in mine[1:])
    assert error["current"]["undecided"]["attributions"] == [two_layers["mine_attr"].pk]
    assert DocumentStatus.objects.get(document=world.document,
                                      annotator=world.annotator).status == "submitted"
    decide_all(world, "reject")
    assert reviewer.post(url, body, format="json").status_code == 200
    assert DocumentStatus.objects.get(document=world.document,
                                      annotator=world.annotator).status == "approved"


def count_queries(client, url, query=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
    assert response.status_code == 200, response.content[:300]
    return len(captured.captured_queries)


def documents_with_submissions(world, make_document, count, offset):
    for i in range(count):
        doc = make_document(world.project, text=f"Document {offset + i}: officials said so.")
        layer(doc, world.annotator, AGREED[:0] + [("officials", "SOURCE"), ("said", "CUE")])
        layer(doc, world.annotator2, [("officials", "SOURCE")])
        submit(doc, world.annotator)
        submit(doc, world.annotator2)


def test_queue_and_agreement_run_a_fixed_number_of_queries_whatever_the_documents(
        world, api, make_document):
    reviewer = api(world.reviewer)
    agreement_url = f"/api/projects/{world.project.id}/agreement/"
    documents_with_submissions(world, make_document, 1, 0)
    few = (count_queries(reviewer, "/api/review-queue/"), count_queries(reviewer, agreement_url))
    documents_with_submissions(world, make_document, 30, 100)
    many = (count_queries(reviewer, "/api/review-queue/"), count_queries(reviewer, agreement_url))
    assert many == few


# --- Agreement ------------------------------------------------------------------------------

def test_agreement_endpoint_reports_what_the_pure_module_computes(world, api, two_layers):
    body = api(world.reviewer).get(f"/api/projects/{world.project.id}/agreement/").json()
    doc = world.document
    a, b = world.annotator.pk, world.annotator2.pk

    def items(user, pieces):
        return [agreement.SpanItem(user, label, doc.text.index(p), doc.text.index(p) + len(p))
                for p, label in pieces]

    expected = agreement.report([agreement.DocumentLayers(
        document=doc.pk, text=doc.text, annotators=(a, b),
        spans=items(a, AGREED + [("prices will rise.", "CLAIM")])
        + items(b, AGREED + [("A spokesperson", "SOURCE")]),
        attributions=[agreement.AttributionItem(who, ((1, 18),), (20, 32)) for who in (a, b)])],
        ["CLAIM", "SOURCE", "CUE"])
    assert body["overall"] == expected["overall"]
    assert body["overall"]["span_f1_exact"] == pytest.approx(2 * 3 / 8)
    assert body["overall"]["attribution_f1"] == 1.0
    assert body["pairs"][0]["a_username"] == "ann" and body["pairs"][0]["documents"] == 1
    assert body["documents"][0]["title"] == "Deal"
    assert [row["label"] for row in body["labels"]] == ["CLAIM", "SOURCE", "CUE"]


def test_agreement_counts_only_finished_work_and_leaves_out_corrections(world, api, two_layers):
    url = f"/api/projects/{world.project.id}/agreement/"
    document_status_change(document=world.document, actor=world.reviewer,
                           annotator=world.annotator2, action="return", note="Again.")
    body = api(world.reviewer).get(url).json()
    assert body["documents_compared"] == 0 and body["pairs"] == []
    api(world.annotator2).post(f"/api/documents/{world.document.id}/status/",
                               {"action": "submit"}, format="json")
    api(world.reviewer).post(f"/api/documents/{world.document.id}/corrections/spans/",
                             span_at(world.document, "officials", "SOURCE"), format="json")
    assert [a["username"] for a in api(world.reviewer).get(url).json()["annotators"]] == [
        "ann", "ann2"]


def test_agreement_filters_by_document_and_label(world, api, two_layers, make_document):
    url = f"/api/projects/{world.project.id}/agreement/"
    reviewer = api(world.reviewer)
    one_label = reviewer.get(url, {"label": "CUE"}).json()
    assert [row["label"] for row in one_label["labels"]] == ["CUE"]
    assert one_label["overall"]["span_f1_exact"] == 1.0
    assert reviewer.get(url, {"document": world.document.id}).json()["documents_compared"] == 1
    assert reviewer.get(url, {"label": "NOPE"}).status_code == 400
    assert reviewer.get(url, {"document": world.other_document.id}).status_code == 400


def test_agreement_is_for_reviewers_unless_annotators_see_each_other(world, api, two_layers):
    url = f"/api/projects/{world.project.id}/agreement/"
    assert api(world.annotator).get(url).status_code == 403
    world.project.settings = {"annotators_see_each_other": True}
    world.project.save()
    assert api(world.annotator).get(url).status_code == 200


def test_service_decides_many_labels_in_a_few_queries(world, two_layers):
    spans = two_layers["mine"] + two_layers["theirs"]
    with CaptureQueriesContext(connection) as captured:
        review_bulk_decide(reviewer=world.reviewer, document=world.document, decision="approve",
                           spans=spans)
    # The savepoint pair, the locking read, the reviewer's membership (free after an access_*
    # lookup, as in the API), then one insert of decisions, one update, one insert of events,
    # and the document's explorer rows made again (a DELETE, an INSERT ... SELECT), and the
    # cells those rows count (a DELETE, an INSERT: the members' layers have rows here).
    assert len(captured.captured_queries) <= 11
