"""The Content-Security-Policy in a real Chromium: every page works under it with no
violation reported, the API docs (Swagger UI) render their operations, and the policy
is really enforced (an injected inline script, inline handler or string timer does not run).

Chromium is driven by a child process (Playwright's sync API allows one instance per
thread, and tests/e2e keeps one open for the whole session).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.services.documents import document_create
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRIVE = r"""
import json, sys
from playwright.sync_api import sync_playwright

base, chromium, args, password, pages = json.loads(sys.argv[1])
out = {"violations": [], "errors": [], "pages": []}
with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path=chromium, args=args)
    page = browser.new_context().new_page()
    page.set_default_timeout(15000)
    page.on("console", lambda m: out["violations"].append(f"{page.url}: {m.text}")
            if "Content Security Policy" in m.text or "Refused to" in m.text else None)
    page.on("pageerror", lambda e: out["errors"].append(f"{page.url}: {e}"))
    page.goto(base + "/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    for path, ready in pages:
        page.goto(base + path)
        page.wait_for_selector(ready)
        page.wait_for_load_state("networkidle")
        out["pages"].append(path)
    seen = len(out["violations"])
    # Code run through the DevTools protocol is itself exempt from CSP: this makes the
    # page compile code the ways an injected payload would.
    out["probe"] = page.evaluate('''async () => {
        const violations = [];
        document.addEventListener("securitypolicyviolation",
                                  (event) => violations.push(event.violatedDirective));
        const script = document.createElement("script");
        script.textContent = "window.__inline = true";
        document.body.append(script);
        const image = document.createElement("img");
        image.setAttribute("onerror", "window.__handler = true");
        image.src = "/no-such-image.png";
        document.body.append(image);
        setTimeout("window.__evaluated = true", 0);
        await new Promise((resolve) => setTimeout(resolve, 500));
        return {ran: [window.__inline, window.__handler, window.__evaluated].some(Boolean),
                violations: violations.length};
    }''')
    out["probe"]["console"] = len(out["violations"]) - seen
    del out["violations"][seen:]
    browser.close()
print(json.dumps(out))
"""


def test_pages_run_under_the_policy_and_injected_code_does_not(live_server, world):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    document, _ = document_create(project=world.project, title="Deal",
                                  text="“The deal is dead,” the minister said.")
    pages = [("/", ".ann-project"),
             (f"/projects/{world.project.pk}/", "h1"),
             (f"/documents/{document.pk}/", "body[data-ready=true]"),
             (f"/documents/{document.pk}/review/", "body[data-ready=true]"),
             ("/review/", "h1"),
             (f"/projects/{world.project.pk}/agreement/", "h1"),
             ("/admin/", "#content"),
             ("/accounts/password/", "#id_old_password"),
             ("/api/docs/", ".opblock")]  # Swagger UI drew the operations

    result = subprocess.run(
        [sys.executable, "-c", DRIVE,
         json.dumps([live_server.url, CHROMIUM, CHROMIUM_ARGS, PASSWORD, pages])],
        capture_output=True, text=True, timeout=240)

    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["pages"] == [path for path, _ in pages]
    assert out["violations"] == []
    assert out["errors"] == []
    # The probe: nothing ran, and the browser reported each refusal.
    assert out["probe"]["ran"] is False
    assert out["probe"]["violations"] >= 3 and out["probe"]["console"] >= 3
