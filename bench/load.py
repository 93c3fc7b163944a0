"""Load: 20 simulated annotators working through the REST API, against gunicorn and PostgreSQL.

    .venv/bin/python bench/load.py                 # 5 minutes: the figures in docs/benchmarks.md
    .venv/bin/python bench/load.py --quick         # 20 seconds: a check
    .venv/bin/python bench/load.py --seconds 60 --annotators 20 --documents 40

The run makes its own PostgreSQL database (annotator_load_<pid> on
127.0.0.1:5432, dropped at the end), migrates it and seeds it through the
services: a project, one user with an API token per annotator, and
--documents news-like articles of about 7,000 code points, each pre-tagged by
the built-in tagger (its suggestions stored as a job stores them, about 320
per article). It starts gunicorn with config/gunicorn.conf.py (production
settings, DEBUG off) on a free port of 127.0.0.1.

Each annotator is a thread with its own keep-alive connection and token. It
walks the documents (starting at a different one) and on each one does what
a person in the workspace does, one request after another:

1. open: GET /api/documents/{id}/ (text, my labels, the suggestions left);
2. create: three POST /api/documents/{id}/spans/ (label, offsets, quote);
3. edit: PATCH /api/spans/{id}/ of the first one (one more code point), with
   the version it holds;
4. delete: DELETE /api/spans/{id}/?version=N of the second one;
5. accept: POST /api/documents/{id}/suggestions/decide/ accepting two
   suggested spans and one suggested attribution.

There is no pause between requests (--think adds one): each simulated
annotator is far busier than a person, so this is a stress test. Offsets
never repeat a label the annotator already has there, so every status but
the expected one (200, 201, 204) counts as an error, 409 included; so does a
failed connection or a request slower than 30 s. The exit status is 1 on any
error. Everything is removed at the end, also on Ctrl-C or SIGTERM.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [p for p in (str(ROOT), str(ROOT / "bench")) if p not in sys.path]

from api_bench import (REQUEST_TIMEOUT, Client, Result, app_environment,  # noqa: E402
                       code_version, free_port, postgres_database, tail, wait_until_serving)
from workload import span_offsets  # noqa: E402

HOST = "127.0.0.1"
DEFAULT_POSTGRES_URL = f"postgres://postgres@{HOST}:5432/postgres"
ACTIONS = ("open", "create", "edit", "delete", "accept")


# --- Seeding (a subprocess on the new database) ---------------------------------------------

def seed_main(argv: list[str]) -> int:
    """`load.py seed --annotators 20 --documents 40 --out world.json`, on $DATABASE_URL."""
    parser = argparse.ArgumentParser(prog="load.py seed")
    parser.add_argument("--annotators", type=int, required=True)
    parser.add_argument("--documents", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import transaction

    from annotator.models import Document
    from annotator.pretag import get_tagger, pretag_text
    from annotator.services.projects import membership_set
    from annotator.services.suggestions import suggestions_store
    from faults import project_with_documents, user_with_token

    tagger = get_tagger()
    with transaction.atomic():
        admin, _ = user_with_token("load-admin")
        project = project_with_documents(admin=admin, name="Load", documents=args.documents)
        tokens = []
        for number in range(1, args.annotators + 1):
            user, token = user_with_token(f"load-annotator-{number}")
            membership_set(project=project, user=user, role="annotator")
            tokens.append(token)
        suggestions = 0
        documents = list(Document.objects.filter(project=project).order_by("pk"))
        for document in documents:
            # What a pre-tagging job stores, done here and now (no worker needed).
            result = pretag_text(tagger, document.text)
            spans, attributions = suggestions_store(
                document=document, tagger_name=tagger.name, tagger_version=tagger.version,
                spans=result.spans, attributions=result.attributions)
            suggestions += spans + attributions
    args.out.write_text(json.dumps({"project": project.pk, "tokens": tokens,
                                    "documents": [d.pk for d in documents],
                                    "suggestions": suggestions}))
    return 0


# --- One simulated annotator --------------------------------------------------------------------

class Annotator:
    """A thread's worth of work: visits documents until the deadline."""

    def __init__(self, number: int, port: int, token: str, documents: list[int],
                 think: float, seed: int):
        self.number, self.documents, self.think = number, documents, think
        self.client = Client(port, token)
        self.results = {action: Result(action) for action in ACTIONS}
        self.rng = random.Random(seed * 1000 + number)
        self.next_index: dict[int, int] = {}  # per document: the next span_offsets index

    def call(self, action: str, method: str, path: str, expected: int,
             body: dict | None = None) -> dict | None:
        data = self.client.timed(self.results[action], method, path, expected, body)
        if self.think:
            time.sleep(self.rng.uniform(0, 2 * self.think))
        if data is None:
            return None
        return json.loads(data) if data else {}

    def new_span(self, document: int, text: str, taken: set) -> dict:
        """The next span of this annotator on this document that it does not have yet."""
        index = self.next_index.get(document, 0)
        while True:
            label, start, end = span_offsets(index, len(text))
            index += 1
            if (label, start, end) not in taken:
                self.next_index[document] = index
                taken.add((label, start, end))
                return {"label": label, "start": start, "end": end, "quote": text[start:end]}

    def visit(self, document_id: int) -> None:
        doc = self.call("open", "GET", f"/api/documents/{document_id}/", 200)
        if doc is None:
            return
        text = doc["text"]
        taken = {(s["label"], s["start"], s["end"])
                 for s in doc["spans"] + doc["suggestions"]["spans"]}
        created = []
        for _ in range(3):
            span = self.call("create", "POST", f"/api/documents/{document_id}/spans/", 201,
                             self.new_span(document_id, text, taken))
            if span is not None:
                created.append(span)
        if created:
            span = created[0]
            end = span["end"] + 1
            while (span["label"], span["start"], end) in taken and end < len(text):
                end += 1
            if end <= len(text):
                taken.add((span["label"], span["start"], end))
                self.call("edit", "PATCH", f"/api/spans/{span['id']}/", 200,
                          {"end": end, "quote": text[span["start"]:end],
                           "version": span["version"]})
        if len(created) > 1:
            span = created[1]
            self.call("delete", "DELETE", f"/api/spans/{span['id']}/?version={span['version']}",
                      204)
        suggested = doc["suggestions"]
        spans = self.rng.sample(suggested["spans"], min(2, len(suggested["spans"])))
        attributions = ([self.rng.choice(suggested["attributions"])]
                        if suggested["attributions"] else [])
        if spans or attributions:
            self.call("accept", "POST", f"/api/documents/{document_id}/suggestions/decide/", 200,
                      {"decision": "accept", "spans": [s["id"] for s in spans],
                       "attributions": [a["id"] for a in attributions]})

    def run(self, start_line: threading.Barrier, seconds: float) -> None:
        start_line.wait()
        deadline = time.perf_counter() + seconds
        visit = 0
        while time.perf_counter() < deadline:
            # Annotators start on different documents and walk them in order.
            self.visit(self.documents[(self.number * 3 + visit) % len(self.documents)])
            visit += 1
        self.client.close()


# --- The machine: load average and CPU used -------------------------------------------------

def cpu_times() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    fields = [float(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def process_tree_cpu(root_pid: int) -> float:
    """CPU seconds used so far by gunicorn: the master, its workers, and the workers it
    has already replaced (max_requests), which the kernel adds to the master's
    children's times when the master reaps them."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parts = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(parts[1])
        if pid == root_pid:  # utime, stime, cutime, cstime
            total += sum(float(x) for x in parts[11:15]) / ticks
        elif ppid == root_pid:
            total += (float(parts[11]) + float(parts[12])) / ticks
    return total


# --- Server --------------------------------------------------------------------------------------

@contextmanager
def gunicorn(env: dict, folder: Path, workers: int | None, threads: int | None):
    """gunicorn with config/gunicorn.conf.py on a free port of 127.0.0.1; yields (port, pid)."""
    port = free_port()
    log = folder / "gunicorn.log"
    env = {**env, "GUNICORN_BIND": f"{HOST}:{port}",
           "GUNICORN_ACCESS_LOG": str(folder / "access.log"), "GUNICORN_ERROR_LOG": str(log)}
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    if threads:
        env["GUNICORN_THREADS"] = str(threads)
    (folder / "static").mkdir(exist_ok=True)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py"],
                              cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        wait_until_serving(port, server, log)
        yield port, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --- The run ---------------------------------------------------------------------------------

def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(args, folder: Path, database_url: str) -> tuple[dict[str, Result], dict]:
    env = app_environment(database_url, folder)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
                   cwd=ROOT, env=env, check=True)
    say(f"seeding {args.documents} pre-tagged documents and {args.annotators} annotators")
    subprocess.run([sys.executable, str(ROOT / "bench" / "load.py"), "seed",
                    "--annotators", str(args.annotators), "--documents", str(args.documents),
                    "--out", str(folder / "world.json")], cwd=ROOT, env=env, check=True)
    world = json.loads((folder / "world.json").read_text())
    with gunicorn(env, folder, args.workers, args.threads) as (port, server_pid):
        annotators = [Annotator(number, port, token, world["documents"], args.think, args.seed)
                      for number, token in enumerate(world["tokens"])]
        for annotator in annotators:  # warm up: lazy imports, connections (not counted)
            annotator.client.call("GET", f"/api/documents/{world['documents'][0]}/")
        say(f"{len(annotators)} annotators on gunicorn {HOST}:{port} for {args.seconds:g} s")
        start_line = threading.Barrier(len(annotators) + 1)
        threads = [threading.Thread(target=a.run, args=(start_line, args.seconds), daemon=True)
                   for a in annotators]
        for thread in threads:
            thread.start()
        load_before = os.getloadavg()
        busy_before, all_before = cpu_times()
        server_before = process_tree_cpu(server_pid)
        client_before = time.process_time()
        start_line.wait()
        began = time.perf_counter()
        for thread in threads:
            thread.join(args.seconds + 2 * REQUEST_TIMEOUT + 30)
        elapsed = time.perf_counter() - began
        busy_after, all_after = cpu_times()
        machine = {
            "cores": os.cpu_count(),
            "load_before": load_before, "load_after": os.getloadavg(),
            "machine_busy": (busy_after - busy_before) / max(all_after - all_before, 1),
            "server_cpu_s": process_tree_cpu(server_pid) - server_before,
            "client_cpu_s": time.process_time() - client_before,
            "elapsed": elapsed, "suggestions_seeded": world["suggestions"],
            "stuck_annotators": sum(t.is_alive() for t in threads),
        }
        results = {action: Result(action) for action in ACTIONS}
        for annotator in annotators:
            for action in ACTIONS:
                results[action].add(annotator.results[action])
        for result in results.values():
            result.elapsed = elapsed
        if any(r.errors for r in results.values()):
            say(f"server log:\n{tail(folder / 'gunicorn.log')}")
    return results, machine


def report(results: dict[str, Result], machine: dict, args) -> str:
    total = Result("all")
    for result in results.values():
        total.add(result)
    total.elapsed = machine["elapsed"]
    rows = ["| action | requests | errors | req/s | p50 ms | p95 ms | p99 ms |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in [*results.values(), total]:
        rows.append(f"| {r.name} | {r.requests} | {r.errors} | {r.rate:.1f} "
                    f"| {r.percentile(50):.1f} | {r.percentile(95):.1f} "
                    f"| {r.percentile(99):.1f} |")
    cores = machine["cores"]
    lines = [
        f"{args.annotators} annotators, {machine['elapsed']:.0f} s, {args.documents} documents "
        f"({machine['suggestions_seeded']} suggestions seeded); code {code_version()}",
        "", *rows, "",
        f"machine: {cores} CPUs, busy {machine['machine_busy'] * 100:.0f} % of all of them; "
        f"1-minute load average {machine['load_before'][0]:.2f} before, "
        f"{machine['load_after'][0]:.2f} after",
        f"CPU used: gunicorn {machine['server_cpu_s'] / machine['elapsed']:.2f} cores, "
        f"this load generator {machine['client_cpu_s'] / machine['elapsed']:.2f} cores "
        "(PostgreSQL: the rest of the busy share, with whatever else ran)",
    ]
    if machine["stuck_annotators"]:
        lines.append(f"ERROR: {machine['stuck_annotators']} annotators did not finish in time")
    lines += [f"- {r.name}: first error: {r.first_error}" for r in results.values() if r.errors]
    return "\n".join(lines)


def main() -> int:
    argv = sys.argv[1:]
    if argv[:1] == ["seed"]:
        return seed_main(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300.0, help="length of the run (300)")
    parser.add_argument("--quick", action="store_true", help="20 s and 20 documents: a check")
    parser.add_argument("--annotators", type=int, default=20)
    parser.add_argument("--documents", type=int, default=40)
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean pause in seconds after each request (0: none)")
    parser.add_argument("--workers", type=int,
                        help="gunicorn workers (default: config/gunicorn.conf.py's)")
    parser.add_argument("--threads", type=int,
                        help="threads per worker (default: config/gunicorn.conf.py's)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL,
                        help="a database on the server where the load database is made")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds, args.documents = 20.0, 20
    if min(args.annotators, args.documents) < 1 or args.seconds <= 0:
        parser.error("annotators, documents and seconds must be positive")
    if urlsplit(args.postgres_url).hostname != HOST:
        parser.error(f"--postgres-url must point at {HOST}")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory(prefix="annotator-load-") as tmp, \
            postgres_database(args.postgres_url,
                              f"annotator_load_{os.getpid()}") as database_url:
        results, machine = run(args, Path(tmp), database_url)
    print()
    print(f"$ .venv/bin/python bench/load.py {' '.join(argv)}".rstrip())
    print(report(results, machine, args))
    failed = any(r.errors for r in results.values()) or machine["stuck_annotators"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
