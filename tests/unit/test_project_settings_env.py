"""PROJECT_CREATORS and the e-mail settings, read from the environment in a process of
their own (tests/unit/test_production_settings.py's helpers)."""
from __future__ import annotations

import json

import pytest

from tests.unit.test_production_settings import READ_SETTINGS, production_env, run  # noqa: F401



def read(env, *names):
    done = run(["-c", READ_SETTINGS % (list(names),)], env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_project_creators_is_staff_and_mail_goes_to_the_log_when_nothing_is_set(
        production_env):  # noqa: F811
    values = read(production_env(), "PROJECT_CREATORS", "EMAIL_BACKEND")
    assert values == {"PROJECT_CREATORS": "staff",
                      "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}


def test_project_creators_anyone_and_smtp_when_set(production_env):  # noqa: F811
    values = read(production_env(PROJECT_CREATORS="Anyone", EMAIL_HOST="mail.example.org"),
                  "PROJECT_CREATORS", "EMAIL_BACKEND", "EMAIL_HOST")
    assert values["PROJECT_CREATORS"] == "anyone"
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"


def test_startup_refused_in_one_line_when_project_creators_is_unknown(
        production_env):  # noqa: F811
    done = run(["-c", READ_SETTINGS % (["PROJECT_CREATORS"],)],
               production_env(PROJECT_CREATORS="admins"))
    assert done.returncode == 2
    assert "PROJECT_CREATORS='admins' is not one of: staff, anyone." in done.stderr
