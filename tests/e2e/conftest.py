"""Browser tests: Python Playwright driving Debian's Chromium against pytest-django's live server.

Playwright's own browser download does not work here, so the tests use
/usr/bin/chromium (`make test` and .ci/run install it when missing) and fail,
saying so, when it is absent. Every test gets a fresh browser context (no shared cookies)
and signs in through the real login form.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread, and Django then
# refuses ORM calls from it ("SynchronousOnlyOperation"). The test thread is not
# serving requests (the live server's thread is), so the check protects nothing here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-default-apps", "--disable-extensions"]
PASSWORD = "a-Long-test-passw0rd"
VIEWPORT = {"width": 1440, "height": 900}
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "/tmp/annotator-e2e"))
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        # Never a silent skip: a browser test that did not run proved nothing.
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium "
                    "(or: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors  # checked by the tests that care
    return page


@pytest.fixture
def shot():
    """shot(page, name): a full-viewport screenshot in $E2E_SCREENSHOTS (default /tmp/annotator-e2e)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path))
        return path
    return take


# --- Data: made through the services, as the app makes it ---------------------------------

@dataclass
class World:
    admin: object
    annotator: object
    project: object


@pytest.fixture
def world(transactional_db):
    from django.contrib.auth import get_user_model

    from annotator.services.projects import membership_set, project_create

    users = get_user_model().objects
    admin = users.create_user("boss", password=PASSWORD)
    annotator = users.create_user("ann", password=PASSWORD)
    project = project_create(name="Newsroom", creator=admin,
                             guidelines="# Guide\n\nMark **claims**, sources and cues.")
    membership_set(project=project, user=annotator, role="annotator")
    return World(admin=admin, annotator=annotator, project=project)


# --- Browser helpers ----------------------------------------------------------------------

def login(page, live_server, username: str, password: str = PASSWORD, next_path: str = "/"):
    """Sign in through the real form, then go to next_path."""
    page.goto(f"{live_server.url}/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "/login/" not in page.url, "login failed"


def open_workspace(page, live_server, document):
    page.goto(f"{live_server.url}/documents/{document.pk}/")
    page.wait_for_selector("body[data-ready=true]")


# Where the mouse should press and release to select `needle` (its n-th
# occurrence) in the document text: the client coordinates of the first and the
# last character, scrolled into view first. `edge` picks the outer edges of the
# two characters (a precise selection) rather than their middles.
_POINTS_JS = r"""
async ([needle, occurrence, edge, rtl]) => {
  const root = document.getElementById("ann-text");
  const text = root.textContent;   // the document text: marks are CSS, not text
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    if (at === -1) throw new Error(`not in the text: ${needle}`);
  }
  const end = at + needle.length;
  // Far from the view the text is drawn light, without segments (workspace-viewport.js):
  // scroll there until it is drawn in full.
  const lightAt = (pos) => [...root.querySelectorAll(".ann-light")].find((c) =>
    Number(c.dataset.u16) <= pos && pos < Number(c.dataset.u16) + c.textContent.length);
  for (let i = 0; i < 100 && (lightAt(at) || lightAt(end - 1)); i++) {
    (lightAt(at) || lightAt(end - 1)).scrollIntoView({ block: "center" });
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
  const segs = [...root.querySelectorAll(".ann-seg")];
  const locate = (pos) => {
    for (const seg of segs) {
      const from = Number(seg.dataset.u16);
      const node = seg.firstChild;
      if (node && pos >= from && pos < from + node.length) return [node, pos - from];
    }
    throw new Error(`no segment holds ${pos}`);
  };
  const charRect = (pos) => {
    const step = /[\ud800-\udbff]/.test(text[pos]) ? 2 : 1;
    const [node, offset] = locate(pos);
    node.parentElement.scrollIntoView({ block: "center" });
    const range = document.createRange();
    range.setStart(node, offset);
    range.setEnd(node, offset + step);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0);
    return rects[rects.length - 1] || range.getBoundingClientRect();
  };
  const lastStart = /[\udc00-\udfff]/.test(text[end - 1]) ? end - 2 : end - 1;
  charRect(at);  // scroll the start into view (the two ends are close in these tests)
  const first = charRect(at);
  const last = charRect(lastStart);
  const y = (r) => r.top + r.height / 2;
  const fromX = edge ? (rtl ? first.right - 1 : first.left + 1) : first.left + first.width / 2;
  const toX = edge ? (rtl ? last.left + 1 : last.right - 1) : last.left + last.width / 2;
  return { at, end, from: [fromX, y(first)], to: [toX, y(last)] };
}
"""


def mouse_select(page, needle: str, *, occurrence: int = 0, edge: bool = True,
                 rtl: bool = False) -> dict:
    """Select `needle` in the document with a real mouse drag; returns its UTF-16 range."""
    points = page.evaluate(_POINTS_JS, [needle, occurrence, edge, rtl])
    page.mouse.move(*points["from"])
    page.mouse.down()
    page.mouse.move((points["from"][0] + points["to"][0]) / 2, points["to"][1], steps=3)
    page.mouse.move(*points["to"], steps=3)
    page.mouse.up()
    return points


def show_text_at(page, u16: int):
    """Scroll the text at UTF-16 position `u16` into view and wait until it is drawn in full
    (far from the view, the workspace draws the text light, without segments)."""
    page.evaluate("""(pos) => [...document.querySelectorAll('#ann-text .ann-chunk')]
        .filter((c) => Number(c.dataset.u16) <= pos).pop().scrollIntoView({ block: 'center' })""", u16)
    page.wait_for_function("""(pos) => [...document.querySelectorAll('#ann-text .ann-chunk')]
        .filter((c) => Number(c.dataset.u16) <= pos).pop().matches(':not(.ann-light)')""", arg=u16)


def segs_of(page, key) -> list[dict]:
    """The segments that draw span `key`: their text, classes and marks."""
    return page.evaluate("""(key) => [...document.querySelectorAll('#ann-text .ann-seg[data-keys]')]
        .filter((s) => s.dataset.keys.split(',').includes(key))
        .map((s) => ({text: s.textContent, classes: [...s.classList], marks: s.dataset.marks || null}))""",
                         str(key))


def wait_saved(page, *, count: int | None = None):
    """Until no segment holds an unsaved (tmp-) key; optionally until `count` spans are drawn."""
    page.wait_for_function("""(count) => {
        const segs = [...document.querySelectorAll('#ann-text .ann-seg[data-keys]')];
        if (segs.some((s) => /(^|,)tmp-/.test(s.dataset.keys))) return false;
        if (count === null) return true;
        const keys = new Set(segs.flatMap((s) => s.dataset.keys.split(',')));
        return keys.size >= count;
    }""", arg=count)


def drawn_keys(page) -> set[str]:
    return set(page.evaluate("""() => [...document.querySelectorAll('#ann-text .ann-seg[data-keys]')]
        .flatMap((s) => s.dataset.keys.split(','))"""))


def text_of(page, selector: str) -> str:
    return re.sub(r"\s+", " ", page.text_content(selector) or "").strip()
