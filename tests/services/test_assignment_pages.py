"""The pages of assignment and progress (issue #15): project page, home, workspace, dashboard."""
from __future__ import annotations

import json
import re

import pytest

from annotator.models import Project
from annotator.services.assignments import assignment_create_bulk
from annotator.services.projects import membership_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(make_user, make_project, make_document):
    admin, rev, ann, ann2, stranger = (make_user(n) for n in ("boss", "rev", "ann", "ann2", "x"))
    project = make_project(name="Paper", admin=admin, reviewer=rev)
    for user in (ann, ann2):
        membership_set(project=project, user=user, role="annotator")
    first = make_document(project, text="First text, said one.", title="First")
    second = make_document(project, text="Second text, said two.", title="Second")
    third = make_document(project, text="Third text, said three.", title="Third")
    assignment_create_bulk(project=project, actor=admin, documents=[third, second],
                           annotator_ids=[ann.pk])
    return {"project": project, "admin": admin, "rev": rev, "ann": ann, "ann2": ann2,
            "stranger": stranger, "docs": [first, second, third]}


def rows(html):
    return [int(i) for i in re.findall(r'<tr data-document-id="(\d+)"', html)]


def test_annotator_sees_assigned_documents_first_marked_when_on_the_project_page_and_home(
        client, site):
    client.force_login(site["ann"])
    first, second, third = (d.pk for d in site["docs"])
    html = client.get(f"/projects/{site['project'].pk}/").content.decode()
    assert rows(html) == [second, third, first]
    assert html.count("assigned to you") == 2
    assert "ann-assign-config" not in html  # annotators do not assign
    home = client.get("/").content.decode()
    assert rows(home) == [second, third, first]
    assert "Assigned to you: <strong>2</strong>" in home


def test_reviewer_sees_who_is_on_each_document_and_admin_gets_the_assign_card_when_shown(
        client, site):
    client.force_login(site["rev"])
    html = client.get(f"/projects/{site['project'].pk}/").content.decode()
    assert "Assigned to" in html and html.count('<td class="ann-assignees">ann</td>') == 2
    assert f'/projects/{site["project"].pk}/dashboard/' in html
    client.force_login(site["admin"])
    html = client.get(f"/projects/{site['project'].pk}/").content.decode()
    config = json.loads(re.search(r'id="ann-assign-config"[^>]*>(.*?)</script>', html).group(1))
    assert [(a["username"], a["assigned"]) for a in config["annotators"]] == [
        ("ann", 2), ("ann2", 0), ("boss", 0)]


def test_workspace_offers_the_next_assigned_document_when_an_annotator_opens_one(client, site):
    client.force_login(site["ann"])
    first, second, third = site["docs"]
    html = client.get(f"/documents/{second.pk}/").content.decode()
    config = json.loads(re.search(r'id="ann-config"[^>]*>(.*?)</script>', html).group(1))
    assert config["next_document"] == {"id": third.pk, "title": "Third"}
    assert 'id="ann-next-document"' in html and "<kbd>]</kbd>" in html
    client.force_login(site["ann2"])
    html = client.get(f"/documents/{second.pk}/").content.decode()
    assert "(none left)" in html and 'id="ann-next-document"' not in html


def test_closed_project_refuses_an_unassigned_workspace_with_403_when_an_annotator_opens_it(
        client, site):
    Project.objects.filter(pk=site["project"].pk).update(settings={"unassigned_open": False})
    first, second, _ = site["docs"]
    client.force_login(site["ann"])
    refused = client.get(f"/documents/{first.pk}/")
    assert refused.status_code == 403
    # The page says why, in the app's own frame (templates/403.html), not a bare "Forbidden".
    assert "This document is not assigned to you" in refused.content.decode()
    assert "Back to your projects" in refused.content.decode()
    assert client.get(f"/documents/{second.pk}/").status_code == 200
    html = client.get(f"/projects/{site['project'].pk}/").content.decode()
    assert first.pk not in rows(html) and "All <strong>2</strong>" in html
    client.force_login(site["rev"])
    assert client.get(f"/documents/{first.pk}/").status_code == 200


def test_dashboard_page_is_for_reviewers_and_admins_only_when_opened(client, site):
    url = f"/projects/{site['project'].pk}/dashboard/"
    client.force_login(site["rev"])
    html = client.get(url).content.decode()
    assert 'data-annotator="ann"' in html and 'data-annotator="ann2"' in html
    assert re.search(r'data-annotator="ann".*?data-field="assigned">2<', html, re.S)
    assert client.get(url + "?page=abc").status_code == 200  # a bad page: the first one
    client.force_login(site["admin"])
    assert client.get(url).status_code == 200
    client.force_login(site["ann"])
    assert client.get(url).status_code == 403
    client.force_login(site["stranger"])
    assert client.get(url).status_code == 404


def test_project_page_runs_a_fixed_number_of_queries_whatever_the_assignments_when_listed(
        client, site, make_user, make_document, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(site["admin"])
    url = f"/projects/{site['project'].pk}/"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    users = [make_user(f"more{i}") for i in range(8)]
    for user in users:
        membership_set(project=site["project"], user=user, role="annotator")
    docs = [make_document(site["project"], text=f"More text {i}.", title=f"M{i}")
            for i in range(10)]
    assignment_create_bulk(project=site["project"], actor=site["admin"], documents=docs,
                           annotator_ids=[u.pk for u in users])
    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert "more7" in html
