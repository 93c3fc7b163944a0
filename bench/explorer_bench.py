"""Benchmark the explorer's reads (issue #16) on PostgreSQL at the target size.

    .venv/bin/python bench/explorer_bench.py                       # 10,000 documents, 500,000 spans
    .venv/bin/python bench/explorer_bench.py --documents 500 --runs 5   # a check in a minute

The script makes a PostgreSQL database of its own (annotator_explorer_<pid> on
127.0.0.1:5432, dropped at the end, also after an error or Ctrl-C), migrates it, and
writes the labels in bulk (not through the services: a seed of 500,000 spans through them
would take an hour): per document 50 spans of one annotator, all approved, 15 of them
attributions (claim, SOURCE, cue) whose SOURCE span names one of 500 entities four times
in five, 20 outlets, dates over 24 months. Then it sends each explorer request --runs times
in-process (Django's test client, so the figures are the view's and the database's, not a
server's) and prints the median and the p95 of each, in milliseconds.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Django and the app are imported inside the functions: DATABASE_URL names the database
# this script makes, so settings may load only after main() has made it and set it.
ADMIN_URL = os.environ.get("BENCH_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
SPANS_PER_DOCUMENT = 50
ATTRIBUTIONS_PER_DOCUMENT = 15
WORD = "word "


def _database(name: str, create: bool) -> None:
    import psycopg2  # PostgreSQL's driver: only this benchmark's set-up needs it directly

    connection = psycopg2.connect(ADMIN_URL, connect_timeout=5)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if create:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def seed(documents: int, seed_value: int = 16):
    from django.contrib.auth import get_user_model  # after django.setup() (see the top)

    from annotator.models import (Attribution, Document, LabelStatus, ReviewState,
                                  SourceEntity, Span, attribution_dedup_key)
    from annotator.services.projects import membership_set, project_create

    rng = random.Random(seed_value)
    users = get_user_model().objects
    annotator = users.create_user("bench-annotator", password="a-Long-bench-passw0rd")
    reviewer = users.create_user("bench-reviewer", password="a-Long-bench-passw0rd")
    project = project_create(name="Explorer bench")
    membership_set(project=project, user=annotator, role="annotator")
    membership_set(project=project, user=reviewer, role="reviewer")
    labels = {label.name: label for label in project.labels.all()}
    types = ["person"] * 5 + ["organisation"] * 2 + ["anonymous"] * 2 + ["group", "document"]
    entities = SourceEntity.objects.bulk_create([
        SourceEntity(project=project, name=f"Source {n}", type=rng.choice(types))
        for n in range(500)])
    text = f"{WORD * 400}".strip()          # 1,999 characters, a span every 10 of them
    batch = 200
    for first in range(0, documents, batch):
        docs = Document.objects.bulk_create([
            Document(project=project, title=f"Article {n}", text=f"{n:07d} {text}",
                     length=len(text) + 8, text_sha256=f"{n:064d}",
                     outlet=f"Outlet {n % 20}",
                     published=f"20{24 + (n % 24) // 12}-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
                     metadata={"outlet": f"Outlet {n % 20}"})
            for n in range(first, min(documents, first + batch))])
        spans = []
        for doc in docs:
            for i in range(SPANS_PER_DOCUMENT):
                role = ("CLAIM", "SOURCE", "CUE")[i % 3] if i < 3 * ATTRIBUTIONS_PER_DOCUMENT \
                    else "CLAIM"
                start = 8 + i * 10
                entity = (rng.choice(entities) if role == "SOURCE" and rng.random() < 0.8
                          else None)
                spans.append(Span(document=doc, annotator=annotator, label=labels[role],
                                  start=start, end=start + 4, quote=doc.text[start:start + 4],
                                  status=LabelStatus.ACCEPTED,
                                  review_state=ReviewState.APPROVED, entity=entity))
        spans = Span.objects.bulk_create(spans, batch_size=5000)
        attributions = []
        for d, doc in enumerate(docs):
            mine = spans[d * SPANS_PER_DOCUMENT:(d + 1) * SPANS_PER_DOCUMENT]
            for a in range(ATTRIBUTIONS_PER_DOCUMENT):
                claim, source, cue = mine[3 * a:3 * a + 3]
                attributions.append(Attribution(
                    document=doc, annotator=annotator, claim=claim, source=source, cue=cue,
                    status=LabelStatus.ACCEPTED, review_state=ReviewState.APPROVED,
                    attributes={"quote_type": rng.choice(["direct", "indirect"])},
                    dedup_key=attribution_dedup_key([claim.pk], source.pk, cue.pk)))
        Attribution.objects.bulk_create(attributions, batch_size=5000)
        print(f"  seeded {first + len(docs)} documents", file=sys.stderr, flush=True)
    return project, reviewer, entities


def measure(project, reviewer, entities, runs: int) -> dict:
    from django.test import Client  # after django.setup() (see the top)

    client = Client(HTTP_HOST="localhost")
    client.force_login(reviewer)
    base = f"/api/projects/{project.pk}/sources/"
    top = next(s["entity"] for s in client.get(base).json()["sources"] if s["entity"])
    requests = {
        "sources (approved, no filter)": base,
        "sources, outlet + date range": f"{base}?outlet=Outlet+3&date_from=2024-03-01"
                                        "&date_to=2025-02-28",
        "sources, type + attribute": f"{base}?type=anonymous&attribute=quote_type:direct",
        "sources, the annotator's layer": f"{base}?layer=bench-annotator",
        "claims of the first entity": f"{base}{top}/claims/",
        "claims of \"(no entity)\"": f"{base}none/claims/",
        "sources CSV": f"{base}csv/",
    }
    figures = {}
    for name, url in requests.items():
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (url, response.content[:300])
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        figures[name] = (statistics.median(times), p95)
    return figures


def explain(project) -> None:
    from django.db import connection  # after django.setup() (see the top)

    from annotator.selectors import explorer

    inner = explorer._inner(explorer.explorer_claims(project=project,
                                                     filters=explorer.ExplorerFilter()))
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ANALYZE SELECT t.x_entity, COUNT(DISTINCT t.x_claim) "
                       f"FROM ({inner[0]}) t GROUP BY t.x_entity", inner[1])
        print("\n".join(row[0] for row in cursor.fetchall()), file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--jit-off", action="store_true",
                        help="PostgreSQL's JIT compiler off for the run (PGOPTIONS): its "
                             "compiling costs these queries more than it saves")
    parser.add_argument("--explain", action="store_true",
                        help="print PostgreSQL's plan of the ranking query too")
    args = parser.parse_args()
    if args.jit_off:
        os.environ["PGOPTIONS"] = "-c jit=off"
    name = f"annotator_explorer_{os.getpid()}"
    _database(name, create=True)
    try:
        os.environ["DATABASE_URL"] = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        os.environ.setdefault("DEBUG", "true")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        sys.path.insert(0, str(ROOT))
        import django  # set up only once DATABASE_URL names this run's database

        django.setup()
        from django.core.management import call_command  # after django.setup()
        from django.db import connection

        call_command("migrate", verbosity=0)
        began = time.perf_counter()
        project, reviewer, entities = seed(args.documents)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("SELECT count(*) FROM annotator_span")
            spans = cursor.fetchone()[0]
        print(f"seeded {args.documents} documents, {spans} spans in "
              f"{time.perf_counter() - began:.0f} s", file=sys.stderr)
        if args.explain:
            explain(project)
        figures = measure(project, reviewer, entities, args.runs)
        print(f"PostgreSQL, {args.documents} documents, {spans} spans, {args.runs} runs each"
              f"{', JIT off' if args.jit_off else ''}")
        for request, (median, p95) in figures.items():
            print(f"  {request:36} median {median:7.1f} ms   p95 {p95:7.1f} ms")
    finally:
        if "django" in sys.modules and sys.modules["django"].apps.apps.ready:
            from django.db import connections  # Django was set up: close before the drop

            connections.close_all()
        _database(name, create=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
