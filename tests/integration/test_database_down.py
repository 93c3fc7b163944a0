"""gunicorn on PostgreSQL while the server is stopped mid-test: the API and /healthz
answer JSON 503 with Retry-After, the pages a plain 503 page, nothing a 500 or a hang;
once PostgreSQL is back the same processes answer 200 (issue #12, point 5).

The server is a private one (tests/integration/private_services.py): the machine's
shared PostgreSQL is never stopped.
"""
from __future__ import annotations

import pytest

from tests.database_down import (assert_answers_when_down, assert_answers_when_up, signed_in,
                                 web_server)
from tests.integration import private_services

pytestmark = pytest.mark.integration


def test_gunicorn_answers_503_while_postgresql_is_stopped_and_200_once_it_is_back(tmp_path):
    # Without PostgreSQL's binaries PrivatePostgres raises, saying which: the test fails.
    with private_services.PrivatePostgres() as postgres:
        url = postgres.create_database("annotator")
        with web_server(url, tmp_path) as (base, world):
            browser = signed_in(base, world)
            assert_answers_when_up(base, world, browser)  # connections are open and kept
            postgres.stop()  # "fast": every session is closed, as in a restart
            try:
                assert_answers_when_down(base, world, browser)
            finally:
                postgres.start()
            assert_answers_when_up(base, world, browser)
