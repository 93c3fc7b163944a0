"""Issue 6, point 7: the reviewer's whole session in a real browser.

Two annotators label the seed document differently (made through the services:
they need not click). The reviewer finds it in the queue, approves what both
agree on with one key, settles each conflict by keys and clicks (approve,
reject with a reason, correct the boundaries, correct an attribution), and
approves the document. The approved layer is then exactly what the reviewer
chose. Then the annotator sees the decisions and reasons on their labels, and
the agreement page shows its table and chart.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from annotator.models import DocumentStatus, Span
from annotator.selectors import approved_layer_for_document
from annotator.services.attributions import attribution_create
from annotator.services.documents import document_status_change
from annotator.services.projects import membership_set
from annotator.services.seeds import seeds_load
from annotator.services.spans import span_create

from .conftest import PASSWORD, login, mouse_select, text_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SEED = "000_02d45cab8d670c28.txt"
KHAMENEI = "The leader of the Iranian Revolution Sayyed Ali Khamenei"
RESPONSE = "it is important to make a strong, severe and clear response"
SHORT_CLAIM = "Iran’s choices are various"
LATE_CLAIM = "objectives are not lacking in the region and abroad"
FULL_CLAIM = "Iran’s choices are various and objectives are not lacking in the region and abroad"


@pytest.fixture
def reviewed(transactional_db):
    """The seed document, labelled by ann and ann2, both submitted; rev reviews."""
    from django.contrib.auth import get_user_model

    project, _ = seeds_load(directory=ROOT / "seeds")
    document = project.documents.get(metadata__seed_file=SEED)
    users = get_user_model().objects
    ann, ann2, rev = (users.create_user(name, password=PASSWORD) for name in ("ann", "ann2", "rev"))
    membership_set(project=project, user=ann, role="annotator")
    membership_set(project=project, user=ann2, role="annotator")
    membership_set(project=project, user=rev, role="reviewer")
    labels = {label.name: label for label in project.labels.all()}
    text = document.text

    def span(user, label, piece, after=None):
        start = text.index(piece, text.index(after) if after else 0)
        return span_create(document=document, annotator=user, label=labels[label], start=start,
                           end=start + len(piece))

    def link(user, claim, source, cue=None):
        return attribution_create(document=document, annotator=user, claims=[claim.pk],
                                  source=source.pk, cue=cue.pk if cue else None)

    for user in (ann, ann2):  # the same attribution from both: agreed
        link(user, span(user, "CLAIM", RESPONSE), span(user, "SOURCE", KHAMENEI),
             span(user, "CUE", "told", after=KHAMENEI))
    # ann: "Well-informed sources", no cue, a claim cut short.
    link(ann, span(ann, "CLAIM", SHORT_CLAIM), span(ann, "SOURCE", "Well-informed sources"))
    # ann2: "sources" alone, the cue, the claim's second half.
    link(ann2, span(ann2, "CLAIM", LATE_CLAIM),
         span(ann2, "SOURCE", "sources", after="Well-informed"),
         span(ann2, "CUE", "said", after="Well-informed sources"))
    for user in (ann, ann2):
        document_status_change(document=document, actor=user, annotator=user, action="submit")
    return {"project": project, "document": document, "ann": ann, "ann2": ann2, "rev": rev,
            "text": text}


def current(page) -> str:
    return page.get_attribute("#ann-item", "data-key")


def key(text, label, piece, after=None):
    start = text.index(piece, text.index(after) if after else 0)
    return f"s:{label}:{start}:{start + len(piece)}"


def wait_key(page, expected):
    page.wait_for_function("(k) => document.querySelector('#ann-item').dataset.key === k",
                           arg=expected)


def test_reviewer_settles_conflicts_and_the_approved_layer_is_what_they_chose(
        page, live_server, reviewed, shot):
    text, document = reviewed["text"], reviewed["document"]

    # The queue, from the top bar.
    login(page, live_server, "rev")
    page.click(".ann-nav >> text=Review")
    page.wait_for_selector(f'tr[data-document-id="{document.pk}"]')
    assert "ann ann2" in text_of(page, f'tr[data-document-id="{document.pk}"] td:nth-child(3)')
    shot(page, "review-1-queue")
    page.click(f'tr[data-document-id="{document.pk}"] a')
    page.wait_for_selector("body[data-ready=true]")
    assert "0 of 11 decided · 4 agreed · 7 open conflicts" in text_of(page, "#ann-review-progress")
    page.evaluate("""() => {
        const seg = [...document.querySelectorAll('#ann-text .ann-seg')]
            .find((s) => s.textContent.startsWith('The leader of the Iranian'));
        window.scrollTo(0, window.scrollY + seg.getBoundingClientRect().top - 200);
    }""")
    page.wait_for_timeout(200)  # blocks out of view are painted when scrolled to
    shot(page, "review-2-opened")
    page.keyboard.press("v")  # side by side: a column per annotator (and corrections, once made)
    assert page.locator("#ann-text .ann-column-title").all_inner_texts() == [
        "ANN", "ANN2"]
    page.wait_for_timeout(200)
    shot(page, "review-2b-side-by-side")
    page.keyboard.press("v")

    # Everything both annotators agree on, with one key.
    page.keyboard.press("Shift+A")
    page.wait_for_selector("#ann-message >> text=Approved 4 agreed labels.")
    assert "4 of 11 decided" in text_of(page, "#ann-review-progress")

    # The first conflict: ann's "Well-informed sources" against ann2's "sources".
    wait_key(page, key(text, "SOURCE", "Well-informed sources"))
    assert "Conflicts with:" in text_of(page, "#ann-item")
    assert "SOURCE “sources”" in text_of(page, "#ann-item .ann-conflicts")
    shot(page, "review-3-conflict")
    page.keyboard.press("a")
    wait_key(page, key(text, "SOURCE", "sources", after="Well-informed"))
    page.keyboard.press("r")
    page.wait_for_function("() => document.activeElement.id === 'ann-reason'")
    page.keyboard.type("Keep the qualifier: well-informed.")
    page.keyboard.press("Enter")
    # ann2's cue, which ann missed: approve it.
    wait_key(page, key(text, "CUE", "said", after="Well-informed sources"))
    assert "– ann" in text_of(page, "#ann-item .ann-who")
    page.click("#ann-approve")

    # ann's claim is cut short: correct it with a mouse selection and the CLAIM key.
    wait_key(page, key(text, "CLAIM", SHORT_CLAIM))
    page.keyboard.press("c")
    page.wait_for_selector("#ann-correct-form")
    mouse_select(page, FULL_CLAIM)
    shot(page, "review-4-correcting")
    page.keyboard.press("1")
    wait_key(page, key(text, "CLAIM", FULL_CLAIM))
    assert "Reviewer's correction" in text_of(page, "#ann-item")
    # ann2's half of the claim: reject, no reason.
    page.keyboard.press("n")
    wait_key(page, key(text, "CLAIM", LATE_CLAIM))
    page.keyboard.press("r")
    page.keyboard.press("Enter")
    page.wait_for_selector("#ann-message >> text=Rejected CLAIM")

    # Both annotators' attributions went with their rejected spans; the reviewer links
    # the right one: the corrected claim, "Well-informed sources", "said".
    page.locator("#ann-items .ann-item-entry", has_text="Well-informed sources” — (no cue)").click()
    page.keyboard.press("c")
    form = page.locator("#ann-correct-form")
    form.locator("select").nth(0).select_option(key(text, "CLAIM", FULL_CLAIM))
    form.locator("select").nth(2).select_option(key(text, "CUE", "said",
                                                     after="Well-informed sources"))
    page.click("#ann-correct-save")
    page.wait_for_selector("#ann-message >> text=Corrected: the attribution")

    # The history of a label: who did what, when and why.
    page.locator("#ann-items .ann-item-entry", has_text="“sources”").first.click()
    page.keyboard.press("h")
    page.wait_for_selector("#ann-history .ann-history-list li >> nth=1")
    history = page.locator("#ann-history li").all_inner_texts()
    assert "ann2 created SOURCE “sources” [3583, 3590)" in history[0]
    assert "rev rejected it\n“Keep the qualifier: well-informed.”" in history[1]
    shot(page, "review-5-history")

    # Every label decided: approve the document.
    assert "0 open conflicts" in text_of(page, "#ann-review-progress")
    page.click("#ann-approve-document")
    page.wait_for_selector("#ann-message >> text=Document approved")
    shot(page, "review-6-approved")
    assert set(DocumentStatus.objects.filter(document=document).values_list(
        "status", flat=True)) == {"approved"}

    # The approved layer is exactly what the reviewer chose.
    layer = approved_layer_for_document(document=document)
    assert {(s.label, s.quote) for s in layer.spans} == {
        ("SOURCE", KHAMENEI), ("CUE", "told"), ("CLAIM", RESPONSE),
        ("SOURCE", "Well-informed sources"), ("CUE", "said"), ("CLAIM", FULL_CLAIM)}
    corrected = next(s for s in layer.spans if s.quote == FULL_CLAIM)
    assert corrected.corrected and corrected.annotators == (reviewed["rev"].pk,)
    assert {(tuple(c.quote for c in a.claims), a.source.quote, a.cue.quote)
            for a in layer.attributions} == {
        ((RESPONSE,), KHAMENEI, "told"), ((FULL_CLAIM,), "Well-informed sources", "said")}
    assert not Span.objects.filter(document=document, review_state="pending").exists()
    assert not page.js_errors


def test_annotator_sees_decisions_and_reasons_on_their_own_labels(
        page, live_server, reviewed, shot):
    from annotator.services.reviews import review_decide

    document, ann2 = reviewed["document"], reviewed["ann2"]
    sources = Span.objects.get(document=document, annotator=ann2, quote="sources")
    review_decide(reviewer=reviewed["rev"], target=sources, decision="reject",
                  note="Keep the qualifier: well-informed.")
    document_status_change(document=document, actor=reviewed["rev"], annotator=ann2,
                           action="return", note="Please fix the source.")

    login(page, live_server, "ann2")
    page.goto(f"{live_server.url}/documents/{document.pk}/")
    page.wait_for_selector("body[data-ready=true]")
    feedback = page.locator("#ann-feedback li").all_inner_texts()
    assert feedback == [  # the return comment first (issue 12, point 8)
        "Returned by rev: Please fix the source.",
        "rev rejected span “sources”\n“Keep the qualifier: well-informed.”",
        "rev rejected attribution sources — said → “objectives are not lacking in the region "
        "and abroad”\n“its SOURCE “sources” was rejected: Keep the qualifier: well-informed.”"]
    marks = page.evaluate("""() => [...document.querySelectorAll('#ann-text .ann-seg[data-marks]')]
        .map((s) => s.dataset.marks)""")
    assert "SOURCE ✗" in marks
    # The span's history, from the workspace.
    page.locator("#ann-text .ann-seg", has_text="sources").first.click()
    page.keyboard.press("h")
    page.wait_for_selector("#ann-history .ann-history-list li >> nth=1")
    assert "rev rejected it" in text_of(page, "#ann-history")
    shot(page, "review-7-annotator-feedback")
    assert not page.js_errors


def test_agreement_page_shows_a_table_and_a_chart(page, live_server, reviewed, shot):
    login(page, live_server, "rev", next_path=f"/projects/{reviewed['project'].pk}/")
    assert "1 submitted for review" in text_of(page, "#ann-review-summary")
    page.click("#ann-review-summary >> text=Agreement between annotators")
    page.wait_for_selector("body[data-ready=true]")
    assert "1 document(s) compared, 2 annotator(s)." in text_of(page, "#ann-agreement-message")
    assert "ann · ann2" in text_of(page, "#ann-agreement-tables")
    assert page.locator("#ann-agreement-chart svg rect").count() > 5
    page.select_option("#ann-agreement-label", "CUE")
    page.wait_for_function("() => document.querySelectorAll('.ann-agreement-table')[1]"
                           ".querySelectorAll('tbody tr').length === 1")
    shot(page, "review-8-agreement")
    assert not page.js_errors
