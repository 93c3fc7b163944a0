"""access_project: the project and the user's membership from one query (access/rows.py),
with the ORM's objects and the 404 / 403 rules of annotator.access."""
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from annotator import access
from annotator.access import Forbidden, Need
from annotator.models import Membership, Project

pytestmark = pytest.mark.django_db

FIELDS = [field.attname for field in Project._meta.concrete_fields]


def as_stored(project) -> dict:
    return {name: getattr(project, name) for name in FIELDS}


@pytest.mark.parametrize("role", ["admin", "annotator", "reviewer"])
def test_a_member_gets_the_project_as_stored_and_their_membership_for_free(world, role):
    Project.objects.filter(pk=world.project.pk).update(
        settings={"unassigned_open": False, "note": "é"}, attribute_definitions=[{"name": "x"}])
    user = getattr(world, role)
    with CaptureQueriesContext(connection) as captured:
        project = access.access_project(user, str(world.project.pk))
        membership = access.membership_for(user, project)
    assert len(captured.captured_queries) == 1
    assert as_stored(project) == as_stored(Project.objects.get(pk=world.project.pk))
    assert project.settings["note"] == "é" and project.created_at.tzinfo is not None
    stored = Membership.objects.get(project=world.project, user=user)
    assert (membership.pk, membership.role, membership.user_id) == (stored.pk, stored.role,
                                                                    user.pk)
    assert model_to_dict(project) == model_to_dict(Project.objects.get(pk=world.project.pk))


@pytest.mark.parametrize("who, project_id", [
    ("stranger", "own"), ("outsider", "own"), ("annotator", "other"), ("annotator", "none"),
    ("annotator", "abc"), ("annotator", str(2**63)), ("annotator", "-1"), ("anonymous", "own")])
def test_non_members_missing_and_malformed_ids_are_404(world, who, project_id):
    user = AnonymousUser() if who == "anonymous" else getattr(world, who)
    number = {"own": world.project.pk, "other": world.other_project.pk,
              "none": Project.objects.order_by("-pk").first().pk + 1}.get(project_id, project_id)
    with pytest.raises(access.Http404):
        access.access_project(user, number)


@pytest.mark.parametrize("role, need, allowed", [
    ("admin", Need.MANAGE, True), ("annotator", Need.MANAGE, False),
    ("reviewer", Need.MANAGE, False), ("annotator", Need.ANNOTATE, True),
    ("reviewer", Need.ANNOTATE, False), ("reviewer", Need.REVIEW, True),
    ("annotator", Need.REVIEW, False), ("admin", Need.REVIEW, True)])
def test_a_member_whose_role_lacks_the_need_is_403(world, role, need, allowed):
    user = getattr(world, role)
    if allowed:
        assert access.access_project(user, world.project.pk, need).pk == world.project.pk
    else:
        with pytest.raises(Forbidden):
            access.access_project(user, world.project.pk, need)


def test_a_role_changed_is_seen_by_the_next_lookup(world):
    assert access.access_project(world.annotator, world.project.pk, Need.ANNOTATE)
    Membership.objects.filter(project=world.project, user=world.annotator).update(
        role="reviewer")
    with pytest.raises(Forbidden):
        access.access_project(world.annotator, world.project.pk, Need.ANNOTATE)
    Membership.objects.filter(project=world.project, user=world.annotator).delete()
    with pytest.raises(access.Http404):
        access.access_project(world.annotator, world.project.pk)
