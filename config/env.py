"""Reading settings from environment variables, and the production guard.

Kept apart from settings.py so the guard can be unit-tested on plain dicts.
"""
from __future__ import annotations

import os
from collections.abc import Mapping

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}

# The quick start's key. Only accepted while DEBUG is on.
DEV_SECRET_KEY = "insecure-quick-start-key-do-not-use-in-production"


class ImproperlyConfiguredEnv(Exception):
    """A setting read from the environment is unusable; the message is one line."""


def env_bool(name: str, default: bool, environ: Mapping[str, str] = os.environ) -> bool:
    raw = environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfiguredEnv(f"{name}={raw!r} is not a boolean: use true or false.")


def env_int(name: str, default: int, environ: Mapping[str, str] = os.environ) -> int:
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfiguredEnv(f"{name}={raw!r} is not an integer.") from None


def env_list(name: str, default: str, environ: Mapping[str, str] = os.environ) -> list[str]:
    return [item.strip() for item in environ.get(name, default).split(",") if item.strip()]


def production_problems(*, debug: bool, secret_key: str, allowed_hosts: list[str]) -> list[str]:
    """What makes these settings unsafe to serve with DEBUG off (empty when fine)."""
    if debug:
        return []
    problems = []
    if not secret_key:
        problems.append("SECRET_KEY is not set: generate one with "
                        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`.")
    elif secret_key == DEV_SECRET_KEY:
        problems.append("SECRET_KEY is the quick-start key: set your own.")
    elif len(secret_key) < 50 or len(set(secret_key)) < 5:
        problems.append("SECRET_KEY is weak: use at least 50 random characters.")
    if "*" in allowed_hosts:
        problems.append("ALLOWED_HOSTS contains '*': list the host names you serve.")
    if not allowed_hosts:
        problems.append("ALLOWED_HOSTS is empty: list the host names you serve.")
    return problems
