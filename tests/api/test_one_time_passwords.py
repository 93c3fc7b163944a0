"""A one-time password is for one sign-in: the account made with it reaches only the
password page until its owner chooses their own (annotator/password_gate.py). Other
accounts are not held up, and anyone changes their password from the browser."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from annotator.models import ApiToken, PasswordChangeRequired
from annotator.services.accounts import api_token_create

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-test-passw0rd"  # make_user's default (tests/conftest.py)
MINE = "my-Own-chosen-passw0rd"


def made_by_admin(world, api, username="newbie") -> str:
    answer = api(world.admin).post(f"/api/projects/{world.project.pk}/accounts/",
                                   {"username": username, "role": "annotator"}, format="json")
    assert answer.status_code == 201, answer.content
    return answer.json()["password"]


def signed_in(username: str, password: str, next_page: str = "") -> tuple[Client, object]:
    client = Client()
    answer = client.post("/login/", {"username": username, "password": password,
                                     "next": next_page})
    assert answer.status_code == 302, answer.content[:300]
    return client, answer


def test_account_made_with_a_one_time_password_reaches_only_the_password_page_until_changed(
        world, api):
    one_time = made_by_admin(world, api)
    project_page = f"/projects/{world.project.pk}/"
    client, _ = signed_in("newbie", one_time, project_page)

    held = client.get(project_page)
    assert held.status_code == 302
    assert held["Location"] == f"/accounts/password/?next=%2Fprojects%2F{world.project.pk}%2F"
    page = client.get(held["Location"])
    assert page.status_code == 200 and b"Choose your own password" in page.content
    refused = client.get("/api/projects/")
    assert refused.status_code == 403
    assert refused.json()["code"] == "password_change_required"
    assert "one-time password" in refused.json()["detail"]
    # Nor can a script get round it with a token made from the one-time password.
    token = APIClient().post("/api/auth/token/", {"username": "newbie", "password": one_time,
                                                  "name": "script"}, format="json")
    assert token.status_code == 403 and "choose your own password" in token.json()["detail"]
    assert not ApiToken.objects.filter(user__username="newbie").exists()

    wrong = client.post("/accounts/password/", {"old_password": "not-it", "new_password1": MINE,
                                                "new_password2": MINE, "next": project_page})
    assert wrong.status_code == 200 and b"incorrectly" in wrong.content
    assert PasswordChangeRequired.objects.filter(user__username="newbie").exists()
    weak = client.post("/accounts/password/", {"old_password": one_time, "new_password1": "abc",
                                               "new_password2": "abc"})
    assert weak.status_code == 200 and b"too short" in weak.content

    done = client.post("/accounts/password/", {"old_password": one_time, "new_password1": MINE,
                                               "new_password2": MINE, "next": project_page})
    assert done.status_code == 302 and done["Location"] == project_page
    assert client.get(project_page).status_code == 200  # the same session goes on
    assert client.get("/api/projects/").status_code == 200
    assert not PasswordChangeRequired.objects.filter(user__username="newbie").exists()
    user = get_user_model().objects.get(username="newbie")
    assert user.check_password(MINE) and not user.check_password(one_time)
    # Signing in again goes straight where asked.
    again, answer = signed_in("newbie", MINE, project_page)
    assert answer["Location"] == project_page and again.get(project_page).status_code == 200


def test_a_script_changes_the_one_time_password_through_the_api_after_a_session_login(
        world, api):
    one_time = made_by_admin(world, api, "scripted")
    client = APIClient()
    assert client.post("/api/auth/login/", {"username": "scripted", "password": one_time},
                       format="json").status_code == 200
    assert client.get("/api/me/").status_code == 403
    changed = client.post("/api/auth/password/", {"current_password": one_time,
                                                  "new_password": MINE}, format="json")
    assert changed.status_code == 200, changed.content
    assert client.get("/api/me/").json()["username"] == "scripted"


def test_accounts_with_their_own_password_are_not_held_up_when_they_sign_in(world):
    client, answer = signed_in("ann", PASSWORD, f"/projects/{world.project.pk}/")
    assert answer["Location"] == f"/projects/{world.project.pk}/"
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/projects/").status_code == 200
    assert not any("passwordchangerequired" in q["sql"].lower() for q in queries.captured_queries)


def test_anyone_changes_their_password_in_the_browser_and_their_tokens_stop(world):
    token = api_token_create(user=world.annotator, name="laptop")
    client, _ = signed_in("ann", PASSWORD)
    page = client.get("/accounts/password/")
    assert page.status_code == 200 and b"Change your password" in page.content
    mismatch = client.post("/accounts/password/", {"old_password": PASSWORD,
                                                   "new_password1": MINE,
                                                   "new_password2": MINE + "x"})
    assert mismatch.status_code == 200 and b"didn" in mismatch.content
    # An address of another site in `next` is not followed.
    done = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": MINE,
                                               "new_password2": MINE,
                                               "next": "https://elsewhere.example/"})
    assert done.status_code == 302 and done["Location"] == "/"
    refused = APIClient()
    refused.credentials(HTTP_AUTHORIZATION=f"Token {token.secret}")
    assert refused.get("/api/me/").status_code == 401
    assert Client().get("/accounts/password/").status_code == 302  # signed out: the login page
