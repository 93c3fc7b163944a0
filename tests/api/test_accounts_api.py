"""Accounts: API tokens (several per user, named, hashed, expiring, revocable), the
password change, and signing out.

Against DRF's authtoken (one token per user, replaced by each request for one, stored
in clear, never expiring) and without the password endpoint, every test here failed
but two guards of what already held: an unknown token's 401, a session's logout.
"""
from __future__ import annotations

import hashlib
import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from annotator.models import ApiToken
from annotator.services.accounts import MAX_ACTIVE_TOKENS, api_token_create

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-test-passw0rd"  # make_user's default (tests/conftest.py)
NEW_PASSWORD = "another-Long-test-passw0rd"


def with_token(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def token_by_password(username: str, **body):
    return APIClient().post("/api/auth/token/", {"username": username, "password": PASSWORD,
                                                 **body}, format="json")


def me(secret: str):
    return with_token(secret).get("/api/me/")


# --- Several named tokens -------------------------------------------------------------------

def test_asking_for_a_token_makes_a_new_named_one_when_the_user_has_others(make_user):
    make_user("alice")
    laptop = token_by_password("alice", name="laptop")
    ci = token_by_password("alice", name="ci")

    assert laptop.status_code == ci.status_code == 201
    assert laptop.json()["name"] == "laptop" and ci.json()["name"] == "ci"
    # Neither invalidated the other.
    for created in (laptop, ci):
        assert me(created.json()["token"]).json()["username"] == "alice"
    listed = with_token(ci.json()["token"]).get("/api/auth/tokens/").json()
    assert [(t["name"], t["status"], t["current"]) for t in listed] == [
        ("ci", "active", True), ("laptop", "active", False)]


def test_signed_in_user_makes_a_token_with_a_name_and_an_expiry(make_user, api):
    alice = make_user("alice")
    expiry = timezone.now() + timedelta(days=30)

    created = api(alice).post("/api/auth/token/", {"name": "nightly export",
                                                   "expires_at": expiry.isoformat()},
                              format="json")

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["name"] == "nightly export" and body["status"] == "active"
    assert body["prefix"] == body["token"][:8]
    stored = ApiToken.objects.get(pk=body["id"])
    assert stored.expires_at == expiry and stored.user == alice
    assert me(body["token"]).status_code == 200


def test_browser_session_makes_a_token_with_the_csrf_token(make_user):
    make_user("alice")
    browser = Client(enforce_csrf_checks=True)
    assert browser.login(username="alice", password=PASSWORD)
    csrf = browser.get("/api/auth/csrf/").json()["csrf_token"]

    created = browser.post("/api/auth/token/", {"name": "from the browser"},
                           content_type="application/json", HTTP_X_CSRFTOKEN=csrf)

    assert created.status_code == 201, created.content
    assert me(created.json()["token"]).json()["username"] == "alice"


def test_only_a_hash_of_the_secret_is_stored(make_user):
    make_user("alice")
    secret = token_by_password("alice").json()["token"]

    stored = ApiToken.objects.values().get()
    assert stored["digest"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in [str(value) for value in stored.values()]
    assert len(secret) >= 43  # 32 random bytes, URL-safe base64


def test_token_list_shows_no_secret_and_only_my_tokens(make_user, api):
    alice, bob = make_user("alice"), make_user("bob")
    api_token_create(user=alice, name="mine")
    api_token_create(user=bob, name="bob's")

    listed = api(alice).get("/api/auth/tokens/").json()

    assert [t["name"] for t in listed] == ["mine"]
    assert set(listed[0]) == {"id", "name", "prefix", "status", "current", "created_at",
                              "last_used_at", "expires_at", "revoked_at"}


def test_revoking_one_token_leaves_the_others_working(make_user):
    alice = make_user("alice")
    laptop = api_token_create(user=alice, name="laptop")
    ci = api_token_create(user=alice, name="ci")

    revoked = with_token(laptop.secret).delete(f"/api/auth/tokens/{ci.pk}/")

    assert revoked.status_code == 204
    refused = me(ci.secret)
    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"] and "ci" in refused.json()["detail"]
    assert me(laptop.secret).status_code == 200
    listed = with_token(laptop.secret).get("/api/auth/tokens/").json()
    assert {t["name"]: t["status"] for t in listed} == {"ci": "revoked", "laptop": "active"}


def test_another_users_token_cannot_be_revoked(make_user, api):
    alice, bob = make_user("alice"), make_user("bob")
    bobs = api_token_create(user=bob, name="bob's")

    response = api(alice).delete(f"/api/auth/tokens/{bobs.pk}/")

    assert response.status_code == 404
    assert me(bobs.secret).status_code == 200


def test_expired_token_answers_401_saying_it_expired(make_user):
    alice = make_user("alice")
    token = api_token_create(user=alice, name="short",
                             expires_at=timezone.now() + timedelta(hours=1))
    assert me(token.secret).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    refused = me(token.secret)

    assert refused.status_code == 401
    assert "expired" in refused.json()["detail"] and "short" in refused.json()["detail"]
    assert refused["WWW-Authenticate"] == "Token"


def test_unknown_token_answers_401(db):
    refused = me("not-a-token-anybody-has")
    assert refused.status_code == 401 and refused.json()["detail"] == "Invalid token."


SIGN_IN = {"username": "alice", "password": PASSWORD}


@pytest.mark.parametrize("body,field", [
    ({**SIGN_IN, "expires_at": "2001-01-01T00:00:00Z"}, "expires_at"),
    ({**SIGN_IN, "expires_at": "2999-01-01T00:00:00Z"}, "expires_at"),
    ({**SIGN_IN, "expires_at": "tomorrow"}, "expires_at"),
    ({**SIGN_IN, "name": "x" * 101}, "name"),
    ({**SIGN_IN, "name": ""}, "name"),
    ({"username": "alice"}, "password"),
    ({"password": PASSWORD}, "username"),
])
def test_bad_token_request_is_400_naming_the_field_and_makes_nothing(make_user, body, field):
    make_user("alice")

    response = APIClient().post("/api/auth/token/", body, format="json")

    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert not ApiToken.objects.exists()


def test_a_user_with_too_many_active_tokens_is_told_to_revoke_one(make_user, api):
    alice = make_user("alice")
    for n in range(MAX_ACTIVE_TOKENS):
        api_token_create(user=alice, name=f"run {n}")

    refused = api(alice).post("/api/auth/token/", {"name": "one more"}, format="json")

    assert refused.status_code == 409 and refused.json()["code"] == "too_many_tokens"
    ApiToken.objects.filter(name="run 0").update(revoked_at=timezone.now())
    assert api(alice).post("/api/auth/token/", {"name": "one more"},
                           format="json").status_code == 201


def test_last_used_is_written_at_most_once_a_minute(make_user):
    alice = make_user("alice")
    token = api_token_create(user=alice, name="busy script")
    client = with_token(token.secret)

    def updates_of(request):
        with CaptureQueriesContext(connection) as queries:
            assert request().status_code == 200
        return [q["sql"] for q in queries
                if q["sql"].startswith("UPDATE") and "annotator_apitoken" in q["sql"]]

    assert len(updates_of(lambda: client.get("/api/me/"))) == 1
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    for _ in range(5):
        assert updates_of(lambda: client.get("/api/me/")) == []
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(seconds=61))
    assert len(updates_of(lambda: client.get("/api/me/"))) == 1
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_tokens_of_drf_authtoken_keep_working_after_the_migration(make_user):
    """Migration 0008 carries DRF's keys over (as hashes) and deletes the clear ones."""
    alice = make_user("alice")
    old_key = "0123456789abcdef0123456789abcdef01234567"
    created = "timestamp with time zone" if connection.vendor == "postgresql" else "datetime"
    with connection.cursor() as cursor:  # the table rest_framework.authtoken left behind
        cursor.execute(f'CREATE TABLE authtoken_token ("key" varchar(40) PRIMARY KEY, '
                       f'created {created} NOT NULL, user_id integer NOT NULL)')
        cursor.execute('INSERT INTO authtoken_token ("key", created, user_id) VALUES (%s, %s, %s)',
                       [old_key, timezone.now() - timedelta(days=400), alice.pk])
    migration = importlib.import_module("annotator.migrations.0008_api_tokens")

    # What RunPython hands the function; it needs only the editor's connection (a real
    # schema editor cannot open inside the test's transaction on SQLite).
    migration.copy_drf_tokens(django_apps, SimpleNamespace(connection=connection))

    assert me(old_key).json()["username"] == "alice"
    carried = ApiToken.objects.get(user=alice)
    assert carried.name == migration.CARRIED_OVER_NAME and carried.prefix == old_key[:8]
    assert carried.created_at < timezone.now() - timedelta(days=399)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0  # no key left in clear


# --- Password change ------------------------------------------------------------------------

def session_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_password_change_revokes_every_token_and_ends_other_sessions(make_user):
    make_user("alice")
    tokens = [api_token_create(user=get_user_model().objects.get(username="alice"),
                               name=name) for name in ("laptop", "ci")]
    this_session, other_session = session_for("alice"), session_for("alice")

    changed = this_session.post("/api/auth/password/", {"current_password": PASSWORD,
                                                        "new_password": NEW_PASSWORD},
                                content_type="application/json")

    assert changed.status_code == 200, changed.content
    assert changed.json() == {"tokens_revoked": 2}
    for token in tokens:
        refused = me(token.secret)
        assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
    assert this_session.get("/api/me/").status_code == 200  # update_session_auth_hash
    assert other_session.get("/api/me/").status_code in (401, 403)
    assert get_user_model().objects.get(username="alice").check_password(NEW_PASSWORD)
    assert token_by_password("alice").status_code == 400  # the old password is gone


def test_password_change_with_a_token_revokes_that_token_too(make_user):
    alice = make_user("alice")
    token = api_token_create(user=alice, name="script")

    changed = with_token(token.secret).post("/api/auth/password/", {
        "current_password": PASSWORD, "new_password": NEW_PASSWORD}, format="json")

    assert changed.status_code == 200 and changed.json() == {"tokens_revoked": 1}
    assert me(token.secret).status_code == 401
    assert not any(key.startswith("_auth") for key in changed.client.session.keys())


@pytest.mark.parametrize("body,field", [
    ({"current_password": "wrong-password", "new_password": NEW_PASSWORD}, "current_password"),
    ({"current_password": PASSWORD, "new_password": "short"}, "new_password"),
    ({"current_password": PASSWORD, "new_password": "password123"}, "new_password"),
    ({"current_password": PASSWORD, "new_password": "12345678901"}, "new_password"),
    ({"current_password": PASSWORD}, "new_password"),
    ({"new_password": NEW_PASSWORD}, "current_password"),
])
def test_refused_password_change_is_400_naming_the_field_and_changes_nothing(make_user, body,
                                                                             field):
    alice = make_user("alice")
    token = api_token_create(user=alice, name="script")

    response = with_token(token.secret).post("/api/auth/password/", body, format="json")

    assert response.status_code == 400, response.content
    assert list(response.json()) == [field] and response.json()[field][0]
    assert get_user_model().objects.get(pk=alice.pk).check_password(PASSWORD)
    assert me(token.secret).status_code == 200


# --- Signing out ------------------------------------------------------------------------------

def test_logout_with_a_token_revokes_that_token_only(make_user):
    alice = make_user("alice")
    laptop, ci = (api_token_create(user=alice, name=name) for name in ("laptop", "ci"))
    session = session_for("alice")

    assert with_token(ci.secret).post("/api/auth/logout/").status_code == 204

    assert me(ci.secret).status_code == 401
    assert me(laptop.secret).status_code == 200
    assert session.get("/api/me/").status_code == 200


def test_logout_with_a_session_ends_it_and_keeps_the_tokens(make_user):
    alice = make_user("alice")
    token = api_token_create(user=alice, name="script")
    session = session_for("alice")
    csrf = session.get("/api/auth/csrf/").json()["csrf_token"]

    assert session.post("/api/auth/logout/", HTTP_X_CSRFTOKEN=csrf).status_code == 204

    assert session.get("/api/me/").status_code in (401, 403)
    assert me(token.secret).status_code == 200
