"""Fill a freshly migrated database with the benchmark's world, through the services.

Run by api_bench.py with DATABASE_URL pointing at its throwaway database:

    python bench/seed.py --documents 1000 --fetch-spans 500 --clients 8 --out world.json

Writes one JSON file: the project id, an API token per user, the documents
the writers annotate (with their texts) and the pre-annotated document.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402

from annotator.services.accounts import api_token_create  # noqa: E402
from annotator.services.documents import document_create  # noqa: E402
from annotator.services.projects import membership_set, project_create  # noqa: E402
from annotator.services.spans import spans_bulk_create  # noqa: E402
from workload import article_text, span_offsets  # noqa: E402

# Spans of the single-client run and of the concurrent clients go to these
# documents, round robin: 5,000 spans make 500 per document.
WRITE_DOCUMENTS = 10


def user_with_token(name: str) -> tuple[object, str]:
    user = get_user_model().objects.create(username=name)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user, api_token_create(user=user, name="benchmark").secret


@transaction.atomic
def seed(*, documents: int, fetch_spans: int, clients: int) -> dict:
    admin, _ = user_with_token("bench-admin")
    project = project_create(name="Benchmark", creator=admin)
    writer, writer_token = user_with_token("bench-writer")
    reader, reader_token = user_with_token("bench-reader")
    concurrent = [user_with_token(f"bench-client-{n}") for n in range(1, clients + 1)]
    for user in [writer, reader, *(user for user, _ in concurrent)]:
        membership_set(project=project, user=user, role="annotator")

    stored = [document_create(project=project, title=f"Article {n}", text=article_text(n))[0]
              for n in range(documents)]
    fetched, _ = document_create(project=project, title="Pre-annotated article",
                                 text=article_text(documents))
    items = []
    for index in range(fetch_spans):
        label, start, end = span_offsets(index, fetched.length)
        items.append({"label": label, "start": start, "end": end})
    spans_bulk_create(document=fetched, annotator=reader, items=items)

    return {
        "project": project.pk,
        "tokens": {"writer": writer_token, "reader": reader_token,
                   "clients": [token for _, token in concurrent]},
        "write_documents": [{"id": d.pk, "text": d.text} for d in stored[:WRITE_DOCUMENTS]],
        "fetch_document": fetched.pk,
        "documents": documents + 1,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, required=True)
    parser.add_argument("--fetch-spans", type=int, required=True)
    parser.add_argument("--clients", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    world = seed(documents=args.documents, fetch_spans=args.fetch_spans, clients=args.clients)
    args.out.write_text(json.dumps(world))


if __name__ == "__main__":
    main()
