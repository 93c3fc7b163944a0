"""The explorer in Chromium shows a source's claims at second hand (issue #16, point 7):
the minister's claim inside the mayor's is the pale end of its bar, and its label says so."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from annotator.services.entities import entity_create
from tests.api.explorer_world import nested_article

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_explorer_bars_show_claims_at_first_and_second_hand(page, live_server, world):
    w = SimpleNamespace(project=world.project, annotator=world.annotator,
                        reviewer=world.admin)
    mayor = entity_create(project=w.project, actor=world.admin, name="The mayor")
    minister = entity_create(project=w.project, actor=world.admin, name="The minister")
    nested_article(w, mayor, minister)
    login(page, live_server, "ann", next_path=f"/projects/{w.project.pk}/explorer/")
    page.wait_for_selector("body[data-ready=true]")
    bars = page.locator(".ann-explorer-bar")
    assert bars.count() == 2
    assert bars.first.get_attribute("aria-label") == (
        "The minister (person): 2 claim(s) in 1 document(s), 1 at first hand and 1 at "
        "second hand")
    assert bars.first.locator(".ann-explorer-second-hand").count() == 1
    assert "2 (1 second-hand)" in bars.first.text_content()
    assert bars.nth(1).locator(".ann-explorer-second-hand").count() == 0
    assert "claims at second hand" in page.locator("#ann-explorer-sources").text_content()
    assert not page.js_errors
