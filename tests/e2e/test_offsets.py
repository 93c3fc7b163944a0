"""Point 6: the browser's UTF-16 positions become code points in offsets.js and nowhere else.

Text is selected with a real mouse drag after astral characters (emoji, flags,
a ZWJ sequence, mathematical letters), combining marks, curly quotes,
non-breaking spaces and right-to-left text; Python then checks that the stored
offsets slice exactly the selected text.
"""
from __future__ import annotations

import unicodedata

import pytest

from annotator.models import Span
from annotator.services.documents import document_create

from .conftest import login, mouse_select, open_workspace, segs_of, wait_saved

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = (
    "Officials 😀🇺🇦 said the bridge will reopen.\n\n"
    "The minister said “the deal is dead” on Monday.\n\n"
    "Combining: Ma\u0307\u0323ry and Jo\u0301\u0328se met 🧑🏽‍🚀 astronauts.\n\n"
    "Prices\u00a0rose 5\u00a0%, said\u00a0Ms\u00a0Li, the analyst.\n\n"
    "In Arabic: قال المسؤول إن الصفقة انتهت, then English words follow.\n\n"
    "Emoji pair: x😀y and 𝒜𝒷𝒸 math letters end here."
)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# (what to select, label key, snap to words, press/release at the characters' outer
# edges (precise) or their middles, right-to-left)
CASES = [
    ("said the bridge", "1", True, True, False),                 # after 😀 and a flag
    ("“the deal is dead”", "1", True, True, False),              # curly quotes at both ends
    (nfc("Ma\u0307\u0323ry"), "2", True, False, False),          # ends on combining marks
    (nfc("and Jo\u0301\u0328se met"), "1", False, True, False),  # precise, after marks
    ("astronauts", "1", True, False, False),                     # after a ZWJ emoji sequence
    ("Ms\u00a0Li, the analyst", "2", True, True, False),         # non-breaking spaces
    ("المسؤول", "2", True, False, True),                         # right-to-left word
    ("then English words", "1", True, True, False),              # after right-to-left text
    ("😀y", "3", False, True, False),                            # precise, starts on an emoji
    ("math letters", "1", True, True, False),                    # after 𝒜𝒷𝒸 (astral letters)
]


def test_mouse_selections_store_code_point_offsets_when_text_has_astral_marks_and_rtl(
        page, live_server, world, shot):
    document, _ = document_create(project=world.project, title="Offsets", text=TEXT)
    text = document.text
    assert any(unicodedata.category(c) == "Mn" for c in text), "combining marks survive NFC"
    assert len(text.encode("utf-16-le")) // 2 > len(text), "astral characters present"
    login(page, live_server, "ann")
    open_workspace(page, live_server, document)

    snap = True
    for needle, key, want_snap, edge, rtl in CASES:
        assert needle in text, needle
        if want_snap != snap:
            page.keyboard.press("w")  # the snap toggle's key
            snap = want_snap
            assert page.is_checked("#ann-snap") is snap
        mouse_select(page, needle, edge=edge, rtl=rtl)
        if not snap:  # a precise selection: the mouse selected exactly this
            assert page.evaluate("() => window.getSelection().toString()") == needle
        page.keyboard.press(key)
        wait_saved(page)
    shot(page, "offsets")

    labels = {"1": "CLAIM", "2": "SOURCE", "3": "CUE"}
    stored = {(s.label.name, s.quote): s for s in
              Span.objects.filter(document=document, annotator=world.annotator)
              .select_related("label")}
    assert len(stored) == len(CASES), sorted(stored)
    for needle, key, *_ in CASES:
        span = stored.get((labels[key], needle))
        assert span is not None, f"no {labels[key]} span for {needle!r}: {sorted(stored)}"
        assert text[span.start:span.end] == needle
        assert span.start == text.index(needle)

    # And back: code points from the API are drawn over the same characters.
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    for span in stored.values():
        drawn = "".join(seg["text"] for seg in segs_of(page, span.pk))
        assert drawn == span.quote
    assert not page.js_errors
