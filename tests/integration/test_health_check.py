"""The kept connection's health check (config/postgresql/base.py): no `SELECT 1` while the
socket is quiet, and a connection the server ended still replaced before the request's
first query, as Django's check does."""
from __future__ import annotations

import select

import psycopg2
import pytest
from django.db import connection

from config.postgresql import base as backend

pytestmark = pytest.mark.django_db(transaction=True)  # autocommit, as a request runs


def other_session():
    """A connection of its own to the test database, to watch and end ours."""
    params = connection.get_connection_params()
    session = psycopg2.connect(**{k: v for k, v in params.items() if k != "cursor_factory"})
    session.autocommit = True
    return session


def last_statement(session, pid: int) -> str:
    with session.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid() /* marker */")
        return cursor.fetchone()[0]


def new_request():
    """What Django does between two requests on a kept connection."""
    connection.close_if_unusable_or_obsolete()
    assert connection.health_check_enabled and not connection.health_check_done


@pytest.fixture
def checked(settings):
    connection.close()
    connection.settings_dict["CONN_HEALTH_CHECKS"] = True
    connection.settings_dict["CONN_MAX_AGE"] = 60
    yield
    connection.close()


def test_health_check_sends_nothing_when_the_socket_is_quiet(checked):
    session = other_session()
    pid = backend_pid()
    new_request()
    connection.close_if_health_check_failed()
    assert connection.health_check_done and connection.connection is not None
    assert last_statement(session, pid) == "SELECT pg_backend_pid() /* marker */"
    assert backend_pid() == pid  # the same connection serves the request
    session.close()


def test_health_check_asks_the_server_when_the_connection_sat_idle(checked):
    session = other_session()
    pid = backend_pid()
    new_request()
    connection.checked_at -= backend.QUIET_SECONDS + 1
    connection.close_if_health_check_failed()
    assert last_statement(session, pid) == "SELECT 1"
    assert backend_pid() == pid
    session.close()


def test_health_check_replaces_the_connection_when_the_server_ended_it(checked):
    session = other_session()
    pid = backend_pid()
    with session.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert cursor.fetchone()[0] is True
    # The server's goodbye reaches the socket: wait for it (not a timing assertion).
    poller = select.poll()
    poller.register(connection.connection.fileno(), select.POLLIN)
    assert poller.poll(10_000), "the ended connection's socket never became readable"
    new_request()
    connection.close_if_health_check_failed()
    assert connection.connection is None  # closed before any query of the request
    assert backend_pid() != pid  # a new connection, and the request's query answered
    session.close()


def test_health_check_asks_the_server_inside_a_transaction(checked):
    backend_pid()
    connection.connection.autocommit = False
    with connection.connection.cursor() as cursor:
        cursor.execute("SELECT 2")  # a transaction left open on the connection
    assert not backend.socket_quiet(connection.connection)
    connection.connection.rollback()
    connection.connection.autocommit = True
    assert backend.socket_quiet(connection.connection)
