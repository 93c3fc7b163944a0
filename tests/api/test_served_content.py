"""What comes back to a browser: users' files and text never as HTML, every page under a
Content-Security-Policy it can live with, and no user-given URL ever fetched.

An HTML payload goes in every way a user can put text in (an imported .html
file, JSON Lines, the API) and is read back every way the app gives it out
(document detail and list, with Accept and ?format asking for HTML, the export
downloads of every format). None is text/html, all say nosniff, downloads
are attachments. The pages that show it (text/html, ours) escape it.
"""
from __future__ import annotations

import ast
import io
import json
import select
import socket
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from annotator.models import Document, ExportFormat, PretagJob
from annotator.services.exports import export_job_run, export_job_start
from annotator.services.pretag_jobs import pretag_job_run_batch, pretag_job_start

ROOT = Path(__file__).resolve().parents[2]
PAYLOAD = "<html><body><script>alert('stored')</script><img src=x onerror=alert(1)></body></html>"


@pytest.fixture
def listener():
    """A TCP port on 127.0.0.1 that records whether anything connected to it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)

    class Listener:
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/article?id=1"

        @staticmethod
        def connected(wait: float = 0.5) -> bool:
            readable, _, _ = select.select([sock], [], [], wait)
            return bool(readable)
    yield Listener
    sock.close()


@pytest.fixture
def stored(world, api, listener):
    """The payload stored three ways, each with a source_url pointing at the listener."""
    admin = api(world.admin)
    url = f"/api/projects/{world.project.pk}/imports/"
    as_file = admin.post(url, {"file": SimpleUploadedFile("evil.html", PAYLOAD.encode(),
                                                          content_type="text/html"),
                               "format": "txt"}, format="multipart")
    assert as_file.status_code == 201, as_file.content
    line = json.dumps({"title": PAYLOAD, "text": "Officials said " + PAYLOAD,
                       "source_url": listener.url}) + "\n"
    as_jsonl = admin.post(url, {"file": SimpleUploadedFile("evil.jsonl", line.encode()),
                                "format": "jsonl"}, format="multipart")
    assert as_jsonl.status_code == 201, as_jsonl.content
    created = admin.post(f"/api/projects/{world.project.pk}/documents/",
                         {"title": PAYLOAD, "text": "Critics said " + PAYLOAD,
                          "source_url": listener.url}, format="json")
    assert created.status_code == 201, created.content
    documents = list(Document.objects.filter(text__contains="<script>"))
    assert len(documents) == 3
    assert sum(d.source_url == listener.url for d in documents) == 2
    return documents


def assert_not_html(response):
    assert not response["Content-Type"].startswith("text/html"), response["Content-Type"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_stored_html_is_never_served_as_html_by_the_api(world, stored):
    client = Client()
    client.force_login(world.admin)
    shown = 0
    for document in stored:
        for path in (f"/api/documents/{document.pk}/",
                     f"/api/projects/{world.project.pk}/documents/"):
            for extra in ({}, {"HTTP_ACCEPT": "text/html"}, {"QUERY_STRING": "format=html"},
                          {"QUERY_STRING": "format=api"}):
                response = client.get(path, **extra)
                assert_not_html(response)
                shown += (response.status_code == 200
                          and "<script>alert" in json.dumps(response.json()))
    assert shown >= 6  # the payload did come back, as JSON


@pytest.mark.parametrize("fmt", ExportFormat.values)
def test_export_download_is_an_attachment_never_html(world, stored, fmt):
    job = export_job_start(project=world.project, requested_by=world.admin, fmt=fmt, layer="all")
    export_job_run(job_id=job.pk)
    client = Client()
    client.force_login(world.admin)

    for extra in ({}, {"HTTP_ACCEPT": "text/html"}, {"QUERY_STRING": "format=html"}):
        response = client.get(f"/api/export-jobs/{job.pk}/download/", **extra)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        assert response["Content-Disposition"].startswith("attachment;")
        assert_not_html(response)
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        names = archive.namelist()
        assert not any(name.lower().endswith((".html", ".htm", ".svg")) for name in names)
        if fmt in ("jsonl", "brat", "doccano"):  # the formats that carry the whole text
            assert any(b"<script>alert" in archive.read(name) for name in names)


def test_pages_that_show_stored_html_escape_it(world, stored):
    client = Client()
    client.force_login(world.admin)
    for path in ["/", f"/projects/{world.project.pk}/",
                 *(f"/documents/{d.pk}/" for d in stored)]:
        response = client.get(path)
        assert response.status_code == 200
        assert "<script>alert" not in response.content.decode()
        assert response["X-Content-Type-Options"] == "nosniff"


def test_nothing_is_served_from_the_upload_folder(world, settings):
    client = Client()
    client.force_login(world.admin)
    for path in ("/media/evil.html", "/media/", "/data/db.sqlite3", "/static/../data/x"):
        assert client.get(path).status_code == 404, path


# --- No user-given URL is fetched --------------------------------------------------------------

def test_source_url_is_stored_and_never_fetched(world, stored, listener):
    """Document.source_url is data: the import, the API, the pages, the exports and the
    pre-tagger all pass it along without a request to it (a tool that fetched it could be
    pointed at the server's own network: SSRF)."""
    client = Client()
    client.force_login(world.admin)
    linked = [d for d in stored if d.source_url == listener.url]
    for document in linked:
        assert client.get(f"/api/documents/{document.pk}/").json()["source_url"] == listener.url
        assert client.get(f"/documents/{document.pk}/").status_code == 200
    for fmt in ExportFormat.values:
        job = export_job_start(project=world.project, requested_by=world.admin, fmt=fmt,
                               layer="all")
        export_job_run(job_id=job.pk)
    job = pretag_job_start(project=world.project, requested_by=world.admin,
                           document_ids=[d.pk for d in linked])
    for _ in range(20):
        if not pretag_job_run_batch(job_id=job.pk):
            break
    assert PretagJob.objects.get(pk=job.pk).state == "done"

    assert not listener.connected(), "something connected to the document's source_url"


def test_listener_notices_a_connection():
    """The check above can fail: a connection to the listener is seen."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    with socket.create_connection(sock.getsockname(), timeout=2):
        assert select.select([sock], [], [], 2)[0]
    sock.close()


NETWORK_CLIENTS = {"urllib.request", "urllib3", "requests", "httpx", "aiohttp", "http.client",
                   "pycurl", "ftplib", "smtplib", "ssl"}
SOCKET_CALLS = {"socket", "create_connection", "getaddrinfo", "socketpair", "fromfd"}


def test_app_code_imports_no_network_client():
    """No module of the app can fetch a URL: adding one needs an SSRF-safe design (and this
    test changed, with its tests: private addresses, redirects)."""
    found = []
    for path in sorted((ROOT / "annotator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                if name in NETWORK_CLIENTS or name.split(".")[0] in {"requests", "httpx",
                                                                      "urllib3", "aiohttp"}:
                    found.append(f"{path.relative_to(ROOT)}: {name}")
            # socket.gethostname() names a worker; opening a connection is what counts
            if (isinstance(node, ast.Attribute) and node.attr in SOCKET_CALLS
                    and isinstance(node.value, ast.Name) and node.value.id == "socket"):
                found.append(f"{path.relative_to(ROOT)}: socket.{node.attr}")
    assert not found, found


# --- Content-Security-Policy on every page -----------------------------------------------------

class Scripts(HTMLParser):
    """Inline scripts and inline event handlers: what the policy would block."""

    def __init__(self):
        super().__init__()
        self.inline, self.handlers, self.external = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}>")
        if tag == "script":
            if attrs.get("src"):
                self.external.append(attrs["src"])
            elif attrs.get("type") != "application/json":  # json_script data is not run
                self.inline.append(str(attrs))


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";"))}


def test_every_page_has_a_strict_policy_and_no_inline_script(world, stored):
    boss = world.admin
    boss.is_staff = boss.is_superuser = True
    boss.save()
    anonymous, client = Client(), Client()
    client.force_login(boss)
    document = stored[0]
    pages = {"/login/": anonymous, **{path: client for path in (
        "/", f"/projects/{world.project.pk}/", f"/documents/{document.pk}/",
        f"/documents/{document.pk}/review/", "/review/",
        f"/projects/{world.project.pk}/agreement/", "/admin/", "/admin/auth/user/",
        "/api/docs/")}}
    for path, browser in pages.items():
        response = browser.get(path)
        assert response.status_code == 200, path
        policy = directives(response)
        assert policy["script-src"] == ["'self'"], path
        assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"] and policy["base-uri"] == ["'self'"]
        assert policy["form-action"] == ["'self'"]
        assert response["X-Frame-Options"] == "DENY"
        parser = Scripts()
        parser.feed(response.content.decode())
        assert parser.inline == [] and parser.handlers == [], (path, parser.inline,
                                                               parser.handlers)
        assert all(src.startswith("/") for src in parser.external), (path, parser.external)


def test_api_docs_start_script_is_a_same_origin_file(world):
    client = Client()
    client.force_login(world.admin)
    page = client.get("/api/docs/")
    parser = Scripts()
    parser.feed(page.content.decode())
    start = [src for src in parser.external if src.startswith("/api/docs/")]
    assert start == ["/api/docs/?script="]

    script = client.get(start[0])

    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()
    assert directives(page)["style-src"] == ["'self'", "'unsafe-inline'"]  # Swagger UI's CSS
