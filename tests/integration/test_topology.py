"""The scale-out deployment of docs/deploy.md, on one machine, driven through HTTP only.

gunicorn with 2 worker processes (config/gunicorn.conf.py), 2 Celery worker
processes and the one beat process, each started with its Procfile command
line, on a PostgreSQL database and a Redis db of their own, with production
settings. Accounts are made as docs/deploy.md says (`createsuperuser`, then
the Django admin); everything else goes through the REST API: import,
pre-tagging on both workers, annotation, review, export and download.

Every request carries what the TLS-terminating proxy adds (X-Forwarded-Proto,
X-Forwarded-For); gunicorn believes it because it comes from 127.0.0.1.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import secrets
import socket
import time
import zipfile
from pathlib import Path

import pytest
import redis
import requests

from tests.integration.topology import (Deployment, ProxiedSession, broker_url_for,
                                        database_url_of, forget_queue, postgres_database)
from tests.pretag_corpus import make_articles

# A Redis db that no other test uses (the Makefile's suite runs on 15), and a
# queue of this run's own on top, so that nothing else on the server interferes.
REDIS_DB = int(os.environ.get("TOPOLOGY_REDIS_DB", "14"))
CLIENT_ADDRESS = "203.0.113.7"  # the browser's address, as the proxy reports it (the default)
TIMEOUT = 60.0

LEAD = ("“The deal is dead,” the minister said, “and nobody will revive it.” "
        "According to officials, talks collapsed. A spokesperson warned that prices will rise.")


def password() -> str:
    return secrets.token_urlsafe(18)


class Browser(ProxiedSession):
    """A browser behind the reverse proxy, filling in Django's forms."""

    def form_token(self, path: str) -> str:
        page = self.get(path)
        assert page.status_code == 200, (path, page.status_code, page.text[:500])
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    def post_form(self, path: str, data: dict):
        return self.post(path, data={**data, "csrfmiddlewaretoken": self.form_token(path)})


class Api(ProxiedSession):
    """A script with an API token."""

    def call(self, method: str, path: str, expected: int, **kwargs):
        response = self.request(method, path, **kwargs)
        assert response.status_code == expected, (method, path, response.status_code,
                                                  response.text[:2000])
        return response.json() if "json" in response.headers.get("Content-Type", "") else response


def token_for(base: str, username: str, secret: str) -> str:
    response = ProxiedSession(base).post("/api/auth/token/", json={"username": username,
                                                                   "password": secret})
    assert response.status_code == 201, response.text
    return response.json()["token"]


def wait_until(fetch, done, *, what: str, deployment: Deployment, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = fetch()
        if done(value):
            return value
        time.sleep(0.25)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}; last: {value}\n"
                f"{deployment.logs()}")


def tasks_done_by(worker, task: str) -> int:
    return len(re.findall(rf"Task {re.escape(task)}\[[0-9a-f-]+\] succeeded", worker.output()))


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    from django.conf import settings
    from django.db import connection

    assert connection.vendor == "postgresql", "the topology needs PostgreSQL"
    server_url = database_url_of({**connection.settings_dict, "NAME": "postgres"})
    broker_url = broker_url_for(settings.CELERY_BROKER_URL, REDIS_DB)
    redis.Redis.from_url(broker_url, socket_connect_timeout=5).ping()  # fail now, not in 60 s
    queue = f"topology-{os.getpid()}"
    folder = tmp_path_factory.mktemp("topology")
    try:
        with postgres_database(server_url, f"annotator_topology_{os.getpid()}") as database_url:
            # Small batches: the job is a chain of tasks that both workers take turns at.
            with Deployment(folder, database_url=database_url, broker_url=broker_url,
                            queue=queue, extra_env={"APP_ENV": "production",
                                                    "TRUSTED_PROXY_COUNT": "1",
                                                    "PRETAG_BATCH_SIZE": "2"}) as running:
                # docs/deploy.md, "First start": migrate once, collect the static files.
                running.manage("migrate", "--noinput")
                running.manage("collectstatic", "--noinput")
                running.web = running.start_web(workers=2, threads=2)
                running.workers = [running.start_worker(name, wait=False)
                                   for name in ("topo-a", "topo-b")]
                for worker in running.workers:
                    running.wait_worker_ready(worker)
                running.beat = running.start_beat()
                yield running
    finally:  # every process has stopped by now
        forget_queue(broker_url, queue)


@pytest.fixture(scope="module")
def people(deployment):
    """The site admin by `createsuperuser`, the others added by them in the Django admin."""
    base = deployment.web.url
    secrets_by_name = {name: password() for name in ("boss", "ann", "rev")}
    deployment.manage("createsuperuser", "--noinput", env={
        "DJANGO_SUPERUSER_USERNAME": "boss", "DJANGO_SUPERUSER_EMAIL": "boss@example.org",
        "DJANGO_SUPERUSER_PASSWORD": secrets_by_name["boss"]})
    admin_site = Browser(base)
    signed_in = admin_site.post_form("/admin/login/", {
        "username": "boss", "password": secrets_by_name["boss"], "next": "/admin/"})
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/admin/", (
        signed_in.status_code, signed_in.text[:500])
    for name in ("ann", "rev"):
        added = admin_site.post_form("/admin/auth/user/add/", {
            "username": name, "usable_password": "true", "password1": secrets_by_name[name],
            "password2": secrets_by_name[name], "_save": "Save"})
        assert added.status_code == 302, (name, added.status_code, added.text[:3000])
    return {name: Api(base, token=token_for(base, name, secret))
            for name, secret in secrets_by_name.items()}


def test_import_pretag_annotate_review_export_through_gunicorn_and_two_workers(
        deployment, people):
    boss, ann, rev = people["boss"], people["ann"], people["rev"]

    # The admin makes the project, invites the annotator and the reviewer, imports documents.
    project = boss.call("POST", "/api/projects/", 201,
                        json={"name": "Topology", "guidelines": "Mark every claim."})
    assert project["my_role"] == "admin"
    me = {name: api.call("GET", "/api/me/", 200) for name, api in people.items()}
    for name, role in (("ann", "annotator"), ("rev", "reviewer")):
        boss.call("POST", f"/api/projects/{project['id']}/members/", 201,
                  json={"username": name, "role": role})
    texts = [LEAD, *make_articles(7, sentences=12)]
    lines = "".join(json.dumps({"title": f"Article {i}", "text": text}) + "\n"
                    for i, text in enumerate(texts))
    report = boss.call("POST", f"/api/projects/{project['id']}/imports/", 201,
                       files={"file": ("articles.jsonl", lines.encode())},
                       data={"format": "jsonl"})
    assert (report["documents"], report["created"], report["errors"]) == (8, 8, [])

    # Pre-tagging: 8 documents in batches of 2, a chain of tasks taken by both workers.
    job = boss.call("POST", f"/api/projects/{project['id']}/pretag-jobs/", 202, json={})
    job = wait_until(lambda: boss.call("GET", f"/api/pretag-jobs/{job['id']}/", 200),
                     lambda j: j["state"] in ("done", "failed", "cancelled"),
                     what="the pre-tagging job", deployment=deployment)
    assert (job["state"], job["done"], job["total"], job["errors"]) == ("done", 8, 8, 0), job
    assert job["suggestions_made"] > 0
    batches = [tasks_done_by(worker, "annotator.pretag_job") for worker in deployment.workers]
    assert sum(batches) >= 4 and all(batches), (
        f"pre-tagging batches per worker: {batches} (both must take part)\n{deployment.logs()}")

    # The annotator labels the lead article by hand and accepts one of the tagger's proposals.
    listing = ann.call("GET", f"/api/projects/{project['id']}/documents/?page_size=50", 200)
    lead_id = next(d["id"] for d in listing["results"] if d["title"] == "Article 0")
    detail = ann.call("GET", f"/api/documents/{lead_id}/", 200)
    text = detail["text"]
    assert text == LEAD and detail["suggestions"]["spans"], detail["suggestions"]

    def span(piece, label):
        start = text.index(piece)
        return ann.call("POST", f"/api/documents/{lead_id}/spans/", 201,
                        json={"label": label, "start": start, "end": start + len(piece),
                              "quote": piece})

    claim, source, cue = (span("The deal is dead,", "CLAIM"), span("the minister", "SOURCE"),
                          span("said", "CUE"))
    attribution = ann.call("POST", f"/api/documents/{lead_id}/attributions/", 201, json={
        "claims": [claim["id"]], "source": source["id"], "cue": cue["id"],
        "attributes": {"quote_type": "direct"}})
    mine = {(s["label"], s["start"], s["end"]) for s in (claim, source, cue)}
    proposal = next((s for s in detail["suggestions"]["spans"]
                     if (s["label"], s["start"], s["end"]) not in mine), None)
    assert proposal is not None, detail["suggestions"]
    accepted = ann.call("POST", f"/api/documents/{lead_id}/suggestions/decide/", 200,
                        json={"decision": "accept", "spans": [proposal["id"]]})["spans"]
    assert [(s["suggestion"], s["annotator"], s["status"]) for s in accepted] == [
        (proposal["id"], me["ann"]["id"], "accepted")]
    ann.call("POST", f"/api/documents/{lead_id}/status/", 200, json={"action": "submit"})

    # The reviewer approves every label of the annotator, then the document.
    queue = rev.call("GET", "/api/review-queue/", 200)
    assert lead_id in [row["id"] for row in queue["results"]]
    work = rev.call("GET", f"/api/documents/{lead_id}/?layer={me['ann']['id']}", 200)
    span_ids = sorted(s["id"] for s in work["spans"])
    assert span_ids == sorted([claim["id"], source["id"], cue["id"], accepted[0]["id"]])
    rev.call("POST", f"/api/documents/{lead_id}/reviews/bulk/", 201, json={
        "decision": "approve", "note": "Matches the guidelines.", "spans": span_ids,
        "attributions": [attribution["id"]]})
    status = rev.call("POST", f"/api/documents/{lead_id}/status/", 200,
                      json={"action": "approve", "annotator": me["ann"]["id"]})
    assert status["status"] == "approved", status

    # The export runs on a worker; the web side serves the zip the worker wrote.
    export = rev.call("POST", f"/api/projects/{project['id']}/export-jobs/", 202,
                      json={"format": "jsonl", "layer": "approved"})
    export = wait_until(lambda: rev.call("GET", f"/api/export-jobs/{export['id']}/", 200),
                        lambda e: e["state"] in ("done", "failed"), what="the export",
                        deployment=deployment)
    assert export["state"] == "done", export
    download = rev.call("GET", f"/api/export-jobs/{export['id']}/download/", 200)
    assert download.headers["Content-Type"] == "application/zip"
    assert download.headers["X-Content-SHA256"] == hashlib.sha256(download.content).hexdigest()
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    rows = [json.loads(line) for line in archive.read("data.jsonl").splitlines()]
    assert len(rows) == 8
    exported = next(row for row in rows if row["text"] == LEAD)
    labels = {(s["label"], s["start"], s["end"], s["text"]): s for s in exported["spans"]}
    assert set(labels) == {(s["label"], s["start"], s["end"], s["quote"])
                           for s in (claim, source, cue, accepted[0])}
    assert all(s["provenance"]["review_state"] == "approved"
               and s["provenance"]["annotators"] == ["ann"]
               and s["provenance"]["reviewer"] == "rev" for s in labels.values())
    by_id = {s["id"]: key for key, s in labels.items()}
    [linked] = exported["attributions"]
    assert ([by_id[c][:3] for c in linked["claims"]], by_id[linked["source"]][:3],
            by_id[linked["cue"]][:3], linked["attributes"]) == (
        [("CLAIM", claim["start"], claim["end"])], ("SOURCE", source["start"], source["end"]),
        ("CUE", cue["start"], cue["end"]), {"quote_type": "direct"})
    assert all(not row["spans"] for row in rows if row is not exported)  # nothing else approved
    assert json.loads(archive.read("manifest.json"))["counts"]["documents"] == 8


def test_every_process_answers_its_health_check(deployment):
    """The checks docs/deploy.md gives a supervisor or a load balancer."""
    assert requests.get(f"{deployment.web.url}/healthz", timeout=10).json() == {"status": "ok"}
    booted = re.findall(r"Booting worker with pid: (\d+)", deployment.web.output())
    assert len(booted) == 2, deployment.web.tail()  # WEB_CONCURRENCY, read by gunicorn.conf.py
    host = socket.gethostname()
    names = [f"topo-a@{host}", f"topo-b@{host}", f"beat@{host}"]
    answer = deployment.run(["celery", "-A", "config", "inspect", "ping", "--timeout", "10",
                             "--destination", ",".join(names)])
    assert all(f"{name}: OK" in answer for name in names), answer
    assert "answered in" in deployment.manage("check_worker", "--timeout", "30")
    assert all(process.alive() for process in deployment.processes), deployment.logs()


def test_https_is_what_the_proxy_says_and_the_access_log_names_the_client(deployment):
    """Plain http straight to gunicorn is sent to https (but for the health check); the
    same request with the proxy's X-Forwarded-Proto, from the proxy's address, is https
    to Django: served, with HSTS."""
    base = deployment.web.url
    direct = requests.get(f"{base}/login/", timeout=10, allow_redirects=False)
    assert direct.status_code == 301
    assert direct.headers["Location"] == f"https://{base.split('//', 1)[1]}/login/"
    assert requests.get(f"{base}/healthz", timeout=10, allow_redirects=False).status_code == 200
    proxied = Browser(base).get("/login/")
    assert proxied.status_code == 200
    assert proxied.headers["Strict-Transport-Security"].startswith("max-age=")
    # The access log (written just after the answer): the client the proxy reported, then
    # the proxy, then the request.
    def logged():
        return [line.split(" ", 3)[:3] for line in deployment.web.output().splitlines()
                if '"GET /login/' in line][-2:]

    wait_until(logged, lambda found: len(found) == 2 and found[1][0] != "-",
               what="the access log", deployment=deployment, timeout=10)
    assert logged() == [["-", "via", "127.0.0.1"], [CLIENT_ADDRESS, "via", "127.0.0.1"]]


def test_static_files_are_served_with_hashed_names_and_cached_for_good(deployment):
    manifest = json.loads((Path(deployment.env["STATIC_ROOT"]) / "staticfiles.json").read_text())
    hashed = manifest["paths"]["annotator/workspace.js"]
    assert hashed != "annotator/workspace.js"
    response = Browser(deployment.web.url).get(f"/static/{hashed}",
                                               headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/javascript")
    assert "immutable" in response.headers["Cache-Control"]
    assert response.headers.get("Content-Encoding") == "gzip"
