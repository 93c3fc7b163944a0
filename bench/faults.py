"""Fault injection: kill -9 Celery workers during pre-tagging jobs, then count suggestions.

    .venv/bin/python bench/faults.py                   # 20 kills: the figures in docs/benchmarks.md
    .venv/bin/python bench/faults.py --kills 3 --quick  # a check in under a minute

The run makes its own PostgreSQL database (annotator_faults_<pid> on
127.0.0.1:5432, dropped at the end) and uses Redis database 13 on
127.0.0.1:6379 with a queue of its own (its keys are removed at the end). It
starts one Celery worker process (in its own process group) and one beat
process that sends the watchdog every second, as `celery beat` does every
minute in production. Then, until --kills kills are done:

1. start a pre-tagging job over --documents-per-job documents (a new project
   for each job, so each job's suggestions are its own);
2. wait until the job makes progress (after a kill: the recovery time);
3. wait a random 0 to --max-delay seconds, and if the job still runs,
   SIGKILL the worker's whole process group (the worker and its pool
   process, as the kernel's OOM killer or a power cut would);
4. start a new worker at once; after --kills-per-job kills, the next job.

At the end every job must be done, and the suggestions in the database must
equal, document by document, what the tagger gives when run directly in this
process (none lost, none extra), with no two identical suggestions (the
database's unique constraints forbid them; they are counted anyway). The
exit status is 1 when any of that fails.

The same functions run a shorter version in tests/integration/test_faults.py,
and `seed` and `check` (subcommands for those tests' private servers) reuse
them too.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [p for p in (str(ROOT), str(ROOT / "bench")) if p not in sys.path]

from api_bench import postgres_database  # noqa: E402
from workload import article_text  # noqa: E402

HOST = "127.0.0.1"
DEFAULT_POSTGRES_URL = f"postgres://postgres@{HOST}:5432/postgres"
DEFAULT_REDIS_URL = f"redis://{HOST}:6379/13"
START_TIMEOUT = 90        # seconds for a worker or beat process to be ready
RECOVER_TIMEOUT = 120     # seconds for a job to make progress again after a kill
FINISH_TIMEOUT = 600      # seconds for every job to end once the kills are over
WATCHDOG_SECONDS = 1.0    # how often the beat process sends the watchdog


def __getattr__(name: str):
    """`celery -A bench.faults:watchdog_beat_app beat`: the app, with a fast watchdog.

    Production's beat sends the watchdog every 60 s (config/settings.py); a
    fault run would spend most of its time waiting for it. Built only when
    the beat process asks for it, so importing this module changes nothing.
    """
    if name != "watchdog_beat_app":
        raise AttributeError(name)
    from config.celery import app

    seconds = float(os.environ.get("FAULTS_WATCHDOG_SECONDS", WATCHDOG_SECONDS))
    app.conf.beat_schedule = {"pretag-watchdog": {"task": "annotator.pretag_watchdog",
                                                  "schedule": seconds}}
    return app


# --- Processes: workers and beat ------------------------------------------------------------

def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def service_environment(*, database_url: str, broker_url: str, queue: str, data_dir: Path,
                        secret_key: str, batch_size: int = 5, stale_seconds: int = 2,
                        watchdog_seconds: float = WATCHDOG_SECONDS) -> dict:
    """Environment of the worker and beat processes (production settings, DEBUG off)."""
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "false",
            "SECRET_KEY": secret_key, "ALLOWED_HOSTS": HOST, "SECURE_COOKIES": "false",
            "DATABASE_URL": database_url, "CELERY_BROKER_URL": broker_url,
            "CELERY_QUEUE": queue, "DATA_DIR": str(data_dir),
            "PRETAG_BATCH_SIZE": str(batch_size), "PRETAG_STALE_SECONDS": str(stale_seconds),
            "FAULTS_WATCHDOG_SECONDS": str(watchdog_seconds), "PYTHONUNBUFFERED": "1"}


class _Process:
    """A Celery process in its own process group, so that a kill reaches its children."""

    name = "process"
    ready_text = ""

    def __init__(self, env: dict, log_dir: Path):
        self.env, self.log_dir = env, Path(log_dir)
        self.process: subprocess.Popen | None = None
        self.log: Path | None = None
        self.starts = 0

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> float:
        """Start and wait until ready; returns the seconds it took."""
        began = time.monotonic()
        self.starts += 1
        self.log = self.log_dir / f"{self.name}-{self.starts}.log"
        with self.log.open("wb") as output:
            self.process = subprocess.Popen(self.command(), cwd=ROOT, env=self.env,
                                            stdin=subprocess.DEVNULL, stdout=output,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = began + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the {self.name} exited with {self.process.returncode}:\n"
                                   f"{self.tail()}")
            if self.ready_text in self.log.read_text(errors="replace"):
                return time.monotonic() - began
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the {self.name} was not ready in {START_TIMEOUT} s:\n{self.tail()}")

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """kill -9 the whole process group, as a crash would; returns when it is gone."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """A clean stop (SIGTERM to the group), SIGKILL if it takes too long."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            self.kill()
        try:  # pool processes left behind by a killed parent
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def tail(self, lines: int = 40) -> str:
        if self.log is None or not self.log.exists():
            return "(no log)"
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


class Worker(_Process):
    """`celery worker` with one pool process, on the queue of CELERY_QUEUE."""

    name = "worker"
    ready_text = "ready."

    def command(self) -> list[str]:
        queue = self.env["CELERY_QUEUE"]
        return [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue,
                "--concurrency=1", "--loglevel=INFO", "--without-gossip", "--without-mingle",
                "--without-heartbeat", "-n", f"{queue}-{self.starts}@%h"]


class Beat(_Process):
    """`celery beat` sending the watchdog every FAULTS_WATCHDOG_SECONDS."""

    name = "beat"
    ready_text = "beat: Starting..."

    def command(self) -> list[str]:
        return [sys.executable, "-m", "celery", "-A", "bench.faults:watchdog_beat_app", "beat",
                "--loglevel=INFO", "-s", str(self.log_dir / "beat-schedule")]


@contextmanager
def sending_to(queue: str):
    """Tasks sent from this process go to `queue` meanwhile (the workers' queue)."""
    from config.celery import app

    before = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        yield
    finally:
        app.conf.task_default_queue = before


def forget_queue(broker_url: str, queue: str) -> None:
    """Remove a queue's keys and the unacknowledged messages killed workers left behind."""
    import redis

    client = redis.Redis.from_url(broker_url, socket_timeout=10)
    try:
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}",
                      *[f"{queue}\x06\x16{priority}" for priority in range(10)])
        for tag, raw in client.hscan_iter("unacked"):
            try:
                routing_key = json.loads(raw)[2]
            except (ValueError, IndexError, TypeError):
                continue
            if routing_key == queue:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)
    finally:
        client.close()


# --- Data: projects, jobs and the expected suggestions ---------------------------------------

def user_with_token(username: str):
    from django.contrib.auth import get_user_model

    from annotator.services.accounts import api_token_create

    user = get_user_model().objects.create(username=username)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user, api_token_create(user=user, name="benchmark").secret


def project_with_documents(*, admin, name: str, documents: int):
    """A project (admin: `admin`) with `documents` articles; texts repeat across projects."""
    from annotator.services.documents import document_create
    from annotator.services.projects import project_create

    project = project_create(name=name, creator=admin)
    for number in range(documents):
        document_create(project=project, title=f"Article {number}", text=article_text(number))
    return project


def job_start(*, admin, name: str, documents: int) -> int:
    """A new project with its documents and a pre-tagging job over them (sent after commit)."""
    from annotator.services.pretag_jobs import pretag_job_start

    project = project_with_documents(admin=admin, name=name, documents=documents)
    return pretag_job_start(project=project, requested_by=admin).pk


_expected_cache: dict[str, tuple[set, set]] = {}


def expected_for_text(text: str) -> tuple[set, set]:
    """The tagger's output for one text, run directly: (span keys, attribution keys).

    A span is (label, start, end); an attribution is (claim spans, source span, cue span).
    """
    if text not in _expected_cache:
        from annotator.pretag import get_tagger, pretag_text

        result = pretag_text(get_tagger(), text)
        by_key = {s.key: (s.label, s.start, s.end) for s in result.spans}
        spans = set(by_key.values())
        attributions = {(tuple(by_key[k] for k in a.claims), by_key.get(a.source),
                         by_key.get(a.cue)) for a in result.attributions}
        _expected_cache[text] = (spans, attributions)
    return _expected_cache[text]


def stored_for_project(project_id: int) -> tuple[list, list]:
    """Suggestions in the database, one entry per row: ([(doc, span)], [(doc, attribution)])."""
    from annotator.models import Attribution, ClaimFragment, Span

    rows = list(Span.objects.filter(document__project_id=project_id, annotator__isnull=True)
                .values_list("pk", "document_id", "label__name", "start", "end"))
    span_of = {pk: (label, start, end) for pk, _, label, start, end in rows}
    spans = [(document, span_of[pk]) for pk, document, *_ in rows]
    fragments: dict[int, list] = {}
    for attribution, span in (ClaimFragment.objects
                              .filter(attribution__document__project_id=project_id,
                                      attribution__annotator__isnull=True)
                              .order_by("attribution_id", "position")
                              .values_list("attribution_id", "span_id")):
        fragments.setdefault(attribution, []).append(span_of.get(span))
    attributions = [
        (document, ((span_of.get(claim), *fragments.get(pk, ())), span_of.get(source),
                    span_of.get(cue)))
        for pk, document, claim, source, cue in (
            Attribution.objects.filter(document__project_id=project_id, annotator__isnull=True)
            .values_list("pk", "document_id", "claim_id", "source_id", "cue_id"))]
    return spans, attributions


@dataclass
class JobCheck:
    job: int
    state: str
    done: int
    total: int
    errors: int
    resumes: int                # times the watchdog sent the running job again
    error: str
    documents: int
    expected_spans: int
    expected_attributions: int
    found_spans: int            # rows in the database
    found_attributions: int
    lost: int                   # expected suggestions not in the database
    extra: int                  # suggestions in the database the tagger does not make
    duplicated: int             # rows that repeat another row of the same document
    counted: int                # the job's suggestions_made
    ok: bool = False

    def problems(self) -> list[str]:
        found = []
        if self.state != "done" or self.done != self.total or self.errors:
            found.append(f"job {self.job} is {self.state} at {self.done}/{self.total} "
                         f"with {self.errors} errors {self.error!r}")
        if self.lost or self.extra or self.duplicated:
            found.append(f"job {self.job}: {self.lost} lost, {self.extra} extra, "
                         f"{self.duplicated} duplicated suggestions")
        if self.state == "done" and self.counted != self.found_spans + self.found_attributions:
            found.append(f"job {self.job} counted {self.counted} suggestions, the database "
                         f"holds {self.found_spans + self.found_attributions}")
        return found


def job_check(job_id: int) -> JobCheck:
    """Compare a job's stored suggestions with the tagger's, document by document."""
    from annotator.models import Document, Event, PretagJob

    job = PretagJob.objects.get(pk=job_id)
    resumes = Event.objects.filter(target_type="pretag_job", target_id=job.pk,
                                   action="resume").count()
    expected_spans, expected_attributions = set(), set()
    for document, text in (Document.objects.filter(pretag_items__job=job)
                           .values_list("pk", "text")):
        spans, attributions = expected_for_text(text)
        expected_spans |= {(document, s) for s in spans}
        expected_attributions |= {(document, a) for a in attributions}
    spans, attributions = stored_for_project(job.project_id)
    found = set(spans) | set(attributions)
    expected = expected_spans | expected_attributions
    duplicated = sum(n - 1 for n in Counter(spans).values()) + \
        sum(n - 1 for n in Counter(attributions).values())
    check = JobCheck(job=job.pk, state=job.state, done=job.done, total=job.total,
                     errors=job.errors, resumes=resumes, error=job.error,
                     documents=job.total, expected_spans=len(expected_spans),
                     expected_attributions=len(expected_attributions),
                     found_spans=len(spans), found_attributions=len(attributions),
                     lost=len(expected - found), extra=len(found - expected),
                     duplicated=duplicated, counted=job.suggestions_made)
    check.ok = not check.problems()
    return check


# --- The kill loop ----------------------------------------------------------------------------

class Stuck(Exception):
    """A job made no progress within the time allowed."""


def job_progress(job_id: int) -> tuple[str, int, int]:
    from annotator.models import PretagJob

    return PretagJob.objects.filter(pk=job_id).values_list("state", "done", "total").get()


def wait_for_progress(job_id: int, beyond: int, timeout: float) -> tuple[str, int, int]:
    """Until the job has done more than `beyond` documents, or ended; Stuck after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        state, done, total = job_progress(job_id)
        if done > beyond or state not in ("queued", "running"):
            return state, done, total
        if time.monotonic() > deadline:
            raise Stuck(f"job {job_id} made no progress in {timeout:.0f} s: {state} at "
                        f"{done}/{total}")
        time.sleep(0.05)


@dataclass
class KillRun:
    kills: list[dict] = field(default_factory=list)     # job, done and total when killed
    recoveries: list[float] = field(default_factory=list)  # kill → the job's next document
    worker_starts: list[float] = field(default_factory=list)
    jobs: list[int] = field(default_factory=list)
    finished_in: float = 0.0                            # last kill → every job ended
    elapsed: float = 0.0
    stuck: str = ""


def kill_loop(*, worker, start_job, kills: int, kills_per_job: int = 3, max_delay: float = 1.5,
              rng: random.Random, recover_timeout: float = RECOVER_TIMEOUT,
              finish_timeout: float = FINISH_TIMEOUT, log=say) -> KillRun:
    """Kill `worker` (running) `kills` times during jobs from `start_job()`; see the module doc.

    `worker` has start(), kill() and running; `start_job()` returns a new job's id
    (committed, so the worker sees it). Returns when every job has ended, or
    with `stuck` set when one made no progress in time.
    """
    run = KillRun()
    began = time.monotonic()
    job, job_kills, mark, killed_at = None, 0, 0, None
    try:
        while len(run.kills) < kills:
            if job is None or job_kills >= kills_per_job:
                if len(run.jobs) >= 3 * kills:
                    raise RuntimeError(f"{len(run.jobs)} jobs ended before they could be killed: "
                                       "give them more documents")
                job, job_kills, mark = start_job(), 0, 0
                run.jobs.append(job)
            state, done, total = wait_for_progress(job, mark, recover_timeout)
            if killed_at is not None:
                run.recoveries.append(time.monotonic() - killed_at)
                killed_at = None
            if state != "running" or done >= total:
                job = None  # ended before the kill: the next job
                continue
            time.sleep(rng.uniform(0, max_delay))
            state, done, total = job_progress(job)
            if state != "running" or done >= total:
                job = None
                continue
            worker.kill()
            killed_at = time.monotonic()
            # A COMMIT the worker sent just before it died may still land; then the
            # count stands still until a worker takes the job up again.
            time.sleep(0.2)
            mark = job_progress(job)[1]
            run.kills.append({"job": job, "done": mark, "total": total})
            job_kills += 1
            log(f"kill {len(run.kills)}/{kills}: job {job} at {mark}/{total}")
            run.worker_starts.append(worker.start())
        last_kill = killed_at
        if job is not None and killed_at is not None:
            wait_for_progress(job, mark, recover_timeout)
            run.recoveries.append(time.monotonic() - killed_at)
        deadline = time.monotonic() + finish_timeout
        for each in run.jobs:
            while job_progress(each)[0] in ("queued", "running"):
                if time.monotonic() > deadline:
                    raise Stuck(f"job {each} did not end in {finish_timeout:.0f} s: "
                                f"{job_progress(each)}")
                time.sleep(0.1)
        if last_kill is not None:
            run.finished_in = time.monotonic() - last_kill
    except Stuck as exc:
        run.stuck = str(exc)
    run.elapsed = time.monotonic() - began
    return run


def summary(run: KillRun, checks: list[JobCheck]) -> dict:
    """The figures of a run, and every problem found (an empty list: all good)."""
    problems = [p for check in checks for p in check.problems()]
    if run.stuck:
        problems.insert(0, run.stuck)
    recoveries = sorted(run.recoveries)
    return {
        "kills": len(run.kills),
        "jobs": len(checks),
        "jobs_done": sum(c.state == "done" for c in checks),
        "documents": sum(c.documents for c in checks),
        "expected_suggestions": sum(c.expected_spans + c.expected_attributions for c in checks),
        "expected_spans": sum(c.expected_spans for c in checks),
        "expected_attributions": sum(c.expected_attributions for c in checks),
        "found_suggestions": sum(c.found_spans + c.found_attributions for c in checks),
        "lost": sum(c.lost for c in checks),
        "extra": sum(c.extra for c in checks),
        "duplicated": sum(c.duplicated for c in checks),
        "resumes": sum(c.resumes for c in checks),
        "recovery_s": {"min": recoveries[0] if recoveries else None,
                       "median": statistics.median(recoveries) if recoveries else None,
                       "max": recoveries[-1] if recoveries else None,
                       "each": [round(r, 2) for r in run.recoveries]},
        "worker_start_s": {"median": statistics.median(run.worker_starts)
                           if run.worker_starts else None},
        "all_ended_after_last_kill_s": round(run.finished_in, 2),
        "elapsed_s": round(run.elapsed, 1),
        "killed_at": [f"{k['done']}/{k['total']}" for k in run.kills],
        "problems": problems,
    }


# --- Subcommands for a database this process does not own (the private-server tests) ------

def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def seed_main(argv: list[str]) -> int:
    """`faults.py seed --projects 3 --documents 100 --out world.json`, on $DATABASE_URL."""
    parser = argparse.ArgumentParser(prog="faults.py seed")
    parser.add_argument("--projects", type=int, required=True)
    parser.add_argument("--documents", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    _django()
    from django.db import transaction

    with transaction.atomic():
        admin, token = user_with_token("faults-admin")
        projects = [project_with_documents(admin=admin, name=f"Faults {n}",
                                           documents=args.documents).pk
                    for n in range(1, args.projects + 1)]
    args.out.write_text(json.dumps({"token": token, "projects": projects}))
    return 0


def check_main(argv: list[str]) -> int:
    """`faults.py check JOB_ID...`: each job's JobCheck as JSON lines, on $DATABASE_URL."""
    _django()
    for job_id in argv:
        print(json.dumps(asdict(job_check(int(job_id)))))
    return 0


# --- The standalone run -----------------------------------------------------------------------

def run_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--kills-per-job", type=int, default=3,
                        help="kills before the next job starts (3; the watchdog gives a job "
                             "up after 5 resumes)")
    parser.add_argument("--documents-per-job", type=int, default=150)
    parser.add_argument("--max-delay", type=float, default=1.5,
                        help="kill at a random moment up to this many seconds after the job "
                             "moved (1.5)")
    parser.add_argument("--batch-size", type=int, default=5, help="PRETAG_BATCH_SIZE (5)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the kill moments")
    parser.add_argument("--quick", action="store_true", help="60 documents per job: a check")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if args.quick:
        args.documents_per_job = 60
    for url in (args.postgres_url, args.redis_url):
        if urlsplit(url).hostname != HOST:
            parser.error(f"{url}: the fault run talks to {HOST} only")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    queue = f"faults-{os.getpid()}-{secrets.token_hex(3)}"
    with tempfile.TemporaryDirectory(prefix="annotator-faults-") as tmp, \
            postgres_database(args.postgres_url,
                              f"annotator_faults_{os.getpid()}") as database_url:
        folder = Path(tmp)
        env = service_environment(database_url=database_url, broker_url=args.redis_url,
                                  queue=queue, data_dir=folder / "data",
                                  secret_key=secrets.token_urlsafe(50),
                                  batch_size=args.batch_size)
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
                       cwd=ROOT, env=env, check=True)
        os.environ.update({k: env[k] for k in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS",
                                                "DATABASE_URL", "CELERY_BROKER_URL",
                                                "CELERY_QUEUE", "DATA_DIR")})
        _django()
        from django.db import close_old_connections

        admin, _ = user_with_token("faults-admin")
        worker, beat = Worker(env, folder), Beat(env, folder)
        counter = iter(range(1, 10_000))
        try:
            beat.start()
            worker.start()
            say(f"worker and beat on queue {queue}; database {database_url.rsplit('/', 1)[1]}")
            run = kill_loop(
                worker=worker, kills=args.kills, kills_per_job=args.kills_per_job,
                max_delay=args.max_delay, rng=random.Random(args.seed),
                start_job=lambda: job_start(admin=admin, name=f"Faults {next(counter)}",
                                            documents=args.documents_per_job))
            close_old_connections()
            say("checking every job's suggestions against the tagger run directly")
            checks = [job_check(job) for job in run.jobs]
        finally:
            worker.stop()
            beat.stop()
            forget_queue(args.redis_url, queue)
            from django.db import connections

            connections.close_all()  # or the database cannot be dropped
        figures = summary(run, checks)
    from api_bench import code_version

    figures["command"] = "bench/faults.py " + " ".join(argv)
    figures["code"] = code_version()
    figures["load_average"] = os.getloadavg()[0]
    figures["settings"] = {"batch_size": args.batch_size, "stale_seconds": 2,
                           "watchdog_seconds": WATCHDOG_SECONDS, "seed": args.seed,
                           "documents_per_job": args.documents_per_job,
                           "kills_per_job": args.kills_per_job, "max_delay": args.max_delay}
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 1 if figures["problems"] else 0


def main() -> int:
    argv = sys.argv[1:]
    if argv[:1] == ["seed"]:
        return seed_main(argv[1:])
    if argv[:1] == ["check"]:
        return check_main(argv[1:])
    return run_main(argv)


if __name__ == "__main__":
    sys.exit(main())
