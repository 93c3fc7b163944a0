"""Assignment and progress in Chromium (issue #15, points 3, 4 and 6): an admin assigns by
hand and automatically on the project page; an annotator finds the assigned documents first
and moves on with the next-document key; a closed project keeps unassigned documents shut;
a reviewer reads the dashboard's counts."""
from __future__ import annotations

import pytest

from annotator.models import Assignment, DocumentStatus, Event, Project
from annotator.services.assignments import assignment_create_bulk
from annotator.services.documents import document_create, document_status_change
from annotator.services.projects import membership_set
from annotator.services.spans import span_create

from .conftest import PASSWORD, login, text_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXTS = ["The mayor said the bridge will reopen in May.",
         "Officials warned that prices will rise, according to the bank.",
         "A spokesperson told reporters the talks had collapsed.",
         "The minister said nobody would revive the deal.",
         "Engineers said the tunnel is safe."]


@pytest.fixture
def team(world):
    """The e2e world (boss admin, ann annotator) plus ann2, rev and five documents."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    ann2, rev = (users.create_user(n, password=PASSWORD) for n in ("ann2", "rev"))
    membership_set(project=world.project, user=ann2, role="annotator")
    membership_set(project=world.project, user=rev, role="reviewer")
    docs = [document_create(project=world.project, title=f"Story {i + 1}", text=text)[0]
            for i, text in enumerate(TEXTS)]
    return {"w": world, "ann2": ann2, "rev": rev, "docs": docs}


def assigned(project):
    return set(Assignment.objects.filter(document__project=project)
               .values_list("document__title", "annotator__username"))


def test_admin_assigns_by_hand_and_automatically_on_the_project_page(page, live_server, team,
                                                                       shot):
    w, docs = team["w"], team["docs"]
    login(page, live_server, "boss", next_path=f"/projects/{w.project.pk}/")
    page.check(f"input[name=pretag-document][value='{docs[0].pk}']")
    page.check(f"input[name=pretag-document][value='{docs[1].pk}']")
    page.check("#ann-assign label:has-text('ann2') input")
    with page.expect_navigation():
        page.click("#ann-assign-ticked")
    assert "Assigned 2 document-annotator pairs" in text_of(page, ".ann-assign-message")
    assert assigned(w.project) == {("Story 1", "ann2"), ("Story 2", "ann2")}
    row = page.locator(f"tr[data-document-id='{docs[0].pk}'] .ann-assignees")
    assert row.text_content().strip() == "ann2"

    # Unassign one of them again.
    page.check(f"input[name=pretag-document][value='{docs[1].pk}']")
    page.check("#ann-assign label:has-text('ann2') input")
    with page.expect_navigation():
        page.click("#ann-unassign-ticked")
    assert "Unassigned 1 assignment" in text_of(page, ".ann-assign-message")
    assert assigned(w.project) == {("Story 1", "ann2")}

    # Automatically: two annotators per document over ann and ann2 (ticked none: all).
    page.fill("#ann-assign-k", "2")
    page.fill("#ann-assign-seed", "4")
    with page.expect_navigation():
        page.click("#ann-assign-auto button[type=submit]")
    assert "Assigned 9 document-annotator pairs automatically" in text_of(
        page, ".ann-assign-message")
    assert assigned(w.project) == {(f"Story {i}", who) for i in range(1, 6)
                                   for who in ("ann", "ann2")}
    assert Event.objects.filter(target_type="assignment", action="assign").count() == 11
    assert page.locator(".ann-assignees", has_text="ann, ann2").count() == 5
    shot(page, "assignment-project-page")

    # Errors say what is wrong: k above the number of annotators.
    page.fill("#ann-assign-k", "3")
    page.click("#ann-assign-auto button[type=submit]")
    page.wait_for_function("() => document.querySelector('.ann-assign-message').textContent"
                           ".includes('only 2 to assign to')")
    assert not page.js_errors


def test_annotator_sees_assigned_documents_first_and_moves_on_with_the_next_key(
        page, live_server, team, shot):
    w, docs = team["w"], team["docs"]
    assignment_create_bulk(project=w.project, actor=w.admin, documents=[docs[3], docs[1]],
                           annotator_ids=[w.annotator.pk])
    login(page, live_server, "ann", next_path="/")
    titles = page.locator(".ann-project tbody tr td:first-child a").all_text_contents()
    assert titles[:2] == ["Story 2", "Story 4"]
    assert page.locator(".ann-project .ann-assigned-mark").count() == 2
    page.goto(f"{live_server.url}/projects/{w.project.pk}/")
    titles = page.locator("#ann-documents tbody tr td a").all_text_contents()
    assert titles[:2] == ["Story 2", "Story 4"]
    page.click("#ann-documents a:has-text('Story 2')")
    page.wait_for_selector("body[data-ready=true]")
    page.keyboard.press("?")
    assert "Next document" in text_of(page, "#ann-help") and "Story 4" in text_of(page, "#ann-help")
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.keyboard.press("]")
    assert page.url.endswith(f"/documents/{docs[3].pk}/")
    page.wait_for_selector("body[data-ready=true]")
    shot(page, "assignment-workspace-next")
    # From Story 4 the key wraps round to Story 2, not submitted yet; submitting it offers
    # Story 4 again, and from there nothing is left.
    with page.expect_navigation():
        page.keyboard.press("]")
    assert page.url.endswith(f"/documents/{docs[1].pk}/")
    page.wait_for_selector("body[data-ready=true]")
    page.click("#ann-submit")
    page.wait_for_selector("#ann-message button:has-text('Next document: Story 4')")
    with page.expect_navigation():
        page.click("#ann-message button:has-text('Next document: Story 4')")
    assert page.url.endswith(f"/documents/{docs[3].pk}/")
    page.wait_for_selector("body[data-ready=true]")
    page.keyboard.press("]")
    page.wait_for_function("() => document.getElementById('ann-message').textContent"
                           ".includes('No other document assigned to you')")
    assert page.url.endswith(f"/documents/{docs[3].pk}/")
    assert DocumentStatus.objects.get(document=docs[1], annotator=w.annotator).status == \
        "submitted"
    assert not page.js_errors


def test_annotator_cannot_open_an_unassigned_document_when_the_project_closes_them(
        page, live_server, team):
    w, docs = team["w"], team["docs"]
    assignment_create_bulk(project=w.project, actor=w.admin, documents=[docs[0]],
                           annotator_ids=[w.annotator.pk])
    Project.objects.filter(pk=w.project.pk).update(settings={"unassigned_open": False})
    login(page, live_server, "ann", next_path=f"/projects/{w.project.pk}/")
    titles = page.locator("#ann-documents tbody tr td a").all_text_contents()
    assert titles == ["Story 1"]
    response = page.goto(f"{live_server.url}/documents/{docs[2].pk}/")
    assert response.status == 403
    assert page.locator("#ann-text").count() == 0
    api = page.evaluate("(id) => fetch(`/api/documents/${id}/`).then((r) => r.status)",
                        docs[2].pk)
    assert api == 403
    page.goto(f"{live_server.url}/documents/{docs[0].pk}/")
    page.wait_for_selector("body[data-ready=true]")


def test_reviewer_opens_the_dashboard_and_sees_the_counts(page, live_server, team, shot):
    w, docs, ann2 = team["w"], team["docs"], team["ann2"]
    assignment_create_bulk(project=w.project, actor=w.admin, documents=docs[:3],
                           annotator_ids=[w.annotator.pk, ann2.pk])
    claim = w.project.labels.get(name="CLAIM")
    for user in (w.annotator, ann2):
        start = TEXTS[0].index("the bridge will reopen in May")
        span_create(document=docs[0], annotator=user, label=claim, start=start,
                    end=start + len("the bridge will reopen in May"))
        document_status_change(document=docs[0], actor=user, annotator=user, action="submit")
    document_status_change(document=docs[1], actor=w.annotator, annotator=w.annotator,
                           action="start")
    login(page, live_server, "rev", next_path=f"/projects/{w.project.pk}/")
    page.click("#ann-dashboard-link")
    page.wait_for_selector("#ann-dashboard-annotators")

    def cell(user, field):
        return text_of(page, f"tr[data-annotator='{user}'] td[data-field='{field}']")

    assert [cell("ann", f) for f in ("assigned", "in_progress", "submitted", "spans")] == [
        "3", "1", "1", "1"]
    assert [cell("ann2", f) for f in ("assigned", "in_progress", "submitted", "spans")] == [
        "3", "0", "1", "1"]
    assert cell("ann", "agreement").startswith("1.00")
    assert cell("ann", "last_activity") == "just now"
    assert text_of(page, "[data-count='unassigned']") == "2"
    story1 = page.locator(f"#ann-dashboard-documents tr[data-document-id='{docs[0].pk}']")
    assert "ann Submitted" in text_of(page, f"#ann-dashboard-documents tr[data-document-id='{docs[0].pk}']")
    assert story1.locator(".ann-who").count() == 2
    shot(page, "assignment-dashboard")
    assert not page.js_errors
