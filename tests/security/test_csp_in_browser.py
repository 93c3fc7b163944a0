"""The Content-Security-Policy in a real Chromium: every page works under it with no
violation reported, the API docs (Swagger UI) render their operations, and the policy
is really enforced (an injected inline script does not run, eval throws)."""
from __future__ import annotations

import pytest

from annotator.services.documents import document_create
from tests.e2e.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Chromium reports every blocked resource or script on the console.
VIOLATION = ("Content Security Policy", "Refused to")


def test_pages_run_under_the_policy_with_no_violation(page, live_server, world):
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    document, _ = document_create(project=world.project, title="Deal",
                                  text="“The deal is dead,” the minister said.")
    reports = []
    page.on("console", lambda message: reports.append(f"{page.url}: {message.text}")
            if any(v in message.text for v in VIOLATION) else None)

    login(page, live_server, "boss")
    for path, ready in [
            ("/", ".ann-project"),
            (f"/projects/{world.project.pk}/", "h1"),
            (f"/documents/{document.pk}/", "body[data-ready=true]"),
            (f"/documents/{document.pk}/review/", "body[data-ready=true]"),
            ("/review/", "h1"),
            (f"/projects/{world.project.pk}/agreement/", "h1"),
            ("/admin/", "#content"),
            ("/api/docs/", ".opblock")]:  # Swagger UI drew the operations
        page.goto(live_server.url + path)
        page.wait_for_selector(ready)
        page.wait_for_load_state("networkidle")

    assert reports == []
    assert page.js_errors == []


def test_policy_blocks_an_injected_inline_script_and_string_code(page, live_server, world):
    # (Code run through the DevTools protocol itself is exempt from CSP: these
    # probes make the page compile code the way an injected payload would.)
    login(page, live_server, "boss")
    outcome = page.evaluate("""async () => {
        const violations = [];
        document.addEventListener("securitypolicyviolation",
                                  (event) => violations.push(event.violatedDirective));
        const script = document.createElement("script");
        script.textContent = "window.__inline = true";
        document.body.append(script);
        const handler = document.createElement("img");
        handler.setAttribute("onerror", "window.__handler = true");
        handler.src = "/no-such-image.png";
        document.body.append(handler);
        setTimeout("window.__evaluated = true", 0);
        await new Promise((resolve) => setTimeout(resolve, 500));
        return { ran: [window.__inline, window.__handler, window.__evaluated].some(Boolean),
                 violations: [...new Set(violations.map((d) => d.split("-").slice(0, 2).join("-")))].sort() };
    }""")
    assert outcome == {"ran": False, "violations": ["script-src"]}
