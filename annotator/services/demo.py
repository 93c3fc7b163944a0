"""The quick start's demo users. Refused when DEBUG is off."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from annotator.models import Project, Role
from annotator.services.projects import membership_set

DEMO_USERS = [
    # (username, password, role)
    ("admin", "demo-admin-pass", Role.ADMIN),
    ("annotator", "demo-annotator-pass", Role.ANNOTATOR),
    ("reviewer", "demo-reviewer-pass", Role.REVIEWER),
]


class DemoRefused(Exception):
    pass


@transaction.atomic
def demo_users_ensure(*, project: Project) -> list[tuple[str, str, str]]:
    """Create the demo users once (passwords are set only on creation) and their roles."""
    if not settings.DEBUG:
        raise DemoRefused("demo users have known passwords: they are only created with DEBUG on.")
    User = get_user_model()
    rows = []
    for username, password, role in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_password(password)
            user.is_staff = user.is_superuser = role == Role.ADMIN
            user.save()
        membership_set(project=project, user=user, role=role)
        rows.append((username, password, role))
    return rows
