"""Point 6: the browser's UTF-16 positions become code points in offsets.js and nowhere else.

Text is selected with a real mouse drag after astral characters (emoji, flags,
a ZWJ sequence, mathematical letters), combining marks, curly quotes,
non-breaking spaces and right-to-left text, and across CRLF and lone CR line
ends (texts are stored exactly as given); Python then checks that the stored
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


# (what to select, label key, snap to words, press/release at the characters' outer
# edges (precise) or their middles, right-to-left)
CASES = [
    ("said the bridge", "1", True, True, False),                 # after 😀 and a flag
    ("“the deal is dead”", "1", True, True, False),              # curly quotes at both ends
    ("Ma\u0307\u0323ry", "2", True, False, False),               # ends on combining marks
    ("and Jo\u0301\u0328se met", "1", False, True, False),       # precise, after marks
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
    assert text == TEXT, "stored exactly as given"
    assert any(unicodedata.category(c) == "Mn" for c in text), "combining marks present"
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


# CRLF line ends, a lone CR (old Mac), "e" + a combining acute and an emoji: stored as given.
RAW = ("Cafe\u0301 owners 😀 said prices rise.\r\nThe mayor warned\rof more cuts.\r\n\r\n"
       "Jose\u0301 left.")

_LINE_OF_JS = r"""
(needle) => {
  const root = document.getElementById("ann-text");
  const at = root.textContent.indexOf(needle);
  for (const seg of root.querySelectorAll(".ann-seg")) {
    const from = Number(seg.dataset.u16);
    const node = seg.firstChild;
    if (node && at >= from && at < from + node.length) {
      const range = document.createRange();
      range.setStart(node, at - from);
      range.setEnd(node, at - from + 1);
      return Math.round(range.getBoundingClientRect().top);
    }
  }
  throw new Error(`not drawn: ${needle}`);
}
"""


def test_crlf_lone_cr_and_combining_marks_render_and_selections_across_them_save_code_points(
        page, live_server, world, shot):
    document, _ = document_create(project=world.project, title="Line ends", text=RAW)
    assert document.text == RAW
    login(page, live_server, "ann")
    open_workspace(page, live_server, document)
    # Every UTF-16 unit is in the page's text, "\r" included, so positions count like the API's
    assert page.evaluate("() => document.getElementById('ann-text').textContent") == RAW
    top = {piece: page.evaluate(_LINE_OF_JS, piece) for piece in ("rise", "The", "warned",
                                                                 "of more", "Jose")}
    assert top["The"] > top["rise"]          # CRLF breaks the line
    assert top["of more"] > top["warned"]    # so does a lone CR (drawn by CSS, layout.js)
    assert top["Jose"] > top["of more"]

    cases = [("Cafe\u0301 owners", "2", True),          # starts the text, ends after a mark
             ("rise.\r\nThe mayor", "1", False),        # precise, across CRLF, after 😀
             ("warned\rof more", "1", False),           # precise, across a lone CR
             ("Jose\u0301", "2", True)]                 # after a blank CRLF line
    snap = True
    for needle, key, want_snap in cases:
        if want_snap != snap:
            page.keyboard.press("w")
            snap = want_snap
        mouse_select(page, needle, edge=True)
        page.keyboard.press(key)
        wait_saved(page)
    shot(page, "offsets-line-ends")
    labels = {"1": "CLAIM", "2": "SOURCE"}
    stored = {(s.label.name, s.quote): s for s in
              Span.objects.filter(document=document, annotator=world.annotator)
              .select_related("label")}
    for needle, key, _ in cases:
        span = stored.get((labels[key], needle))
        assert span is not None, f"no {labels[key]} span for {needle!r}: {sorted(stored)}"
        assert (span.start, span.end) == (RAW.index(needle), RAW.index(needle) + len(needle))
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    for span in stored.values():
        assert "".join(seg["text"] for seg in segs_of(page, span.pk)) == span.quote
    assert not page.js_errors
