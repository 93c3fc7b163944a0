"""Where the benchmarked requests spend their time: SQL queries and a profile.

    .venv/bin/python bench/profile_requests.py                 # query counts and timings
    .venv/bin/python bench/profile_requests.py --pyinstrument  # plus a call tree per request

Runs in-process (Django's test client, production settings, no network) on a
fresh SQLite file, or on DATABASE_URL when it is a PostgreSQL URL (that
database must be empty and disposable). Prints, for one span create, one
fetch of a document with 500 spans and one page of the document list: the
number of SQL queries (`--sql`: each query) and the median time of repeated calls.
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

from workload import span_body  # noqa: E402


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

    return [("POST span", span_create), ("GET document (500 spans)", document_fetch),
            ("GET document list page", document_list)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200, help="timed calls per request")
    parser.add_argument("--pyinstrument", action="store_true", help="print a call tree too")
    parser.add_argument("--sql", action="store_true", help="print every query")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    world = seed.seed(documents=200, fetch_spans=500, clients=1)
    print(f"database: {connection.vendor}\n")
    for name, call in requests(world):
        call()  # the first call of each kind warms caches up
        with CaptureQueriesContext(connection) as queries:
            call()
        print(f"{name}: {len(queries)} queries")
        if args.sql:
            for query in queries.captured_queries:
                print(f"    {query['time']}s  {query['sql'][:300]}")
        timings = []
        for _ in range(args.repeat):
            began = time.perf_counter()
            call()
            timings.append(time.perf_counter() - began)
        print(f"    median {statistics.median(timings) * 1000:.1f} ms over {args.repeat} calls")
        if args.pyinstrument:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            with profiler:
                for _ in range(args.repeat):
                    call()
            print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
