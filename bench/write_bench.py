"""What one write costs: queries and time of span and attribution writes, short and 1 MiB text.

    .venv/bin/python bench/write_bench.py                # queries per write and writes/s
    .venv/bin/python bench/write_bench.py --sql          # every query of one write of each kind
    .venv/bin/python bench/write_bench.py --profile      # cProfile of the span creates
    SQL_WIDTH=3000 .venv/bin/python bench/write_bench.py --sql --count 1   # whole queries

In-process (Django's test client, production settings, token auth as an API client
sends it, no network) on a fresh SQLite file, or on DATABASE_URL when it is a
PostgreSQL URL (an empty, disposable database). For a ~15 KB and a 1 MiB document it
prints the SQL queries of one span create, attribution create, span update, span
delete and attribution delete, and the writes per second of `--count` of each. The
machine is shared: compare runs made back to back, never absolute figures.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throwaway import throwaway_env  # noqa: E402

FOLDER = throwaway_env("writes")

import seed  # noqa: E402  (sets Django up)

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from annotator.services.documents import document_create  # noqa: E402
from annotator.services.projects import membership_set, project_create  # noqa: E402
from workload import article_text, span_body  # noqa: E402

MIB = 1024 * 1024
SQL_WIDTH = int(os.environ.get("SQL_WIDTH", "200"))  # characters of each query --sql prints


def texts() -> dict[str, str]:
    short = article_text(1, sentences=160)[:15_000]
    long_parts, size, number = [], 0, 2
    while size < MIB:
        part = article_text(number)
        long_parts.append(part)
        size += len(part.encode("utf-8"))
        number += 1
    return {"15 KB": short, "1 MiB": "\n\n".join(long_parts)}


def world() -> tuple[Client, dict[str, dict]]:
    admin, _ = seed.user_with_token("bench-admin")
    writer, token = seed.user_with_token("bench-writer")
    project = project_create(name="Writes", creator=admin)
    membership_set(project=project, user=writer, role="annotator")
    documents = {}
    for name, text in texts().items():
        document, _ = document_create(project=project, title=name, text=text)
        documents[name] = {"id": document.pk, "text": text}
    return Client(HTTP_AUTHORIZATION=f"Token {token}"), documents


class Writes:
    """Each method makes one request of its kind on one document and checks the answer."""

    def __init__(self, client: Client, document: dict):
        self.client, self.document = client, document
        self.counter = iter(range(10**7))
        self.spans: list[dict] = []        # created, not yet updated or deleted
        self.claims: list[int] = []
        self.sources: list[int] = []
        self.attributions: list[dict] = []

    def _post(self, path: str, body: dict) -> dict:
        response = self.client.post(path, body, content_type="application/json")
        assert response.status_code == 201, response.content[:500]
        return response.json()

    def span_create(self) -> None:
        body = span_body(next(self.counter), self.document["text"])
        span = self._post(f"/api/documents/{self.document['id']}/spans/", body)
        (self.claims if span["label"] == "CLAIM" else
         self.sources if span["label"] == "SOURCE" else self.spans).append(span["id"])

    def attribution_create(self) -> None:
        while not (self.claims and self.sources):
            self.span_create()
        body = {"claims": [self.claims.pop()], "source": self.sources.pop()}
        self.attributions.append(
            self._post(f"/api/documents/{self.document['id']}/attributions/", body))

    def update_body(self) -> tuple[int, dict]:
        """(span id, PATCH body) for the next span update: one code point shorter."""
        if not self.spans:
            for _ in range(3):
                self.span_create()
        span_id = self.spans.pop()
        span = self.client.get(f"/api/spans/{span_id}/").json()
        start = span["start"] + 1 if span["end"] - span["start"] > 1 else span["start"]
        return span_id, {"start": start, "version": span["version"]}

    def span_update(self, prepared: tuple[int, dict] | None = None) -> None:
        span_id, body = prepared or self.update_body()
        response = self.client.patch(f"/api/spans/{span_id}/", body,
                                     content_type="application/json")
        assert response.status_code == 200, response.content[:500]

    def span_delete(self) -> None:
        if not self.spans:
            for _ in range(3):
                self.span_create()
        response = self.client.delete(f"/api/spans/{self.spans.pop()}/?version=1")
        assert response.status_code == 204, response.content[:500]

    def attribution_delete(self) -> None:
        if not self.attributions:
            self.attribution_create()
        attribution = self.attributions.pop()
        response = self.client.delete(f"/api/attributions/{attribution['id']}/"
                                      f"?version={attribution['version']}")
        assert response.status_code == 204, response.content[:500]


KINDS = ("span_create", "attribution_create", "span_update", "span_delete",
         "attribution_delete")


def prepare(writes: Writes, kind: str, count: int) -> list:
    """What `count` writes of this kind need first (spans to link, update or delete), made
    before the clock starts; returns the arguments of each write."""
    if kind in ("span_update", "span_delete"):
        while len(writes.spans) < count:
            writes.span_create()
    if kind == "attribution_create":
        while len(writes.claims) < count or len(writes.sources) < count:
            writes.span_create()
    if kind == "attribution_delete":
        while len(writes.attributions) < count:
            writes.attribution_create()
    if kind == "span_update":
        return [(writes.update_body(),) for _ in range(count)]
    return [() for _ in range(count)]


def one_write(writes: Writes, kind: str, sql: bool) -> int:
    """Queries of one write of this kind (the requests it needs first are made before)."""
    [arguments] = prepare(writes, kind, 1)
    with CaptureQueriesContext(connection) as queries:
        getattr(writes, kind)(*arguments)
    if sql:
        for query in queries.captured_queries:
            print(f"      {query['time']}s  {query['sql'][:SQL_WIDTH]}")
    return len(queries)


def rate(writes: Writes, kind: str, count: int) -> tuple[float, float]:
    """(writes per second, CPU milliseconds of this process per write) of this kind."""
    calls = prepare(writes, kind, count)
    call = getattr(writes, kind)
    began, cpu = time.perf_counter(), time.process_time()
    for arguments in calls:
        call(*arguments)
    return count / (time.perf_counter() - began), (time.process_time() - cpu) * 1000 / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300, help="timed writes of each kind")
    parser.add_argument("--sql", action="store_true", help="print every query of one write")
    parser.add_argument("--profile", action="store_true", help="cProfile the span creates")
    parser.add_argument("--kinds", default=",".join(KINDS))
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    client, documents = world()
    print(f"database: {connection.vendor}; load average {os.getloadavg()[0]:.2f}")
    kinds = args.kinds.split(",")
    for name, document in documents.items():
        writes = Writes(client, document)
        for _ in range(5):
            writes.span_create()  # warm up
        print(f"\n{name} document ({len(document['text']):,} code points):")
        for kind in kinds:
            print(f"  {kind}: {one_write(writes, kind, args.sql)} queries")
        for kind in kinds:
            per_second, cpu_ms = rate(writes, kind, args.count)
            print(f"  {kind}: {per_second:.0f} writes/s, {cpu_ms:.2f} ms CPU each")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.count):
                writes.span_create()
            profiler.disable()
            # SORT=tottime, TOP=60: another order or length of the list
            pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(
                int(os.environ.get("TOP", "40")))
    print(f"\nload average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
