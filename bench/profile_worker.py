"""Where a write's CPU goes inside a real gunicorn worker: span create, attribution create,
span update, span delete (and GET /api/me/, the floor of a token request).

    .venv/bin/python bench/profile_worker.py --port 8510               # CPU per request
    .venv/bin/python bench/profile_worker.py --port 8510 --cprofile    # plus where it goes
    .venv/bin/python bench/profile_worker.py --src CHECKOUT --port 8512 # another checkout
    .venv/bin/python bench/profile_worker.py --src BEFORE --src AFTER   # side by side

The server is bench/http_floor.py's (config/gunicorn.conf.py, gthread, DEBUG off,
APP_ENV=production, no access log, a fresh SQLite file seeded by bench/seed.py), but with
ONE worker of 4 threads serving bench/profiled_wsgi.py, which wraps Django's WSGI app and
keeps, per kind of request, the CPU time of the serving thread (the response iterated):
what the app costs, gunicorn's own work (parsing, the thread hand-off, the send) left out
(`http_floor.py --hello` measures that). One sequential keep-alive client. The CPU figures
are medians per request of the measured phase. With several --src, each is served by its
own worker and the client sends each request to one, then the other (same load for both:
the figures to compare on a shared machine). With --cprofile the requests run under
cProfile (slower: shares, not times) and a table gives each part's share of the request
and the functions of most own time follow.
"""
from __future__ import annotations

import argparse
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_bench import HOST, Client, Result, app_environment, tail, wait_until_serving  # noqa: E402
from workload import span_body  # noqa: E402

# (label, how to find the function in the profile: (file ending, function name)), each
# part's cumulative time as a share of the whole request (parts nest: the view holds the
# access query, and so on).
PARTS = (
    ("Django WSGIHandler.__call__ (all)", ("django/core/handlers/wsgi.py", "__call__")),
    ("  request signals (close_old_connections...)", ("django/dispatch/dispatcher.py", "send")),
    ("  WSGIRequest()", ("django/core/handlers/wsgi.py", "__init__")),
    ("  URL resolving", ("django/urls/resolvers.py", "resolve")),
    ("  DRF dispatch (all)", ("rest_framework/views.py", "dispatch")),
    ("    initialize_request", ("rest_framework/views.py", "initialize_request")),
    ("    initial (auth, permission, negotiation)", ("rest_framework/views.py", "initial")),
    ("      token authentication", ("annotator/api/authentication.py",
                                    "authenticate_credentials")),
    ("        token query", ("annotator/access/rows.py", "token_row")),
    ("        token mark used", ("annotator/services/accounts.py", "api_token_mark_used")),
    ("      check_permissions", ("rest_framework/views.py", "check_permissions")),
    ("      content negotiation", ("rest_framework/views.py", "perform_content_negotiation")),
    ("    request.data (JSON parse)", ("rest_framework/request.py", "_load_data_and_files")),
    ("    access: document (+label)", ("annotator/access/documents.py", "_access_document")),
    ("    access: span", ("annotator/access/labels.py", "access_span")),
    ("    parse (validation)", ("annotator/api/views/common.py", "parse")),
    ("    span_create", ("annotator/services/spans.py", "span_create")),
    ("    span_update", ("annotator/services/spans.py", "span_update")),
    ("    span_delete", ("annotator/services/spans.py", "span_delete")),
    ("    attribution_create", ("annotator/services/attributions.py", "attribution_create")),
    ("      events", ("annotator/services/events.py", "event_record")),
    ("      write_with_event", ("annotator/services/events.py", "write_with_event")),
    ("      COMMIT", ("django/db/backends/base/base.py", "commit")),
    ("    finalize_response", ("rest_framework/views.py", "finalize_response")),
    ("  response render", ("rest_framework/response.py", "rendered_content")),
    ("  middleware (the lane's, process_response...)", ("config/middleware.py", "__call__")),
    ("  all SQL execute", ("django/db/backends/utils.py", "execute")),
    ("  garbage collector", ("~", "<method 'collect' of 'gc' objects>")),
)


def calls_for(port: int, world: dict, count: int) -> dict[str, list]:
    """The measured calls of each kind (what they need made first, unmeasured)."""
    documents, writer = world["write_documents"], world["tokens"]["writer"]
    client = Client(port, writer)
    spans, claims, sources = [], [], []
    n = 0
    creates = []
    while len(spans) < 2 * count or len(claims) < count or len(sources) < count:
        document = documents[n % len(documents)]
        body = span_body(100_000 + n, document["text"])
        n += 1
        status, data, _ = client.call("POST", f"/api/documents/{document['id']}/spans/", body)
        if status == 409:
            continue
        assert status == 201, (status, data[:300])
        made = json.loads(data)
        bucket = {"CLAIM": claims, "SOURCE": sources}.get(made["label"], spans)
        bucket.append((document["id"], made))
    client.close()
    for n in range(count):
        document = documents[n % len(documents)]
        creates.append(("POST", f"/api/documents/{document['id']}/spans/", 201,
                        span_body(n // len(documents), document["text"])))
    by_document: dict[int, tuple[list, list]] = {}
    for document, span in claims:
        by_document.setdefault(document, ([], []))[0].append(span["id"])
    for document, span in sources:
        by_document.setdefault(document, ([], []))[1].append(span["id"])
    attributions = [("POST", f"/api/documents/{document}/attributions/", 201,
                     {"claims": [claim], "source": source})
                    for document, (cs, ss) in by_document.items() for claim, source in zip(cs, ss)]
    updates = [("PATCH", f"/api/spans/{span['id']}/", 200,
                {"start": span["start"] + (span["end"] - span["start"] > 1), "version": 1})
               for _, span in spans[:count]]
    deletes = [("DELETE", f"/api/spans/{span['id']}/?version=1", 204, None)
               for _, span in spans[count:2 * count]]
    return {"GET /api/me/": [("GET", "/api/me/", 200, None)] * count,
            "span create": creates, "attribution create": attributions[:count],
            "span update": updates, "span delete": deletes}


def run(port: int, token: str, calls: list) -> Result:
    result, client = Result("phase"), Client(port, token)
    for method, path, expected, body in calls:
        client.timed(result, method, path, expected, body)
    client.close()
    return result


def dump(port: int, folder: Path) -> tuple[dict, int]:
    client = Client(port, "x")
    status, data, _ = client.call("GET", "/__profile__")
    client.close()
    assert status == 200, data
    pid = json.loads(data)["pid"]
    return json.loads((folder / f"{pid}-cpu.json").read_text()), pid


def part_table(path: Path, requests: int) -> None:
    stats = pstats.Stats(str(path))
    by_key = stats.stats  # {(file, line, name): (cc, nc, tt, ct, callers)}
    total = next((ct for (file, _, name), (_, _, _, ct, _) in by_key.items()
                  if file.endswith("django/core/handlers/wsgi.py") and name == "__call__"), 0)
    print(f"    {'part':<50} {'share':>6} {'calls/req':>9}")
    for label, (ending, name) in PARTS:
        found = [(nc, ct) for (file, _, fn), (_, nc, _, ct, _) in by_key.items()
                 if fn == name and file.endswith(ending)]
        if not found:
            continue
        calls = sum(nc for nc, _ in found)
        cumulative = max(ct for _, ct in found) if name in ("__call__", "dispatch") else \
            sum(ct for _, ct in found)
        print(f"    {label:<50} {100 * cumulative / total:5.1f}% {calls / requests:9.1f}")
    stats.sort_stats("tottime").print_stats(int(os.environ.get("TOP", "25")))


class Served:
    """One checkout served by one profiled gunicorn worker on its own fresh SQLite file."""

    def __init__(self, src: Path, port: int, folder: Path, cprofile: bool):
        self.src, self.port, self.folder = src, port, folder
        here = Path(__file__).resolve().parent
        env = app_environment(f"sqlite:///{folder / 'worker.sqlite3'}", folder)
        (folder / "static").mkdir()
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
                       cwd=src, env=env, check=True)
        subprocess.run([sys.executable, str(src / "bench" / "seed.py"), "--documents", "60",
                        "--fetch-spans", "10", "--clients", "1",
                        "--out", str(folder / "world.json")], cwd=src, env=env, check=True)
        env = {**env, "APP_ENV": "production", "GUNICORN_BIND": f"{HOST}:{port}",
               "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "4",
               "GUNICORN_ACCESS_LOG": "/dev/null", "GUNICORN_ERROR_LOG": str(folder / "web.log"),
               "PROFILE_OUT": str(folder), "PROFILE_MODE": "cprofile" if cprofile else "cpu",
               "PYTHONPATH": f"{src}:{here}"}
        self.server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(src / "config" / "gunicorn.conf.py"),
             "profiled_wsgi:application"], cwd=src, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until_serving(port, self.server, folder / "web.log")
        self.world = json.loads((folder / "world.json").read_text())
        self.client = None
        self.commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=src,
                                     capture_output=True, text=True).stdout.strip()

    def stop(self) -> None:
        if self.client is not None:
            self.client.close()
        self.server.terminate()
        self.server.wait(timeout=60)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, action="append",
                        help="a checkout to serve (default: this one); several: side by side, "
                             "their requests interleaved one by one (the same load for each)")
    parser.add_argument("--port", type=int, default=8510, help="the first checkout's; then +1")
    parser.add_argument("--count", type=int, default=400, help="measured requests of each kind")
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--keep", type=Path, help="copy the .pstats files to this folder")
    args = parser.parse_args()
    sources = [src.resolve() for src in args.src or [Path(__file__).resolve().parent.parent]]
    with tempfile.TemporaryDirectory(prefix="annotator-worker-") as tmp:
        served = []
        try:
            for number, src in enumerate(sources):
                folder = Path(tmp) / str(number)
                folder.mkdir()
                served.append(Served(src, args.port + number, folder, args.cprofile))
            plans = [calls_for(one.port, one.world, args.count) for one in served]
            for one, plan in zip(served, plans):
                run(one.port, one.world["tokens"]["writer"], plan["GET /api/me/"][:40])  # warm
                dump(one.port, one.folder)  # forget the warm-up
            results = [{kind: Result(kind) for kind in plan} for plan in plans]
            for kind in plans[0]:
                for one in served:
                    one.client = Client(one.port, one.world["tokens"]["writer"])
                for index in range(max(len(plan[kind]) for plan in plans)):
                    for one, plan, result in zip(served, plans, results):
                        if index < len(plan[kind]):
                            method, path, expected, body = plan[kind][index]
                            one.client.timed(result[kind], method, path, expected, body)
                for one in served:
                    one.client.close()
                    one.client = None
            dumps = [dump(one.port, one.folder) for one in served]
        finally:
            for one in served:
                one.stop()
        for one, result, (cpu, pid) in zip(served, results, dumps):
            report(one, result, cpu, pid, args)
    return 1 if any(r.errors for result in results for r in result.values()) else 0


def report(one: Served, results: dict, cpu: dict, pid: int, args) -> None:
    print(f"\n{one.src} at {one.commit}; load {os.getloadavg()[0]:.2f}"
          f"{'; under cProfile' if args.cprofile else ''}\n")
    print("| request | n | errors | app CPU ms median | p25 | p75 | client p50 ms | p95 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for kind, result in results.items():
        spent = sorted(cpu.get(kind, [0.0]))
        q = statistics.quantiles(spent, n=4) if len(spent) > 1 else [spent[0]] * 3
        print(f"| {kind} | {result.requests} | {result.errors} | "
              f"{statistics.median(spent) * 1000:.3f} | {q[0] * 1000:.3f} | "
              f"{q[2] * 1000:.3f} | {result.percentile(50):.2f} | "
              f"{result.percentile(95):.2f} |")
        if result.errors:
            print(f"|   first error: {result.first_error} |")
    if any(result.errors for result in results.values()):
        print(tail(one.folder / "web.log"), file=sys.stderr)
    if not args.cprofile:
        return
    for kind, result in results.items():
        path = one.folder / f"{pid}-{kind.replace(' ', '_').replace('/', '')}.pstats"
        if not path.exists():
            continue
        print(f"\n## {kind} ({result.requests} requests, under cProfile)")
        part_table(path, result.requests)
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            (args.keep / f"{one.commit}-{path.name}").write_bytes(path.read_bytes())


if __name__ == "__main__":
    sys.exit(main())
