"""The quick start's newsroom demo in the explorer (issue #16, point 6): what `make run`
loads shows real figures, and the README's picture of the explorer is this page.

Every run writes $E2E_SCREENSHOTS/demo-explorer.png; with UPDATE_DOCS_SCREENSHOT=1 it also
replaces docs/screenshots/explorer.png (1440 wide, the whole page):

    UPDATE_DOCS_SCREENSHOT=1 .venv/bin/python -m pytest tests/e2e/test_demo_explorer.py
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from annotator.services.demo import DEMO_USERS, demo_users_ensure
from annotator.services.demo_newsroom import newsroom_load
from annotator.services.seeds import seeds_load

from .conftest import SCREENSHOTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def test_newsroom_demo_fills_the_explorer_when_loaded_as_make_run_does(
        page, live_server, settings):
    settings.DEBUG = True  # the demo users exist only then
    sample, _ = seeds_load(directory=ROOT / "seeds")
    demo_users_ensure(project=sample)
    project, created = newsroom_load()
    assert created == 96
    password = dict((name, secret) for name, secret, _ in DEMO_USERS)["reviewer"]
    login(page, live_server, "reviewer", password, next_path=f"/projects/{project.pk}/")
    with page.expect_navigation():
        page.click("#ann-explorer-link")
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator(".ann-explorer-bar").count() == 15
    assert page.locator("#ann-explorer-months text[data-share]").count() == 12
    assert page.locator("#ann-explorer-outlets text[data-share]").count() == 4
    message = page.text_content("#ann-explorer-message")
    assert "claim(s) in 80 document(s); 15 source(s)" in message

    # The leading source's claims: a pronoun among its sources, each with source and cue.
    page.locator(".ann-explorer-bar").first.click()
    page.wait_for_selector(".ann-explorer-claims li")
    claims = page.text_content("#ann-explorer-claims")
    assert "Source: “he”" in claims or "Source: “she”" in claims
    assert "Names, aliases and merges" in claims
    page.mouse.move(5, 5)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / "demo-explorer.png"  # test_explorer.py writes explorer.png
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("UPDATE_DOCS_SCREENSHOT") == "1":
        shutil.copyfile(path, ROOT / "docs" / "screenshots" / "explorer.png")
    assert not page.js_errors
