"""With the database down, the API and /healthz answer JSON 503 with Retry-After and the
pages a plain 503 page: never Django's HTML 500 or a traceback (issue #12, point 5).

In-process, the test's own connection is pointed at a database that cannot be opened
(SQLite: a folder where the file should be; PostgreSQL: a closed port), so the test runs
on both tiers. Then gunicorn on SQLite, whose database file becomes a folder while it
serves (the PostgreSQL server stopped mid-test is tests/integration/test_database_down.py).
"""
from __future__ import annotations

import socket
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from annotator.services.accounts import api_token_create
from tests.database_down import (assert_answers_when_down, assert_answers_when_up, signed_in,
                                 web_server)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the probe is


@contextmanager
def database_down(folder: Path):
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = str(folder)  # "unable to open database file"
    else:
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


@pytest.mark.django_db(transaction=True)
def test_everything_answers_503_not_500_while_the_database_is_down_and_200_after(
        world, tmp_path):
    token = api_token_create(user=world.admin, name="outage").secret
    browser = Client(raise_request_exception=False)
    browser.force_login(world.admin)
    api = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {token}")
    project = world.project.pk

    with database_down(tmp_path):
        health = browser.get("/healthz")
        read = api.get(f"/api/projects/{project}/")
        write = api.post(f"/api/projects/{project}/documents/", {"text": "Lost?"},
                         content_type="application/json")
        session_api = browser.get("/api/me/")
        page = browser.get(f"/projects/{project}/")
        admin_page = browser.get("/admin/")
        login = Client(raise_request_exception=False).post(
            "/login/", {"username": "boss", "password": "a-Long-test-passw0rd"})

    assert health.status_code == 503 and health["Retry-After"]
    assert health.json() == {"status": "unavailable", "down": ["database"],
                             "detail": "The database is not answering: try again in a moment.",
                             "code": "database_unavailable"}
    for answer in (read, write, session_api):
        assert answer.status_code == 503, answer.content[:300]
        assert answer["Content-Type"] == "application/json" and int(answer["Retry-After"]) > 0
        assert answer.json()["code"] == "database_unavailable"
    for answer in (page, admin_page, login):
        assert answer.status_code == 503, answer.content[:300]
        assert answer["Content-Type"].startswith("text/html")
        assert b"Service unavailable" in answer.content and b"Traceback" not in answer.content
    # Back up: the next requests connect again, nothing to restart.
    assert browser.get("/healthz").json() == {"status": "ok"}
    assert api.get(f"/api/projects/{project}/").status_code == 200
    assert not world.project.documents.filter(text="Lost?").exists()


def test_gunicorn_on_sqlite_answers_503_while_the_database_file_cannot_be_opened(tmp_path):
    database = tmp_path / "db.sqlite3"
    # No kept connections: each request opens the file again, as after a restart.
    with web_server(f"sqlite:///{database}", tmp_path, DB_CONN_MAX_AGE="0") as (base, world):
        browser = signed_in(base, world)
        assert_answers_when_up(base, world, browser)
        away = tmp_path / "moved-away"
        database.rename(away)
        database.mkdir()  # where the file was, something SQLite cannot open
        try:
            assert_answers_when_down(base, world, browser)
        finally:
            database.rmdir()
            away.rename(database)
        assert_answers_when_up(base, world, browser)
