"""The pages that run a project: who gets them (the same rules as the API, from access.py)."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from annotator.services.projects import membership_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(make_user, make_project):
    admin, annotator, reviewer, stranger = (make_user(n) for n in ("boss", "ann", "rev", "x"))
    project = make_project(name="Pages", admin=admin, annotator=annotator, reviewer=reviewer)
    return project, admin, annotator, reviewer, stranger


@pytest.mark.parametrize("name", ["project-settings", "project-members"])
def test_admin_pages_are_for_admins_only_when_asked_by_members_or_strangers(client, team, name):
    project, admin, annotator, reviewer, stranger = team
    url = reverse(name, args=[project.pk])
    for user, status in ((admin, 200), (annotator, 403), (reviewer, 403), (stranger, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status, user.username
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_new_project_page_and_home_link_follow_project_creators_when_set(client, team,
                                                                        settings):
    _, admin, *_ = team
    client.force_login(admin)
    assert client.get(reverse("project-new")).status_code == 403
    assert 'id="ann-new-project"' not in client.get(reverse("home")).content.decode()
    settings.PROJECT_CREATORS = "anyone"
    assert client.get(reverse("project-new")).status_code == 200
    assert 'id="ann-new-project"' in client.get(reverse("home")).content.decode()
    settings.PROJECT_CREATORS = "staff"
    get_user_model().objects.filter(pk=admin.pk).update(is_staff=True)
    assert client.get(reverse("project-new")).status_code == 200


def test_settings_page_bootstraps_the_project_as_json_not_markup_when_names_hold_tags(
        client, team):
    project, admin, *_ = team
    project.description = "<script>alert(1)</script>"
    project.save()
    membership_set(project=project, user=admin, role="admin")
    client.force_login(admin)
    html = client.get(reverse("project-settings", args=[project.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "\\u003Cscript\\u003Ealert(1)" in html  # json_script's escaping
