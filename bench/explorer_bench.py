"""Benchmark the explorer's reads (issue #16, point 5) on PostgreSQL at the target size.

    nice -n 10 .venv/bin/python bench/explorer_bench.py          # 10,000 documents, 500,000 spans
    .venv/bin/python bench/explorer_bench.py --documents 500 --runs 5   # a check in a minute
    .venv/bin/python bench/explorer_bench.py --database NAME --keep     # then --reuse: measure again

The script makes a PostgreSQL database of its own (annotator_explorer_<pid>, or --database,
on 127.0.0.1:5432, dropped at the end unless --keep, also after an error or Ctrl-C),
migrates it, and writes the labels by COPY (not through the services: a seed of 500,000
spans through them would take an hour): per document 50 spans of one annotator, all
approved, 15 of them attributions (claim, SOURCE, cue) whose SOURCE span names one of 500
entities four times in five (the first ten take a third of those), 20 outlets, dates over
24 months. The explorer's rows and cells are then made by explorer_rows_rebuild (timed),
and VACUUM ANALYZE marks their pages visible. Each explorer request is sent --runs times
in-process (Django's test client, so the figures are the view's and the database's, not a
server's), with date ranges of whole months (cells only) and cut mid-month (cells and the
edge months' rows), on the approved layer and on the annotator's own layer (`?layer=`:
every attribution of this seed is the one annotator's, so their layer holds as many rows
as the approved one, the most a member's layer can); then the writes the read model adds
(a refresh of one document, its cells, a change of the biggest source's type), each rolled
back. The script prints the median, the p95 and the queries of each, in milliseconds, with
the load average (the figures are only comparable at a similar load).
"""
from __future__ import annotations

import argparse
import io
import json
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


def _copy(cursor, model, rows) -> None:
    """COPY `rows` (tuples in the order of the model's concrete columns) into its table:
    PostgreSQL's bulk load, a hundred times faster than INSERTs through the ORM."""
    def text(value) -> str:
        if value is None:
            return "\\N"
        if isinstance(value, bool):
            return "t" if value else "f"
        if isinstance(value, dict):
            value = json.dumps(value)
        return (str(value).replace("\\", "\\\\").replace("\t", "\\t")
                .replace("\n", "\\n").replace("\r", "\\r"))

    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(map(text, row)) + "\n")
    buffer.seek(0)
    columns = ", ".join(f'"{f.column}"' for f in model._meta.concrete_fields)
    cursor.copy_expert(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN', buffer)


def seed(documents: int, seed_value: int = 16):
    """The project, its members and 500 entities through the services; then documents,
    spans and attributions by COPY, in batches of 500 documents (ids given here, the
    sequences set after), and the explorer's rows by explorer_rows_rebuild."""
    from django.contrib.auth import get_user_model  # after django.setup() (see the top)
    from django.db import connection
    from django.utils import timezone

    from annotator.models import (Attribution, Document, SourceEntity, Span,
                                  attribution_dedup_key)
    from annotator.services.explorer_rows import explorer_rows_rebuild
    from annotator.services.projects import membership_set, project_create

    rng = random.Random(seed_value)
    users = get_user_model().objects
    annotator = users.create_user("bench-annotator", password="a-Long-bench-passw0rd")
    reviewer = users.create_user("bench-reviewer", password="a-Long-bench-passw0rd")
    project = project_create(name="Explorer bench")
    membership_set(project=project, user=annotator, role="annotator")
    membership_set(project=project, user=reviewer, role="reviewer")
    labels = {label.name: label.pk for label in project.labels.all()}
    types = ["person"] * 5 + ["organisation"] * 2 + ["anonymous"] * 2 + ["group", "document"]
    entities = SourceEntity.objects.bulk_create([
        SourceEntity(project=project, name=f"Source {n}", type=rng.choice(types))
        for n in range(500)])
    # A few sources are quoted far more than the others (as in the news): the first ten
    # entities take a third of the links.
    weights = [30 if n < 10 else 1 for n in range(len(entities))]
    text = f"{WORD * 400}".strip()          # 1,999 characters, a span every 10 of them
    now = timezone.now().isoformat()
    common = ("human", "", "", None, "accepted", "approved", 1, now, now)
    span_id = attribution_id = 0
    batch = 500
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM annotator_document")
        first_document = cursor.fetchone()[0] + 1
        for first in range(0, documents, batch):
            docs, spans, attributions = [], [], []
            for n in range(first, min(documents, first + batch)):
                doc_id, body = first_document + n, f"{n:07d} {text}"
                outlet = f"Outlet {n % 20}"
                docs.append((doc_id, project.pk, f"Article {n}", body, len(body), f"{n:064d}",
                             "", {"outlet": outlet}, outlet,
                             f"20{24 + (n % 24) // 12}-{n % 12 + 1:02d}-{n % 28 + 1:02d}", now))
                mine = []
                for i in range(SPANS_PER_DOCUMENT):
                    role = (("CLAIM", "SOURCE", "CUE")[i % 3]
                            if i < 3 * ATTRIBUTIONS_PER_DOCUMENT else "CLAIM")
                    start, span_id = 8 + i * 10, span_id + 1
                    entity = (rng.choices(entities, weights)[0].pk
                              if role == "SOURCE" and rng.random() < 0.8 else None)
                    spans.append((span_id, *common, doc_id, annotator.pk, labels[role], start,
                                  start + 4, body[start:start + 4], None, entity,
                                  None, None, None, None))   # no entity suggestion
                    mine.append(span_id)
                for a in range(ATTRIBUTIONS_PER_DOCUMENT):
                    claim, source, cue = mine[3 * a:3 * a + 3]
                    attribution_id += 1
                    attributions.append((
                        attribution_id, *common, doc_id, annotator.pk, claim, source, cue,
                        {"quote_type": rng.choice(["direct", "indirect"])},
                        attribution_dedup_key([claim], source, cue), None,
                        None))  # suggestion, parent
            _copy(cursor, Document, docs)
            _copy(cursor, Span, spans)
            _copy(cursor, Attribution, attributions)
            print(f"  seeded {first + len(docs)} documents", file=sys.stderr, flush=True)
        for model in (Document, Span, Attribution):
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT MAX(id) FROM {table}))")
        cursor.execute("ANALYZE")
    began = time.perf_counter()
    rows = explorer_rows_rebuild(project=project)
    print(f"  explorer rows and cells: {rows} rows made in {time.perf_counter() - began:.1f} s",
          file=sys.stderr, flush=True)
    with connection.cursor() as cursor:   # their pages visible: index-only scans
        cursor.execute("VACUUM ANALYZE annotator_explorerrow")
        cursor.execute("VACUUM ANALYZE annotator_explorercell")
    return project, reviewer, entities


LAYER = "layer=bench-annotator"


def _requests(base: str, top: int) -> dict:
    """The approved layer's requests, then the same on the annotator's layer (names with
    "layer:")."""
    approved = {
        "sources, no filter": base,
        "sources, one outlet": f"{base}?outlet=Outlet+3",
        "sources, a date range (a year)": f"{base}?date_from=2024-03-01&date_to=2025-02-28",
        "sources, a range cut mid-month": f"{base}?date_from=2024-03-15&date_to=2025-02-10",
        "sources, type anonymous": f"{base}?type=anonymous",
        "sources, an attribute": f"{base}?attribute=quote_type:direct",
        "sources, an attribute, cut range": f"{base}?attribute=quote_type:direct"
                                            "&date_from=2024-03-15&date_to=2025-02-10",
        "sources, all four filters": f"{base}?outlet=Outlet+3&date_from=2024-03-01"
                                     "&date_to=2025-02-28&type=person"
                                     "&attribute=quote_type:direct",
        "claims of the biggest source": f"{base}{top}/claims/",
        "claims of the biggest, page 40": f"{base}{top}/claims/?offset=2000",
        "claims of \"(no entity)\"": f"{base}none/claims/",
        "sources CSV": f"{base}csv/",
    }
    layer = {}
    for name in ("sources, no filter", "sources, one outlet", "sources, a date range (a year)",
                 "sources, a range cut mid-month", "sources, type anonymous",
                 "sources, an attribute", "sources, all four filters",
                 "claims of the biggest source", "sources CSV"):
        url = approved[name]
        layer[f"layer: {name}"] = f"{url}{'&' if '?' in url else '?'}{LAYER}"
    return {**approved, **layer}


def measure(project, reviewer, entities, runs: int) -> dict:
    """Each request `runs` times, on the approved layer and on the annotator's:
    {name: (median ms, p95 ms, queries)}."""
    from django.db import connection  # after django.setup() (see the top)
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")
    client.force_login(reviewer)
    base = f"/api/projects/{project.pk}/sources/"
    top = next(s["entity"] for s in client.get(base).json()["sources"] if s["entity"])
    requests = _requests(base, top)
    figures = {}
    for name, url in requests.items():
        times, queries = [], None
        for _ in range(runs):
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (url, response.content[:300])
            queries = len(captured.captured_queries)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        figures[name] = (statistics.median(times), p95, queries)
    return figures


def measure_writes(project, reviewer, runs: int) -> dict:
    """What the read model adds to a write, `runs` times each, rolled back: the refresh of
    one document's rows of every layer where no row changes (the cells of changed rows
    only are made again: none), the cells of its rows alone (every layer's), a change of the biggest source's type (the shares of
    its outlets and months made again, in both layers), and a whole service write that
    refreshes (an attribution's attributes edited by its annotator):
    {name: (median ms, p95 ms, queries)}."""
    from django.db import connection, transaction  # after django.setup() (see the top)
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from annotator.models import Attribution, ExplorerRow, SourceEntity
    from annotator.services.attributions import attribution_update
    from annotator.services.entities import entity_update
    from annotator.services.explorer_cells import explorer_cells_remake
    from annotator.services.explorer_rows import explorer_rows_refresh

    document = project.documents.order_by("pk")[len(project.documents.all()) // 2]
    biggest = SourceEntity.objects.get(pk=ExplorerRow.objects.filter(
        project=project, entity__isnull=False).values("entity_id").annotate(
        n=Count("pk")).order_by("-n")[0]["entity_id"])

    keys = set(ExplorerRow.objects.filter(document=document).values_list(
        "project_id", "layer", "entity_id", "outlet", "month"))

    def retype():
        entity = SourceEntity.objects.get(pk=biggest.pk)
        entity_update(entity=entity, actor=reviewer, expected_version=entity.version,
                      type="anonymous" if entity.type != "anonymous" else "person")

    def edit():  # a member's edit through its service: the layer's rows and cells follow
        mine = Attribution.objects.filter(document=document).order_by("pk").first()
        flipped = "direct" if mine.attributes.get("quote_type") != "direct" else "indirect"
        attribution_update(attribution=mine, actor=mine.annotator,
                           expected_version=mine.version, attributes={"quote_type": flipped})

    writes = {"refresh, one document, no row changed":
              lambda: explorer_rows_refresh(document_ids=[document.pk]),
              "its cells alone": lambda: explorer_cells_remake(keys=keys),
              "the biggest source's type changed": retype,
              "an attribution's attributes edited": edit}
    figures = {}
    for name, write in writes.items():
        times, queries = [], None
        for _ in range(runs):
            with transaction.atomic(), CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                write()
                times.append((time.perf_counter() - began) * 1000)
                transaction.set_rollback(True)
            queries = len(captured.captured_queries)
        times.sort()
        figures[name] = (statistics.median(times),
                         times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], queries)
    return figures


def explain(project) -> None:
    from django.db import connection  # after django.setup() (see the top)

    from annotator.selectors import explorer_counts as counts

    inner = counts._inner(counts.explorer_claims(project=project,
                                                 filters=counts.ExplorerFilter()))
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
    parser.add_argument("--database", default=f"annotator_explorer_{os.getpid()}",
                        help="the database's name (made, and dropped at the end)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the database at the end, for --reuse")
    parser.add_argument("--reuse", action="store_true",
                        help="measure a database kept by --keep, without seeding it again")
    args = parser.parse_args()
    if args.jit_off:
        os.environ["PGOPTIONS"] = "-c jit=off"
    name = args.database
    if not args.reuse:
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

        began = time.perf_counter()
        call_command("migrate", verbosity=0)
        if args.reuse:   # a migration may have made the rows again: their pages visible
            print(f"  migrated in {time.perf_counter() - began:.1f} s", file=sys.stderr)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE annotator_explorerrow")
                cursor.execute("VACUUM ANALYZE annotator_explorercell")
        began = time.perf_counter()
        if args.reuse:
            from annotator.models import Project  # after django.setup()

            project = Project.objects.get(name="Explorer bench")
            reviewer = project.memberships.get(user__username="bench-reviewer").user
            entities = list(project.entities.all())
            args.documents = project.documents.count()
        else:
            project, reviewer, entities = seed(args.documents)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("SELECT count(*) FROM annotator_span")
            spans = cursor.fetchone()[0]
        if not args.reuse:
            print(f"seeded {args.documents} documents, {spans} spans in "
                  f"{time.perf_counter() - began:.0f} s", file=sys.stderr)
        if args.explain:
            explain(project)
        figures = measure(project, reviewer, entities, args.runs)
        print(f"PostgreSQL, {args.documents} documents, {spans} spans, {args.runs} runs each"
              f"{', JIT off' if args.jit_off else ''}; load average "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} after")
        print(f"  {'request':40} {'median':>9} {'p95':>9} {'queries':>8}")
        for request, (median, p95, queries) in figures.items():
            print(f"  {request:40} {median:6.1f} ms {p95:6.1f} ms {queries:8}")
        from annotator.models import APPROVED_LAYER, ExplorerRow  # after django.setup()

        layers = ExplorerRow.objects.filter(project=project)
        print(f"  layer: the annotator's own layer (?{LAYER}), "
              f"{layers.exclude(layer=APPROVED_LAYER).count():,} rows; the approved layer "
              f"{layers.filter(layer=APPROVED_LAYER).count():,}")
        print(f"  {'write (rolled back)':40} {'median':>9} {'p95':>9} {'queries':>8}")
        for write, (median, p95, queries) in measure_writes(
                project, reviewer, max(3, args.runs // 4)).items():
            print(f"  {write:40} {median:6.1f} ms {p95:6.1f} ms {queries:8}")
    finally:
        if "django" in sys.modules and sys.modules["django"].apps.apps.ready:
            from django.db import connections  # Django was set up: close before the drop

            connections.close_all()
        if not args.keep:
            _database(name, create=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
