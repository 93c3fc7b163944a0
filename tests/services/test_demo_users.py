import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from annotator.models import Membership

pytestmark = pytest.mark.django_db


def test_create_demo_users_prints_and_gives_each_user_their_role(settings, capsys):
    settings.DEBUG = True
    call_command("load_seeds")
    call_command("create_demo_users")
    out = capsys.readouterr().out
    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert roles == {"admin": "admin", "annotator": "annotator", "reviewer": "reviewer"}
    printed = [line.split() for line in out.splitlines() if "password:" in line]
    assert len(printed) == 3
    for parts in printed:
        username, password = parts[2], parts[4]
        assert authenticate(username=username, password=password) is not None


def test_create_demo_users_refused_when_debug_off(settings):
    settings.DEBUG = False
    call_command("load_seeds")
    with pytest.raises(CommandError, match="only created with DEBUG on"):
        call_command("create_demo_users")
    assert not Membership.objects.exists()


def test_create_demo_users_asks_for_seeds_first(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="load_seeds"):
        call_command("create_demo_users")
