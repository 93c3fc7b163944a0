"""Reading settings from environment variables, and the production guard.

Kept apart from settings.py so the guard can be unit-tested on plain dicts.
"""
from __future__ import annotations

import os
import re
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


APP_ENVS = ("development", "production")


def env_app_env(environ: Mapping[str, str] = os.environ) -> str:
    """APP_ENV: "production" declares a production deployment; unset or "development" does not.

    Anything else is refused: a typo ("prod") must not quietly mean "not production".
    """
    raw = environ.get("APP_ENV", "").strip().lower()
    if raw == "":
        return "development"
    if raw not in APP_ENVS:
        raise ImproperlyConfiguredEnv(f"APP_ENV={environ['APP_ENV']!r} is not one of: "
                                      f"{', '.join(APP_ENVS)}.")
    return raw


def env_proxy_ssl_header(environ: Mapping[str, str] = os.environ) -> tuple[str, str] | None:
    """SECURE_PROXY_SSL_HEADER as Django wants it, from "X-Forwarded-Proto" (value https)
    or "X-Forwarded-Proto: https"; unset or empty: None (no proxy tells the scheme)."""
    raw = environ.get("SECURE_PROXY_SSL_HEADER", "").strip()
    if not raw:
        return None
    name, _, value = raw.partition(":")
    name, value = name.strip(), value.strip() or "https"
    if not re.fullmatch(r"[A-Za-z0-9-]+", name):
        raise ImproperlyConfiguredEnv(f"SECURE_PROXY_SSL_HEADER={raw!r} is not a header name "
                                      "(e.g. X-Forwarded-Proto, or X-Forwarded-Proto: https).")
    return "HTTP_" + name.upper().replace("-", "_"), value


LOCKOUT_FIELDS = {"username": "username", "ip": "ip_address", "ip_address": "ip_address",
                  "user_agent": "user_agent"}


def env_lockout_parameters(environ: Mapping[str, str] = os.environ) -> list:
    """LOGIN_LOCKOUT_BY as django-axes' AXES_LOCKOUT_PARAMETERS.

    Commas separate alternatives (a lockout on any of them), "+" joins fields that count
    together: "username+ip" (the default) counts failures per user name and address pair.
    """
    raw = environ.get("LOGIN_LOCKOUT_BY", "").strip() or "username+ip"
    parameters: list = []
    for alternative in raw.split(","):
        names = [name.strip().lower() for name in alternative.split("+")]
        if not all(name in LOCKOUT_FIELDS for name in names):
            raise ImproperlyConfiguredEnv(
                f"LOGIN_LOCKOUT_BY={raw!r}: use username, ip and user_agent, joined with + "
                "(counted together) or , (any of them).")
        fields = [LOCKOUT_FIELDS[name] for name in names]
        parameters.append(fields[0] if len(fields) == 1 else fields)
    return parameters


def env_positive_int(name: str, default: int, environ: Mapping[str, str] = os.environ) -> int:
    value = env_int(name, default, environ)
    if value < 1:
        raise ImproperlyConfiguredEnv(f"{name}={value} must be at least 1.")
    return value


def env_non_negative_int(name: str, default: int, environ: Mapping[str, str] = os.environ) -> int:
    value = env_int(name, default, environ)
    if value < 0:
        raise ImproperlyConfiguredEnv(f"{name}={value} must be 0 (off) or more.")
    return value


def production_problems(*, debug: bool, secret_key: str, allowed_hosts: list[str],
                        app_env: str = "development") -> list[str]:
    """What makes these settings unsafe to serve in production (empty when fine).

    Production is DEBUG off, or APP_ENV=production, which also forbids DEBUG on.
    """
    if debug:
        if app_env == "production":
            return ["DEBUG is on with APP_ENV=production: unset DEBUG or set DEBUG=false."]
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
