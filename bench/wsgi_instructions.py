"""Instructions per write through Django's WSGI handler, counted by callgrind: a figure the
load of a shared machine does not move (CPU time there moves by a third between runs).

    valgrind --tool=callgrind --collect-atstart=no --toggle-collect=sys_call_tracing \\
        --callgrind-out-file=/tmp/cg.%p .venv/bin/python bench/wsgi_instructions.py span_create
    callgrind_annotate /tmp/cg.<pid> | head -30     # "PROGRAM TOTALS": divide by --count

Kinds: span_create, attribution_create, span_update, span_delete, me (GET /api/me/).
In-process, production settings (DEBUG off, APP_ENV=production), a fresh SQLite file, a
token as an API client sends it, the environ gunicorn builds (no gunicorn, no socket).
What each write needs (spans to link, update or delete) is made first, uncounted; only the
`--count` requests run inside sys.call_tracing, the C function callgrind's collection is
toggled on (nothing else in the app calls it). Without valgrind it prints CPU ms per
request (time.process_time) instead, a rough figure.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throwaway import throwaway_env  # noqa: E402

FOLDER = throwaway_env("instructions", APP_ENV="production")

import seed  # noqa: E402  (sets Django up)

from django.core.management import call_command  # noqa: E402

from workload import span_body  # noqa: E402


def environ(method: str, path: str, token: str, body: dict | None) -> dict:
    """What gunicorn hands the app for this request (the keys Django and DRF read)."""
    payload = b"" if body is None else json.dumps(body).encode()
    path, _, query = path.partition("?")
    found = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
             "SCRIPT_NAME": "", "SERVER_NAME": "testserver", "SERVER_PORT": "80",
             "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": "40000",
             "HTTP_HOST": "testserver", "HTTP_AUTHORIZATION": f"Token {token}",
             "HTTP_ACCEPT": "application/json", "HTTP_CONNECTION": "keep-alive",
             "HTTP_USER_AGENT": "Python-urllib/3.11", "HTTP_ACCEPT_ENCODING": "identity",
             "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(payload),
             "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": True,
             "wsgi.run_once": False}
    if body is not None:
        found.update(CONTENT_TYPE="application/json", CONTENT_LENGTH=str(len(payload)))
    return found


def call(application, method: str, path: str, token: str, body: dict | None = None):
    """(status, body bytes) of one request through the WSGI app."""
    status = []

    def start_response(line, headers, exc_info=None):
        status.append(int(line.split()[0]))

    result = application(environ(method, path, token, body), start_response)
    data = b"".join(result)
    if hasattr(result, "close"):
        result.close()
    return status[0], data


def prepare(application, world: dict, kind: str, count: int) -> list:
    """The `count` measured requests (method, path, body, expected status) of this kind."""
    documents, token = world["write_documents"], world["tokens"]["writer"]
    if kind == "me":
        return [("GET", "/api/me/", None, 200)] * count
    if kind == "span_create":
        return [("POST", f"/api/documents/{documents[n % len(documents)]['id']}/spans/",
                 span_body(n // len(documents), documents[n % len(documents)]["text"]), 201)
                for n in range(count)]
    made, n = {"CLAIM": [], "SOURCE": [], "other": []}, 0
    while min(len(spans) for spans in made.values()) < 2 * count:
        document = documents[n % len(documents)]
        status, data = call(application, "POST", f"/api/documents/{document['id']}/spans/",
                            token, span_body(200_000 + n, document["text"]))
        n += 1
        if status == 201:
            span = json.loads(data)
            made.get(span["label"], made["other"]).append((document["id"], span))
    if kind == "attribution_create":
        sources: dict[int, list] = {}
        for document_id, span in made["SOURCE"]:
            sources.setdefault(document_id, []).append(span["id"])
        pairs = [(document_id, claim["id"], sources[document_id].pop())
                 for document_id, claim in made["CLAIM"] if sources.get(document_id)]
        assert len(pairs) >= count, "too few claims and sources in the same documents"
        return [("POST", f"/api/documents/{document_id}/attributions/",
                 {"claims": [claim], "source": source}, 201)
                for document_id, claim, source in pairs[:count]]
    spans = [span for _, span in made["other"][:count]]
    if kind == "span_update":
        return [("PATCH", f"/api/spans/{span['id']}/",
                 {"start": span["start"] + (span["end"] - span["start"] > 1), "version": 1}, 200)
                for span in spans]
    return [("DELETE", f"/api/spans/{span['id']}/?version=1", None, 204) for span in spans]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["span_create", "attribution_create", "span_update",
                                         "span_delete", "me"])
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    world = seed.seed(documents=20, fetch_spans=10, clients=1)
    from config.wsgi import application

    token = world["tokens"]["writer"]
    calls = prepare(application, world, args.kind, args.count + 20)
    for method, path, body, expected in calls[:20]:  # warm-up: first requests compile
        assert call(application, method, path, token, body)[0] == expected
    calls = calls[20:]

    def measured():
        for method, path, body, expected in calls:
            status, data = call(application, method, path, token, body)
            assert status == expected, (status, data[:300])

    cpu = time.process_time()
    sys.call_tracing(measured, ())  # callgrind collects inside this C function only
    cpu = (time.process_time() - cpu) * 1000 / len(calls)
    print(f"{args.kind}: {len(calls)} requests, {cpu:.3f} ms CPU each "
          f"(load {os.getloadavg()[0]:.2f}); under callgrind: PROGRAM TOTALS / {len(calls)}")


if __name__ == "__main__":
    main()
