"""Fixtures shared by every tier. Objects are made through the services, as the app makes them."""
from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from annotator.models import Role
from annotator.services.documents import document_create
from annotator.services.projects import membership_set, project_create

_counter = itertools.count(1)


def new_user(username: str | None = None, password: str = "a-Long-test-passw0rd"):
    username = username or f"user{next(_counter)}"
    return get_user_model().objects.create_user(username=username, password=password)


def new_project(name: str | None = None, **members):
    project = project_create(name=name or f"Project {next(_counter)}")
    for role, user in members.items():
        membership_set(project=project, user=user, role=Role(role))
    return project


def new_document(project, text: str = "Officials said the bridge will reopen.",
                 title: str = "Doc"):
    document, _ = document_create(project=project, title=title, text=text)
    return document


# The factories as fixtures (they ask for the database); the functions above serve
# fixtures of a wider scope, which cannot ask for these.

@pytest.fixture
def make_user(db):
    return new_user


@pytest.fixture
def make_project(db):
    return new_project


@pytest.fixture
def make_document(db):
    return new_document


@pytest.fixture
def annotator_user(make_user):
    return make_user("ann")


@pytest.fixture
def project(make_project, annotator_user):
    return make_project(annotator=annotator_user)


@pytest.fixture
def document(make_document, project):
    return make_document(project)


# --- A real Celery worker process ---------------------------------------------

def _database_url(settings_dict) -> str:
    from urllib.parse import quote

    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    auth = quote(settings_dict["USER"] or "")
    if settings_dict.get("PASSWORD"):
        auth += ":" + quote(settings_dict["PASSWORD"])
    return (f"postgres://{auth}@{settings_dict['HOST'] or '127.0.0.1'}:"
            f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}")


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, tmp_path_factory):
    """A `celery worker` subprocess on the test database and the configured broker.

    It listens on a queue of its own, so nothing else on the broker interferes.
    Returns an object with the process, its log path and a `restart()`.
    """
    import os
    import subprocess
    import sys
    import time
    import uuid
    from pathlib import Path

    from django.conf import settings
    from django.db import connection

    from config.celery import app

    queue = f"test-{uuid.uuid4().hex[:12]}"
    app.conf.task_default_queue = queue
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings",
           "DATABASE_URL": _database_url(connection.settings_dict),
           "CELERY_BROKER_URL": settings.CELERY_BROKER_URL, "CELERY_QUEUE": queue,
           "DATA_DIR": str(settings.DATA_DIR), "SECRET_KEY": settings.SECRET_KEY,
           "DEBUG": "false",
           # Small batches and a short heartbeat limit, so the resume tests are quick.
           "PRETAG_BATCH_SIZE": "3", "PRETAG_STALE_SECONDS": "2"}
    root = Path(__file__).resolve().parents[1]
    logs = tmp_path_factory.mktemp("worker")

    class Worker:
        process = None
        log = None

        def start(self):
            self.log = logs / f"worker-{time.monotonic_ns()}.log"
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue,
                 "--concurrency=1", "--loglevel=INFO", "--without-gossip", "--without-mingle",
                 "--without-heartbeat", "-n", f"{queue}@%h"],
                cwd=root, env=env, stdout=self.log.open("wb"), stderr=subprocess.STDOUT,
                start_new_session=True)  # its own process group: kill() reaches the pool too
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"worker exited:\n{self.log.read_text()}")
                if "ready." in self.log.read_text():
                    return
                time.sleep(0.2)
            raise RuntimeError(f"worker not ready in 60 s:\n{self.log.read_text()}")

        def kill(self):
            """kill -9 the worker and its pool processes, as a crash would."""
            import signal

            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=20)

        def stop(self):
            if self.process and self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()

    worker = Worker()
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def wait_for():
    """Poll a condition (a callable) until true; fail with a message after the timeout."""
    import time

    def wait(condition, *, timeout: float = 60.0, message: str = "condition"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            time.sleep(0.1)
        pytest.fail(f"timed out after {timeout:.0f} s waiting for {message}")
    return wait


# --- Tests that need no database run in the core tier only -------------------------------

# What pytest-django gives a test that reads or writes the database (directly or through
# the fixtures above, e.g. make_user: fixturenames is the whole closure).
INTEGRATION = Path(__file__).resolve().parent / "integration"
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server",
                     "django_db_reset_sequences", "django_db_serialized_rollback"}


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(config, items):
    """Mark database_free the tests that use no database: pure functions (formats,
    pre-taggers, text, metrics) and processes started with an environment of their own.
    Their result is the same on SQLite and PostgreSQL, so the integration tier
    (Makefile) leaves them out instead of running them a second time."""
    for item in items:
        if item.get_closest_marker("django_db") or INTEGRATION in item.path.parents:
            continue
        if not DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.database_free)


# --- The schema fuzz's reach, over all its operations (tests/api/test_schema_fuzz.py) -----

class FuzzReach:
    """Over a run of every operation, more than one fuzz request in ten must have got a 2xx:
    the fuzz reached the seeded objects and the services behind them, not only 404s and
    validation errors. Each operation is a test of its own, and the tests are spread over
    pytest-xdist's workers, so their counts (record_property) are summed here, in the
    process that gathers the reports; a shortfall fails the run like a failed test."""

    def __init__(self):
        self.operations: dict[str, tuple[int, int]] = {}  # label: (examples asked, 2xx)
        self.expected = 0
        self.summary = self.problem = ""

    def pytest_runtest_logreport(self, report):
        found = dict(report.user_properties)
        if report.when == "call" and report.passed and "fuzz_operation" in found:
            self.operations[found["fuzz_operation"]] = (found["fuzz_examples"],
                                                        found["fuzz_2xx"])
            self.expected = found["fuzz_operations"]

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session):
        if not self.expected or len(self.operations) < self.expected:
            return  # a part of the fuzz ran (-k, -x, a failure): its reach is not judged
        asked = sum(examples for examples, _ in self.operations.values())
        successes = sum(ok for _, ok in self.operations.values())
        self.summary = (f"schema fuzz: {successes} of {asked} requests over "
                        f"{len(self.operations)} operations got a 2xx")
        if successes * 10 <= asked:
            self.problem = (f"{self.summary}, not more than one in ten: "
                            f"{json.dumps(self.operations)}")
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter):
        if self.problem:
            terminalreporter.write_line(f"FAILED {self.problem}", red=True, bold=True)
        elif self.summary:
            terminalreporter.write_line(self.summary)


def pytest_configure(config):
    if not hasattr(config, "workerinput"):  # the process that gathers every worker's reports
        config.pluginmanager.register(FuzzReach(), "fuzz-reach")
