"""Point 11 (and 10): an annotator's whole session in a real browser.

Sign in through the form, open the document from the home page, make a span
with a real mouse selection and a label key, link an attribution, accept
suggestions, reload and see everything persisted, submit. Then the keyboard
help, visible focus, and marks that do not rely on colour alone.
"""
from __future__ import annotations

import pytest

from annotator.models import Attribution, DocStatus, DocumentStatus, LabelStatus, Span
from annotator.services.documents import document_create, document_status_change
from annotator.services.suggestions import (SuggestedAttribution, SuggestedSpan,
                                            suggestions_store)

from .conftest import (PASSWORD, drawn_keys, login, mouse_select, open_workspace, segs_of,
                       text_of, wait_saved)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = ("“The deal is dead,” the minister said on Monday. According to officials, talks "
        "collapsed. A spokesperson warned that prices will rise.\n\n"
        "The union called the offer an insult, and its leader said a strike was likely.")


def suggested(document):
    def at(key, label, piece):
        start = document.text.index(piece)
        return SuggestedSpan(key, label, start, start + len(piece), confidence=0.9)
    suggestions_store(document=document, tagger_name="rules", tagger_version="1",
                      spans=[at("s", "SOURCE", "A spokesperson"), at("c", "CUE", "warned"),
                             at("k", "CLAIM", "prices will rise"),
                             at("u", "SOURCE", "The union")],
                      attributions=[SuggestedAttribution(claims=["k"], source="s", cue="c")])


def test_annotator_labels_links_accepts_and_submits_when_using_mouse_and_keys(
        page, live_server, world, shot):
    document, _ = document_create(project=world.project, title="Talks collapse", text=TEXT)
    suggested(document)

    # Sign in through the form and open the document from the home page.
    login(page, live_server, "ann")
    page.click(f'tr[data-document-id="{document.pk}"] a')
    page.wait_for_selector("body[data-ready=true]")
    assert text_of(page, "#ann-doc-status") == "Not started"
    assert "Suggestions (4 spans, 1 attributions)" in text_of(page, "#ann-suggestions")
    shot(page, "flow-1-opened")

    # A span from a real mouse selection, labelled by its key.
    mouse_select(page, "The deal is dead")
    page.keyboard.press("1")
    wait_saved(page)
    claim = Span.objects.get(document=document, annotator=world.annotator)
    assert (claim.label.name, claim.quote) == ("CLAIM", "The deal is dead")
    assert text_of(page, "#ann-selected").startswith("CLAIM The deal is dead [1, 17)")
    assert segs_of(page, claim.pk)[0]["marks"] == "CLAIM"
    assert text_of(page, "#ann-doc-status") == "In progress"   # at once, not on the next redraw

    # Link it: a, then select and label the source and the cue, Enter saves.
    page.keyboard.press("a")
    page.wait_for_selector("#ann-link-bar:not([hidden])")
    mouse_select(page, "the minister")
    page.keyboard.press("2")
    wait_saved(page)
    mouse_select(page, "said")
    page.keyboard.press("3")
    wait_saved(page)
    assert "source: “the minister”" in text_of(page, "#ann-link-bar")
    assert "cue: “said”" in text_of(page, "#ann-link-bar")
    shot(page, "flow-2-linking")
    page.keyboard.press("Enter")
    page.wait_for_selector("#ann-attributions li.ann-attribution")
    assert text_of(page, "#ann-attributions li.ann-attribution").startswith(
        "the minister — said → “The deal is dead”")
    assert page.is_hidden("#ann-link-bar")

    # A suggested span: click it, y accepts. A suggested attribution: its Accept button.
    page.locator("#ann-text .ann-seg.ann-suggested", has_text="The union").click()
    assert text_of(page, "#ann-selected").startswith("SOURCE (suggestion) The union")
    page.keyboard.press("y")
    page.wait_for_function("() => document.querySelector('#ann-suggestions h2')"
                           ".textContent.includes('(3 spans')")
    page.locator("#ann-suggestions li.ann-suggested-item").get_by_role(
        "button", name="Accept").click()
    page.wait_for_selector("#ann-suggestions >> text=No open suggestions.")
    assert page.locator("#ann-attributions li.ann-attribution").count() == 2
    shot(page, "flow-3-accepted")

    mine = {(s.label.name, s.quote) for s in Span.objects.filter(
        document=document, annotator=world.annotator, status=LabelStatus.ACCEPTED)}
    assert mine == {("CLAIM", "The deal is dead"), ("SOURCE", "the minister"),
                    ("CUE", "said"), ("SOURCE", "The union"), ("SOURCE", "A spokesperson"),
                    ("CUE", "warned"), ("CLAIM", "prices will rise")}
    assert Attribution.objects.filter(document=document, annotator=world.annotator).count() == 2

    # A reload shows everything as stored.
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    ids = {str(pk) for pk in Span.objects.filter(document=document, annotator=world.annotator)
           .values_list("pk", flat=True)}
    assert drawn_keys(page) == ids
    texts = sorted(text_of(page, f"#ann-attributions li.ann-attribution:nth-child({n}) "
                                 ".ann-attribution-text") for n in (1, 2))
    assert texts == ["A spokesperson — warned → “prices will rise”",
                     "the minister — said → “The deal is dead”"]
    assert "No open suggestions." in text_of(page, "#ann-suggestions")
    assert text_of(page, "#ann-doc-status") == "In progress"

    # Submit: the document is locked and says so.
    page.click("#ann-submit")
    page.wait_for_function("() => document.getElementById('ann-doc-status')"
                           ".textContent.startsWith('Submitted')")
    assert DocumentStatus.objects.get(document=document, annotator=world.annotator).status \
        == DocStatus.SUBMITTED
    assert page.is_disabled("#ann-submit")
    mouse_select(page, "talks collapsed")
    page.keyboard.press("1")
    page.wait_for_selector("#ann-message >> text=locked")
    shot(page, "flow-4-submitted")
    assert Span.objects.filter(document=document, annotator=world.annotator).count() == 7
    assert not page.js_errors


def test_help_focus_and_marks_are_usable_when_working_by_keyboard(page, live_server, world):
    document, _ = document_create(project=world.project, title="Marks", text=TEXT)
    suggested(document)
    login(page, live_server, "ann")
    open_workspace(page, live_server, document)

    # ? opens the keyboard help with focus inside it; Escape closes it.
    page.keyboard.press("?")
    assert page.is_visible("#ann-help")
    assert page.evaluate("() => document.getElementById('ann-help')"
                         ".contains(document.activeElement)")
    help_text = text_of(page, "#ann-help")
    for line in ("Label the selected text CLAIM", "Undo the last action", "Accept the selected"):
        assert line in help_text
    page.keyboard.press("Escape")
    assert page.is_hidden("#ann-help")

    # Focus is visible when moving by keyboard.
    page.keyboard.press("Tab")
    outline = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return [s.outlineStyle, parseFloat(s.outlineWidth)]; }""")
    assert outline[0] != "none" and outline[1] >= 2

    # Labels differ by more than colour: a text mark and an underline pattern each.
    for label, piece in (("CLAIM", "The deal is dead"), ("SOURCE", "the minister"),
                         ("CUE", "said")):
        mouse_select(page, piece)
        page.keyboard.press({"CLAIM": "1", "SOURCE": "2", "CUE": "3"}[label])
        wait_saved(page)
    looks = page.evaluate("""() => Object.fromEntries(
        [...document.querySelectorAll('#ann-text .ann-seg[data-marks]')].map((s) => [
            s.dataset.marks,
            [getComputedStyle(s, '::before').content, s.style.backgroundImage, s.style.backgroundSize]]))""")
    assert looks["CLAIM"][0] == '"CLAIM"' and looks["SOURCE?"][0] == '"SOURCE?"'
    patterns = {looks[name][1:] and (looks[name][1], looks[name][2])
                for name in ("CLAIM", "SOURCE", "CUE", "CLAIM?")}
    assert len(patterns) == 4, looks  # solid, double, dotted, dashed (suggested)
    # Readable at 100 % zoom on a laptop: the text is at least 16 px and nothing
    # overflows the 1440 px viewport sideways.
    size = page.evaluate("() => parseFloat(getComputedStyle(document.getElementById('ann-text')).fontSize)")
    assert size >= 16
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1440


def test_overlapping_spans_cycle_on_click_and_undo_removes_when_ctrl_z(page, live_server, world):
    document, _ = document_create(project=world.project, title="Overlaps", text=TEXT)
    login(page, live_server, "ann")
    open_workspace(page, live_server, document)

    mouse_select(page, "the minister said on Monday")
    page.keyboard.press("1")
    wait_saved(page)
    mouse_select(page, "the minister")
    page.keyboard.press("2")
    wait_saved(page, count=2)
    spans = {s.label.name: s for s in Span.objects.filter(document=document)}
    assert spans["CLAIM"].quote == "the minister said on Monday"
    assert spans["SOURCE"].quote == "the minister"
    # Both drawn on the shared words, in two underline lanes.
    shared = page.locator("#ann-text .ann-seg", has_text="the minister").first
    assert set(shared.get_attribute("data-keys").split(",")) == {
        str(spans["CLAIM"].pk), str(spans["SOURCE"].pk)}

    page.keyboard.press("Escape")
    shared.click()  # the shortest first ...
    assert text_of(page, "#ann-selected").startswith("SOURCE the minister")
    shared.click()  # ... then the next one
    assert text_of(page, "#ann-selected").startswith("CLAIM the minister said on Monday")

    # Ctrl+Z undoes the last action (the SOURCE), and only that.
    page.keyboard.press("Control+z")
    page.wait_for_selector("#ann-message >> text=Undone: create SOURCE.")
    assert set(Span.objects.filter(document=document).values_list("label__name", flat=True)) \
        == {"CLAIM"}
    assert drawn_keys(page) == {str(spans["CLAIM"].pk)}
    assert not page.js_errors


def own_labels(document, annotator):
    """The annotator's CLAIM, SOURCE and CUE of the first sentence, linked."""
    from annotator.services.attributions import attribution_create
    from annotator.services.spans import span_create

    labels = {label.name: label for label in document.project.labels.all()}

    def span(label, piece):
        start = document.text.index(piece)
        return span_create(document=document, annotator=annotator, label=labels[label],
                           start=start, end=start + len(piece))
    claim, source, cue = (span("CLAIM", "The deal is dead"), span("SOURCE", "the minister"),
                          span("CUE", "said on"))
    attribution = attribution_create(document=document, annotator=annotator,
                                     claims=[claim.pk], source=source.pk, cue=cue.pk)
    return claim, source, cue, attribution


def test_ctrl_z_after_delete_restores_the_same_span_and_its_attributions(
        page, live_server, world, shot):
    document, _ = document_create(project=world.project, title="Undo", text=TEXT)
    claim, source, cue, attribution = own_labels(document, world.annotator)
    login(page, live_server, "ann")
    open_workspace(page, live_server, document)
    linked = "the minister — said on → “The deal is dead”"
    assert text_of(page, "#ann-attributions li.ann-attribution .ann-attribution-text") == linked

    # Delete the claim: its attribution goes with it (it was its only claim).
    page.locator("#ann-text .ann-seg", has_text="The deal is dead").first.click()
    page.keyboard.press("Delete")
    page.wait_for_selector("#ann-message >> text=Deleted CLAIM “The deal is dead”.")
    page.wait_for_selector("#ann-attributions >> text=None yet.")
    assert not Span.objects.filter(pk=claim.pk).exists()
    assert not Attribution.objects.filter(pk=attribution.pk).exists()
    assert str(claim.pk) not in drawn_keys(page)

    # Ctrl+Z: the same span (same id) and the same attribution come back.
    page.keyboard.press("Control+z")
    page.wait_for_selector("#ann-message >> text=Undone: delete CLAIM.")
    page.wait_for_selector("#ann-attributions li.ann-attribution")
    back = Span.objects.get(pk=claim.pk)
    assert (back.label.name, back.start, back.end) == ("CLAIM", claim.start, claim.end)
    assert Attribution.objects.get(pk=attribution.pk).claim_id == claim.pk
    assert str(claim.pk) in drawn_keys(page)
    assert text_of(page, "#ann-attributions li.ann-attribution .ann-attribution-text") == linked
    assert text_of(page, "#ann-selected").startswith("CLAIM The deal is dead")
    shot(page, "undo-1-span-restored")

    # Delete the source: the attribution loses it; Ctrl+Z links it again.
    page.keyboard.press("Escape")
    page.locator("#ann-text .ann-seg", has_text="the minister").first.click()
    page.keyboard.press("Delete")
    page.wait_for_selector("#ann-attributions >> text=(no source)")
    assert Attribution.objects.get(pk=attribution.pk).source_id is None
    page.keyboard.press("Control+z")
    page.wait_for_selector("#ann-message >> text=Undone: delete SOURCE.")
    page.wait_for_selector(f"#ann-attributions >> text={linked}")
    assert Attribution.objects.get(pk=attribution.pk).source_id == source.pk

    # Delete the attribution itself (its × button), then Ctrl+Z: the same id again.
    page.click("#ann-attributions li.ann-attribution .ann-icon-button")
    page.wait_for_selector("#ann-attributions >> text=None yet.")
    page.keyboard.press("Control+z")
    page.wait_for_selector("#ann-message >> text=Undone: delete attribution.")
    assert page.get_attribute("#ann-attributions li.ann-attribution", "data-id") == str(
        attribution.pk)
    assert list(Attribution.objects.values_list("pk", flat=True)) == [attribution.pk]

    # The history of the span tells it all.
    page.locator("#ann-text .ann-seg", has_text="The deal is dead").first.click()
    page.keyboard.press("h")
    page.wait_for_selector("#ann-history .ann-history-list li >> nth=2")
    assert [line.split(" ann ")[-1] for line in page.locator(
        "#ann-history .ann-history-list li").all_inner_texts()][:3] == [
        "created CLAIM “The deal is dead” [1, 17)", "deleted it",
        "restored it\n“its delete was undone”"]
    assert not page.js_errors


def test_the_return_comment_comes_first_and_marked_in_the_feedback(page, live_server, world,
                                                                    shot):
    from annotator.services.reviews import review_decide

    document, _ = document_create(project=world.project, title="Returned", text=TEXT)
    claim, source, cue, attribution = own_labels(document, world.annotator)
    document_status_change(document=document, actor=world.annotator,
                           annotator=world.annotator, action="submit")
    review_decide(reviewer=world.admin, target=cue, decision="reject", note="The cue is “said”.")
    document_status_change(document=document, actor=world.admin, annotator=world.annotator,
                           action="return", note="Fix the cue, then submit again.")

    login(page, live_server, "ann")
    open_workspace(page, live_server, document)
    items = page.locator("#ann-feedback li")
    assert items.first.inner_text() == "Returned by boss: Fix the cue, then submit again."
    assert items.first.get_attribute("class").split() == [
        "ann-review", "ann-review-return", "ann-feedback-return"]
    assert items.all_inner_texts()[1:] == [
        "boss rejected span “said on”\n“The cue is “said”.”",
        "boss rejected attribution the minister — said on → “The deal is dead”\n"
        "“its CUE “said on” was rejected: The cue is “said”.”"]
    # Marked by more than its place: a bar and a background of its own.
    looks = page.evaluate("""() => [...document.querySelectorAll('#ann-feedback li')].map((li) => {
        const s = getComputedStyle(li); return [s.borderLeftWidth, s.backgroundColor]; })""")
    assert looks[0] != looks[1] and looks[0][0] == "4px"
    shot(page, "feedback-return-first")
    assert not page.js_errors


def test_a_reviewer_reads_the_workspace_without_stray_template_text_or_empty_cards(
        page, live_server, world, make_document):
    from django.contrib.auth import get_user_model

    from annotator.services.projects import membership_set

    reviewer = get_user_model().objects.create_user("rita", password=PASSWORD)
    membership_set(project=world.project, user=reviewer, role="reviewer")
    document = make_document(world.project, text="Officials said talks collapsed.")
    login(page, live_server, "rita", next_path=f"/documents/{document.pk}/")
    page.wait_for_selector(".ann-text")
    page.wait_for_function("() => document.querySelector('#ann-attributions h2')")
    body = page.inner_text("body")
    assert "{#" not in body and "#}" not in body and "{%" not in body
    assert "Read only" in body
    assert page.locator("#ann-suggestions").is_hidden()  # nothing to accept: no empty card
    assert text_of(page, "#ann-attributions p") == "None yet."  # no annotator's how-to
