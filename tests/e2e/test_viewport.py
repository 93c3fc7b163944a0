"""Issue 17 point 6: a long document opens small. Far from the viewport the text is drawn
light (a chunk of blocks as one text node, workspace-viewport.js); near it, in full. The page
of a 1 MiB document with 2,000 spans holds at most 2,000 elements at load, and labelling far
down, selections across a light/full boundary, find-in-page, jumping to a span and the
attribution arcs keep working.
"""
from __future__ import annotations

import pytest

from annotator.models import Span
from annotator.services.attributions import attribution_create
from annotator.services.documents import document_create
from annotator.services.spans import spans_bulk_create

from .conftest import login, mouse_select, open_workspace, wait_saved

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILLER = ("The meeting ended late on Tuesday without a statement. Markets were calm in the "
          "morning, and trading volumes stayed low. 😀 It was the third such meeting this year. "
          "The figures will be published next week, according to the schedule. Reporters "
          "waited outside the building for several hours. ")


def long_text(paragraphs: int) -> str:
    """Paragraphs of about 700 characters, each with its own number, and emoji in each."""
    return "\n\n".join(f"Paragraph {n}: the minister said that deal {n} was dead. {FILLER}{FILLER}"
                       for n in range(paragraphs))


def long_document(world, paragraphs: int, triples: int):
    """A generated document with `triples` attributions (claim, source, cue) spread evenly."""
    text = long_text(paragraphs)
    document, _ = document_create(project=world.project, title="Long", text=text)
    step = max(1, paragraphs // max(1, triples))
    items = []
    for n in range(0, paragraphs, step)[:triples]:
        at = text.index(f"Paragraph {n}:")
        source = text.index("the minister", at)
        cue = text.index("said", source)
        claim = text.index(f"deal {n} was dead", cue)
        items += [{"label": "SOURCE", "start": source, "end": source + 12},
                  {"label": "CUE", "start": cue, "end": cue + 4},
                  {"label": "CLAIM", "start": claim, "end": claim + len(f"deal {n} was dead")}]
    spans = spans_bulk_create(document=document, annotator=world.annotator, items=items)
    for i in range(0, len(spans), 3):
        attribution_create(document=document, annotator=world.annotator, claims=[spans[i + 2].pk],
                           source=spans[i].pk, cue=spans[i + 1].pk)
    return document, spans


def elements(page) -> int:
    return page.evaluate("() => document.getElementsByTagName('*').length")


def scroll_to_text(page, needle: str):
    """Scroll the light chunk holding `needle` into view, until it is drawn in full."""
    page.evaluate("""(needle) => {
        const at = document.getElementById('ann-text').textContent.indexOf(needle);
        const chunk = [...document.querySelectorAll('#ann-text .ann-chunk')]
          .filter((c) => Number(c.dataset.u16) <= at).pop();
        chunk.scrollIntoView({ block: 'center' });
    }""", needle)
    page.wait_for_function("""(needle) => [...document.querySelectorAll('#ann-text .ann-seg')]
        .some((s) => s.textContent.includes(needle))""", arg=needle)


def select_js(page, start_needle: str, end_needle: str):
    """A programmatic selection from the start of one needle to the end of another, each
    in whatever text node holds it now (a segment's, or a light chunk's)."""
    page.evaluate("""([a, b]) => {
        const root = document.getElementById('ann-text');
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        const find = (needle, tail) => {
          for (let n = walker.currentNode = root; (n = walker.nextNode());) {
            const i = n.data.indexOf(needle);
            if (i !== -1) return [n, i + (tail ? needle.length : 0)];
          }
          throw new Error(`not in one text node: ${needle}`);
        };
        const [n1, o1] = find(a, false);
        const [n2, o2] = find(b, true);
        getSelection().setBaseAndExtent(n1, o1, n2, o2);
    }""", [start_needle, end_needle])


def press_label(page, key: str = "1"):
    page.keyboard.press(key)
    wait_saved(page)


def test_a_1_mib_document_opens_with_at_most_2000_elements_when_far_text_is_light(
        page, live_server, world):
    document, spans = long_document(world, 1650, 667)
    assert len(document.text.encode()) > 1_048_576 and len(spans) == 2001  # 1 MiB
    login(page, live_server, "ann")
    open_workspace(page, live_server, document)
    drawn = "() => [document.querySelectorAll('#ann-text .ann-block').length, document.querySelectorAll('#ann-text .ann-seg[data-marks]').length]"
    at_ready = page.evaluate(drawn)
    page.wait_for_timeout(300)  # the observers' first reports
    assert page.evaluate(drawn) == at_ready  # what is on screen was drawn in full before ready
    figures = page.evaluate("""() => ({
        text: document.getElementById('ann-text').textContent,
        light: document.querySelectorAll('#ann-text .ann-light').length,
        chunks: document.querySelectorAll('#ann-text .ann-chunk').length,
        attributions: document.querySelectorAll('.ann-attribution').length,
        arcs: document.querySelectorAll('#ann-text .ann-arcs').length})""")
    assert elements(page) <= 2000
    assert figures["text"] == document.text  # all of it in the page, for find-in-page
    assert 0 < figures["light"] < figures["chunks"]
    assert figures["attributions"] == 667 and figures["arcs"] > 0
    # Scrolled through, the page stays small: far chunks go light again.
    for fraction in (0.25, 0.5, 0.75, 1):
        page.evaluate("(f) => document.scrollingElement.scrollTop = f * document.scrollingElement.scrollHeight",
                      fraction)
        page.wait_for_timeout(150)
    assert elements(page) <= 2000
    assert not page.js_errors


def test_on_the_1_mib_document_find_in_page_a_selection_across_blocks_and_the_arcs_work(
        page, live_server, world):
    document, _ = long_document(world, 1650, 667)  # attributions in paragraphs 0, 2 … 1332
    login(page, live_server, "ann")
    open_workspace(page, live_server, document)
    page.keyboard.press("w")  # snap off: exactly what is selected
    # Find-in-page (the browser's Ctrl+F; window.find is its scripted form), 80 % down: the
    # text was light; found, it is scrolled to, drawn in full, and the match stays selected.
    assert page.evaluate("() => window.find('Paragraph 1330:')")
    page.wait_for_function("""() => getSelection().toString() === 'Paragraph 1330:'
        && getSelection().anchorNode.parentElement.classList.contains('ann-seg')""")
    # Its attribution's arcs are drawn there.
    page.wait_for_function("""() => { const seg = getSelection().anchorNode.parentElement;
        return Boolean(seg.closest('.ann-block').querySelector('.ann-arcs .ann-arc')); }""")
    # A mouse selection from one paragraph (block) into the next, labelled and saved.
    needle = "the building for several hours. \n\nParagraph 1331: the"
    points = page.evaluate("""(needle) => {
        // Both ends measured after the one scroll (conftest's mouse_select scrolls to each
        // end in turn: right for ends in one segment, not for two blocks' segments).
        const root = document.getElementById('ann-text');
        const at = root.textContent.indexOf(needle), end = at + needle.length;
        const locate = (pos) => [...root.querySelectorAll('.ann-seg')].map((s) => [s.firstChild, pos - Number(s.dataset.u16)])
          .find(([node, offset]) => node && offset >= 0 && offset < node.length);
        const rect = (pos) => { const [node, offset] = locate(pos); const range = document.createRange();
          range.setStart(node, offset); range.setEnd(node, offset + 1);
          return [...range.getClientRects()].filter((r) => r.width > 0).pop(); };
        locate(end - 1)[0].parentElement.scrollIntoView({ block: 'center' });
        const a = rect(at), b = rect(end - 1);
        return [[a.left + 1, a.top + a.height / 2], [b.right - 1, b.top + b.height / 2]];
    }""", needle)
    page.mouse.move(*points[0])
    page.mouse.down()
    page.mouse.move(*points[1], steps=5)
    page.mouse.up()
    press_label(page, "1")
    start = document.text.index(needle)
    span = Span.objects.get(document=document, label__name="CLAIM", start=start)
    assert span.end == start + len(needle) and span.quote == needle  # code points: after 😀s
    blocks = page.evaluate("""(key) => new Set([...document.querySelectorAll('#ann-text .ann-seg[data-keys]')]
        .filter((s) => s.dataset.keys.split(',').includes(key))
        .map((s) => s.closest('.ann-block').dataset.block)).size""", str(span.pk))
    assert blocks == 2
    assert elements(page) <= 2000
    assert not page.js_errors


@pytest.fixture
def long_one(world):
    return long_document(world, 300, 60)


def test_a_label_made_far_down_is_saved_at_its_code_point_offsets(page, live_server, world, long_one):
    document, _ = long_one
    login(page, live_server, "ann")
    open_workspace(page, live_server, document)
    needle = "deal 287 was dead"
    assert page.evaluate("(n) => [...document.querySelectorAll('#ann-text .ann-light')]"
                         ".some((c) => c.textContent.includes(n))", needle)
    mouse_select(page, needle)
    press_label(page)
    span = Span.objects.get(document=document, quote=needle)
    start = document.text.index(needle)
    assert (span.start, span.end) == (start, start + len(needle))  # code points: after 😀s
    assert not page.js_errors


def test_a_selection_ending_in_a_light_chunk_is_mapped_from_its_text_node(
        page, live_server, world, long_one):
    document, _ = long_one
    login(page, live_server, "ann")
    open_workspace(page, live_server, document)
    page.keyboard.press("w")  # snap off: exactly what is selected
    # From a segment at the top to inside a light chunk far down.
    assert page.evaluate("() => document.querySelector('#ann-text .ann-chunk:last-child')"
                         ".classList.contains('ann-light')")
    select_js(page, "Paragraph 1:", "Paragraph 290")
    press_label(page, "2")
    start = document.text.index("Paragraph 1:")
    end = document.text.index("Paragraph 290") + len("Paragraph 290")
    span = Span.objects.get(document=document, label__name="SOURCE", start=start)
    assert span.end == end and span.quote == document.text[start:end]
    assert not page.js_errors


def test_a_selection_begun_in_a_light_chunk_survives_its_drawing_in_full(
        page, live_server, world, long_one):
    document, _ = long_one
    login(page, live_server, "ann")
    open_workspace(page, live_server, document)
    page.keyboard.press("w")
    select_js(page, "Paragraph 250:", "Paragraph 252")
    selected = page.evaluate("() => getSelection().toString()")
    # Scrolled to it: its chunks are drawn in full, and the selection is put back in them.
    scroll_to_text(page, "Paragraph 250:")
    page.wait_for_timeout(200)
    assert page.evaluate("() => getSelection().anchorNode.parentElement.classList.contains('ann-seg')")
    assert page.evaluate("() => getSelection().toString()") == selected
    press_label(page, "3")
    start = document.text.index("Paragraph 250:")
    span = Span.objects.get(document=document, label__name="CUE", start=start)
    assert span.end == document.text.index("Paragraph 252") + len("Paragraph 252")
    assert not page.js_errors


def test_find_in_page_finds_text_far_down_and_keeps_it_selected(page, live_server, world, long_one):
    document, _ = long_one
    login(page, live_server, "ann")
    open_workspace(page, live_server, document)
    assert page.evaluate("() => window.find('Paragraph 296:')")
    page.wait_for_timeout(300)  # scrolled there: drawn in full, the match still selected
    found = page.evaluate("""() => ({text: getSelection().toString(),
        inSegment: getSelection().anchorNode.parentElement.classList.contains('ann-seg')})""")
    assert found == {"text": "Paragraph 296:", "inSegment": True}
    press_label(page, "2")
    start = document.text.index("Paragraph 296:")
    assert Span.objects.filter(document=document, start=start, end=start + 14).exists()
    assert not page.js_errors


def test_arcs_are_drawn_far_down_and_a_panel_click_jumps_to_a_light_span(
        page, live_server, world, long_one):
    document, spans = long_one
    # A leg across the document: a source at the top, its claim far down (light at load).
    across = attribution_create(document=document, annotator=world.annotator,
                                claims=[spans[-1].pk], source=spans[0].pk)
    login(page, live_server, "ann")
    open_workspace(page, live_server, document)
    page.wait_for_selector("#ann-text .ann-block[data-block='0'] .ann-arcs")
    assert page.evaluate("""() => document.querySelectorAll(
        "#ann-text .ann-block[data-block='0'] .ann-arc-stub").length""") >= 1
    # The panel's entry of the last attribution: its claim is in a light chunk; the click
    # draws it in full and scrolls to it, flashed.
    claim = str(spans[-1].pk)
    page.click(f'.ann-attribution[data-id="{across.pk}"]')
    page.wait_for_function("""(key) => [...document.querySelectorAll('#ann-text .ann-seg.ann-flash')]
        .some((s) => s.dataset.keys.split(',').includes(key))""", arg=claim)
    page.wait_for_function("""(key) => { const seg = [...document.querySelectorAll('#ann-text .ann-seg')]
        .find((s) => (s.dataset.keys || '').split(',').includes(key));
        const r = seg.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }""", arg=claim)
    # Arcs there too.
    page.wait_for_function("""(key) => { const seg = [...document.querySelectorAll('#ann-text .ann-seg')]
        .find((s) => (s.dataset.keys || '').split(',').includes(key));
        return Boolean(seg.closest('.ann-block').querySelector('.ann-arcs .ann-arc')); }""", arg=claim)
    assert not page.js_errors
