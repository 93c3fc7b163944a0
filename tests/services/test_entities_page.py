"""The source entities page (/projects/{id}/entities/): every member reads it; only
reviewers and admins get the edit form (the API refuses the others anyway)."""
import json
import re

import pytest
from django.test import Client

from annotator.services.projects import membership_set, project_create

pytestmark = pytest.mark.django_db


def config_of(user, project):
    client = Client()
    client.force_login(user)
    response = client.get(f"/projects/{project.pk}/entities/")
    if response.status_code != 200:
        return response.status_code, None
    found = re.search(r'id="ann-entities-config"[^>]*>(.*?)</script>',
                      response.content.decode(), re.DOTALL)
    return 200, json.loads(found.group(1))


@pytest.mark.parametrize("role,can_edit", [("admin", True), ("reviewer", True),
                                           ("annotator", False)])
def test_entities_page_offers_editing_to_reviewers_and_admins_only_when_members_open_it(
        django_user_model, role, can_edit):
    project = project_create(name="P")
    user = django_user_model.objects.create_user("u")
    membership_set(project=project, user=user, role=role)
    status, config = config_of(user, project)
    assert status == 200 and config["can_edit"] is can_edit
    assert {"value": "anonymous", "label": "Anonymous"} in config["types"]


def test_entities_page_is_404_when_a_stranger_opens_it(django_user_model):
    project = project_create(name="P")
    stranger = django_user_model.objects.create_user("s")
    assert config_of(stranger, project)[0] == 404
    client = Client()
    assert client.get(f"/projects/{project.pk}/entities/").status_code == 302  # to login


def test_project_page_links_to_its_entities_page(django_user_model):
    project = project_create(name="P")
    user = django_user_model.objects.create_user("u")
    membership_set(project=project, user=user, role="annotator")
    client = Client()
    client.force_login(user)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert f'href="/projects/{project.pk}/entities/"' in page
