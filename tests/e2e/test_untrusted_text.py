"""Point 7: untrusted text renders as inert text.

A corpus of markup payloads goes into everything a project's users write and
the workspace shows: the document text and title, the project name, a label's
description, the guidelines, attribute names and choices, spans and an
attribution over payloads, a suggestion, a reviewer's note. The page is then
used (hover, click, label by mouse and key, help). No payload may open a
dialog, run code (each one would call __xss()) or make a request anywhere but
the app's own pages, static files and API. The payloads are the shared corpus of
tests/e2e/xss_corpus.py.
"""
from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from annotator.models import Span
from annotator.services.attributions import attribution_create
from annotator.services.documents import document_create
from annotator.services.projects import label_update, membership_set, project_update
from annotator.services.reviews import review_decide
from annotator.services.spans import span_create
from annotator.services.suggestions import (SuggestedAttribution, SuggestedSpan,
                                            suggestions_store)

from .conftest import login, mouse_select, open_workspace, text_of, wait_saved
from .xss_corpus import payloads

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The shared corpus (tests/e2e/xss_corpus.py): each payload, if it ran, would call
# __xss(N), open a dialog or request http://xss.invalid/N. test_xss_corpus.py puts it in
# every field of every page; this test puts it in the workspace and uses the page hard.
PAYLOADS = [payload.text for payload in payloads()]

TEXT = "Officials said the deal is dead.\n\n" + "\n\n".join(
    f"Payload {n}: {payload} said the source {n}." for n, payload in enumerate(PAYLOADS))


def allowed(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return False
    return parts.path in ("/", "/login/") or parts.path.startswith(
        ("/static/", "/api/", "/documents/"))


def test_payloads_stay_inert_text_when_rendered_and_used(page, context, live_server, world, shot):
    from django.contrib.auth import get_user_model

    project = world.project
    hostile = " ".join(PAYLOADS[:3])
    project_update(project=project, actor=world.admin, name=f"News {PAYLOADS[0]}",
                   guidelines="# " + PAYLOADS[3] + "\n\n" + "\n".join(f"- {p}" for p in PAYLOADS),
                   attribute_definitions=[{"name": PAYLOADS[3], "applies_to": "attribution",
                                           "choices": PAYLOADS[:5]}])
    for label in project.labels.all():
        label_update(label=label, actor=world.admin, data={"description": hostile})
    document, _ = document_create(project=project, title=" ".join(PAYLOADS[:6])[:400], text=TEXT)
    labels = {label.name: label for label in project.labels.all()}

    def piece(n: int) -> tuple[int, int, str]:
        start = document.text.index(PAYLOADS[n])
        return start, start + len(PAYLOADS[n]), PAYLOADS[n]

    claim = span_create(document=document, annotator=world.annotator, label=labels["CLAIM"],
                        start=piece(0)[0], end=piece(0)[1])
    source = span_create(document=document, annotator=world.annotator, label=labels["SOURCE"],
                         start=piece(3)[0], end=piece(3)[1])
    attribution = attribution_create(document=document, annotator=world.annotator,
                                     claims=[claim.pk], source=source.pk,
                                     attributes={PAYLOADS[3]: PAYLOADS[1]})
    reviewer = get_user_model().objects.create_user("rev", password="x-long-password-1")
    membership_set(project=project, user=reviewer, role="reviewer")  # only members review
    review_decide(reviewer=reviewer, target=attribution, decision="reject", note=PAYLOADS[9])
    review_decide(reviewer=reviewer, target=claim, decision="approve", note=PAYLOADS[27])
    start, end, _ = piece(6)
    s2, e2, _ = piece(10)
    suggestions_store(document=document, tagger_name="<b>tagger</b>", tagger_version="1",
                      spans=[SuggestedSpan("a", "CLAIM", start, end),
                             SuggestedSpan("b", "SOURCE", s2, e2)],
                      attributions=[SuggestedAttribution(claims=["a"], source="b")])

    hits, dialogs, foreign = [], [], []
    context.expose_function("__xss", lambda *args: hits.append(args[0] if args else None))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    origin = live_server.url
    page.on("request", lambda request: None if allowed(request.url, origin)
            else foreign.append(request.url))

    login(page, live_server, "ann")
    open_workspace(page, live_server, document)
    shot(page, "untrusted-1-loaded")

    # Rendered as text: the text is exactly the document's, in chunks (of blocks, or light:
    # one text node), blocks and segments only.
    assert page.text_content("#ann-text") == document.text
    assert page.evaluate("""() => [...document.querySelectorAll('#ann-text *')].every((e) =>
        (e.tagName === 'DIV' && e.classList.contains('ann-chunk') && e.parentElement.id === 'ann-text') ||
        (e.tagName === 'DIV' && e.classList.contains('ann-block')) ||
        (e.tagName === 'SPAN' && e.classList.contains('ann-seg')) ||
        // The attribution arcs: shapes only, no text in them.
        (['svg', 'g', 'path'].includes(e.tagName) && e.closest('svg.ann-arcs') && !e.textContent))""")
    assert PAYLOADS[0] in page.title()
    assert page.text_content("h1.ann-doc-title").strip() == document.title
    assert PAYLOADS[9] in text_of(page, "#ann-feedback")
    assert PAYLOADS[3] in text_of(page, "#ann-guidelines")
    assert page.get_attribute('.ann-label-button[data-label="CLAIM"]', "title") == hostile

    # Use the page: hover and click every payload, label one by mouse and key, open help.
    for seg in page.locator("#ann-text .ann-seg").all()[:120]:
        seg.hover()
    page.locator("#ann-text .ann-seg.ann-suggested").first.click()
    page.keyboard.press("y")
    page.wait_for_selector("#ann-message >> text=Accepted")
    mouse_select(page, PAYLOADS[4])
    page.keyboard.press("2")
    wait_saved(page)
    assert Span.objects.filter(annotator=world.annotator, quote=PAYLOADS[4]).exists()
    page.locator("#ann-attributions li.ann-attribution").first.click()
    page.keyboard.press("?")
    page.keyboard.press("Escape")
    for _ in range(12):
        page.keyboard.press("Tab")
    page.wait_for_timeout(300)  # any onerror/onload would have fired by now
    shot(page, "untrusted-2-used")
    # Long unbroken payloads wrap inside the side panel instead of widening it.
    assert page.evaluate("""() => { const side = document.querySelector('.ann-side');
        return side.scrollWidth <= side.clientWidth; }""")

    # Nothing ran, nothing was asked, nothing went out.
    assert hits == [] and dialogs == [] and foreign == [], (hits, dialogs, foreign)
    assert page.evaluate("() => ({}).xss") is None  # nothing polluted Object.prototype
    assert not page.js_errors
    report = page.evaluate("""() => ({
        handlers: [...document.querySelectorAll('*')].flatMap((e) =>
            [...e.attributes].filter((a) => a.name.startsWith('on')).map((a) => e.tagName + ' ' + a.name)),
        dangerous: [...document.querySelectorAll(
            'img, iframe, object, embed, svg, math, video, audio, marquee, base, template, style, frame, noscript, meta[http-equiv]')]
            // The attribution arcs' own SVG: shapes only (checked with the text above).
            .filter((e) => !e.matches('#ann-text .ann-block > svg.ann-arcs'))
            .map((e) => e.outerHTML.slice(0, 80)),
        scripts: [...document.scripts].map((s) => s.id || s.getAttribute('src')),
        links: [...document.querySelectorAll('a[href]')].map((a) => a.protocol),
    })""")
    assert report["handlers"] == [] and report["dangerous"] == [], report
    assert sorted(report["scripts"], key=str) == sorted(
        ["ann-config", "/static/annotator/workspace.js", "/static/annotator/help-button.js"])
    assert set(report["links"]) <= {"http:", "https:"}
    config = json.loads(page.text_content("#ann-config"))
    assert config["guidelines"] == project.guidelines

    # The traps work: a call, a dialog and a foreign request would have been seen.
    page.evaluate("""() => { __xss('control'); alert('control');
        new Image().src = 'http://evil.invalid/control.png'; }""")
    page.wait_for_timeout(200)
    assert hits == ["control"] and dialogs == ["control"]
    assert foreign == ["http://evil.invalid/control.png"]
