"""Source entities in the workspace, by keyboard (issue #16, point 1): an annotator links
"The foreign minister" and, later, "he" to one entity (made from the first selection),
sees it beside both sources and in the attribution list, and unlinks one."""
from __future__ import annotations

import pytest

from annotator.models import SourceEntity, Span
from annotator.services.documents import document_create
from annotator.services.entities import entity_create
from annotator.services.suggestions import SuggestedSpan, suggestions_store

from .conftest import login, mouse_select, open_workspace, text_of, wait_saved

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = ("The foreign minister said the deal is dead. Later he said nobody would revive it. "
        "Officials said talks had collapsed.")


def label(page, needle, key):
    mouse_select(page, needle)
    page.keyboard.press(key)
    wait_saved(page)


def test_annotator_links_two_mentions_to_one_entity_with_the_keyboard(page, live_server, world,
                                                                       shot):
    entity_create(project=world.project, actor=world.admin, name="Officials of the ministry",
                  type="group", aliases=["officials"])
    document, _ = document_create(project=world.project, title="Deal", text=TEXT)
    login(page, live_server, "ann")
    open_workspace(page, live_server, document)

    # A new entity, made from the selected source: @ opens the picker with its text.
    label(page, "The foreign minister", "2")
    page.keyboard.press("@")
    page.wait_for_selector("#ann-entity-picker")
    assert page.input_value("#ann-entity-search") == "The foreign minister"
    page.wait_for_function("() => document.querySelector('#ann-entity-results')"
                           ".textContent.includes('No entity of that name')")
    page.select_option("#ann-entity-type", "person")
    page.keyboard.press("Enter")
    page.wait_for_selector("#ann-entity-picker", state="detached")
    page.wait_for_selector("#ann-selected .ann-entity")
    entity = SourceEntity.objects.get(project=world.project, name="The foreign minister")
    first = Span.objects.get(document=document, quote="The foreign minister")
    assert first.entity_id == entity.pk

    # "he": found by typing part of the name, chosen with the arrows and Enter.
    # ("he" sits in "the" too: the pronoun is selected by its place, not its first match.)
    start = TEXT.index("Later he") + len("Later ")
    page.evaluate("""([from, to]) => {
        const root = document.getElementById('ann-text');
        const seg = [...root.querySelectorAll('.ann-seg')].find((s) => {
            const at = Number(s.dataset.u16); return at <= from && from < at + s.firstChild.length; });
        const range = document.createRange();
        const at = Number(seg.dataset.u16);
        range.setStart(seg.firstChild, from - at);
        range.setEnd(seg.firstChild, to - at);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
    }""", [start, start + 2])
    page.keyboard.press("2")
    wait_saved(page)
    page.keyboard.press("@")
    page.wait_for_selector("#ann-entity-picker")
    page.fill("#ann-entity-search", "foreign")
    page.wait_for_function("""() => {
        const found = [...document.querySelectorAll('#ann-entity-results li[data-id]')];
        return found.length === 1 && found[0].textContent.includes('The foreign minister'); }""")
    assert "1 mention" in page.locator("#ann-entity-results li[data-id]").inner_text()
    page.keyboard.press("Enter")
    page.wait_for_selector("#ann-entity-picker", state="detached")
    pronoun = Span.objects.get(document=document, start=start, end=start + 2)
    assert pronoun.entity_id == entity.pk
    assert "The foreign minister" in text_of(page, "#ann-selected .ann-entity")

    # Linked as an attribution, the source shows its entity in the list too.
    label(page, "the deal is dead", "1")
    page.keyboard.press("a")
    page.wait_for_selector("#ann-link-bar:not([hidden])")
    page.locator("#ann-text .ann-seg", has_text="The foreign minister").first.click()
    label(page, "said", "3")
    page.keyboard.press("Enter")

    page.wait_for_selector("#ann-attributions li.ann-attribution .ann-entity")
    assert "The foreign minister" in text_of(page, "#ann-attributions li.ann-attribution .ann-entity")
    shot(page, "entities-workspace")

    # After a reload the names come back; Escape closes the picker; Unlink removes a link.
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    page.locator("#ann-text .ann-seg", has_text="The foreign minister").first.click()
    page.wait_for_selector("#ann-selected .ann-entity")
    page.keyboard.press("@")
    page.wait_for_selector("#ann-entity-picker")
    page.keyboard.press("Escape")
    page.wait_for_selector("#ann-entity-picker", state="detached")
    page.keyboard.press("@")
    page.click("#ann-entity-unlink")
    page.wait_for_selector("#ann-message >> text=Entity link removed.")
    assert Span.objects.get(pk=first.pk).entity_id is None
    assert not page.js_errors


def test_reviewer_sees_the_entity_of_a_source_before_approving_it(page, live_server, world):
    """Approving a SOURCE span approves its entity link: the review page names the entity,
    and the approved layer carries it."""
    from django.contrib.auth import get_user_model

    from annotator.selectors import approved_layer_for_document
    from annotator.services.documents import document_status_change
    from annotator.services.entities import span_entity_set
    from annotator.services.projects import membership_set
    from annotator.services.spans import span_create

    from .conftest import PASSWORD

    document, _ = document_create(project=world.project, title="Deal", text=TEXT)
    entity = entity_create(project=world.project, actor=world.admin, name="Antony Blinken",
                           aliases=["the foreign minister"])
    source_label = world.project.labels.get(name="SOURCE")
    span = span_create(document=document, annotator=world.annotator, label=source_label,
                       start=0, end=len("The foreign minister"))
    span_entity_set(span=span, actor=world.annotator, entity=entity, expected_version=1)
    document_status_change(document=document, actor=world.annotator, annotator=world.annotator,
                           action="submit")
    rev = get_user_model().objects.create_user("rev", password=PASSWORD)
    membership_set(project=world.project, user=rev, role="reviewer")
    login(page, live_server, "rev", next_path=f"/documents/{document.pk}/review/")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector("#ann-item-entities")
    assert text_of(page, "#ann-item-entities") == "Antony Blinken"
    page.click("#ann-approve")
    page.wait_for_selector("#ann-message >> text=Approved")
    [approved] = approved_layer_for_document(document=document).spans
    assert approved.entity == entity.pk
    assert not page.js_errors


def test_a_suggestion_shows_its_proposed_entity_and_accepting_links_it(page, live_server, world):
    """Issue #16 point 2: the pre-tagger's proposed entity beside a suggested source; y
    accepts it, and the annotator's span links to the entity, made then."""
    text = "Rafael Ortiz said the talks would go on."
    document, _ = document_create(project=world.project, title="Talks", text=text)
    suggestions_store(document=document, tagger_name="rules", tagger_version="1",
                      spans=[SuggestedSpan("s", "SOURCE", 0, 12)], attributions=[],
                      entities={"s": {"suggested_entity_id": None,
                                      "suggested_entity_name": "Rafael Ortiz",
                                      "suggested_entity_type": "person",
                                      "suggested_entity_by": "coref-rules 1.0 new"}})
    login(page, live_server, "ann")
    open_workspace(page, live_server, document)
    page.locator("#ann-text .ann-seg.ann-suggested", has_text="Rafael Ortiz").click()
    assert "? Rafael Ortiz (new)" in text_of(page, "#ann-selected .ann-entity-suggested")
    page.keyboard.press("y")
    page.wait_for_selector("#ann-suggestions >> text=No open suggestions.")
    own = Span.objects.get(document=document, annotator__isnull=False)
    assert own.entity == SourceEntity.objects.get(project=world.project, name="Rafael Ortiz")
