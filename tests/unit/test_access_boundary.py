"""Permissions are decided in annotator/access/ only (STYLE.md, "Permissions").

A source check, like a linter rule: a role compared anywhere else (a view, a page, a
template, a service) is a second place deciding who may do what. Pages and services ask
access.allows / access.require / access.access_* instead.
"""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "annotator"

ROLE_NAME = r"[\"'](?:admin|reviewer|annotator)[\"']"
# `x.role == "admin"`, `role in ("admin", "reviewer")`, `"admin" != role`, and in templates
# `config.role == "reviewer"`.
ROLE_STRING_COMPARED = re.compile(
    rf"(?:==|!=|\bin\b|\bnot in\b)\s*[(\[{{]?\s*{ROLE_NAME}|{ROLE_NAME}\s*(?:==|!=)")
# `membership.role == Role.ADMIN`, `role in (Role.ADMIN, ...)`, `membership.role in {...}`.
ROLE_ENUM_COMPARED = re.compile(
    r"(?:==|!=|\bin\b)\s*[(\[{]?\s*Role\.(?:ADMIN|REVIEWER|ANNOTATOR)\b"
    r"|\.role\s*(?:==|!=|\bin\b|\bnot in\b)")

# Not permission decisions: the project keeps one admin (a rule about the memberships
# themselves, services/projects.py), and the demo admin user is site staff.
ACCESS = "annotator/access/"  # the package: every module of it decides permissions
ENUM_ALLOWED = {ACCESS, "annotator/services/projects.py", "annotator/services/demo.py"}


def sources():
    for path in sorted(APP.rglob("*")):
        if path.suffix in (".py", ".html") and "migrations" not in path.parts:
            yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def is_allowed(name, allowed):
    """A file named in `allowed`, or in a folder named there (ending in "/")."""
    return any(name == entry or entry.endswith("/") and name.startswith(entry)
               for entry in allowed)


def offences(pattern, allowed):
    return [f"{name}:{number}: {line.strip()}"
            for name, text in sources() if not is_allowed(name, allowed)
            for number, line in enumerate(text.splitlines(), 1) if pattern.search(line)]


def test_no_role_string_is_compared_when_outside_access():
    assert offences(ROLE_STRING_COMPARED, {ACCESS}) == []


def test_no_role_is_compared_when_outside_access_and_the_last_admin_rule():
    assert offences(ROLE_ENUM_COMPARED, ENUM_ALLOWED) == []


def test_the_check_finds_a_role_compared_when_one_is():
    lines = ['if membership.role == "admin":', 'can = role in ("admin", "reviewer")',
             '{% if config.role == "reviewer" %}', "if m.role == Role.REVIEWER:"]
    assert all(ROLE_STRING_COMPARED.search(line) or ROLE_ENUM_COMPARED.search(line)
               for line in lines)
    assert not ROLE_STRING_COMPARED.search('user = "admin"')


def test_the_check_looks_at_access_when_it_is_not_allowed():
    assert any(name.startswith(ACCESS) for name in
               (line.split(":")[0] for line in offences(ROLE_ENUM_COMPARED, set())))
