"""Time a read of a member's own explorer layer with one stale document (decisions §21,
"Member layers: settled on read") on a database kept by explorer_bench.py --keep.

    nice -n 10 .venv/bin/python bench/explorer_stale_bench.py --database annotator_layers_bench

It migrates the database first (0025 adds the marks' table), then, --runs times each, in a
transaction rolled back: the annotator's summary clean (the marks read: none), and the same
after one document's attribution was edited behind the services' back (its attributes, one
UPDATE) and that document marked stale as a single write of a pending label marks it, so
that the read settles it (its layer's rows made again: they changed, so their cells too);
then the settling alone, a write's mark alone, and what branch `layers` ran in every such
write instead (the document's rows of every layer refreshed, after the same change).
Median, p95 and queries, with the load average.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ADMIN_URL = os.environ.get("BENCH_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")


class Rollback(Exception):
    pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = ADMIN_URL.rsplit("/", 1)[0] + f"/{args.database}"
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django  # set up only once DATABASE_URL names the database

    django.setup()
    from django.core.management import call_command  # after django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from annotator.models import Attribution, Project
    from annotator.selectors.explorer import ExplorerFilter, explorer_summary
    from annotator.services.explorer_rows import explorer_rows_refresh
    from annotator.services.explorer_stale import explorer_layer_changed, explorer_layer_settle

    call_command("migrate", verbosity=0)
    project = Project.objects.get(name="Explorer bench")
    member = project.memberships.get(user__username="bench-annotator").user
    mine = ExplorerFilter(annotator_id=member.pk)
    attribution = Attribution.objects.filter(document__project=project,
                                             annotator=member).order_by("pk")[500]

    def changed() -> None:
        Attribution.objects.filter(pk=attribution.pk).update(
            attributes={**attribution.attributes, "quote_type": "bench"})

    def dirty() -> None:
        changed()
        explorer_layer_changed(project_id=project.pk, document_id=attribution.document_id,
                               layer=member.pk, approved=False)

    def timed(prepare, run) -> tuple[list[float], int]:
        times, queries = [], 0
        for _ in range(args.runs):
            try:
                with transaction.atomic():
                    prepare()
                    with CaptureQueriesContext(connection) as captured:
                        began = time.perf_counter()
                        run()
                        times.append((time.perf_counter() - began) * 1000)
                    queries = len(captured.captured_queries)
                    raise Rollback
            except Rollback:
                pass
        return times, queries

    def summary() -> None:
        explorer_summary(project=project, filters=mine)

    print(f"database {args.database}: layer {member.username}, "
          f"{project.documents.count()} documents; load {os.getloadavg()[0]:.1f}")
    for name, prepare, run in (
            ("summary, layer clean", lambda: None, summary),
            ("summary, one document stale (settled first)", dirty, summary),
            ("the settling alone, one document stale", dirty,
             lambda: explorer_layer_settle(project_id=project.pk, layer=member.pk)),
            ("summary, layer clean (again)", lambda: None, summary),
            ("a write's mark alone (the upsert)", lambda: None,
             lambda: explorer_layer_changed(project_id=project.pk,
                                            document_id=attribution.document_id,
                                            layer=member.pk, approved=False)),
            ("what `layers` ran per write instead: the document refreshed, every layer",
             changed, lambda: explorer_rows_refresh(document_ids=[attribution.document_id]))):
        times, queries = timed(prepare, run)
        p95 = sorted(times)[max(0, round(len(times) * 0.95) - 1)]
        print(f"  {name}: {statistics.median(times):.1f} / {p95:.1f} ms, {queries} queries")
    print(f"load {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
