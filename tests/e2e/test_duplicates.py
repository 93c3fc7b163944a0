"""No duplicate labels in the workspace (issue #12, point 2), in a real Chromium.

Accepting the suggestion identical to an attribution drawn by hand leaves that one
attribution, with the attributes the annotator gave it. A write whose answer the
network loses (Playwright lets the request reach the server, then drops the answer)
is retried by api.js with the same Idempotency-Key and stored and drawn once.
"""
from __future__ import annotations

import pytest

from annotator.models import Attribution, LabelStatus, Span
from annotator.services.documents import document_create
from annotator.services.suggestions import (SuggestedAttribution, SuggestedSpan,
                                            suggestions_store)

from .conftest import drawn_keys, login, mouse_select, open_workspace, text_of, wait_saved

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = ("Talks collapsed on Monday. A spokesperson warned that prices will rise.\n\n"
        "The union said the offer was an insult.")


def suggest_the_spokesperson(document):
    def at(key, label, piece):
        start = document.text.index(piece)
        return SuggestedSpan(key, label, start, start + len(piece), confidence=0.9)

    suggestions_store(document=document, tagger_name="rules", tagger_version="1",
                      spans=[at("s", "SOURCE", "A spokesperson"), at("c", "CUE", "warned"),
                             at("k", "CLAIM", "prices will rise")],
                      attributions=[SuggestedAttribution(
                          claims=["k"], source="s", cue="c",
                          attributes={"source_type": "anonymous"})])
    return Attribution.objects.get(document=document, annotator=None)


def draw_and_link(page, claim, source, cue):
    """Label the three pieces by mouse and keys, link them with a, save with Enter."""
    mouse_select(page, claim)
    page.keyboard.press("1")
    wait_saved(page)
    page.keyboard.press("a")
    page.wait_for_selector("#ann-link-bar:not([hidden])")
    mouse_select(page, source)
    page.keyboard.press("2")
    wait_saved(page)
    mouse_select(page, cue)
    page.keyboard.press("3")
    wait_saved(page)
    page.keyboard.press("Enter")


def test_accepting_the_suggestion_identical_to_my_attribution_keeps_mine_when_drawn_by_hand(
        page, live_server, world):
    document, _ = document_create(project=world.project, title="Prices", text=TEXT)
    suggestion = suggest_the_spokesperson(document)
    login(page, live_server, "ann")
    open_workspace(page, live_server, document)

    draw_and_link(page, "prices will rise", "A spokesperson", "warned")
    mine = page.locator("#ann-attributions li.ann-attribution")
    mine.first.wait_for()
    with page.expect_response(lambda r: r.request.method == "PATCH"
                              and "/api/attributions/" in r.url) as patched:
        mine.first.locator('select[aria-label="source type"]').select_option("named person")
    assert patched.value.status == 200
    assert Attribution.objects.get(annotator=world.annotator).attributes == {
        "source_type": "named person"}

    # The tagger proposed exactly this attribution: accept it.
    page.locator("#ann-suggestions li.ann-suggested-item").get_by_role(
        "button", name="Accept").click()
    page.wait_for_selector("#ann-suggestions >> text=No open suggestions.")

    assert mine.count() == 1
    assert text_of(page, "#ann-attributions li.ann-attribution .ann-attribution-text") == \
        "A spokesperson — warned → “prices will rise”"
    assert mine.first.locator('select[aria-label="source type"]').input_value() == \
        "named person"
    stored = Attribution.objects.get(document=document, annotator=world.annotator,
                                     status=LabelStatus.ACCEPTED)
    assert stored.attributes == {"source_type": "named person"}
    assert stored.suggestion_id == suggestion.pk
    assert Span.objects.filter(document=document, annotator=world.annotator).count() == 3

    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator("#ann-attributions li.ann-attribution").count() == 1
    assert "No open suggestions." in text_of(page, "#ann-suggestions")
    assert not page.js_errors


def lose_the_first_answer(page, url_glob):
    """The first POST to url_glob reaches the server, but its answer is dropped.

    Returns the list of (Idempotency-Key, status) of every POST the page sent there
    (status None: the answer that was lost).
    """
    sent = []

    def handle(route, request):
        if request.method != "POST":
            route.continue_()
            return
        key = request.headers.get("idempotency-key")
        if not sent:
            route.fetch()  # the server does the write and answers ...
            sent.append((key, None))
            route.abort("connectionreset")  # ... and the answer never arrives
            return
        response = route.fetch()
        sent.append((key, response.status, response.headers.get("idempotent-replayed")))
        route.fulfill(response=response)

    page.route(url_glob, handle)
    return sent


def test_a_span_whose_answer_was_lost_is_stored_and_drawn_once_when_api_js_retries(
        page, live_server, world):
    from annotator.models import IdempotencyKey

    document, _ = document_create(project=world.project, title="Lost answer", text=TEXT)
    login(page, live_server, "ann")
    open_workspace(page, live_server, document)
    sent = lose_the_first_answer(page, "**/api/documents/*/spans/")

    mouse_select(page, "Talks collapsed")
    page.keyboard.press("1")
    wait_saved(page)

    spans = list(Span.objects.filter(document=document))
    assert len(spans) == 1 and spans[0].quote == "Talks collapsed"
    assert drawn_keys(page) == {str(spans[0].pk)}
    # api.js sent the retry with the first request's key; the server answered it with
    # the stored answer to the first (201, not a 409 "duplicate"), without a new write.
    (first_key, lost), (retry_key, status, replayed) = sent
    assert lost is None and (status, replayed) == (201, "true")
    assert first_key and retry_key == first_key
    assert IdempotencyKey.objects.filter(user=world.annotator).count() == 1
    assert "Not saved" not in text_of(page, "#ann-message")
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert drawn_keys(page) == {str(spans[0].pk)}
    assert not page.js_errors


def test_an_attribution_whose_answer_was_lost_is_saved_once_when_api_js_retries(
        page, live_server, world):
    document, _ = document_create(project=world.project, title="Lost link", text=TEXT)
    login(page, live_server, "ann")
    open_workspace(page, live_server, document)
    sent = lose_the_first_answer(page, "**/api/documents/*/attributions/")

    draw_and_link(page, "the offer was an insult", "The union", "said")
    page.wait_for_selector("#ann-message >> text=Attribution saved.")

    assert Attribution.objects.filter(document=document).count() == 1
    assert page.locator("#ann-attributions li.ann-attribution").count() == 1
    assert page.is_hidden("#ann-link-bar")
    assert [entry[0] for entry in sent] == [sent[0][0]] * 2 and sent[1][1:] == (201, "true")
    assert not page.js_errors
