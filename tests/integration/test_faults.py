"""Faults during pre-tagging jobs: kill -9 of workers, PostgreSQL and Redis restarts.

The kill test runs bench/faults.py's loop (3 kills instead of 20) on the test
database and broker. The restart tests run a whole stack of their own
(tests/integration/private_services.py: PostgreSQL and Redis on free ports,
gunicorn, a worker, beat), because stopping the machine's shared servers is
not an option; they drive it through the REST API, as a user would.

Every wait is bounded: a hang fails the test instead of holding up the run.
"""
from __future__ import annotations

import http.client
import itertools
import json
import os
import random
import secrets
import subprocess
import sys
import time
import uuid
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench import faults
from tests.integration import private_services

ROOT = Path(__file__).resolve().parents[2]
HTTP_TIMEOUT = 30       # a request that takes longer is a hang
JOB_TIMEOUT = 120       # a job that has not ended by then is stuck
STOPPED_SECONDS = 3     # how long a server stays down


# --- kill -9 ------------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_no_suggestion_is_lost_or_duplicated_when_workers_are_killed_during_jobs(
        make_user, tmp_path):
    from django.conf import settings
    from django.db import connection

    from tests.conftest import _database_url

    queue = f"faults-{uuid.uuid4().hex[:10]}"
    env = faults.service_environment(
        database_url=_database_url(connection.settings_dict),
        broker_url=settings.CELERY_BROKER_URL, queue=queue, data_dir=tmp_path / "data",
        secret_key=settings.SECRET_KEY)
    admin = make_user()
    numbers = itertools.count(1)
    worker, beat = faults.Worker(env, tmp_path), faults.Beat(env, tmp_path)
    try:
        beat.start()
        worker.start()
        with faults.sending_to(queue):
            run = faults.kill_loop(
                worker=worker, kills=3, kills_per_job=2, max_delay=1.0, rng=random.Random(8),
                recover_timeout=60, finish_timeout=JOB_TIMEOUT,
                start_job=lambda: faults.job_start(admin=admin, name=f"Kill {next(numbers)}",
                                                   documents=40))
        checks = [faults.job_check(job) for job in run.jobs]
    finally:
        worker.stop()
        beat.stop()
        faults.forget_queue(settings.CELERY_BROKER_URL, queue)
    figures = faults.summary(run, checks)
    assert figures["problems"] == [], f"{figures}\nworker log:\n{worker.tail()}"
    assert figures["kills"] == 3
    assert figures["jobs_done"] == figures["jobs"] >= 2
    assert figures["lost"] == figures["extra"] == figures["duplicated"] == 0
    assert figures["found_suggestions"] == figures["expected_suggestions"] > 0
    assert figures["resumes"] >= 1  # the watchdog, not luck, finished the killed jobs


# An export run in a process of its own that stops mid-write, its zip half written, until
# it is killed: export_job_run as a worker runs it, but for the pause.
EXPORT_STALLS_MID_WRITE = """
import signal, sys
import django
django.setup()
from annotator.services.exports import jobs as exports  # where export_job_run finds project_export

def stalls(**kwargs):
    kwargs["bundle"].write("data.jsonl", ["the first documents\\n" * 1000])
    print("mid-write", flush=True)
    signal.pause()

exports.project_export = stalls
exports.export_job_run(job_id=int(sys.argv[1]))
"""


@pytest.mark.django_db(transaction=True)
def test_the_partial_file_of_an_export_killed_mid_write_is_removed_and_the_job_completes(
        make_user, make_project, make_document, settings, tmp_path):
    """Issue 12, point 7: kill -9 leaves the run's .part file behind; the watchdog gives
    the run up, removes its file, and the export completes with no .part left."""
    import select
    import signal
    import zipfile

    from django.db import connection

    from annotator.models import ExportJob
    from annotator.services.exports import export_job_run, export_path
    from annotator.tasks import pretag_watchdog_task
    from tests.conftest import _database_url

    settings.EXPORT_DIR = tmp_path / "exports"
    admin = make_user()
    project = make_project(admin=admin)
    for i in range(3):
        make_document(project, text=f"Officials said talks {i} ended.", title=f"K{i}")
    # Made as export_job_start makes it, without sending it: the process below runs it.
    job = ExportJob.objects.create(project=project, format="jsonl", requested_by=admin,
                                   total=3)
    queue = f"faults-{uuid.uuid4().hex[:10]}"
    env = {**faults.service_environment(
        database_url=_database_url(connection.settings_dict),
        broker_url=settings.CELERY_BROKER_URL, queue=queue, data_dir=tmp_path / "data",
        secret_key=settings.SECRET_KEY), "EXPORT_DIR": str(settings.EXPORT_DIR)}
    run = subprocess.Popen([sys.executable, "-c", EXPORT_STALLS_MID_WRITE, str(job.pk)],
                           cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, start_new_session=True)
    try:
        ready, _, _ = select.select([run.stdout], [], [], JOB_TIMEOUT)  # bounded: no hang
        said = run.stdout.readline() if ready else "(nothing in time)"
        assert said == "mid-write\n", said + (run.stdout.read() if run.poll() is not None
                                               else "")
        os.killpg(run.pid, signal.SIGKILL)
        run.wait(timeout=20)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait(timeout=20)
    folder = settings.EXPORT_DIR / f"project-{project.pk}"
    assert [p.name for p in folder.glob("*.part")] == [f"export-{job.pk}-jsonl.run-1.zip.part"]
    assert ExportJob.objects.get(pk=job.pk).state == "running"  # as the dead run left it

    settings.JOB_STALE_SECONDS = 0  # its heartbeat stopped: stale at once
    try:
        with faults.sending_to(queue):  # the resend goes to a queue nobody reads
            pretag_watchdog_task()
    finally:
        faults.forget_queue(settings.CELERY_BROKER_URL, queue)
    assert list(folder.glob("*.part")) == []
    assert ExportJob.objects.get(pk=job.pk).state == "queued"

    finished = export_job_run(job_id=job.pk)  # what the resent message leads to
    assert (finished.state, finished.attempts, finished.done) == ("done", 2, 3)
    assert zipfile.ZipFile(export_path(finished)).testzip() is None
    assert list(folder.glob("*.part")) == []


# --- A private stack: PostgreSQL, Redis, gunicorn, a worker and beat -----------------------------

@dataclass
class Stack:
    postgres: private_services.PrivatePostgres
    redis: private_services.PrivateRedis
    env: dict
    port: int
    token: str
    projects: list[int]
    worker: faults.Worker
    beat: faults.Beat

    def api(self, method: str, path: str, body: dict | None = None) -> tuple[int, object]:
        """One request on a new connection; HTTP_TIMEOUT bounds it (a hang raises)."""
        connection = http.client.HTTPConnection(private_services.HOST, self.port,
                                                timeout=HTTP_TIMEOUT)
        headers = {"Authorization": f"Token {self.token}", "Accept": "application/json",
                   "Content-Type": "application/json"}
        try:
            connection.request(method, path, headers=headers,
                               body=None if body is None else json.dumps(body))
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        try:
            return response.status, json.loads(data)
        except ValueError:
            return response.status, data[:500]

    def start_job(self, project: int) -> dict:
        status, job = self.api("POST", f"/api/projects/{project}/pretag-jobs/", {})
        assert status == 202, job
        return job

    def job(self, job_id: int) -> dict | None:
        """The job through the API; None while the API cannot answer (a server is down)."""
        try:
            status, job = self.api("GET", f"/api/pretag-jobs/{job_id}/")
        except OSError:
            return None
        return job if status == 200 else None

    def wait_job(self, job_id: int, condition, what: str, timeout: float = JOB_TIMEOUT) -> dict:
        deadline = time.monotonic() + timeout
        job = None
        while time.monotonic() < deadline:
            job = self.job(job_id) or job
            if job is not None and condition(job):
                return job
            time.sleep(0.2)
        pytest.fail(f"timed out after {timeout} s waiting for {what}; last seen: {job}\n"
                    f"worker log:\n{self.worker.tail()}")

    def check(self, job_id: int) -> dict:
        """bench/faults.py's check of the job's suggestions, run on the private database."""
        found = subprocess.run([sys.executable, "bench/faults.py", "check", str(job_id)],
                               cwd=ROOT, env=self.env, capture_output=True, text=True,
                               timeout=JOB_TIMEOUT, check=True)
        return json.loads(found.stdout)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    missing = private_services.missing_binaries()
    if missing:  # they come with the PostgreSQL and Redis server packages the tier needs
        pytest.fail("the restart tests need " + ", ".join(missing))
    # bench/ is on sys.path (bench.faults puts it there): the benchmarks' server set-up.
    from api_bench import app_environment
    from load import gunicorn  # config/gunicorn.conf.py, on a free port of 127.0.0.1

    folder = tmp_path_factory.mktemp("private-stack")
    with ExitStack() as cleanup:
        postgres = cleanup.enter_context(private_services.PrivatePostgres())
        redis_server = cleanup.enter_context(private_services.PrivateRedis())
        database_url = postgres.create_database("annotator")
        env = faults.service_environment(
            database_url=database_url, broker_url=redis_server.url(0), queue="faults",
            data_dir=folder / "data", secret_key=secrets.token_urlsafe(50))
        for command in (["manage.py", "migrate", "--noinput", "-v", "0"],
                        ["bench/faults.py", "seed", "--projects", "4", "--documents", "100",
                         "--out", str(folder / "world.json")]):
            subprocess.run([sys.executable, *command], cwd=ROOT, env=env, check=True,
                           timeout=300)
        world = json.loads((folder / "world.json").read_text())
        web_env = {**app_environment(database_url, folder), **{
            k: env[k] for k in ("CELERY_BROKER_URL", "CELERY_QUEUE", "SECRET_KEY")}}
        port, _ = cleanup.enter_context(gunicorn(web_env, folder, workers=1, threads=4))
        worker, beat = faults.Worker(env, folder), faults.Beat(env, folder)
        cleanup.callback(worker.stop)
        cleanup.callback(beat.stop)
        worker.start()
        beat.start()
        yield Stack(postgres=postgres, redis=redis_server, env=env, port=port,
                    token=world["token"], projects=world["projects"], worker=worker, beat=beat)


def ended(job: dict) -> bool:
    return job["state"] not in ("queued", "running")


def assert_done_exactly(stack: Stack, job: dict) -> None:
    assert (job["state"], job["done"], job["errors"]) == ("done", job["total"], 0), job
    check = stack.check(job["id"])
    assert check["ok"] and check["lost"] == check["extra"] == check["duplicated"] == 0, check


def test_job_finishes_exactly_when_postgresql_restarts_mid_job(stack):
    job = stack.start_job(stack.projects[0])
    running = stack.wait_job(job["id"], lambda j: j["done"] >= 2, "the job to start")
    assert running["done"] < running["total"], "the job ended before the restart: make it longer"
    stack.postgres.stop()  # "fast": every session is closed, as in a restart
    time.sleep(STOPPED_SECONDS)
    stack.postgres.start()
    finished = stack.wait_job(job["id"], ended, "the job to end after PostgreSQL restarted")
    assert_done_exactly(stack, finished)


def test_job_finishes_exactly_when_redis_restarts_mid_job(stack):
    job = stack.start_job(stack.projects[1])
    running = stack.wait_job(job["id"], lambda j: j["done"] >= 2, "the job to start")
    assert running["done"] < running["total"], "the job ended before the restart: make it longer"
    stack.redis.stop()  # no persistence: every queued message is gone
    time.sleep(STOPPED_SECONDS)
    stack.redis.start()
    finished = stack.wait_job(job["id"], ended, "the job to end after Redis restarted")
    assert_done_exactly(stack, finished)


def test_starting_a_job_while_redis_is_down_answers_and_the_job_runs_once_redis_is_back(stack):
    stack.redis.stop()
    try:
        status, job = stack.api("POST", f"/api/projects/{stack.projects[2]}/pretag-jobs/", {})
        assert status == 202, job
        assert job["state"] == "queued"
        waiting = stack.job(job["id"])
        assert waiting["state"] == "queued" and "broker" in waiting["error"], waiting
    finally:
        stack.redis.start()
    finished = stack.wait_job(job["id"], ended, "the job to run once Redis is back")
    assert_done_exactly(stack, finished)
    assert finished["error"] == ""  # the waiting note is gone once it ran


def test_starting_a_job_while_redis_hangs_answers_and_the_job_runs_once_it_wakes(stack):
    """A Redis that accepts connections and never answers (paused, overloaded): the
    broker's socket timeouts end the send, so the request answers instead of hanging
    (api() allows HTTP_TIMEOUT, gunicorn's own limit)."""
    stack.redis.pause()
    try:
        # A project no other test pre-tags: the check compares with a first run.
        status, job = stack.api("POST", f"/api/projects/{stack.projects[3]}/pretag-jobs/", {})
        assert status == 202, job
        waiting = stack.job(job["id"])
        assert waiting["state"] == "queued" and "broker" in waiting["error"], waiting
    finally:
        stack.redis.resume()
    finished = stack.wait_job(job["id"], ended, "the job to run once Redis answers again")
    assert_done_exactly(stack, finished)


# --- Export jobs across Redis restarts (the same private stack) ----------------------------------

def start_export(stack: Stack, project: int) -> tuple[int, dict]:
    return stack.api("POST", f"/api/projects/{project}/export-jobs/",
                     {"format": "jsonl", "layer": "all"})


def wait_export(stack: Stack, job_id: int, condition, what: str,
                timeout: float = JOB_TIMEOUT) -> dict:
    deadline = time.monotonic() + timeout
    job = None
    while time.monotonic() < deadline:
        try:
            status, seen = stack.api("GET", f"/api/export-jobs/{job_id}/")
        except OSError:
            status, seen = None, None
        job = seen if status == 200 else job
        if job is not None and condition(job):
            return job
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout} s waiting for {what}; last seen: {job}\n"
                f"worker log:\n{stack.worker.tail()}")


def assert_export_complete(stack: Stack, job: dict) -> None:
    """Done, and its download is the zip whose sha256 the job gives, with every document."""
    import hashlib
    import io
    import zipfile

    assert (job["state"], job["error"]) == ("done", ""), job
    connection = http.client.HTTPConnection(private_services.HOST, stack.port,
                                            timeout=HTTP_TIMEOUT)
    try:
        connection.request("GET", f"/api/export-jobs/{job['id']}/download/",
                           headers={"Authorization": f"Token {stack.token}"})
        response = connection.getresponse()
        data = response.read()
    finally:
        connection.close()
    assert response.status == 200, data[:500]
    assert hashlib.sha256(data).hexdigest() == job["sha256"]
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert len(archive.read("data.jsonl").splitlines()) == job["total"] == job["done"] == 100


def test_export_queued_when_redis_restarts_is_sent_again_and_completes(stack):
    stack.worker.stop()  # nobody takes the message: it waits in Redis
    try:
        status, job = start_export(stack, stack.projects[0])
        assert status == 202 and job["state"] == "queued", job
        stack.redis.stop()  # no persistence: the queued message is gone
        time.sleep(STOPPED_SECONDS)
        stack.redis.start()
        assert wait_export(stack, job["id"], lambda j: True, "the API")["state"] == "queued"
    finally:
        stack.worker.start()
    finished = wait_export(stack, job["id"], ended, "the export to end after Redis restarted")
    assert_export_complete(stack, finished)


def test_starting_an_export_while_redis_is_down_answers_and_it_runs_once_redis_is_back(stack):
    stack.redis.stop()
    try:
        began = time.monotonic()
        status, job = start_export(stack, stack.projects[1])
        assert status == 202, job
        assert time.monotonic() - began < HTTP_TIMEOUT
        assert job["state"] == "queued"
        waiting = wait_export(stack, job["id"], lambda j: True, "the API")
        assert waiting["state"] == "queued" and "broker" in waiting["error"], waiting
    finally:
        stack.redis.start()
    finished = wait_export(stack, job["id"], ended, "the export to run once Redis is back")
    assert_export_complete(stack, finished)  # the waiting note is gone once it ran
