"""Where the benchmarked requests spend their time: SQL queries and a profile.

    .venv/bin/python bench/profile_requests.py                 # query counts and timings
    .venv/bin/python bench/profile_requests.py --pyinstrument  # plus a call tree per request
    .venv/bin/python bench/profile_requests.py --only list --cprofile  # one request, cProfile

Runs in-process (Django's test client, production settings, no network) on a
fresh SQLite file, or on DATABASE_URL when it is a PostgreSQL URL (that
database must be empty and disposable). Prints, for one span create, one
fetch of a document with 500 spans (bench/seed.py), one of a document with 500
spans and 150 attributions, one of a 1 MiB document with 2,000 spans and 300
attributions, and one page of the document list: the number of SQL queries
(`--sql`: each query), the median wall time of repeated calls and the CPU time of
this process per call. A fetch repeated is served from the process's kept detail
(selectors/detail_cache.py); `READ_CACHE_MB=0` in the environment gives the detail
rendered every time.
pyinstrument is optional (`pip install pyinstrument`; not a requirement).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throwaway import throwaway_env  # noqa: E402

FOLDER = throwaway_env("profile")

import seed  # noqa: E402  (sets Django up)

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from annotator.services.attributions import attribution_create  # noqa: E402
from annotator.services.documents import document_create  # noqa: E402
from annotator.services.spans import spans_bulk_create  # noqa: E402
from workload import article_text, span_body, span_offsets  # noqa: E402

MIB = 1024 * 1024


def labelled_document(world: dict, *, size: int, spans: int, attributions: int) -> int:
    """A document of about `size` bytes with the reader's spans and attributions."""
    from annotator.models import Document, Project
    from django.contrib.auth import get_user_model

    parts, total, number = [], 0, 1000 + size // 1000
    while total < size:
        parts.append(article_text(number))
        total += len(parts[-1].encode())
        number += 1
    project = Project.objects.get(pk=world["project"])
    document, _ = document_create(project=project, title=f"{size} bytes",
                                  text="\n\n".join(parts))
    reader = get_user_model().objects.get(username="bench-reader")
    items = [dict(zip(("label", "start", "end"), span_offsets(i, document.length)))
             for i in range(spans)]
    made = spans_bulk_create(document=document, annotator=reader, items=items)
    claims = [span for span in made if span.label.name == "CLAIM"]
    sources = [span for span in made if span.label.name == "SOURCE"]
    for claim, source in list(zip(claims, sources))[:attributions]:
        attribution_create(document=document, annotator=reader, claims=[claim.pk],
                           source=source.pk, attributes={})
    assert Document.objects.filter(pk=document.pk).exists()
    return document.pk


def requests(world: dict):
    """(name, make one request) for each benchmarked endpoint; each call is a new request."""
    writer = Client(HTTP_AUTHORIZATION=f"Token {world['tokens']['writer']}")
    reader = Client(HTTP_AUTHORIZATION=f"Token {world['tokens']['reader']}")
    document = world["write_documents"][0]
    counter = iter(range(10**6))

    def span_create():
        response = writer.post(f"/api/documents/{document['id']}/spans/",
                               span_body(next(counter), document["text"]),
                               content_type="application/json")
        assert response.status_code == 201, response.content

    def document_fetch():
        response = reader.get(f"/api/documents/{world['fetch_document']}/")
        assert response.status_code == 200, response.content

    def document_list():
        response = reader.get(f"/api/projects/{world['project']}/documents/?page=2")
        assert response.status_code == 200, response.content

    def fetch(document_id):
        def call():
            response = reader.get(f"/api/documents/{document_id}/")
            assert response.status_code == 200, response.content
        return call

    return [("POST span", span_create), ("GET document (500 spans)", document_fetch),
            ("GET document (500 spans, 150 attributions)", fetch(world["labelled"])),
            ("GET document (1 MiB, 2,000 spans, 300 attributions)", fetch(world["large"])),
            ("GET document list page", document_list)]


def database_cpu() -> float:
    """Seconds of CPU of this connection's PostgreSQL backend, when it runs on this machine
    (0.0 on SQLite or a remote server): the other half of a query's cost."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200, help="timed calls per request")
    parser.add_argument("--pyinstrument", action="store_true", help="print a call tree too")
    parser.add_argument("--sql", action="store_true", help="print every query")
    parser.add_argument("--only", metavar="WORDS", default="",
                        help="only the requests whose name contains WORDS (e.g. 'list')")
    parser.add_argument("--cprofile", action="store_true",
                        help="print the functions of most cumulative time (the standard cProfile)")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    world = seed.seed(documents=200, fetch_spans=500, clients=1)
    world["labelled"] = world["large"] = world["fetch_document"]
    if not args.only or "attributions" in args.only:  # seeding these takes a while
        world["labelled"] = labelled_document(world, size=15_000, spans=500, attributions=150)
        world["large"] = labelled_document(world, size=MIB, spans=2000, attributions=300)
    print(f"database: {connection.vendor}\n")
    for name, call in requests(world):
        if args.only not in name:
            continue
        call()  # the first call of each kind warms caches up
        with CaptureQueriesContext(connection) as queries:
            call()
        print(f"{name}: {len(queries)} queries")
        if args.sql:
            for query in queries.captured_queries:
                print(f"    {query['time']}s  {query['sql'][:300]}")
        timings = []
        cpu, server = time.process_time(), database_cpu()
        for _ in range(args.repeat):
            began = time.perf_counter()
            call()
            timings.append(time.perf_counter() - began)
        cpu_ms = (time.process_time() - cpu) * 1000 / args.repeat
        server_ms = (database_cpu() - server) * 1000 / args.repeat
        print(f"    median {statistics.median(timings) * 1000:.1f} ms over {args.repeat} calls, "
              f"{cpu_ms:.2f} ms CPU each"
              + (f" (+ {server_ms:.2f} ms of the PostgreSQL backend's)" if server else ""))
        if args.pyinstrument:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            with profiler:
                for _ in range(args.repeat):
                    call()
            print(profiler.output_text(unicode=True, color=False, show_all=False))
        if args.cprofile:
            import cProfile
            import pstats

            profile = cProfile.Profile()
            with profile:
                for _ in range(args.repeat):
                    call()
            pstats.Stats(profile).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(45)


if __name__ == "__main__":
    main()
