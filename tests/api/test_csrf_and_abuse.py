"""Abuse: CSRF on every unsafe operation, the login lockout, password validators, and
request body limits.

CSRF: every POST/PUT/PATCH/DELETE of the OpenAPI schema, sent by a browser
session (Django's Client with enforce_csrf_checks) of the project's admin
without a token, is a 403 that changes nothing; the same request with the
token then gets the permission matrix's answer, so the 403 was the token's.

Lockout: django-axes counts failed logins in the database (one count for every
web process), per user name and address, and per address over every user name;
the HTML form, both API logins and the password change share it.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from annotator.models import ApiToken, Document
from annotator.services.demo import DEMO_USERS
from tests.api.test_permission_matrix import (OK, OPERATIONS, POLICY, STATUS_OF,  # noqa: F401
                                              changed_tables, default_params, matrix, snapshot)

PASSWORD = "a-Long-test-passw0rd"  # make_user's default (tests/conftest.py)
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


# --- CSRF -----------------------------------------------------------------------------------

def csrf_rows():
    """One policy row per unsafe operation: one the admin may do, where there is one."""
    for method, path in sorted(op for op in OPERATIONS if op[0] in UNSAFE):
        rows = [row for row in POLICY if (row.method, row.path) == (method, path)]
        assert rows, f"{method} {path} has no row in the permission matrix"
        row = next((r for r in rows if r.expect["admin"] == OK), rows[0])
        yield pytest.param(row, id=row.name)


def test_the_schema_has_unsafe_operations_to_check():
    assert len([op for op in OPERATIONS if op[0] in UNSAFE]) >= 30


def browser_request(client: Client, row, m, user, token: str | None):
    params = {**default_params(m), **(row.params(m) if row.params else {})}
    url = row.path.format(**params)
    extra = row.headers(m) if row.headers else {}
    if token is not None:
        extra["HTTP_X_CSRFTOKEN"] = token
    if row.multipart:
        return client.post(url, row.multipart(m, user), **extra)
    body = row.body(m, user) if row.body else None
    data = {} if body is None else {"data": json.dumps(body), "content_type": "application/json"}
    return client.generic(row.method, url, **data, **extra)


@pytest.mark.parametrize("row", list(csrf_rows()))
def test_unsafe_method_is_403_and_changes_nothing_when_session_has_no_csrf_token(row, matrix):
    admin = matrix.w.admin
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    if row.prepare:
        row.prepare(matrix, admin)
    before = snapshot()

    refused = browser_request(client, row, matrix, admin, token=None)

    assert refused.status_code == 403, (refused.status_code, refused.content[:300])
    assert refused["Content-Type"] == "application/json"
    assert "CSRF" in refused.json()["detail"]
    assert not changed_tables(before, snapshot())

    # The same request with the token: the matrix's answer, so the 403 was the token's.
    token = client.get("/api/auth/csrf/").json()["csrf_token"]
    answered = browser_request(client, row, matrix, admin, token=token)
    expected = row.expect["admin"]
    if expected == OK:
        assert 200 <= answered.status_code < 300, (answered.status_code, answered.content[:300])
    else:
        assert answered.status_code == STATUS_OF[expected], answered.content[:300]
        assert "CSRF" not in answered.content.decode()


def test_api_login_needs_the_csrf_token_when_anonymous(make_user):
    make_user("alice")
    client = Client(enforce_csrf_checks=True)
    credentials = {"username": "alice", "password": PASSWORD}

    refused = client.post("/api/auth/login/", credentials, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert "_auth_user_id" not in client.session

    token = client.get("/api/auth/csrf/").json()["csrf_token"]
    accepted = client.post("/api/auth/login/", credentials, content_type="application/json",
                           HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 200, accepted.content
    assert client.session["_auth_user_id"] == str(get_user_model().objects.get(
        username="alice").pk)


def test_html_login_form_needs_the_csrf_token(make_user):
    make_user("alice")
    client = Client(enforce_csrf_checks=True)
    credentials = {"username": "alice", "password": PASSWORD}

    assert client.post("/login/", credentials).status_code == 403
    assert "_auth_user_id" not in client.session

    client.get("/login/")
    signed_in = client.post("/login/", {**credentials,
                                        "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert signed_in.status_code == 302


# --- Login lockout ----------------------------------------------------------------------------

def api_login(client, username, password, **extra):
    return client.post("/api/auth/login/", {"username": username, "password": password},
                       content_type="application/json", **extra)


def token_login(client, username, password, **extra):
    return client.post("/api/auth/token/", {"username": username, "password": password},
                       content_type="application/json", **extra)


def form_login(client, username, password, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def fail_until_locked(login, client, username, settings, **extra):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = login(client, username, "wrong-password", **extra)
        assert response.status_code in (200, 400, 429), response.status_code  # never a 500


LOGINS = {"API session login": api_login, "API token": token_login, "HTML form": form_login}


def assert_locked_out(response, *, api: bool):
    assert response.status_code == 429, (response.status_code, response.content[:300])
    if api:
        assert response["Content-Type"] == "application/json"
        assert "Too many failed sign-ins" in response.json()["detail"]
        assert int(response["Retry-After"]) == 15 * 60
    else:
        assert response["Content-Type"].startswith("text/html")
        assert "Too many failed sign-ins" in response.content.decode()


@pytest.mark.parametrize("login", list(LOGINS.values()), ids=list(LOGINS))
def test_right_password_refused_when_too_many_failures_came_before(login, make_user, settings):
    make_user("alice")
    client = Client()
    fail_until_locked(login, client, "alice", settings)

    response = login(client, "alice", PASSWORD)

    assert_locked_out(response, api=login is not form_login)
    assert "_auth_user_id" not in client.session
    assert not ApiToken.objects.filter(user__username="alice").exists()
    # The count is a database row, so every web process on every machine sees it.
    attempt = AccessAttempt.objects.get(username="alice", ip_address="127.0.0.1")
    assert attempt.failures_since_start == settings.AXES_FAILURE_LIMIT


def test_failures_on_the_api_lock_the_html_form_too(make_user, settings):
    make_user("alice")
    fail_until_locked(api_login, Client(), "alice", settings)

    assert_locked_out(form_login(Client(), "alice", PASSWORD), api=False)
    assert_locked_out(token_login(Client(), "alice", PASSWORD), api=True)


def test_other_user_and_other_address_sign_in_when_one_pair_is_locked(make_user, settings):
    make_user("alice"), make_user("bob")
    fail_until_locked(api_login, Client(), "alice", settings)

    assert api_login(Client(), "bob", PASSWORD).status_code == 200
    assert api_login(Client(), "alice", PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 200
    assert_locked_out(api_login(Client(), "alice", PASSWORD), api=True)


def test_lockout_holds_when_the_caller_forges_x_forwarded_for(make_user, settings):
    make_user("alice")
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        api_login(client, "alice", "wrong-password", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")

    response = api_login(client, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert_locked_out(response, api=True)


def test_client_address_comes_from_x_forwarded_for_when_behind_a_trusted_proxy(make_user,
                                                                               settings):
    settings.TRUSTED_PROXY_COUNT = 1
    make_user("alice")
    # The proxy appends the address it received from; what is left of it is the client's own.
    fail_until_locked(api_login, Client(), "alice", settings,
                      HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")

    assert AccessAttempt.objects.filter(ip_address="203.0.113.9").exists()
    assert_locked_out(api_login(Client(), "alice", PASSWORD,
                                HTTP_X_FORWARDED_FOR="203.0.113.9"), api=True)
    # Another client behind the same proxy is not locked out.
    assert api_login(Client(), "alice", PASSWORD,
                     HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 200


def test_sign_in_works_again_when_the_cooloff_has_passed(make_user, settings):
    make_user("alice")
    fail_until_locked(api_login, Client(), "alice", settings)
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time
                                 - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))

    assert api_login(Client(), "alice", PASSWORD).status_code == 200


def test_failures_below_the_limit_are_forgiven_when_the_user_signs_in(make_user, settings):
    make_user("alice")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        api_login(client, "alice", "wrong-password")
    assert api_login(client, "alice", PASSWORD).status_code == 200
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        api_login(Client(), "alice", "wrong-password")

    assert api_login(Client(), "alice", PASSWORD).status_code == 200


def guess_names(login, client, count, **extra):
    """One address trying `count` different user names (none of them twice)."""
    for n in range(count):
        response = login(client, f"guess{n}", "wrong-password", **extra)
        assert response.status_code in (200, 400, 429), response.status_code  # never a 500


@pytest.mark.parametrize("login", list(LOGINS.values()), ids=list(LOGINS))
def test_one_address_trying_many_user_names_is_locked_out(login, make_user, settings):
    make_user("alice")
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    assert limit > settings.AXES_FAILURE_LIMIT  # no single name reaches the per-user rule
    guess_names(login, Client(), limit - 1)
    assert api_login(Client(), "alice", PASSWORD).status_code == 200  # not yet

    guess_names(login, Client(), 1)

    # Every user name, on every login, from that address; not from another one.
    assert_locked_out(login(Client(), "alice", PASSWORD), api=login is not form_login)
    assert_locked_out(api_login(Client(), "alice", PASSWORD), api=True)
    assert_locked_out(token_login(Client(), "alice", PASSWORD), api=True)
    assert_locked_out(form_login(Client(), "alice", PASSWORD), api=False)
    assert api_login(Client(), "alice", PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 200
    assert not ApiToken.objects.exists()


def test_address_count_survives_the_callers_own_successful_sign_in(make_user, settings):
    """A success forgets that user's failures, not the other names the address tried."""
    make_user("alice"), make_user("mallory")
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    guess_names(api_login, Client(), limit - 1)
    assert api_login(Client(), "mallory", PASSWORD).status_code == 200

    guess_names(api_login, Client(), 1)

    assert_locked_out(api_login(Client(), "alice", PASSWORD), api=True)


def test_address_rule_is_off_when_its_limit_is_zero(make_user, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 0
    make_user("alice")
    guess_names(api_login, Client(), 40)

    assert api_login(Client(), "alice", PASSWORD).status_code == 200


def test_address_count_ends_with_the_cooloff(make_user, settings):
    make_user("alice")
    guess_names(api_login, Client(), settings.LOGIN_ADDRESS_FAILURE_LIMIT)
    assert_locked_out(api_login(Client(), "alice", PASSWORD), api=True)
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME
                                 - timedelta(seconds=1))

    assert api_login(Client(), "alice", PASSWORD).status_code == 200


def test_wrong_current_passwords_of_a_password_change_count_toward_the_lockout(make_user,
                                                                              settings):
    """A stolen session cannot try passwords through the password change either."""
    make_user("alice")
    client = Client()
    client.force_login(get_user_model().objects.get(username="alice"))
    token = client.get("/api/auth/csrf/").json()["csrf_token"]

    def change(current):
        return client.post("/api/auth/password/", {"current_password": current,
                                                    "new_password": "another-Long-passw0rd"},
                           content_type="application/json", HTTP_X_CSRFTOKEN=token)

    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert change("wrong-password").status_code == 400

    assert_locked_out(change(PASSWORD), api=True)
    assert get_user_model().objects.get(username="alice").check_password(PASSWORD)


def test_password_checked_without_a_request_by_server_code_when_nothing_to_count(make_user):
    from django.contrib.auth import authenticate

    make_user("alice")
    assert authenticate(username="alice", password="wrong-password") is None
    assert authenticate(username="alice", password=PASSWORD).username == "alice"
    assert not AccessAttempt.objects.exists()


LOCK_CHECK = """
import json, django
django.setup()
from django.contrib.auth import authenticate
from django.test import RequestFactory
request = RequestFactory().post("/login/", REMOTE_ADDR="127.0.0.1")
user = authenticate(request, username="alice", password=%(password)r)
print(json.dumps({"user": getattr(user, "username", None),
                  "locked": getattr(request, "axes_locked_out", False)}))
"""


@pytest.mark.django_db(transaction=True)
def test_lockout_is_seen_by_another_process(make_user, settings):
    from django.db import connection

    from tests.conftest import _database_url

    make_user("alice")
    fail_until_locked(api_login, Client(), "alice", settings)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "false",
           "SECRET_KEY": settings.SECRET_KEY, "DATA_DIR": str(settings.DATA_DIR),
           "DATABASE_URL": _database_url(connection.settings_dict), "LOG_LEVEL": "ERROR"}

    result = subprocess.run([sys.executable, "-c", LOCK_CHECK % {"password": PASSWORD}],
                            cwd=Path(__file__).resolve().parents[2], env=env,
                            capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"user": None, "locked": True}


def test_schema_documents_the_lockout_and_the_body_limit():
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for path in ("/api/auth/login/", "/api/auth/token/", "/api/auth/password/"):
        assert "429" in paths[path]["post"]["responses"], path
    with_body = [(path, method) for path, operations in paths.items()
                 for method, operation in operations.items() if "requestBody" in operation]
    assert len(with_body) >= 20
    assert all("413" in paths[path][method]["responses"] for path, method in with_body)


# --- Password validators ----------------------------------------------------------------------

@pytest.mark.parametrize("password", ["short1!", "password123", "12345678901", "alice-smith1"])
def test_weak_password_refused_by_the_validators(password):
    user = get_user_model()(username="alice-smith", email="alice@example.org")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_demo_and_test_passwords_pass_the_validators():
    for username, password, _role in DEMO_USERS:
        validate_password(password, get_user_model()(username=username))
    validate_password(PASSWORD, get_user_model()(username="ann"))


def test_admin_refuses_to_create_a_user_with_a_weak_password(make_user):
    boss = make_user("boss")
    boss.is_staff = boss.is_superuser = True
    boss.save()
    client = Client()
    client.force_login(boss)

    response = client.post("/admin/auth/user/add/", {
        "username": "newbie", "password1": "password", "password2": "password",
        "usable_password": "true"})

    assert response.status_code == 200  # the form again, with the validators' messages
    assert "This password is too common." in response.content.decode()
    assert not get_user_model().objects.filter(username="newbie").exists()


# --- Request body limits ----------------------------------------------------------------------

def test_json_body_over_the_limit_is_a_413_json_error_and_nothing_is_stored(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    client = Client()
    client.force_login(world.admin)
    token = client.get("/api/auth/csrf/").json()["csrf_token"]
    url = f"/api/projects/{world.project.pk}/documents/"
    before = Document.objects.count()

    too_big = client.post(url, {"title": "Big", "text": "word " * 1000},
                          content_type="application/json", HTTP_X_CSRFTOKEN=token)
    fits = client.post(url, {"title": "Small", "text": "word " * 100},
                       content_type="application/json", HTTP_X_CSRFTOKEN=token)

    assert too_big.status_code == 413
    assert too_big["Content-Type"] == "application/json"
    assert too_big.json()["detail"] == ("A request body may be 2000 bytes at most; "
                                        "this one is 5028 bytes.")
    assert fits.status_code == 201, fits.content
    assert Document.objects.count() == before + 1


def test_form_body_over_the_limit_is_a_413_on_the_html_login(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = Client().post("/login/", urlencode({"username": "x" * 2000, "password": "y"}),
                             content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")
    assert "A request body may be 1000 bytes at most" in response.content.decode()


def test_multipart_field_over_the_limit_is_a_400_json_error_on_the_api(world, api, settings):
    # Within the upload limit, but a form field larger than a JSON body may be: Django
    # refuses it while parsing, before the view.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api(world.admin).post(
        f"/api/projects/{world.project.pk}/imports/",
        {"file": SimpleUploadedFile("a.txt", b"Officials said so."), "format": "t" * 2000},
        format="multipart")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"] == ("The form fields of this request (besides files) "
                                         "are larger than 1000 bytes.")


@pytest.mark.parametrize("megabytes,status,field", [
    (1.5, 400, "is larger than the limit of 1 MB."),  # the import view's own check
    (3, 413, "An upload may be 2.0 MB at most"),      # refused before the body is read
])
def test_upload_over_the_limit_is_a_json_error_and_nothing_is_imported(world, api, settings,
                                                                      megabytes, status, field):
    settings.MAX_UPLOAD_MB = 1
    before = Document.objects.count()
    data = b"Officials said so.\n" * int(megabytes * 1024 * 1024 / 19)

    response = api(world.admin).post(
        f"/api/projects/{world.project.pk}/imports/",
        {"file": SimpleUploadedFile("big.txt", data), "format": "txt"}, format="multipart")

    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    assert field in response.json()["file"][0]
    assert Document.objects.count() == before
