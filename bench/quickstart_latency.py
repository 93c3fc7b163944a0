"""How soon the quick start's background jobs answer: an export, a pre-tagging job.

    .venv/bin/python bench/quickstart_latency.py [--repeat 5]

The quick start's own set-up: SQLite and kombu's filesystem queue, a real `celery worker`
process (one, as `make run` starts it), all in a temporary folder. Through the API (the
test client, token auth), as a script or the browser polls it every 0.02 s: the time from
POST of an export job of 5,000 spans (JSON Lines, all layers) to its zip downloaded, and
from POST of a pre-tagging job of 20 documents to the first answer showing progress
(done > 0). Prints each and the medians. The machine is shared: compare runs made back to
back, never absolute figures.
"""
from __future__ import annotations

import argparse
import atexit
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throwaway import throwaway_env  # noqa: E402

FOLDER = throwaway_env("latency", sqlite_only=True,
                       CELERY_BROKER_URL="filesystem://localhost/")

ROOT = Path(__file__).resolve().parent.parent
import seed  # noqa: E402  (sets Django up)

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from annotator.services.documents import document_create  # noqa: E402
from annotator.services.projects import membership_set, project_create  # noqa: E402
from annotator.services.spans import spans_bulk_create  # noqa: E402
from workload import article_text, span_offsets  # noqa: E402

POLL = 0.02


def world() -> tuple[Client, int]:
    admin, token = seed.user_with_token("latency-admin")
    annotator, _ = seed.user_with_token("latency-annotator")
    project = project_create(name="Latency", creator=admin)
    membership_set(project=project, user=annotator, role="annotator")
    for number in range(20):
        document, _ = document_create(project=project, title=f"Article {number}",
                                      text=article_text(number))
        items = []
        for index in range(250):  # 20 x 250 = 5,000 spans
            label, start, end = span_offsets(index, document.length)
            items.append({"label": label, "start": start, "end": end})
        spans_bulk_create(document=document, annotator=annotator, items=items)
    return Client(HTTP_AUTHORIZATION=f"Token {token}"), project.pk


def worker() -> subprocess.Popen:
    log = FOLDER / "worker.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency=1",
         "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=os.environ.copy(), stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True)
    atexit.register(process.terminate)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None or "ready." in log.read_text():
            break
        time.sleep(0.2)
    if process.poll() is not None or "ready." not in log.read_text():
        raise RuntimeError(f"worker not ready:\n{log.read_text()[-3000:]}")
    return process


def until(client: Client, path: str, done) -> dict:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        body = client.get(path).json()
        if done(body):
            return body
        if body.get("state") in ("failed", "cancelled"):
            raise RuntimeError(f"{path}: {body}")
        time.sleep(POLL)
    raise TimeoutError(path)


def export_seconds(client: Client, project_id: int) -> float:
    began = time.perf_counter()
    response = client.post(f"/api/projects/{project_id}/export-jobs/",
                           {"format": "jsonl", "layer": "all"}, content_type="application/json")
    assert response.status_code in (200, 201, 202), response.content[:500]
    job_id = response.json()["id"]
    until(client, f"/api/export-jobs/{job_id}/", lambda body: body["state"] == "done")
    download = client.get(f"/api/export-jobs/{job_id}/download/")
    assert download.status_code == 200, download.status_code
    b"".join(download.streaming_content if download.streaming else [download.content])
    return time.perf_counter() - began


def pretag_seconds(client: Client, project_id: int) -> float:
    began = time.perf_counter()
    response = client.post(f"/api/projects/{project_id}/pretag-jobs/", {},
                           content_type="application/json")
    assert response.status_code in (200, 201, 202), response.content[:500]
    job_id = response.json()["id"]
    until(client, f"/api/pretag-jobs/{job_id}/",
          lambda body: body["done"] > 0 or body["state"] == "done")
    took = time.perf_counter() - began
    until(client, f"/api/pretag-jobs/{job_id}/", lambda body: body["state"] == "done")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    client, project_id = world()
    worker()
    print(f"load average {os.getloadavg()[0]:.2f}")
    exports, pretags = [], []
    for number in range(args.repeat):
        exports.append(export_seconds(client, project_id))
        pretags.append(pretag_seconds(client, project_id))
        print(f"  round {number + 1}: export of 5,000 spans downloaded after "
              f"{exports[-1]:.2f} s; pre-tagging's first progress after {pretags[-1]:.2f} s")
    print(f"export: median {statistics.median(exports):.2f} s; first progress: median "
          f"{statistics.median(pretags):.2f} s over {args.repeat} rounds; load average "
          f"{os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
