"""The explorer in Chromium (issue #16, point 3): from the project page to the ranked
sources, a filter by outlet, a source's claims, and one claim's link into the workspace,
where its span is selected and in view; user text (an entity's name) stays text."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from annotator.services.entities import entity_create
from tests.api.explorer_world import article

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NASTY = "<img src=x onerror=\"document.body.dataset.owned=1\">"


def test_a_member_explores_sources_and_follows_a_claim_into_the_workspace(page, live_server,
                                                                          world, shot):
    w = SimpleNamespace(project=world.project, annotator=world.annotator,
                        reviewer=world.admin)
    minister = entity_create(project=w.project, actor=world.admin, name="The minister")
    officials = entity_create(project=w.project, actor=world.admin, name=NASTY,
                              type="anonymous")
    first = article(w, 1, "Daily Bugle", "2026-01-05", {0: minister, 1: officials})
    article(w, 2, "Planet", "2026-02-10", {0: minister, 2: None})

    login(page, live_server, "ann", next_path=f"/projects/{w.project.pk}/")
    page.click("#ann-explorer-link")
    page.wait_for_selector("body[data-ready=true]")
    bars = page.locator(".ann-explorer-bar")
    assert bars.count() == 3
    assert bars.first.get_attribute("aria-label").startswith("The minister (person): 2 claim")
    # The nasty name is drawn as text, never as markup.
    assert page.locator("#ann-explorer-sources img").count() == 0
    assert NASTY[:20] in page.locator("#ann-explorer-sources").text_content()
    shares = page.locator("#ann-explorer-outlets [data-share]")
    assert [shares.nth(i).get_attribute("data-share") for i in range(shares.count())] == [
        "50%", "0%"]
    shot(page, "explorer")

    # A filter: one outlet, and the address keeps it.
    page.select_option("select[name=outlet]", "Planet")
    page.wait_for_function("() => document.querySelectorAll('.ann-explorer-bar').length === 2")
    assert "outlet=Planet" in page.url
    page.select_option("select[name=outlet]", "")
    page.wait_for_function("() => document.querySelectorAll('.ann-explorer-bar').length === 3")

    # A source's claims, each linking into the workspace at its span.
    bars.first.click()
    page.wait_for_selector(".ann-explorer-claims li")
    items = page.locator(".ann-explorer-claims li")
    assert items.count() == 2
    assert "Article 1" in items.first.text_content()
    assert "source=" in page.url
    span_id = items.first.get_attribute("data-span")
    with page.expect_navigation():
        items.first.locator("a.ann-explorer-open").click()
    assert f"/documents/{first.pk}/#span={span_id}" in page.url
    page.wait_for_selector("body[data-ready=true]")
    selected = page.locator(f"#ann-text [data-keys~='{span_id}'].ann-selected, "
                            "#ann-text .ann-selected").first
    selected.wait_for()
    assert "Prices will rise" in selected.text_content()
    assert page.evaluate("() => document.body.dataset.owned") is None
    assert not page.js_errors
