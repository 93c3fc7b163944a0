"""A project run from the browser from start to end, as a new admin does it (issue #15,
point 6): create the project and its labels, bring documents in, add two annotators and a
reviewer (accounts with one-time passwords, which they sign in with), assign automatically,
annotate in both annotators' browsers, review, and read the dashboard. Nothing is set up
through the services except the admin's own account."""
from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model

from annotator.models import Assignment, Attribution, DocStatus, DocumentStatus, Membership, Project, Span

from .conftest import PASSWORD, VIEWPORT, login, mouse_select, text_of, wait_saved

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STORIES = [("Bridge", "The mayor said the bridge will reopen in May."),
           ("Prices", "Officials warned that prices will rise, according to the bank.")]


def ready(page):
    page.wait_for_selector("body[data-ready=true]")


def a_browser(browser):
    """Another person's browser: its own cookies."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    return context, page


def first_sign_in(page, live_server, username: str, one_time: str) -> None:
    """Sign in with the one-time password: the page asks for a password of one's own
    first, then goes on to the home page."""
    login(page, live_server, username, one_time)
    assert "/accounts/password/" in page.url
    page.fill("#id_old_password", one_time)
    for field in ("#id_new_password1", "#id_new_password2"):
        page.fill(field, f"{username}-Own-passw0rd")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url == f"{live_server.url}/"


def test_an_admin_runs_a_project_from_the_browser(browser, page, live_server, tmp_path, shot):
    get_user_model().objects.create_user("chief", password=PASSWORD, is_staff=True)

    # 1. A new project with its own label set.
    login(page, live_server, "chief")
    page.click("#ann-new-project")
    ready(page)
    page.fill("#ann-name", "City desk")
    page.fill("#ann-guidelines", "# City desk\n\nMark every **claim**.")
    page.click("#ann-label-add")
    evidence = page.locator(".ann-label-row").nth(3)
    evidence.locator("input[name=label-name]").fill("EVIDENCE")
    evidence.locator("input[name=label-hotkey]").fill("e")
    page.fill("#ann-per-document", "2")
    with page.expect_navigation():
        page.click("#ann-save")
    project = Project.objects.get(name="City desk")
    assert list(project.labels.values_list("name", flat=True)) == [
        "CLAIM", "SOURCE", "CUE", "EVIDENCE"]

    # 2. Documents, imported on the project page.
    upload = tmp_path / "city.jsonl"
    upload.write_text("".join(json.dumps({"title": title, "text": text}) + "\n"
                              for title, text in STORIES), encoding="utf-8")
    page.set_input_files("#ann-import-file", str(upload))
    page.select_option("#ann-import-format", "jsonl")
    page.click(".ann-import-form button[type=submit]")
    page.wait_for_function("() => document.querySelector('.ann-transfer-message')"
                           ".textContent.startsWith('Imported')")
    assert project.documents.count() == 2

    # 3. Two annotators and a reviewer, each an account with a one-time password.
    page.click("#ann-admin-links >> text=Members and roles")
    ready(page)
    passwords = {}
    for username, role in (("ana", "annotator"), ("ben", "annotator"), ("rita", "reviewer")):
        page.fill("#ann-account-username", username)
        page.select_option("#ann-account-role", role)
        page.click("#ann-account-form button[type=submit]")
        page.wait_for_selector(f".ann-member-row[data-username={username}]")
        page.wait_for_function("(name) => document.querySelector('#ann-account-result')"
                               ".textContent.includes(name)", arg=username)
        passwords[username] = page.input_value("#ann-account-result .ann-secret input")
    assert dict(Membership.objects.filter(project=project).values_list(
        "user__username", "role")) == {"chief": "admin", "ana": "annotator",
                                       "ben": "annotator", "rita": "reviewer"}

    # 4. Every document to both annotators (k from the project's setting: 2).
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    assert page.input_value("#ann-assign-k") == "2"
    with page.expect_navigation():
        page.click("#ann-assign-auto button[type=submit]")
    assert "Assigned 4 document-annotator pairs automatically" in text_of(
        page, ".ann-assign-message")
    assert Assignment.objects.filter(document__project=project).count() == 4

    # 5. Each annotator signs in with the one-time password and chooses their own, finds
    #    the assigned documents first, labels the first story's claim, source and cue, and
    #    submits.
    bridge = project.documents.get(title="Bridge")
    for username in ("ana", "ben"):
        context, their = a_browser(browser)
        try:
            first_sign_in(their, live_server, username, passwords[username])
            assert their.locator(".ann-project .ann-assigned-mark").count() == 2
            their.click(f'tr[data-document-id="{bridge.pk}"] a')
            ready(their)
            mouse_select(their, "the bridge will reopen in May")
            their.keyboard.press("1")
            wait_saved(their)
            their.keyboard.press("a")   # link the claim: its source, its cue, Enter
            their.wait_for_selector("#ann-link-bar:not([hidden])")
            for needle, key in (("The mayor", "2"), ("said", "3")):
                mouse_select(their, needle)
                their.keyboard.press(key)
                wait_saved(their)
            their.keyboard.press("Enter")
            their.wait_for_selector("#ann-attributions li.ann-attribution")
            their.click("#ann-submit")
            their.wait_for_function("() => document.getElementById('ann-doc-status')"
                                    ".textContent.startsWith('Submitted')")
            assert not their.js_errors
        finally:
            context.close()
    assert Span.objects.filter(document=bridge).count() == 6
    assert Attribution.objects.filter(document=bridge).count() == 2
    assert set(DocumentStatus.objects.filter(document=bridge).values_list(
        "status", flat=True)) == {DocStatus.SUBMITTED}

    # 6. The reviewer approves what both agree on, then the document.
    context, reviewer = a_browser(browser)
    try:
        first_sign_in(reviewer, live_server, "rita", passwords["rita"])
        reviewer.click(".ann-nav >> text=Review")
        reviewer.click(f'tr[data-document-id="{bridge.pk}"] a')
        ready(reviewer)
        reviewer.keyboard.press("Shift+A")
        reviewer.wait_for_selector("#ann-message >> text=Approved 4 agreed labels.")
        assert "4 of 4 decided" in text_of(reviewer, "#ann-review-progress")
        reviewer.click("#ann-approve-document")
        reviewer.wait_for_selector("#ann-message >> text=Document approved")
        assert not reviewer.js_errors
    finally:
        context.close()
    assert set(DocumentStatus.objects.filter(document=bridge).values_list(
        "status", flat=True)) == {DocStatus.APPROVED}

    # 7. The dashboard: each annotator has two documents, one approved, three spans.
    page.click("#ann-dashboard-link")
    page.wait_for_selector("#ann-dashboard-annotators")

    def cell(user, field):
        return text_of(page, f"tr[data-annotator='{user}'] td[data-field='{field}']")

    for username in ("ana", "ben"):
        assert [cell(username, f) for f in ("assigned", "approved", "spans")] == [
            "2", "1", "3"], username
        assert cell(username, "agreement").startswith("1.00")
    row = text_of(page, f"#ann-dashboard-documents tr[data-document-id='{bridge.pk}']")
    assert "ana" in row and "ben" in row
    shot(page, "admin-walk-dashboard")
    assert not page.js_errors
