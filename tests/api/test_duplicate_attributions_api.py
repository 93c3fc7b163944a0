"""No duplicate attributions (issue #12, point 2 of "no duplicate labels").

1. Accepting a suggestion identical to the annotator's own attribution links that
   attribution (suggestion set, an "accept" event), keeps the annotator's attributes
   and makes no second row: one by one, all at once, after an earlier rejection; the
   approved layer and the exports then hold one attribution.
2. The database holds an annotator's attribution once (claim fragments + source + cue,
   null source or cue included); every write path keeps the key: create and update
   answer 409 "duplicate" with `current`, a span delete that makes two the same merges
   them, reviewers' corrections reuse theirs, imports keep the first; 50 concurrent
   identical creates leave one row (here on SQLite; tests/integration on PostgreSQL).
"""
from __future__ import annotations

import io
import json

import pytest
from rest_framework.test import APIClient

from annotator.models import (Attribution, ClaimFragment, Event, LabelStatus, ReviewDecision,
                              Span)
from annotator.selectors import approved_layer_for_document
from annotator.services.imports import import_file
from annotator.services.reviews import review_correct_attribution, review_decide
from annotator.services.suggestions import (SuggestedAttribution, SuggestedSpan,
                                            suggestions_store)
from tests.api.conftest import span_at
from tests.services.transfer_world import export_bytes, jsonl_records

pytestmark = pytest.mark.django_db

PIECES = {"claim": ("The deal is dead,", "CLAIM"),
          "more": ("and nobody will revive it.", "CLAIM"),
          "source": ("the minister", "SOURCE"), "cue": ("said", "CUE")}
MINE = {"source_type": "named person", "quote_type": "direct"}


def suggest(document, tagger="rules"):
    """The tagger proposes the minister's split quote (two claim fragments)."""
    def at(key):
        where = span_at(document, *PIECES[key])
        return SuggestedSpan(key=key, label=where["label"], start=where["start"],
                             end=where["end"], confidence=0.9)

    suggestions_store(document=document, tagger_name=tagger, tagger_version="1",
                      spans=[at(key) for key in PIECES],
                      attributions=[SuggestedAttribution(
                          claims=["claim", "more"], source="source", cue="cue",
                          attributes={"source_type": "anonymous"})])
    return Attribution.objects.get(document=document, annotator=None, tagger_name=tagger)


def draw(client, document) -> dict:
    """The annotator's own spans over the same words, through the API: key → id."""
    ids = {}
    for key, (piece, label) in PIECES.items():
        response = client.post(f"/api/documents/{document.pk}/spans/",
                               span_at(document, piece, label), format="json")
        assert response.status_code == 201, response.json()
        ids[key] = response.json()["id"]
    return ids


def link(client, document, spans, attributes=MINE, claims=("claim", "more"), source="source",
         cue="cue"):
    return client.post(f"/api/documents/{document.pk}/attributions/",
                       {"claims": [spans[c] for c in claims],
                        "source": spans[source] if source else None,
                        "cue": spans[cue] if cue else None, "attributes": attributes},
                       format="json")


@pytest.fixture
def hand_drawn(world, api):
    """The annotator drew and linked the attribution; the tagger proposes the same one."""
    client = api(world.annotator)
    spans = draw(client, world.document)
    response = link(client, world.document, spans)
    assert response.status_code == 201
    suggestion = suggest(world.document)
    return client, spans, Attribution.objects.get(pk=response.json()["id"]), suggestion


def layer(world):
    return Attribution.objects.filter(document=world.document, annotator=world.annotator,
                                      status=LabelStatus.ACCEPTED)


def assert_one_linked(world, mine, suggestion, response):
    assert response.status_code == 200, response.json()
    assert [a["id"] for a in response.json()["attributions"]] == [mine.pk]
    stored = layer(world).get()
    assert stored.pk == mine.pk and stored.attributes == MINE
    assert stored.suggestion_id == suggestion.pk and stored.version == mine.version + 1
    accept = Event.objects.get(target_type="attribution", target_id=mine.pk, action="accept")
    assert accept.before["suggestion"] is None and accept.after["suggestion"] == suggestion.pk
    assert accept.after["attributes"] == MINE
    # No second span either: the suggested spans are linked to the drawn ones.
    assert Span.objects.filter(document=world.document, annotator=world.annotator).count() == 4


def test_accepting_a_suggestion_identical_to_my_attribution_links_it_when_accepted_alone(
        world, hand_drawn):
    client, spans, mine, suggestion = hand_drawn
    response = client.post(f"/api/documents/{world.document.pk}/suggestions/decide/",
                           {"decision": "accept", "attributions": [suggestion.pk]},
                           format="json")
    assert_one_linked(world, mine, suggestion, response)
    # The decision is visible: the suggestion is no longer open in my layer ...
    detail = client.get(f"/api/documents/{world.document.pk}/").json()
    assert detail["suggestions"]["attributions"] == []
    assert [a["suggestion"] for a in detail["attributions"]] == [suggestion.pk]
    # ... and accepting again changes nothing.
    again = client.post(f"/api/documents/{world.document.pk}/suggestions/decide/",
                        {"decision": "accept", "attributions": [suggestion.pk]}, format="json")
    assert [a["id"] for a in again.json()["attributions"]] == [mine.pk]
    assert layer(world).count() == 1
    assert Event.objects.filter(target_type="attribution", action="accept").count() == 1


def test_accepting_a_suggestion_identical_to_my_attribution_links_it_when_accepting_all(
        world, hand_drawn):
    client, spans, mine, suggestion = hand_drawn
    suggested_spans = list(Span.objects.filter(document=world.document, annotator=None)
                           .values_list("pk", flat=True))
    response = client.post(f"/api/documents/{world.document.pk}/suggestions/decide/",
                           {"decision": "accept", "spans": suggested_spans,
                            "attributions": [suggestion.pk]}, format="json")
    assert_one_linked(world, mine, suggestion, response)
    linked = dict(Span.objects.filter(document=world.document, annotator=world.annotator)
                  .values_list("pk", "suggestion_id"))
    assert set(linked) == set(spans.values()) and None not in linked.values()


def test_accepting_after_rejecting_links_my_attribution_when_i_drew_the_same(world, hand_drawn):
    client, spans, mine, suggestion = hand_drawn
    url = f"/api/documents/{world.document.pk}/suggestions/decide/"
    assert client.post(url, {"decision": "reject", "attributions": [suggestion.pk]},
                       format="json").status_code == 200
    rejection = Attribution.objects.get(annotator=world.annotator, suggestion=suggestion)
    response = client.post(url, {"decision": "accept", "attributions": [suggestion.pk]},
                           format="json")
    assert_one_linked(world, mine, suggestion, response)
    assert not Attribution.objects.filter(pk=rejection.pk).exists()
    assert Attribution.objects.filter(annotator=world.annotator).count() == 1


def test_accepting_after_rejecting_makes_an_attribution_of_my_spans_when_i_had_none(world, api):
    suggestion = suggest(world.document)
    client = api(world.annotator)
    url = f"/api/documents/{world.document.pk}/suggestions/decide/"
    client.post(url, {"decision": "reject", "attributions": [suggestion.pk]}, format="json")
    response = client.post(url, {"decision": "accept", "attributions": [suggestion.pk]},
                           format="json")
    assert response.status_code == 200
    own = layer(world).get()
    parts = [own.claim, *[f.span for f in own.fragments.order_by("position")], own.source,
             own.cue]
    assert [p.annotator_id for p in parts] == [world.annotator.pk] * 4
    assert [p.quote for p in parts] == [piece for piece, _ in PIECES.values()]


def test_approved_layer_and_export_hold_one_attribution_with_my_attributes_when_accepted(
        world, hand_drawn):
    client, spans, mine, suggestion = hand_drawn
    client.post(f"/api/documents/{world.document.pk}/suggestions/decide/",
                {"decision": "accept", "attributions": [suggestion.pk]}, format="json")
    review_decide(reviewer=world.reviewer, target=layer(world).get(), decision="approve")
    approved = approved_layer_for_document(document=world.document).attributions
    assert [(a.id, a.attributes) for a in approved] == [(mine.pk, MINE)]
    record = next(r for r in jsonl_records(export_bytes(world.project))
                  if r["title"] == world.document.title)
    assert [a["attributes"] for a in record["attributions"]] == [MINE]


# --- Point 2: the database holds an attribution of a layer once ----------------------------

@pytest.mark.parametrize("source, cue", [("source", "cue"), (None, None)],
                         ids=["with source and cue", "claim only"])
def test_creating_the_same_attribution_again_is_409_duplicate_with_current_when_mine(
        world, api, source, cue):
    client = api(world.annotator)
    spans = draw(client, world.document)
    first = link(client, world.document, spans, source=source, cue=cue)
    second = link(client, world.document, spans, attributes={"quote_type": "indirect"},
                  source=source, cue=cue)
    assert second.status_code == 409
    body = second.json()
    assert body["code"] == "duplicate" and body["current"]["id"] == first.json()["id"]
    assert body["current"]["attributes"] == MINE
    assert layer(world).count() == 1
    # Another annotator's identical attribution is theirs: no clash across layers.
    other = api(world.annotator2)
    assert link(other, world.document, draw(other, world.document), source=source,
                cue=cue).status_code == 201


def test_changing_an_attribution_into_a_copy_of_another_is_409_duplicate_when_mine(world, api):
    client = api(world.annotator)
    spans = draw(client, world.document)
    kept = link(client, world.document, spans, claims=("claim",)).json()
    other = link(client, world.document, spans, claims=("more",)).json()
    response = client.patch(f"/api/attributions/{other['id']}/",
                            {"claims": [spans["claim"]], "version": other["version"]},
                            format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"
    assert response.json()["current"]["id"] == kept["id"]
    unchanged = Attribution.objects.get(pk=other["id"])
    assert (unchanged.claim_id, unchanged.version) == (spans["more"], other["version"])


def test_deleting_a_span_that_makes_two_attributions_the_same_merges_them(world, api):
    client = api(world.annotator)
    spans = draw(client, world.document)
    plain = link(client, world.document, spans, cue=None,
                 attributes={"quote_type": "indirect"}).json()
    with_cue = link(client, world.document, spans).json()
    review_decide(reviewer=world.reviewer, target=Attribution.objects.get(pk=with_cue["id"]),
                  decision="approve", note="Right.")
    cue = Span.objects.get(pk=spans["cue"])
    response = client.delete(f"/api/spans/{cue.pk}/?version={cue.version}")
    assert response.status_code == 204
    survivor = layer(world).get()
    # The attribution that was not touched stays, with its attributes; the other's
    # approval and decision come with it, and its whole state is in the merge event.
    assert survivor.pk == plain["id"] and survivor.attributes == {"quote_type": "indirect"}
    assert survivor.review_state == "approved"
    assert list(ReviewDecision.objects.filter(attribution=survivor)
                .values_list("note", flat=True)) == ["Right."]
    merged = Event.objects.get(action="merge", target_id=with_cue["id"])
    assert merged.before["attributes"] == MINE and merged.before["cue"] == cue.pk
    assert merged.after == {"merged_into": plain["id"]}


def test_the_same_correction_twice_reuses_the_reviewers_attribution(world, api):
    client = api(world.annotator)
    spans = draw(client, world.document)
    claims = [Span.objects.get(pk=spans["claim"]), Span.objects.get(pk=spans["more"])]

    def correct(attributes):
        return review_correct_attribution(
            document=world.document, reviewer=world.reviewer, claims=claims,
            source=Span.objects.get(pk=spans["source"]), attributes=attributes)

    first = correct({"quote_type": "direct"})
    again = correct({"quote_type": "indirect"})
    assert again.pk == first.pk
    stored = Attribution.objects.get(annotator=world.reviewer)
    assert stored.attributes == {"quote_type": "indirect"} and stored.review_state == "approved"


def test_an_import_with_the_same_attribution_twice_keeps_the_first(world):
    text = world.document.text.replace("🇺🇦 ", "")
    spans = [{"id": key, "label": label, "start": text.index(piece),
              "end": text.index(piece) + len(piece)} for key, (piece, label) in PIECES.items()]
    twice = [{"claims": ["claim", "more"], "source": "source", "cue": "cue",
              "attributes": {"quote_type": quote}} for quote in ("direct", "indirect")]
    line = json.dumps({"title": "Twice", "text": text, "spans": spans, "attributions": twice})
    report = import_file(project=world.project, user=world.admin, file_name="twice.jsonl",
                         stream=io.BytesIO(line.encode()), fmt="jsonl")
    assert report.attributions == 1
    stored = Attribution.objects.get(document__title="Twice")
    assert stored.attributes == {"quote_type": "direct"}
    assert ClaimFragment.objects.filter(attribution=stored).count() == 1


@pytest.mark.django_db(transaction=True)
def test_fifty_identical_concurrent_attribution_creates_leave_one_row_when_on_sqlite(world):
    from tests.integration.test_concurrency import in_parallel

    client = APIClient()
    client.force_authenticate(world.annotator)
    spans = draw(client, world.document)
    body = {"claims": [spans["claim"]], "source": spans["source"], "cue": None}

    def create(i):
        thread_client = APIClient()
        thread_client.force_authenticate(world.annotator)
        return thread_client.post(f"/api/documents/{world.document.pk}/attributions/", body,
                                  format="json")

    responses = in_parallel(50, create)
    statuses = [r.status_code for r in responses]
    assert statuses.count(201) == 1 and statuses.count(409) == 49, statuses
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"duplicate"}
    assert layer(world).count() == 1
    assert Event.objects.filter(target_type="attribution", action="create").count() == 1
