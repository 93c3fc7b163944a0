"""Spans per second of the bulk write (POST /api/documents/{id}/bulk/), in one request.

    .venv/bin/python bench/bulk_bench.py                 # 10,000 spans, then 3,333 attributions
    .venv/bin/python bench/bulk_bench.py --spans 2000 --repeat 5

In-process (Django's test client, production settings, token auth, no network) on a
fresh SQLite file, or on DATABASE_URL when it is a PostgreSQL URL (an empty, disposable
database). Each round, on a document of its own: one request creating `--spans` spans;
one creating them again with an attribution per three (claim, source, cue by ref); one
deleting them all. Prints the rate of each (spans or items per second of the request's
wall time) and the median over the rounds, and the rate per second of the request's CPU
time, which the other processes of a busy machine change less. The body is encoded before
the clock starts (a client encodes in its own process). The machine is shared: compare
runs made back to back, never absolute figures.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throwaway import throwaway_env  # noqa: E402

FOLDER = throwaway_env("bulk", MAX_BODY_MB="50")

import seed  # noqa: E402  (sets Django up)

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from annotator.services.documents import document_create  # noqa: E402
from annotator.services.projects import membership_set, project_create  # noqa: E402
from workload import article_text, span_body  # noqa: E402


CPU: dict[str, list[float]] = {}  # rates per second of the request's CPU time, by name


def post(client: Client, document_id: int, body: dict, name: str = "",
         count: int = 0) -> tuple[dict, float]:
    """The request's wall time; its CPU time (one thread: the test client runs the view in
    it) goes to CPU[name]. The body is encoded first: a client does that in its own
    process."""
    raw = json.dumps(body).encode()
    began, cpu = time.perf_counter(), time.thread_time()
    response = client.post(f"/api/documents/{document_id}/bulk/", raw,
                           content_type="application/json")
    took, cpu = time.perf_counter() - began, time.thread_time() - cpu
    assert response.status_code == 201, response.content[:1000]
    if name:
        CPU.setdefault(name, []).append(count / cpu)
    return response.json(), took


def round_of(client: Client, document, count: int) -> dict[str, float]:
    text = document.text
    spans = [span_body(index, text) for index in range(count)]
    made, took = post(client, document.pk, {"create": {"spans": spans}}, "create spans", count)
    rates = {"create spans": count / took}
    _, took = post(client, document.pk, {"delete": {"spans": [
        {"id": span["id"], "version": span["version"]} for span in made["spans"]]}},
        "delete spans", count)
    rates["delete spans"] = count / took
    # labels cycle CLAIM, SOURCE, CUE: each three make one attribution
    with_refs = [{**span, "ref": str(index)} for index, span in enumerate(spans)]
    attributions = [{"claims": [str(i)], "source": str(i + 1), "cue": str(i + 2)}
                    for i in range(0, count - 2, 3)]
    name, items = "create spans + attributions (items)", count + len(attributions)
    _, took = post(client, document.pk, {"create": {"spans": with_refs,
                                                    "attributions": attributions}}, name, items)
    rates[name] = items / took
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spans", type=int, default=10_000, help="spans per request")
    parser.add_argument("--repeat", type=int, default=3, help="rounds, each on a new document")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    admin, _ = seed.user_with_token("bench-admin")
    writer, token = seed.user_with_token("bench-writer")
    project = project_create(name="Bulk", creator=admin)
    membership_set(project=project, user=writer, role="annotator")
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    print(f"database: {connection.vendor}; {args.spans:,} spans per request; "
          f"load average {os.getloadavg()[0]:.2f}")
    results: dict[str, list[float]] = {}
    for number in range(args.repeat):
        document, _ = document_create(project=project, title=f"Round {number}",
                                      text=article_text(number, sentences=200))
        for name, rate in round_of(client, document, args.spans).items():
            results.setdefault(name, []).append(rate)
            print(f"  round {number + 1}: {name}: {rate:,.0f}/s")
    for name, rates in results.items():
        print(f"{name}: median {statistics.median(rates):,.0f}/s over {len(rates)} rounds "
              f"(per CPU second: {statistics.median(CPU[name]):,.0f}/s)")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
