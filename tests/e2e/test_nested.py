"""Second-hand claims in the browser (issue #16, point 7): on a selected span, p puts its
attribution inside the enclosing one; the list shows the chain X → Y → claim; p again
takes the next one out (here: none), Ctrl+Z undoes, and a reload keeps it."""
from __future__ import annotations

import pytest

from annotator.models import Attribution
from annotator.services.attributions import attribution_create
from annotator.services.documents import document_create
from annotator.services.spans import spans_bulk_create

from .conftest import login, open_workspace, text_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "The mayor said that the minister claimed the bridge is safe 🌉. Engineers disagree."


def labelled(world):
    document, _ = document_create(project=world.project, title="Bridge", text=TEXT)

    def at(piece, label):
        start = len(TEXT[:TEXT.index(piece)])
        return {"label": label, "start": start, "end": start + len(piece), "quote": piece}
    s = spans_bulk_create(document=document, annotator=world.annotator, items=[
        at("the minister claimed the bridge is safe 🌉", "CLAIM"), at("The mayor", "SOURCE"),
        at("said", "CUE"), at("the bridge is safe 🌉", "CLAIM"), at("the minister", "SOURCE"),
        at("claimed", "CUE")])
    outer = attribution_create(document=document, annotator=world.annotator,
                               claims=[s[0].pk], source=s[1].pk, cue=s[2].pk)
    inner = attribution_create(document=document, annotator=world.annotator,
                               claims=[s[3].pk], source=s[4].pk, cue=s[5].pk)
    return document, outer, inner


def entry(page, attribution):
    return text_of(page, f'#ann-attributions li.ann-attribution[data-id="{attribution.pk}"]')


def parent_of(attribution):
    return Attribution.objects.get(pk=attribution.pk).parent_id


def wait_parent(page, attribution, expected):
    page.wait_for_function(
        "([id, want]) => { const li = document.querySelector("
        "`#ann-attributions li.ann-attribution[data-id=\"${id}\"]`);"
        " return li && li.classList.contains('ann-second-hand') === want; }",
        arg=[attribution.pk, expected])


def test_annotator_nests_an_attribution_with_p_and_sees_the_chain(page, live_server, world):
    document, outer, inner = labelled(world)
    login(page, live_server, "ann")
    open_workspace(page, live_server, document)
    assert entry(page, inner).startswith("the minister — claimed → “the bridge is safe 🌉”")

    # Click the inner claim (the shortest span under the click), p nests its attribution.
    page.locator("#ann-text .ann-seg", has_text="bridge").first.click()
    assert text_of(page, "#ann-selected").startswith("CLAIM the bridge is safe 🌉")
    page.keyboard.press("p")
    wait_parent(page, inner, True)
    assert parent_of(inner) == outer.pk
    assert entry(page, inner).startswith(
        "The mayor → the minister — claimed → “the bridge is safe 🌉”")
    assert "second-hand: inside the claim of The mayor" in entry(page, inner)
    assert "Second-hand: The mayor → the minister → “the bridge is safe 🌉”" in text_of(
        page, "#ann-message")

    # A reload keeps it; p again: no attribution further out, so it is first-hand again.
    open_workspace(page, live_server, document)
    assert entry(page, inner).startswith("The mayor → the minister")
    page.locator(f'#ann-attributions li.ann-attribution[data-id="{inner.pk}"] '
                 '.ann-attribution-text').click()
    page.keyboard.press("p")
    wait_parent(page, inner, False)
    assert parent_of(inner) is None
    assert entry(page, inner).startswith("the minister — claimed")

    # Undo puts it back; P makes it first-hand.
    page.keyboard.press("Control+z")
    wait_parent(page, inner, True)
    assert parent_of(inner) == outer.pk
    page.keyboard.press("P")
    wait_parent(page, inner, False)
    assert parent_of(inner) is None

    # The outer one lies in no claim: p says so and changes nothing.
    page.locator(f'#ann-attributions li.ann-attribution[data-id="{outer.pk}"] '
                 '.ann-attribution-text').click()
    page.keyboard.press("p")
    page.wait_for_function("() => document.querySelector('#ann-message').textContent"
                           ".includes('No attribution of yours has a claim that holds')")
    assert parent_of(outer) is None
    page.keyboard.press("?")
    assert "Second-hand claim" in text_of(page, "#ann-help")
    assert not page.js_errors
