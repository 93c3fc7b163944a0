"""The permission matrix again, over HTTP, against gunicorn on PostgreSQL.

tests/api/test_permission_matrix.py decides what every kind of caller gets
from every operation (its POLICY) and checks it in-process, with Django's test
client and force_authenticate. Here the same cases (imported: the same rows,
the same worlds, the same checks through its `run_case`) are sent as real
requests to a live gunicorn (config/gunicorn.conf.py, 2 processes, production
settings) through what the reverse proxy adds, each caller signing in with
its own API token. The world of each case is committed to the test database,
which gunicorn reads; the snapshots compare that database before and after.

Differences from the in-process run, and why:
- the world is made once and committed, and its rows are kept aside (a schema of
  copies); every table is emptied after each case (this module's `db` fixture) and
  the kept rows are put back before the next, so gunicorn's connections see exactly
  the rows a fresh world would have;
- users are stored with a password hash of the production hasher (PBKDF2),
  made once: the server verifies the passwords the login rows send, and the
  test settings' fast MD5 hasher is not one it accepts;
- the caller's token exists before the case starts (it is how they sign in),
  so the rows about "the token the request is sent with" need no token made for
  them, and the session's "POST /api/auth/logout/" revokes that token, as the
  row "with a token" does;
- tasks the server or the test queue (pre-tagging, exports) go to a queue of
  this module's own that no worker reads: the matrix checks who may start a
  job, not the job, and a worker changing rows would upset the snapshots.
"""
from __future__ import annotations

import copy
import dataclasses
import json
import os

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from tests.api import test_permission_matrix as pm
from tests.api.conftest import world_build
from tests.conftest import new_document, new_project
from tests.integration.topology import Deployment, ProxiedSession, database_url_of, forget_queue

QUEUE = f"matrix-gunicorn-{os.getpid()}"


# --- A database that gunicorn sees -------------------------------------------------------
# The world is committed (no test transaction around it), and every table is emptied
# after each case and its rows put back from the kept copies: the in-process run's
# fresh world per case, without pytest-django's flush (TRUNCATE of every table, then
# content types and permissions made again), which took most of the time of a case,
# and without making the world again through the services.

KEEP = {"django_content_type", "auth_permission", "django_migrations"}  # made by migrate


def world_tables() -> list[str]:
    from django.db import connection

    return [name for name in connection.introspection.django_table_names(
        only_existing=True, include_views=False) if name not in KEEP]


def empty_tables() -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are deferrable
        # No triggers: a span's delete would stamp its document again (migration 0026) after
        # the stamps' table was emptied, and the next world's stamps would collide with it.
        cursor.execute("SET LOCAL session_replication_role = replica")
        for name in world_tables():
            cursor.execute(f'DELETE FROM "{name}"')


@pytest.fixture
def db(django_db_setup, django_db_blocker):
    """Database access with every write committed at once; every table emptied afterwards.

    It overrides pytest-django's `db` (a transaction rolled back at the end, which
    gunicorn would never see) under the same name, because that name is what
    pytest-django looks for to create the test database at all.
    """
    with django_db_blocker.unblock():
        from django.db import connection

        with connection.cursor() as cursor:
            # Durability is not what a test needs; a commit is visible to gunicorn at once.
            cursor.execute("SET synchronous_commit TO OFF")
        try:
            yield
        finally:
            empty_tables()


@pytest.fixture(scope="session")
def production_hash() -> str:
    """PASSWORD under the production hasher, with its default work factor (once: ~0.5 s)."""
    return PBKDF2PasswordHasher().encode(pm.PASSWORD, "matrix-salt")


# tests/conftest.py's factories serve, on the committed database (this module's `db`),
# but for users: they get a hash the server checks.

def user_factory(production_hash: str):
    counter = iter(range(1, 10_000))

    def make(username: str | None = None, password: str = pm.PASSWORD):
        from django.contrib.auth import get_user_model

        assert password == pm.PASSWORD, "one password: its hash is made once"
        return get_user_model().objects.create(username=username or f"user{next(counter)}",
                                               password=production_hash)
    return make


@pytest.fixture
def make_user(db, production_hash):
    return user_factory(production_hash)


KEPT = "matrix_world"  # the schema of the kept copies of the world's rows


def world_keep() -> list[str]:
    """Copy every table that has rows into schema KEPT; return their names."""
    from django.db import connection, transaction

    kept = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {KEPT} CASCADE")
        cursor.execute(f"CREATE SCHEMA {KEPT}")
        for name in world_tables():
            cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{name}")')
            if cursor.fetchone()[0]:
                cursor.execute(f'CREATE TABLE {KEPT}."{name}" AS SELECT * FROM "{name}"')
                kept.append(name)
    return kept


def world_put_back(kept: list[str]) -> None:
    """The kept rows into the (emptied) tables, ids and all, in one transaction."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        # As they were: the documents' stamps too, so no trigger writes new ones while the
        # rows go back (migration 0026's triggers would stamp each document inserted).
        cursor.execute("SET LOCAL session_replication_role = replica")
        for name in kept:
            cursor.execute(f'INSERT INTO "{name}" SELECT * FROM {KEPT}."{name}"')


@pytest.fixture(scope="module")
def world_made_once(server, django_db_setup, django_db_blocker, production_hash):
    """The matrix's world, made once (committed), and the names of the tables it fills."""
    from django.db import connection

    with django_db_blocker.unblock():
        empty_tables()
        template = pm.matrix_build(world_build(user_factory(production_hash), new_project,
                                               new_document))
        kept = world_keep()
        empty_tables()
        try:
            yield template, kept
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA IF EXISTS {KEPT} CASCADE")


@pytest.fixture
def matrix(world_made_once, db, settings) -> pm.Matrix:
    """The world as a fresh one would be: its rows put back, a copy of its objects."""
    template, kept = world_made_once
    settings.TRAINING_MIN_DOCUMENTS = 1
    world_put_back(kept)
    return copy.deepcopy(template)


@pytest.fixture
def crossed(matrix, make_document) -> dict:
    return pm.crossed_build(matrix, make_document)


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    """gunicorn on the test database, as production runs it; its queue read by nobody."""
    from django.conf import settings
    from django.db import connection

    import redis

    from config.celery import app

    redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=5).ping()
    with django_db_blocker.unblock():
        empty_tables()  # whatever an earlier test left behind

    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = QUEUE  # what this process enqueues goes there too
    folder = tmp_path_factory.mktemp("matrix-gunicorn")
    try:
        with Deployment(folder, database_url=database_url_of(connection.settings_dict),
                        queue=QUEUE,
                        broker_url=settings.CELERY_BROKER_URL,
                        # The test process writes export zips here (a row's preparation).
                        extra_env={"EXPORT_DIR": str(settings.EXPORT_DIR),
                                   "APP_ENV": "production", "TRUSTED_PROXY_COUNT": "1",
                                   "LOG_LEVEL": "WARNING",
                                   # as the in-process matrix: its world has two approved
                                   # documents, enough to start a training job
                                   "TRAINING_MIN_DOCUMENTS": "2",
                                   # libpq's: the server's commits do not wait for the disk.
                                   "PGOPTIONS": "-c synchronous_commit=off"}) as deployment:
            web = deployment.start_web(workers=2, threads=2)
            yield web
    finally:
        app.conf.task_default_queue = previous_queue
        forget_queue(settings.CELERY_BROKER_URL, QUEUE)


@pytest.fixture(scope="module")
def http(server):
    """One keep-alive connection for the whole module; the caller is set per request."""
    client = ProxiedSession(server.url)
    yield client
    client.close()


class Answer:
    """A requests response, read the way the matrix's checks read Django's."""

    def __init__(self, response):
        self.response = response
        self.status_code = response.status_code

    def json(self):
        return self.response.json()

    def __getitem__(self, header: str) -> str:
        return self.response.headers[header]

    @property
    def streaming_content(self):
        return [self.response.content]

    @property
    def data(self):
        try:
            return self.response.json()
        except ValueError:
            return self.response.text[:1000]


def call(http: ProxiedSession, user, method: str, url: str, *, query=None, headers=None,
         body=None, multipart=None) -> Answer:
    """One request as `user` (None: anonymous), with a token of theirs."""
    headers = dict(headers or {})
    if user is not None:  # made before the case by sign_in()
        headers["Authorization"] = f"Token {SECRETS[user.pk]}"
    if method not in ("GET", "HEAD"):
        # A browser's login needs the CSRF pair; token requests ignore it.
        if "csrftoken" not in http.session.cookies:
            http.get("/api/auth/csrf/")
        headers["X-CSRFToken"] = http.session.cookies["csrftoken"]
    http.session.cookies.pop("sessionid", None)  # no session left over from a login case
    kwargs = {"params": query, "headers": headers}
    if multipart is not None:
        kwargs["files"] = {name: (value.name, value.read()) for name, value in multipart.items()
                           if hasattr(value, "read")}
        kwargs["data"] = {name: value for name, value in multipart.items()
                          if not hasattr(value, "read")}
    elif body is not None:
        kwargs["data"] = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    return Answer(http.request(method, url, **kwargs))


SECRETS: dict[int, str] = {}  # user pk → the secret of the token they sign in with


def sign_in(m: pm.Matrix, user) -> None:
    """The caller's API token, made before the case's first snapshot (the matrix's
    give_token, so that rows about the caller's own token find it)."""
    if user is not None:
        pm.give_token(m, user)
        SECRETS[user.pk] = m.tokens[user.pk]


def header_name(meta_key: str) -> str:
    """HTTP_IF_MATCH (a Django test client's extra) → If-Match."""
    return "-".join(part.capitalize() for part in meta_key.removeprefix("HTTP_").split("_"))


def send(http: ProxiedSession, row: pm.Row, m: pm.Matrix, user) -> Answer:
    """tests/api/test_permission_matrix.send, over HTTP."""
    params = {**pm.default_params(m), **(row.params(m) if row.params else {})}
    headers = {header_name(k): v for k, v in (row.headers(m) if row.headers else {}).items()}
    return call(http, user, row.method, row.path.format(**params), headers=headers,
                query=row.query(m) if row.query else None,
                multipart=row.multipart(m, user) if row.multipart else None,
                body=row.body(m, user) if row.body and not row.multipart else None)


@pytest.mark.parametrize(("row", "actor"), list(pm.matrix_cases()))
def test_permission_matrix_over_http(row, actor, matrix, http):  # noqa: F811
    if row is not None and row.prepare is pm.give_token:
        # The caller signs in with a token already (made by give_token): the one the row means.
        row = dataclasses.replace(row, prepare=None)
    if row is not None and (row.method, row.path, row.token) == ("POST", "/api/auth/logout/",
                                                                 False):
        row = dataclasses.replace(row, writes=True)  # a token's sign-out revokes it
    sign_in(matrix, matrix.user(actor))
    pm.run_case(row, actor, matrix, lambda user: send(http, row, matrix, user))


@pytest.mark.parametrize("case", list(pm.CROSS_CASES), ids=list(pm.CROSS_CASES))
def test_ids_of_another_project_change_nothing_over_http(case, crossed, http):  # noqa: F811
    sign_in(crossed["m"], crossed["m"].user(pm.CROSS_CASES[case][0]))
    pm.run_cross_case(case, crossed, lambda user, method, url, body: call(
        http, user, method, url, body=body))
