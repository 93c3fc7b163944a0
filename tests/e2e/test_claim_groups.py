"""The same claim in several articles, in Chromium: a claim of the explorer's list shows its
other appearances (documents, outlets, dates, sources), first reported first, and one of
them opens the workspace at its span; titles stay text."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from annotator.services.claim_groups import claim_groups_update
from tests.claim_world import BRIDGE, DEAL, DEAL_EDITED, DEAL_LOWER, quote_article

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NASTY = "<img src=x onerror=\"document.body.dataset.owned=1\">"


def test_a_claims_other_appearances_are_listed_by_date_and_open_the_workspace(
        page, live_server, world, shot):
    w = SimpleNamespace(project=world.project, annotator=world.annotator, reviewer=world.admin)
    quote_article(w, "Daily story", "Daily", "2026-03-05", [DEAL, BRIDGE])
    herald = quote_article(w, f"Herald {NASTY}", "Herald", "2026-03-01", [DEAL_EDITED])
    quote_article(w, "Post story", "Post", None, [DEAL_LOWER])
    claim_groups_update(project_id=w.project.pk)   # what the worker does after the reviews

    login(page, live_server, "ann", next_path=f"/projects/{w.project.pk}/explorer/")
    page.wait_for_selector("body[data-ready=true]")
    page.locator(".ann-explorer-bar").first.click()
    page.wait_for_selector(".ann-explorer-claims li")
    claims = page.locator("#ann-explorer-claims > ol > li")
    assert claims.count() == 4
    buttons = page.locator(".ann-explorer-group")
    assert buttons.count() == 3   # the bridge quote is said once: no button
    daily = claims.filter(has_text="Daily story")
    first_deal = daily.filter(has=page.locator(".ann-explorer-group"))
    assert first_deal.locator(".ann-explorer-group").text_content() == "Also in 2 other places"
    first_deal.locator(".ann-explorer-group").click()
    listed = first_deal.locator(".ann-explorer-appearances li")
    listed.nth(2).wait_for()
    lines = [listed.nth(i).locator("p").first.text_content() for i in range(3)]
    assert lines[0].startswith("First reported") and "Herald · 2026-03-01" in lines[0]
    assert NASTY in lines[0]                              # the title, as text
    assert "this claim" in lines[1] and "Daily story · Daily · 2026-03-05" in lines[1]
    assert lines[2].endswith("Post story · Post · undated")
    assert listed.nth(0).locator("blockquote").text_content() == DEAL_EDITED
    assert page.locator(".ann-explorer-appearances img").count() == 0
    listed.nth(0).scroll_into_view_if_needed()
    shot(page, "explorer-claim-appearances")

    span_id = listed.nth(0).get_attribute("data-span")
    with page.expect_navigation():
        listed.nth(0).locator("a.ann-explorer-open").click()
    assert f"/documents/{herald.pk}/#span={span_id}" in page.url
    page.wait_for_selector("body[data-ready=true]")
    selected = page.locator("#ann-text .ann-selected").first
    selected.wait_for()
    assert "The deal is dead" in selected.text_content()
    assert page.evaluate("() => document.body.dataset.owned") is None
    assert not page.js_errors
