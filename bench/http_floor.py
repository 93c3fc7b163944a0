"""What one request costs through gunicorn, as deployed: the server's CPU per request and
the client's latency, for a trivial endpoint and for the benchmarked writes and reads.

    .venv/bin/python bench/http_floor.py                      # this checkout, port 8310
    .venv/bin/python bench/http_floor.py --src /tmp/main-clone --port 8312
    .venv/bin/python bench/http_floor.py --hello              # gunicorn alone: a bare WSGI app
    .venv/bin/python bench/http_floor.py --src /tmp/main-clone --max-requests 50000

The server is started as ours_server.sh starts it (config/gunicorn.conf.py, 2 workers x 4
gthread threads, DEBUG off, APP_ENV=production, no access log) on a fresh SQLite file
seeded by bench/seed.py, in a temporary folder removed at the end. Each client is one
keep-alive connection (http.client). "server CPU" is the user + system time of the
gunicorn master and its workers over the phase (workers replaced meanwhile included,
through the master's children times), divided by the phase's requests: unlike req/s it
hardly moves with the load of the machine. --src measures another checkout (its
manage.py, bench/seed.py and config/) with this script, for before / after pairs.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_bench import (HOST, Client, Result, app_environment,  # noqa: E402
                       bench_concurrent_span_create, tail, wait_until_serving)
from workload import span_body  # noqa: E402

HELLO = ("def app(environ, start_response):\n"
         "    start_response('200 OK', [('Content-Type', 'application/json'),"
         " ('Content-Length', '2')])\n"
         "    return [b'{}']\n")
CLOCK = os.sysconf("SC_CLK_TCK")


def server_cpu(master: int) -> float:
    """Seconds of CPU of the master, the workers it reaped and the workers alive."""
    def times(pid: int, children: bool) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # a worker that exited meanwhile: counted by the master once reaped
            return 0.0
        ticks = int(fields[11]) + int(fields[12])  # utime, stime
        if children:
            ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
        return ticks / CLOCK

    try:
        kids = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        kids = []
    return times(master, True) + sum(times(int(pid), False) for pid in kids)


def workers_rss(master: int) -> str:
    """Each live worker's resident memory and age (a replaced worker is young)."""
    try:
        kids = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return "?"
    found = []
    for pid in kids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        rss = next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))
        found.append(f"pid {pid} {int(rss) // 1024} MB")
    return ", ".join(found)


def measured(master: int, run) -> tuple[Result, float]:
    """(the phase's result, server CPU ms per request)."""
    cpu = server_cpu(master)
    result = run()
    cpu = server_cpu(master) - cpu
    return result, cpu * 1000 / max(result.requests, 1)


def sequential(port: int, token: str, calls, name: str = "warm-up"):
    """A phase: one client making the (method, path, expected, body) calls in order."""
    def run() -> Result:
        result, client = Result(name), Client(port, token)
        began = time.perf_counter()
        for method, path, expected, body in calls:
            client.timed(result, method, path, expected, body)
        result.elapsed = time.perf_counter() - began
        client.close()
        return result
    return run


def span_calls(world: dict, count: int) -> list:
    documents = world["write_documents"]
    return [("POST", f"/api/documents/{documents[n % len(documents)]['id']}/spans/", 201,
             span_body(n // len(documents), documents[n % len(documents)]["text"]))
            for n in range(count)]


def attribution_calls(port: int, world: dict, count: int) -> list:
    """One new span per claim and per source (made here, not measured), then the calls."""
    client, documents, calls = Client(port, world["tokens"]["writer"]), \
        world["write_documents"], []
    made = {"CLAIM": [], "SOURCE": []}
    n = 50_000
    while min(len(made["CLAIM"]), len(made["SOURCE"])) < count:
        document = documents[n % len(documents)]
        body = span_body(n, document["text"])
        n += 1
        if body["label"] not in made:
            continue
        status, data, _ = client.call("POST", f"/api/documents/{document['id']}/spans/", body)
        if status != 201:
            raise RuntimeError(f"making spans for the attributions: HTTP {status} {data[:200]}")
        made[body["label"]].append((document["id"], json.loads(data)["id"]))
    client.close()
    by_document: dict[int, dict[str, list]] = {}
    for label, spans in made.items():
        for document, span in spans:
            by_document.setdefault(document, {"CLAIM": [], "SOURCE": []})[label].append(span)
    for document, spans in by_document.items():
        for claim, source in zip(spans["CLAIM"], spans["SOURCE"]):
            calls.append(("POST", f"/api/documents/{document}/attributions/", 201,
                          {"claims": [claim], "source": source}))
    return calls[:count]


def start_server(src: Path, env: dict, folder: Path, port: int, hello: bool,
                 max_requests: int | None = None):
    if max_requests is not None:  # else the configuration's own
        env = {**env, "GUNICORN_MAX_REQUESTS": str(max_requests)}
    env = {**env, "APP_ENV": "production", "GUNICORN_BIND": f"{HOST}:{port}",
           "WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "4", "GUNICORN_ACCESS_LOG": "/dev/null",
           "GUNICORN_ERROR_LOG": str(folder / "web.log")}
    command = [sys.executable, "-m", "gunicorn", "-c", str(src / "config" / "gunicorn.conf.py")]
    if hello:
        (folder / "hello_wsgi.py").write_text(HELLO)
        command += ["--chdir", str(folder), "hello_wsgi:app"]
    server = subprocess.Popen(command, cwd=src, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_serving(port, server, folder / "web.log")
    except BaseException:
        server.terminate()
        raise
    return server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=Path(__file__).resolve().parent.parent,
                        help="the checkout to serve (default: this one)")
    parser.add_argument("--port", type=int, default=8310)
    parser.add_argument("--count", type=int, default=500, help="requests per sequential phase")
    parser.add_argument("--seconds", type=float, default=5.0, help="the 8-client phase")
    parser.add_argument("--hello", action="store_true", help="a bare WSGI app, no Django")
    parser.add_argument("--max-requests", type=int,
                        help="GUNICORN_MAX_REQUESTS for the server (default: its configuration's)")
    args = parser.parse_args()
    if not 8310 <= args.port <= 8319:
        parser.error("--port: 8310 to 8319 (the other ports belong to other benchmarks)")
    src = args.src.resolve()
    with tempfile.TemporaryDirectory(prefix="annotator-floor-") as tmp:
        folder = Path(tmp)
        env = app_environment(f"sqlite:///{folder / 'floor.sqlite3'}", folder)
        (folder / "static").mkdir()
        if not args.hello:
            subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
                           cwd=src, env=env, check=True)
            subprocess.run([sys.executable, str(src / "bench" / "seed.py"), "--documents", "60",
                            "--fetch-spans", "500", "--clients", "8",
                            "--out", str(folder / "world.json")], cwd=src, env=env, check=True)
        server = start_server(src, env, folder, args.port, args.hello, args.max_requests)
        try:
            rows = run_phases(args, server.pid, folder)
            memory = workers_rss(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=60)
        if any(result.errors for result, _ in rows):
            print(tail(folder / "web.log"), file=sys.stderr)
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=src,
                            capture_output=True, text=True).stdout.strip()
    print(f"\n{src} at {commit}; load {os.getloadavg()[0]:.2f}; workers at the end: {memory}\n")
    print("| phase | requests | errors | req/s | p50 ms | p95 ms | server CPU ms/request |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for result, cpu in rows:
        print(f"| {result.name} | {result.requests} | {result.errors} | {result.rate:.0f} | "
              f"{result.percentile(50):.2f} | {result.percentile(95):.2f} | {cpu:.2f} |")
    for result, _ in rows:
        if result.errors:
            print(f"- {result.name}: {result.first_error}")
    return 1 if any(result.errors for result, _ in rows) else 0


def run_phases(args, master: int, folder: Path) -> list:
    port, count = args.port, args.count
    if args.hello:
        calls = [("GET", "/", 200, None)] * count
        sequential(port, "x", calls[:50])()
        return [measured(master, sequential(port, "x", calls, "bare WSGI app"))]
    world = json.loads((folder / "world.json").read_text())
    writer, reader = world["tokens"]["writer"], world["tokens"]["reader"]
    fetch = f"/api/documents/{world['fetch_document']}/"
    listing = f"/api/projects/{world['project']}/documents/?page=1"
    for _ in range(8):  # every thread's first requests import and compile: not counted
        sequential(port, reader, [("GET", fetch, 200, None), ("GET", listing, 200, None),
                                  ("GET", "/api/me/", 200, None)] * 3)()
    attributions = attribution_calls(port, world, count)
    phases = [("GET /healthz (no auth, SELECT 1)", reader, [("GET", "/healthz", 200, None)]),
              ("GET /api/me/ (token)", reader, [("GET", "/api/me/", 200, None)]),
              ("span create", writer, span_calls(world, count)),
              ("attribution create", writer, attributions),
              ("GET document, 500 spans", reader, [("GET", fetch, 200, None)]),
              ("GET document list, page 1", reader, [("GET", listing, 200, None)])]
    rows = []
    for name, token, calls in phases:
        calls = calls * count if len(calls) == 1 else calls
        rows.append(measured(master, sequential(port, token, calls, name)))
    # api_bench's: each client its own annotator, so their spans never repeat the writer's.
    rows.append(measured(master, partial(bench_concurrent_span_create, port, world,
                                         args.seconds)))
    return rows


if __name__ == "__main__":
    sys.exit(main())
