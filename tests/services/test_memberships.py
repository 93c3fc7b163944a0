"""Membership changes keep at least one admin per project, read again under a lock.

The concurrent case (two admins demoting each other at the same instant) runs on
PostgreSQL in tests/integration/test_concurrency.py; here each check on its own.
"""
import pytest

from annotator.errors import Conflict
from annotator.models import Event, Membership, Role
from annotator.services.projects import membership_change, membership_remove, membership_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(make_user, make_project):
    boss, deputy, ann = make_user("boss"), make_user("deputy"), make_user("ann")
    project = make_project(admin=boss, annotator=ann)
    return project, boss, deputy, ann


def member(project, user) -> Membership:
    return Membership.objects.get(project=project, user=user)


def test_last_admin_cannot_be_demoted_or_removed(team):
    project, boss, _, _ = team
    for attempt in (lambda m: membership_change(membership=m, actor=boss, role=Role.ANNOTATOR),
                    lambda m: membership_remove(membership=m, actor=boss)):
        with pytest.raises(Conflict) as refused:
            attempt(member(project, boss))
        assert refused.value.code == "last_admin"
    assert member(project, boss).role == Role.ADMIN


def test_change_refused_when_the_actor_is_no_longer_admin(team):
    project, boss, deputy, ann = team
    membership_set(project=project, user=deputy, role=Role.ADMIN)
    stale = member(project, ann)  # what the deputy's request read before being demoted
    membership_change(membership=member(project, deputy), actor=boss, role=Role.REVIEWER)

    for attempt in (lambda: membership_change(membership=stale, actor=deputy, role=Role.ADMIN),
                    lambda: membership_remove(membership=stale, actor=deputy)):
        with pytest.raises(Conflict) as refused:
            attempt()
        assert refused.value.code == "not_admin"
        assert "no longer an admin" in refused.value.message
    assert member(project, ann).role == Role.ANNOTATOR


def test_change_refused_when_the_member_was_removed_meanwhile(team):
    project, boss, _, ann = team
    stale = member(project, ann)
    membership_remove(membership=member(project, ann), actor=boss)

    with pytest.raises(Conflict) as refused:
        membership_change(membership=stale, actor=boss, role=Role.REVIEWER)
    assert refused.value.code == "deleted"
    assert not Membership.objects.filter(project=project, user=ann).exists()


def test_change_uses_the_stored_role_not_the_one_read_before(team):
    """A demotion of an admin read as admin, made annotator meanwhile, records the stored
    role as `before` and is allowed even though the project has one admin left."""
    project, boss, deputy, _ = team
    membership_set(project=project, user=deputy, role=Role.ADMIN)
    stale = member(project, deputy)
    Membership.objects.filter(pk=stale.pk).update(role=Role.ANNOTATOR)

    changed = membership_change(membership=stale, actor=boss, role=Role.REVIEWER)

    assert changed.role == Role.REVIEWER
    event = Event.objects.filter(target_type="membership", target_id=stale.pk).latest("pk")
    assert event.before == {"role": Role.ANNOTATOR}
