"""The README's picture: the workspace on the seed article, labelled partly by hand
(mouse and keys, here), partly from accepted work and open suggestions.

Every run writes the screenshot to $E2E_SCREENSHOTS/workspace.png; with
UPDATE_DOCS_SCREENSHOT=1 it also replaces docs/img/workspace.png (1440x900):

    UPDATE_DOCS_SCREENSHOT=1 .venv/bin/python -m pytest tests/e2e/test_seed_screenshot.py
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from annotator.models import Attribution, Span
from annotator.services.attributions import attribution_create
from annotator.services.projects import membership_set
from annotator.services.seeds import seeds_load
from annotator.services.spans import span_create
from annotator.services.suggestions import (SuggestedAttribution, SuggestedSpan,
                                            suggestions_store)

from .conftest import (PASSWORD, login, mouse_select, open_workspace, text_of, wait_saved)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SEED = "000_02d45cab8d670c28.txt"


def test_seed_document_shows_labels_attributions_and_suggestions_when_annotated(
        page, live_server, transactional_db, shot):
    from django.contrib.auth import get_user_model

    project, _ = seeds_load(directory=ROOT / "seeds")
    document = project.documents.get(metadata__seed_file=SEED)
    user = get_user_model().objects.create_user("annotator", password=PASSWORD)
    membership_set(project=project, user=user, role="annotator")
    labels = {label.name: label for label in project.labels.all()}
    text = document.text

    def span(label, piece, after=None):
        start = text.index(piece, text.index(after) if after else 0)
        return span_create(document=document, annotator=user, label=labels[label],
                           start=start, end=start + len(piece))

    # Earlier work: one attribution with its attributes set.
    claim = span("CLAIM", "it is important to make a strong, severe and clear response")
    source = span("SOURCE", "The leader of the Iranian Revolution Sayyed Ali Khamenei")
    cue = span("CUE", "told", after="Sayyed Ali Khamenei")
    attribution_create(document=document, annotator=user, claims=[claim.pk], source=source.pk,
                       cue=cue.pk, attributes={"source_type": "named person",
                                               "claim_type": "opinion", "quote_type": "direct"})
    # A pre-tagger's proposal, still open.
    quote = ("Iran can sink a US ship with over 100 personnel onboard or kill a high-ranking US "
             "officer at the level of Soleimani")

    def at(key, label, piece, after=None):
        start = text.index(piece, text.index(after) if after else 0)
        return SuggestedSpan(key, label, start, start + len(piece), confidence=0.8)
    suggestions_store(document=document, tagger_name="cue-rules", tagger_version="1",
                      spans=[at("k", "CLAIM", quote), at("s", "SOURCE", "the source", after=quote),
                             at("c", "CUE", "said", after=quote)],
                      attributions=[SuggestedAttribution(claims=["k"], source="s", cue="c")])

    login(page, live_server, "annotator")
    open_workspace(page, live_server, document)
    # By hand: "Well-informed sources said, “…”" as SOURCE, CUE and CLAIM, then linked.
    mouse_select(page, "Iran’s choices are various and objectives are not lacking in the "
                       "region and abroad")
    page.keyboard.press("1")
    wait_saved(page)
    page.keyboard.press("a")
    mouse_select(page, "Well-informed sources")
    page.keyboard.press("2")
    wait_saved(page)
    mouse_select(page, "said", occurrence=_occurrence_after(text, "said", "Well-informed sources"))
    page.keyboard.press("3")
    wait_saved(page)
    page.keyboard.press("Enter")
    page.wait_for_selector("#ann-message >> text=Attribution saved.")
    page.locator("#ann-attributions select").nth(3).select_option("anonymous")
    page.wait_for_function("() => !document.querySelector('#ann-attributions select:disabled')")
    page.wait_for_timeout(300)

    assert Attribution.objects.filter(document=document, annotator=user).count() == 2
    hand = Span.objects.get(document=document, annotator=user, label__name="CUE",
                            start__gt=text.index("Well-informed"), end__lt=text.index("Iran’s c"))
    assert hand.quote == "said"
    assert "Well-informed sources — said → “Iran’s choices" in text_of(page, "#ann-attributions")

    # The picture: the labelled paragraphs under the sticky label bar, the new claim selected.
    page.evaluate("""() => {
        const seg = [...document.querySelectorAll('#ann-text .ann-seg')]
            .find((s) => s.textContent.startsWith('The leader of the Iranian'));
        window.scrollTo(0, window.scrollY + seg.getBoundingClientRect().top - 150);
    }""")
    page.locator("#ann-text .ann-seg", has_text="region and abroad").first.click()
    assert text_of(page, "#ann-selected").startswith("CLAIM Iran’s choices")
    page.mouse.move(5, 890)
    page.wait_for_timeout(200)
    path = shot(page, "workspace")
    if os.environ.get("UPDATE_DOCS_SCREENSHOT") == "1":
        shutil.copyfile(path, ROOT / "docs" / "img" / "workspace.png")
    assert not page.js_errors


def _occurrence_after(text: str, needle: str, marker: str) -> int:
    """Which occurrence of needle is the first one after marker."""
    return text[:text.index(marker)].count(needle)
