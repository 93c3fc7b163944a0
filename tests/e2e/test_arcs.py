"""Issue 15 point 5: attributions drawn as arcs over the text, in the workspace and the
review page. Arcs appear for an attribution and follow its fragments, highlight on hover
(of a span, an arc or a panel entry) and on selection, the key l hides and shows them
(remembered), and in a long document only the blocks on screen hold arcs.
"""
from __future__ import annotations

import pytest

from annotator.services.attributions import attribution_create
from annotator.services.documents import document_create, document_status_change
from annotator.services.projects import membership_set
from annotator.services.spans import span_create

from .conftest import PASSWORD, SCREENSHOTS, login, mouse_select, open_workspace, text_of, wait_saved

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Crossing and nested attributions, a claim split in two, one across paragraphs.
TEXT = ("“The deal is dead,” the minister said on Monday, “and nobody will revive it.” "
        "Prices will rise, the central bank warned, while the union said that wages would fall "
        "and officials told reporters that the strike would go on.\n\n"
        "Analysts disagreed. The plan was never discussed with the council, "
        "a spokesperson for the mayor insisted. Markets shrugged.")


def make(document, user, labels):
    text = document.text

    def span(label, piece, after=None):
        start = text.index(piece, text.index(after) if after else 0)
        return span_create(document=document, annotator=user, label=labels[label], start=start,
                           end=start + len(piece))

    def link(claims, source=None, cue=None):
        return attribution_create(document=document, annotator=user, claims=[c.pk for c in claims],
                                  source=source.pk if source else None, cue=cue.pk if cue else None)

    union = span("SOURCE", "the union")
    made = {
        "split": link([span("CLAIM", "The deal is dead"), span("CLAIM", "and nobody will revive it")],
                      span("SOURCE", "the minister"), span("CUE", "said")),
        "bank": link([span("CLAIM", "Prices will rise")], span("SOURCE", "the central bank"),
                     span("CUE", "warned")),
        "union": link([span("CLAIM", "wages would fall")], union,
                      span("CUE", "said", after="the union")),
        "officials": link([span("CLAIM", "the strike would go on")], span("SOURCE", "officials"),
                          span("CUE", "told reporters")),
        "mayor": link([span("CLAIM", "The plan was never discussed with the council")],
                      span("SOURCE", "a spokesperson for the mayor"), span("CUE", "insisted")),
        # Across the paragraph break: a source in the first block, its claim in the second.
        "across": link([span("CLAIM", "Analysts disagreed")], union),
    }
    return made


@pytest.fixture
def labelled(world):
    document, _ = document_create(project=world.project, title="Arcs", text=TEXT)
    labels = {label.name: label for label in world.project.labels.all()}
    made = make(document, world.annotator, labels)
    return document, made, labels


ARCS_JS = """() => [...document.querySelectorAll('#ann-text .ann-arcs .ann-arc')].map((g) => ({
    classes: [...g.classList], block: g.closest('.ann-block').dataset.block,
    d: g.querySelector('.ann-arc-line').getAttribute('d'),
    stroke: g.querySelector('.ann-arc-line').getAttribute('stroke')}))"""


def arcs(page):
    return page.evaluate(ARCS_JS)


def wait_arcs(page, count):
    page.wait_for_function(
        "(n) => document.querySelectorAll('#ann-text .ann-arcs .ann-arc').length === n", arg=count)


def test_arcs_join_source_cue_and_claim_fragments_and_highlight_when_hovered_or_selected(
        page, live_server, world, labelled, shot):
    document, made, _ = labelled
    login(page, live_server, "ann")
    open_workspace(page, live_server, document)
    # split: source→cue, cue→claim, fragment→fragment; 4 more × 2 legs; across: one leg,
    # drawn in each of its blocks to the block's edge.
    wait_arcs(page, 3 + 4 * 2 + 2)
    drawn = arcs(page)
    assert sum("ann-arc-fragment" in a["classes"] for a in drawn) == 1
    assert {a["stroke"] for a in drawn if "ann-arc-source" in a["classes"]
            and "ann-arc-stub" not in a["classes"]} == {"#1d4ed8"}
    stubs = sorted((a["block"], a["d"]) for a in drawn if "ann-arc-stub" in a["classes"])
    assert [b for b, _ in stubs] == ["0", "1"]
    assert not page.js_errors
    shot(page, "arcs-1-workspace")
    page.locator("#ann-text").screenshot(path=str(SCREENSHOTS / "arcs-1-workspace-text.png"))

    # Arcs take no pointer events: a text selection across them still works.
    assert page.evaluate("getComputedStyle(document.querySelector('.ann-arcs')).pointerEvents") == "none"

    # Hovering a span highlights its attribution's arcs and dims the others.
    page.hover("#ann-text .ann-seg[data-keys]:text-is('warned')")
    page.wait_for_selector("#ann-text.ann-arcs-dim .ann-arc-hot")
    hot = [a for a in arcs(page) if "ann-arc-hot" in a["classes"]]
    assert len(hot) == 2  # the bank: source → cue → claim
    page.mouse.move(5, 5)
    page.wait_for_selector("#ann-text:not(.ann-arcs-dim)")

    # Hovering an arc itself (a point on its path, found by geometry) highlights it.
    point = page.evaluate("""() => {
        const g = [...document.querySelectorAll('.ann-arc-fragment')][0];
        const path = g.querySelector('.ann-arc-line');
        const p = path.getPointAtLength(path.getTotalLength() / 2);
        const m = path.getScreenCTM();
        return [p.x * m.a + m.e, p.y * m.d + m.f];
    }""")
    page.mouse.move(*point)
    page.wait_for_selector(".ann-arc-fragment.ann-arc-hot")
    assert len([a for a in arcs(page) if "ann-arc-hot" in a["classes"]]) == 3  # the split claim's

    # Picking an attribution in the panel selects its arcs.
    page.mouse.move(5, 5)
    page.click(f'.ann-attribution[data-id="{made["union"].pk}"]')
    page.wait_for_selector("#ann-text.ann-arcs-chosen .ann-arc-selected")
    assert len([a for a in arcs(page) if "ann-arc-selected" in a["classes"]]) == 2
    # Hovering a panel entry highlights that attribution's arcs.
    page.hover(f'.ann-attribution[data-id="{made["mayor"].pk}"]')
    page.wait_for_selector("#ann-text.ann-arcs-dim .ann-arc-hot")
    assert len([a for a in arcs(page) if "ann-arc-hot" in a["classes"]]) == 2
    shot(page, "arcs-2-workspace-selected")


def test_arcs_follow_a_new_fragment_and_the_key_hides_them_remembered(
        page, live_server, world, labelled):
    document, made, _ = labelled
    login(page, live_server, "ann")
    open_workspace(page, live_server, document)
    wait_arcs(page, 13)
    # A new attribution made in the page: claim, a, source, Enter: an arc more.
    mouse_select(page, "Markets shrugged")
    page.keyboard.press("1")
    wait_saved(page)
    page.keyboard.press("a")
    mouse_select(page, "Markets")
    page.keyboard.press("2")
    wait_saved(page)
    page.keyboard.press("Enter")
    page.wait_for_selector("#ann-message:has-text('Attribution saved')")
    wait_arcs(page, 14)

    # The key l hides them, and the page remembers it.
    page.keyboard.press("l")
    page.wait_for_selector("#ann-text.ann-arcs-off")
    wait_arcs(page, 0)
    assert not page.is_checked("#ann-arcs")
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_timeout(200)
    wait_arcs(page, 0)
    assert not page.is_checked("#ann-arcs")
    page.click("#ann-arcs")  # the check box is the other switch
    wait_arcs(page, 14)
    assert not page.js_errors


def test_only_blocks_on_screen_hold_arcs_in_a_long_document(page, live_server, world):
    paragraph = "Paragraph {n}: the minister said that the deal was dead. Nothing else happened."
    text = "\n\n".join(paragraph.format(n=n) for n in range(400))
    document, _ = document_create(project=world.project, title="Long", text=text)
    labels = {label.name: label for label in world.project.labels.all()}
    from annotator.services.spans import spans_bulk_create
    items = []
    at = 0
    for n in range(400):
        at = text.index("the minister", at)
        cue = text.index("said", at)
        claim = text.index("the deal was dead", at)
        items += [{"label": "SOURCE", "start": at, "end": at + 12},
                  {"label": "CUE", "start": cue, "end": cue + 4},
                  {"label": "CLAIM", "start": claim, "end": claim + 17}]
        at = claim
    spans = spans_bulk_create(document=document, annotator=world.annotator, items=items)
    for i in range(0, len(spans), 3):
        attribution_create(document=document, annotator=world.annotator, claims=[spans[i + 2].pk],
                           source=spans[i].pk, cue=spans[i + 1].pk)
    assert labels
    login(page, live_server, "ann")
    open_workspace(page, live_server, document)
    page.wait_for_selector("#ann-text .ann-arcs")
    page.wait_for_timeout(300)
    counts = page.evaluate("""() => ({arcs: document.querySelectorAll('.ann-arcs .ann-arc').length,
        svgs: document.querySelectorAll('.ann-arcs').length,
        attributions: document.querySelectorAll('.ann-attribution').length})""")
    assert counts["attributions"] == 400
    assert 0 < counts["svgs"] < 40 and counts["arcs"] == 2 * counts["svgs"]
    first = page.evaluate("() => document.querySelector('.ann-arcs').closest('.ann-block').dataset.block")
    assert first == "0"
    # Scrolled a little and back: the first blocks keep their arcs (drawn once, not again).
    assert page.evaluate("""() => {
        const svg = document.querySelector('.ann-block[data-block="0"] .ann-arcs');
        if (svg) svg.dataset.seen = "yes";
        return Boolean(svg); }""")
    page.evaluate("() => document.scrollingElement.scrollTop = 1500")
    page.wait_for_timeout(200)
    page.evaluate("() => document.scrollingElement.scrollTop = 0")
    page.wait_for_timeout(200)
    assert page.evaluate(  # the same SVG element: not drawn again
        "() => document.querySelector('.ann-block[data-block=\"0\"] .ann-arcs').dataset.seen") == "yes"
    # Scrolled to the middle: the blocks there get arcs; the blocks never seen have none,
    # and the first ones, far away now, are drawn light (no block elements, no arcs).
    page.evaluate("() => document.scrollingElement.scrollTop = document.scrollingElement.scrollHeight / 2")
    page.wait_for_function("""() => [...document.querySelectorAll('.ann-arcs')]
        .some((s) => Number(s.closest('.ann-block').dataset.block) > 100)""")
    blocks = page.evaluate("""() => [...document.querySelectorAll('.ann-arcs')]
        .map((s) => Number(s.closest('.ann-block').dataset.block))""")
    middle = [b for b in blocks if b > 100]
    assert middle and len(middle) < 40 and len(blocks) < 80
    assert max(blocks) < 300  # the end of the document was never on screen
    page.wait_for_function("() => !document.querySelector('.ann-block[data-block=\"0\"]')")
    # Back at the top: drawn in full again, with its arcs.
    page.evaluate("() => document.scrollingElement.scrollTop = 0")
    page.wait_for_selector('.ann-block[data-block="0"] .ann-arcs .ann-arc')
    assert not page.js_errors


@pytest.fixture
def review_world(world, labelled):
    from django.contrib.auth import get_user_model

    document, made, labels = labelled
    users = get_user_model().objects
    ann2, rev = (users.create_user(name, password=PASSWORD) for name in ("ann2", "rev"))
    membership_set(project=world.project, user=ann2, role="annotator")
    membership_set(project=world.project, user=rev, role="reviewer")
    theirs = make(document, ann2, labels)
    for user in (world.annotator, ann2):
        document_status_change(document=document, actor=user, annotator=user, action="submit")
    return document, made, theirs


def test_review_page_draws_arcs_read_only_and_selects_the_current_item(
        page, live_server, world, review_world, shot):
    document, _, _ = review_world
    login(page, live_server, "rev")
    page.goto(f"{live_server.url}/documents/{document.pk}/review/")
    page.wait_for_selector("body[data-ready=true]")
    # Both annotators made the same six attributions: merged, one item each.
    wait_arcs(page, 13)
    assert not page.js_errors
    shot(page, "arcs-3-review")
    page.locator("#ann-text").screenshot(path=str(SCREENSHOTS / "arcs-3-review-text.png"))

    # Going to an attribution item (j/k) selects its arcs.
    for _ in range(40):
        if page.get_attribute("#ann-item", "data-key").startswith("a:"):
            break
        page.keyboard.press("j")
    page.wait_for_selector("#ann-text.ann-arcs-chosen .ann-arc-selected")
    assert len([a for a in arcs(page) if "ann-arc-selected" in a["classes"]]) >= 2

    # Hovering an attribution in the list highlights its arcs.
    page.hover(".ann-item-entry[data-key^='a:']")
    page.wait_for_selector("#ann-text.ann-arcs-dim .ann-arc-hot")

    # Side by side: each column draws its annotator's arcs.
    page.keyboard.press("v")
    page.wait_for_selector("#ann-text.ann-side-by-side")
    wait_arcs(page, 26)
    shot(page, "arcs-4-review-side")

    # The key hides and shows them.
    page.keyboard.press("l")
    wait_arcs(page, 0)
    page.keyboard.press("l")
    wait_arcs(page, 26)
    assert not page.js_errors
