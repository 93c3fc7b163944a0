"""Point 9: failures are visible.

A network failure keeps the user's action on the page, marked unsaved, with
Retry; a 409 (someone changed the label meanwhile) says so clearly and shows
the current state.
"""
from __future__ import annotations

import pytest

from annotator.models import Span
from annotator.services.documents import document_create
from annotator.services.spans import span_create, span_update

from .conftest import login, mouse_select, open_workspace, segs_of, text_of, wait_saved

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Officials said the bridge will reopen on Monday, the mayor told reporters."
SPANS_URL = "**/api/documents/*/spans/"


def abort_posts(route):
    if route.request.method == "POST":
        route.abort("internetdisconnected")
    else:
        route.continue_()


def test_label_stays_unsaved_with_retry_when_the_network_fails(page, live_server, world, shot):
    document, _ = document_create(project=world.project, title="Offline", text=TEXT)
    login(page, live_server, "ann")
    open_workspace(page, live_server, document)

    page.route(SPANS_URL, abort_posts)
    mouse_select(page, "the bridge")
    page.keyboard.press("1")
    # Shown at once, marked unsaved, while api.js retries (0.3 + 1 + 3 s) ...
    page.wait_for_selector("#ann-text .ann-seg.ann-unsaved[data-keys^='tmp-']")
    # ... then reported, with the action kept.
    page.wait_for_selector("#ann-message >> text=Not saved (1)", timeout=15_000)
    message = text_of(page, "#ann-message")
    assert "CLAIM “the bridge”" in message and "kept on this page" in message
    assert page.get_attribute("#ann-message", "role") == "alert"
    unsaved = page.evaluate("""() => [...document.querySelectorAll('#ann-text .ann-seg.ann-unsaved')]
        .map((s) => s.textContent).join('')""")
    assert unsaved == "the bridge"
    assert not Span.objects.filter(document=document).exists()
    shot(page, "failure-network")

    # Back online: Retry saves it.
    page.unroute(SPANS_URL)
    page.locator("#ann-message").get_by_role("button", name="Retry").click()
    page.wait_for_selector("#ann-message >> text=All changes saved.")
    wait_saved(page, count=1)
    span = Span.objects.get(document=document, annotator=world.annotator)
    assert (span.label.name, span.quote, document.text[span.start:span.end]) == (
        "CLAIM", "the bridge", "the bridge")
    assert segs_of(page, span.pk)[0]["classes"].count("ann-unsaved") == 0
    assert not page.js_errors


def test_conflict_explains_and_shows_current_state_when_the_label_changed_meanwhile(
        page, live_server, world, shot):
    document, _ = document_create(project=world.project, title="Conflict", text=TEXT)
    labels = {label.name: label for label in world.project.labels.all()}
    start = TEXT.index("the mayor")
    span = span_create(document=document, annotator=world.annotator, label=labels["CLAIM"],
                       start=start, end=start + len("the mayor"))
    login(page, live_server, "ann")
    open_workspace(page, live_server, document)
    assert segs_of(page, span.pk)[0]["marks"] == "CLAIM"

    # Meanwhile (another tab, say) it became a SOURCE: version 2.
    span_update(span=span, actor=world.annotator, expected_version=1, label=labels["SOURCE"])

    page.locator("#ann-text .ann-seg[data-marks]", has_text="the mayor").click()
    page.keyboard.press("Delete")
    page.wait_for_selector("#ann-message.ann-message-warning")
    message = text_of(page, "#ann-message")
    assert "changed in the meantime" in message
    assert "The page now shows the current state." in message
    page.wait_for_function("""(id) => [...document.querySelectorAll('#ann-text .ann-seg[data-marks]')]
        .some((s) => s.dataset.keys.split(',').includes(id) && s.dataset.marks === 'SOURCE')""",
                           arg=str(span.pk))
    shot(page, "failure-conflict")
    assert Span.objects.get(pk=span.pk).version == 2  # the delete did not happen

    # With the current version, the same key now works.
    page.locator("#ann-text .ann-seg[data-marks]", has_text="the mayor").click()
    page.keyboard.press("Delete")
    page.wait_for_function("() => !document.querySelector('#ann-text .ann-seg[data-keys]')")
    assert not Span.objects.filter(pk=span.pk).exists()
    assert not page.js_errors, page.js_errors
