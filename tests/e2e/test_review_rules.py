"""Issue 12, points 1, 3 and 8 in a real browser: review decisions stick.

- A label the reviewer rejected stays rejected when "approve all agreed" (A) follows,
  and stays out of the approved layer.
- The review keys still work after a click on the Merged / Side by side switch, and
  typing in the reason box still triggers none of them.
- A reviewer who annotated the document decides only the others' labels: their own
  are shown, with no approve or reject, and the keys say why they do nothing.
"""
from __future__ import annotations

import pytest

from annotator.models import ReviewDecision, Span
from annotator.selectors import approved_layer_for_document
from annotator.services.attributions import attribution_create
from annotator.services.documents import document_status_change
from annotator.services.projects import membership_set
from annotator.services.spans import span_create

from .conftest import login, text_of
from .test_review_flow import KHAMENEI, RESPONSE, key, reviewed, wait_key  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OWN_LABEL = ("This is your own label: another reviewer decides it (the project's setting "
             "review_own_labels is off).")


def open_review(page, live_server, document, who="rev"):
    login(page, live_server, who, next_path=f"/documents/{document.pk}/review/")
    page.wait_for_selector("body[data-ready=true]")


def pick(page, text):
    page.locator("#ann-items .ann-item-entry", has_text=text).first.click()


def message(page, expected):
    page.wait_for_function("(t) => document.querySelector('#ann-message').textContent === t",
                           arg=expected)


def test_a_rejected_shared_label_stays_rejected_when_approve_all_agreed_follows(
        page, live_server, reviewed):
    text, document = reviewed["text"], reviewed["document"]
    open_review(page, live_server, document)
    source = key(text, "SOURCE", KHAMENEI)
    page.click(f'#ann-items [data-key="{source}"]')
    wait_key(page, source)
    assert "agreed by everyone" in text_of(page, "#ann-item")
    page.keyboard.press("r")
    page.wait_for_function("() => document.activeElement.id === 'ann-reason'")
    page.keyboard.type("The interview names the ministry, not the leader.")
    page.keyboard.press("Enter")
    page.wait_for_selector("#ann-message >> text=Rejected SOURCE")

    page.keyboard.press("Shift+A")
    page.wait_for_selector("#ann-message >> text=Approved")
    copies = Span.objects.filter(document=document, quote=KHAMENEI)
    assert set(copies.values_list("review_state", flat=True)) == {"rejected"}
    # The claim and the cue; the source and the attribution (rejected with it) stay as they are.
    message(page, "Approved 2 agreed labels.")
    newest = ReviewDecision.objects.filter(span__in=copies).order_by("-created_at", "-id")[0]
    assert (newest.decision, newest.note) == (
        "reject", "The interview names the ministry, not the leader.")
    layer = approved_layer_for_document(document=document)
    assert {(s.label, s.quote) for s in layer.spans} == {("CLAIM", RESPONSE), ("CUE", "told")}
    assert layer.attributions == []
    assert page.locator(f'#ann-items [data-key="{source}"].ann-rejected').count() == 1
    assert not page.js_errors


def test_review_keys_work_after_a_click_on_the_view_switch(page, live_server, reviewed):
    document = reviewed["document"]
    open_review(page, live_server, document)
    first = page.get_attribute("#ann-item", "data-key")
    page.click("text=Side by side")
    page.wait_for_selector("#ann-text.ann-side-by-side")
    page.keyboard.press("j")  # the next label, although the radio button has the focus
    page.wait_for_function("(k) => document.querySelector('#ann-item').dataset.key !== k",
                           arg=first)
    second = page.get_attribute("#ann-item", "data-key")
    page.keyboard.press("a")
    page.wait_for_selector(f'#ann-items [data-key="{second}"].ann-approved')
    approvals = ReviewDecision.objects.filter(decision="approve").count()
    assert approvals > 0

    page.click("text=Merged")
    page.wait_for_selector("#ann-text:not(.ann-side-by-side)")
    at = page.get_attribute("#ann-item", "data-key")
    page.keyboard.press("r")
    page.wait_for_function("() => document.activeElement.id === 'ann-reason'")
    page.keyboard.type("a j k n A c h v")  # every review key, typed as a reason
    assert page.input_value("#ann-reason") == "a j k n A c h v"
    assert page.get_attribute("#ann-item", "data-key") == at
    page.keyboard.press("Enter")
    page.wait_for_selector(f'#ann-items [data-key="{at}"].ann-rejected')
    assert ReviewDecision.objects.filter(decision="reject", note="a j k n A c h v").exists()
    # Nothing typed in the reason approved anything.
    assert ReviewDecision.objects.filter(decision="approve").count() == approvals
    assert not page.js_errors


@pytest.fixture
def reviewer_annotated(reviewed):
    """rev labelled the document as an annotator (the agreed attribution, and a claim of
    their own), submitted, and then became its reviewer."""
    document, rev, text = reviewed["document"], reviewed["rev"], reviewed["text"]
    membership_set(project=document.project, user=rev, role="annotator")
    labels = {label.name: label for label in document.project.labels.all()}

    def span(label, piece, after=None):
        start = text.index(piece, text.index(after) if after else 0)
        return span_create(document=document, annotator=rev, label=labels[label], start=start,
                           end=start + len(piece))

    attribution_create(document=document, annotator=rev, claims=[span("CLAIM", RESPONSE).pk],
                       source=span("SOURCE", KHAMENEI).pk,
                       cue=span("CUE", "told", after=KHAMENEI).pk)
    own = span("CLAIM", "Iran’s choices")
    document_status_change(document=document, actor=rev, annotator=rev, action="submit")
    membership_set(project=document.project, user=rev, role="reviewer")
    return {**reviewed, "own": own}


def test_a_reviewer_who_annotated_decides_only_the_others_labels_in_the_page(
        page, live_server, reviewer_annotated):
    document, rev = reviewer_annotated["document"], reviewer_annotated["rev"]
    open_review(page, live_server, document)

    page.keyboard.press("Shift+A")
    page.wait_for_selector("#ann-message >> text=Approved")
    states = dict(Span.objects.filter(document=document, quote=KHAMENEI)
                  .values_list("annotator", "review_state"))
    assert states == {reviewer_annotated["ann"].pk: "approved",
                      reviewer_annotated["ann2"].pk: "approved", rev.pk: "pending"}
    message(page, "Approved 4 agreed labels (your own copy of 4 is left to another reviewer).")

    pick(page, "“Iran’s choices”")
    wait_key(page, key(reviewer_annotated["text"], "CLAIM", "Iran’s choices"))
    assert text_of(page, "#ann-own-label") == OWN_LABEL
    assert page.locator("#ann-item #ann-approve, #ann-item #ann-reject, #ann-reason").count() == 0
    page.keyboard.press("a")
    message(page, OWN_LABEL)
    page.keyboard.press("r")
    assert page.locator("#ann-reason").count() == 0
    assert Span.objects.get(pk=reviewer_annotated["own"].pk).review_state == "pending"
    assert not ReviewDecision.objects.filter(span__annotator=rev).exists()
    assert not page.js_errors
