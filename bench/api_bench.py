"""Benchmark the REST API against a live gunicorn server, on SQLite and PostgreSQL.

    .venv/bin/python bench/api_bench.py --db both          # the figures in docs/benchmarks.md
    .venv/bin/python bench/api_bench.py --db sqlite --quick  # a check in a few seconds

For each database the script makes a fresh one (an SQLite file in a temporary
folder, or a PostgreSQL database it creates and drops), migrates and seeds it
through the services (bench/seed.py), starts gunicorn on 127.0.0.1 on a free
port with production settings (DEBUG off), and measures:

1. span create, one client: POST /api/documents/{id}/spans/, one after another;
2. document fetch: GET /api/documents/{id}/ of a document with 500 spans;
3. document list: GET /api/projects/{id}/documents/?page=N, page after page;
4. span create, N concurrent clients (one annotator each) for a fixed time.

Each client is a thread with one keep-alive connection (http.client). Every
loop is bounded, every request has a timeout, and the server and the
database are removed at the end, also after an error or Ctrl-C.
"""
from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workload import span_body  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
REQUEST_TIMEOUT = 30  # seconds; a request slower than this counts as an error
SERVER_START_TIMEOUT = 60
DEFAULT_POSTGRES_URL = f"postgres://postgres@{HOST}:5432/postgres"

# From the issue: (benchmark name starts with, database): (figure, at least or at most, goal).
TARGETS = {
    ("span create, 1 client", "sqlite"): ("req/s", ">=", 250.0),
    ("document fetch", "sqlite"): ("p50 ms", "<=", 10.0),
    ("document fetch", "postgres"): ("p50 ms", "<=", 10.0),
}


@dataclass
class Scale:
    spans: int = 5000
    fetches: int = 200
    fetch_spans: int = 500
    documents: int = 1000
    walks: int = 5
    concurrent_seconds: float = 30.0
    clients: int = 8


QUICK = Scale(spans=300, fetches=30, fetch_spans=500, documents=120, walks=1,
              concurrent_seconds=3.0, clients=8)


# --- Measuring ------------------------------------------------------------------------------

@dataclass
class Result:
    """The timings of one benchmark: one entry per request, plus the wall-clock time."""

    name: str
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests
    errors: int = 0
    elapsed: float = 0.0
    first_error: str = ""
    note: str = ""
    load: str = ""  # the machine's 1-minute load average before and after

    def add(self, other: Result) -> None:
        self.latencies += other.latencies
        self.errors += other.errors
        self.first_error = self.first_error or other.first_error

    def fail(self, message: str) -> None:
        self.errors += 1
        self.first_error = self.first_error or message

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile of the latencies, in milliseconds."""
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)] * 1000


class Client:
    """One keep-alive HTTP connection to the server, authenticated by a token."""

    def __init__(self, port: int, token: str):
        self.headers = {"Authorization": f"Token {token}", "Content-Type": "application/json",
                        "Accept": "application/json"}
        self.connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes, float]:
        """(status, body, seconds). A broken connection is reopened for the next call."""
        payload = None if body is None else json.dumps(body).encode()
        began = time.perf_counter()
        try:
            self.connection.request(method, path, body=payload, headers=self.headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise
        return response.status, data, time.perf_counter() - began

    def timed(self, result: Result, method: str, path: str, expected: int,
              body: dict | None = None) -> bytes | None:
        """Make one request and record it in result; the body when the status is expected."""
        try:
            status, data, seconds = self.call(method, path, body)
        except (OSError, http.client.HTTPException) as exc:
            result.fail(f"{method} {path}: {exc!r}")
            return None
        if status != expected:
            result.fail(f"{method} {path}: HTTP {status} {data[:300]!r}")
            return None
        result.latencies.append(seconds)
        return data

    def close(self) -> None:
        self.connection.close()


# --- The benchmarks -------------------------------------------------------------------------

def bench_span_create(port: int, world: dict, count: int) -> Result:
    """One client creates `count` spans, round robin over the write documents."""
    result = Result("span create, 1 client")
    client = Client(port, world["tokens"]["writer"])
    documents = world["write_documents"]
    began = time.perf_counter()
    for n in range(count):
        document = documents[n % len(documents)]
        client.timed(result, "POST", f"/api/documents/{document['id']}/spans/", 201,
                     span_body(n // len(documents), document["text"]))
    result.elapsed = time.perf_counter() - began
    client.close()
    return result


def bench_document_fetch(port: int, world: dict, count: int, spans: int) -> Result:
    """The reader fetches the pre-annotated document `count` times."""
    result = Result(f"document fetch ({spans} spans)")
    client = Client(port, world["tokens"]["reader"])
    path = f"/api/documents/{world['fetch_document']}/"
    began = time.perf_counter()
    for _ in range(count):
        data = client.timed(result, "GET", path, 200)
        if data is not None and len(json.loads(data)["spans"]) != spans:
            result.fail(f"GET {path}: expected {spans} spans")
    result.elapsed = time.perf_counter() - began
    client.close()
    return result


def bench_document_list(port: int, world: dict, walks: int) -> Result:
    """The reader walks every page of the project's document list, `walks` times."""
    result = Result("document list, per page")
    client = Client(port, world["tokens"]["reader"])
    max_pages = world["documents"] + 1  # a bound, whatever the page size
    page_size = 0
    began = time.perf_counter()
    for _ in range(walks):
        seen, page = 0, 1
        while page is not None and page <= max_pages:
            path = f"/api/projects/{world['project']}/documents/?page={page}"
            data = client.timed(result, "GET", path, 200)
            if data is None:
                break
            listing = json.loads(data)
            seen += len(listing["results"])
            page_size = max(page_size, len(listing["results"]))
            page = page + 1 if listing["next"] else None
        if seen != world["documents"]:
            result.fail(f"document list: walked {seen} of {world['documents']} documents")
    result.elapsed = time.perf_counter() - began
    pages = len(result.latencies) // max(walks, 1)
    result.note = (f"{pages} pages of {page_size} documents, {walks} walks; "
                   f"a whole walk {result.elapsed / max(walks, 1) * 1000:.0f} ms")
    client.close()
    return result


def bench_concurrent_span_create(port: int, world: dict, seconds: float) -> Result:
    """Each client (its own annotator) creates spans until the time is up."""
    tokens = world["tokens"]["clients"]
    documents = world["write_documents"]
    result = Result(f"span create, {len(tokens)} clients")
    parts = [Result(result.name) for _ in tokens]
    start_line = threading.Barrier(len(tokens) + 1)

    def run(number: int, token: str, part: Result) -> None:
        client = Client(port, token)
        start_line.wait()
        stop = time.perf_counter() + seconds
        n = 0
        while time.perf_counter() < stop:
            # Clients start on different documents, as annotators of one project would.
            document = documents[(number + n) % len(documents)]
            client.timed(part, "POST", f"/api/documents/{document['id']}/spans/", 201,
                         span_body(n // len(documents), document["text"]))
            n += 1
        client.close()

    threads = [threading.Thread(target=run, args=(number, token, part), daemon=True)
               for number, (token, part) in enumerate(zip(tokens, parts))]
    for thread in threads:
        thread.start()
    start_line.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join(seconds + 2 * REQUEST_TIMEOUT)
    result.elapsed = time.perf_counter() - began
    for part in parts:
        result.add(part)
    if any(thread.is_alive() for thread in threads):
        result.fail("a client did not finish in time")
    return result


# --- Databases, data and the server ---------------------------------------------------------

@contextmanager
def sqlite_database(folder: Path):
    """A new SQLite file; it goes with the temporary folder."""
    yield f"sqlite:///{folder / 'bench.sqlite3'}"


@contextmanager
def postgres_database(server_url: str, name: str):
    """A new, empty database `name` on the server of server_url; dropped afterwards.

    The benchmarks and the integration tests make their databases with this.
    """
    import psycopg2

    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise ValueError(f"unsafe database name {name!r}")
    admin_url = urlunsplit(urlsplit(server_url)._replace(path="/postgres"))
    connection = psycopg2.connect(admin_url, connect_timeout=5)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
        try:
            yield urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        connection.close()


def app_environment(database_url: str, folder: Path) -> dict:
    """Production settings (DEBUG off) for a server that only listens on 127.0.0.1."""
    return {**os.environ, "DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": HOST, "SECURE_COOKIES": "false", "DATABASE_URL": database_url,
            "DATA_DIR": str(folder / "data"), "STATIC_ROOT": str(folder / "static"),
            "LOG_LEVEL": "WARNING"}


def prepare(env: dict, folder: Path, scale: Scale) -> dict:
    """Migrate the empty database and seed it; the world that seed.py describes."""
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
                   cwd=ROOT, env=env, check=True)
    out = folder / "world.json"
    subprocess.run([sys.executable, str(ROOT / "bench" / "seed.py"),
                    "--documents", str(scale.documents), "--fetch-spans", str(scale.fetch_spans),
                    "--clients", str(scale.clients), "--out", str(out)],
                   cwd=ROOT, env=env, check=True)
    return json.loads(out.read_text())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def live_server(env: dict, folder: Path, workers: int, threads: int):
    """gunicorn on 127.0.0.1 with keep-alive (gthread workers); yields the port."""
    (folder / "static").mkdir(exist_ok=True)
    port = free_port()
    log = folder / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"{HOST}:{port}",
               "--workers", str(workers), "--threads", str(threads),
               "--worker-class", "gthread", "--keep-alive", "60", "--backlog", "64",
               "--error-logfile", str(log)]
    with log.open("ab") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                  stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_until_serving(port, server, log)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_until_serving(port: int, server: subprocess.Popen, log: Path) -> None:
    """Until the server answers (an anonymous request gets its 401), or fail with its log."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}:\n{tail(log)}")
        connection = http.client.HTTPConnection(HOST, port, timeout=5)
        try:
            connection.request("GET", "/api/me/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    raise RuntimeError(f"gunicorn did not answer in {SERVER_START_TIMEOUT} s:\n{tail(log)}")


def tail(path: Path, lines: int = 30) -> str:
    if not path.exists():
        return "(no log)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def warm_up(port: int, world: dict, connections: int) -> None:
    """First requests pay for lazy imports and set-up: make them, in parallel, uncounted."""
    def run() -> None:
        client = Client(port, world["tokens"]["reader"])
        for _ in range(5):
            client.call("GET", f"/api/documents/{world['fetch_document']}/")
            client.call("GET", f"/api/projects/{world['project']}/documents/?page=1")
        client.close()

    threads = [threading.Thread(target=run, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20 * REQUEST_TIMEOUT)


def load_average() -> float:
    """How busy the machine is (our own server and clients included)."""
    return os.getloadavg()[0]


def run_database(kind: str, scale: Scale, args) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="annotator-bench-") as tmp:
        folder = Path(tmp)
        database = (sqlite_database(folder) if kind == "sqlite"
                    else postgres_database(args.postgres_url,
                                          f"annotator_bench_{os.getpid()}"))
        with database as url:
            env = app_environment(url, folder)
            say(f"[{kind}] migrating and seeding {scale.documents} documents")
            world = prepare(env, folder, scale)
            with live_server(env, folder, args.workers, args.threads) as port:
                say(f"[{kind}] gunicorn on {HOST}:{port}, {args.workers} workers x "
                    f"{args.threads} threads")
                warm_up(port, world, args.workers * args.threads)
                steps = [
                    (f"creating {scale.spans} spans, one client",
                     partial(bench_span_create, port, world, scale.spans)),
                    (f"fetching a document {scale.fetches} times",
                     partial(bench_document_fetch, port, world, scale.fetches,
                             scale.fetch_spans)),
                    (f"walking the document list {scale.walks} times",
                     partial(bench_document_list, port, world, scale.walks)),
                    (f"{scale.clients} clients creating spans for {scale.concurrent_seconds:g} s",
                     partial(bench_concurrent_span_create, port, world,
                             scale.concurrent_seconds)),
                ]
                results = []
                for label, step in steps:
                    say(f"[{kind}] {label}")
                    before = load_average()
                    results.append(step())
                    results[-1].load = f"{before:.2f} → {load_average():.2f}"
                if any(r.errors for r in results):
                    say(f"[{kind}] server log:\n{tail(folder / 'gunicorn.log')}")
                return results


# --- Reporting ------------------------------------------------------------------------------

def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def target_verdict(result: Result, kind: str) -> str:
    key = next((k for k in TARGETS if result.name.startswith(k[0]) and k[1] == kind), None)
    if key is None:
        return ""
    figure, comparison, goal = TARGETS[key]
    value = result.rate if figure == "req/s" else result.percentile(50)
    met = value >= goal if comparison == ">=" else value <= goal
    return f"{figure} {comparison} {goal:g}: {'met' if met else 'MISSED'}"


def table(results: dict[str, list[Result]]) -> str:
    # Other processes skew every figure: the load average says how busy the machine was.
    rows = ["| database | benchmark | requests | errors | req/s | p50 ms | p95 ms | p99 ms "
            "| target | load before → after |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
    for kind, items in results.items():
        for r in items:
            rows.append(f"| {kind} | {r.name} | {r.requests} | {r.errors} | {r.rate:.0f} "
                        f"| {r.percentile(50):.1f} | {r.percentile(95):.1f} "
                        f"| {r.percentile(99):.1f} | {target_verdict(r, kind)} | {r.load} |")
    notes = [f"- {kind}, {r.name}: {r.note}" for kind, items in results.items()
             for r in items if r.note]
    errors = [f"- {kind}, {r.name}: first error: {r.first_error}"
              for kind, items in results.items() for r in items if r.errors]
    return "\n".join(rows + [""] + notes + errors)


def machine() -> str:
    return (f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def code_version() -> str:
    """The commit measured ("-dirty": with uncommitted changes)."""
    found = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT,
                           capture_output=True, text=True)
    return found.stdout.strip() or "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--quick", action="store_true",
                        help="small sizes and a 3 s concurrent run: a check, not figures")
    parser.add_argument("--spans", type=int, help=f"spans created by one client "
                                                  f"({Scale.spans})")
    parser.add_argument("--fetches", type=int, help=f"document fetches ({Scale.fetches})")
    parser.add_argument("--documents", type=int, help=f"documents in the list "
                                                      f"({Scale.documents})")
    parser.add_argument("--walks", type=int, help=f"walks of the document list ({Scale.walks})")
    parser.add_argument("--concurrent-seconds", type=float,
                        help=f"length of the concurrent run ({Scale.concurrent_seconds:g})")
    parser.add_argument("--clients", type=int, help=f"concurrent clients ({Scale.clients})")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (4)")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL,
                        help="a database on the server where the benchmark database is made")
    args = parser.parse_args()

    scale = QUICK if args.quick else Scale()
    for name in ("spans", "fetches", "documents", "walks", "concurrent_seconds", "clients"):
        if getattr(args, name) is not None:
            setattr(scale, name, getattr(args, name))
    if min(scale.spans, scale.fetches, scale.documents, scale.walks, scale.clients) < 1:
        parser.error("every size must be at least 1")
    if urlsplit(args.postgres_url).hostname != HOST:
        parser.error(f"--postgres-url must point at {HOST}: the benchmark talks to nothing else")

    # Stopped with SIGTERM as with Ctrl-C: the server and the database are removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = {kind: run_database(kind, scale, args) for kind in kinds}
    print(f"\n{machine()}; code {code_version()}; gunicorn {args.workers} workers x "
          f"{args.threads} threads; {' '.join(sys.argv[1:]) or '(defaults)'}\n")
    print(table(results))
    return 1 if any(r.errors for items in results.values() for r in items) else 0


if __name__ == "__main__":
    sys.exit(main())
