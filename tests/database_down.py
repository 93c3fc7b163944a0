"""What a running web server must answer while its database is down, and how to start one
(gunicorn, production settings) on a database made for the test.

Shared by the SQLite run (tests/api/test_database_down.py: the database file becomes a
folder) and the PostgreSQL run (tests/integration/test_database_down.py: a private
server is stopped mid-test).
"""
from __future__ import annotations

import json
import secrets
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import requests

from bench.api_bench import app_environment
from bench.load import HOST, gunicorn

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "a-Long-test-passw0rd"
TIMEOUT = 30  # seconds: a request that takes longer is a hang, not an answer

SEED = f"""
import json
from django.contrib.auth import get_user_model
from annotator.services.accounts import api_token_create
from annotator.services.documents import document_create
from annotator.services.projects import project_create
user = get_user_model().objects.create_user("downadmin", password={PASSWORD!r}, is_staff=True)
project = project_create(name="Outage", creator=user)
document, _ = document_create(project=project, title="One", text="Officials said so.")
print(json.dumps({{"token": api_token_create(user=user, name="outage").secret, "project": project.pk,
                  "document": document.pk, "username": user.username}}))
"""


@contextmanager
def web_server(database_url: str, folder: Path, **extra_env: str):
    """A migrated, seeded database and gunicorn on it; yields (base URL, the seed)."""
    env = {**app_environment(database_url, folder), "SECRET_KEY": secrets.token_urlsafe(50),
           "LOG_LEVEL": "CRITICAL", **extra_env}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT,
                   env=env, check=True, timeout=300)
    seeded = subprocess.run([sys.executable, "manage.py", "shell", "-c", SEED], cwd=ROOT,
                            env=env, check=True, timeout=120, capture_output=True, text=True)
    world = json.loads(seeded.stdout.strip().splitlines()[-1])
    with gunicorn(env, folder, workers=1, threads=2) as (port, _):
        yield f"http://{HOST}:{port}", world


def signed_in(base: str, world: dict) -> requests.Session:
    """A browser's session, signed in through the login form (CSRF token and all)."""
    browser = requests.Session()
    form = browser.get(f"{base}/login/", timeout=TIMEOUT)
    token = form.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    answer = browser.post(f"{base}/login/", data={
        "csrfmiddlewaretoken": token, "username": world["username"], "password": PASSWORD},
        allow_redirects=False, timeout=TIMEOUT)
    assert answer.status_code == 302, answer.text[:500]
    return browser


def assert_answers_when_up(base: str, world: dict, browser: requests.Session) -> None:
    auth = {"Authorization": f"Token {world['token']}"}
    assert requests.get(f"{base}/healthz", timeout=TIMEOUT).json() == {"status": "ok"}
    assert requests.get(f"{base}/api/projects/", headers=auth, timeout=TIMEOUT).status_code \
        == 200
    assert browser.get(f"{base}/projects/{world['project']}/", timeout=TIMEOUT).status_code \
        == 200


def assert_503_json(answer: requests.Response) -> dict:
    assert answer.status_code == 503, (answer.status_code, answer.text[:500])
    assert answer.headers["Content-Type"] == "application/json", answer.headers
    assert int(answer.headers["Retry-After"]) > 0
    body = answer.json()
    assert body["code"] == "database_unavailable" and body["detail"], body
    return body


def assert_503_page(answer: requests.Response) -> None:
    assert answer.status_code == 503, (answer.status_code, answer.text[:500])
    assert answer.headers["Content-Type"].startswith("text/html"), answer.headers
    assert int(answer.headers["Retry-After"]) > 0
    assert "Service unavailable" in answer.text
    assert "Traceback" not in answer.text and "Server Error" not in answer.text


def assert_answers_when_down(base: str, world: dict, browser: requests.Session) -> None:
    """Every kind of request answers 503 (JSON or a plain page), none a 500 or a hang."""
    auth = {"Authorization": f"Token {world['token']}"}
    health = assert_503_json(requests.get(f"{base}/healthz", timeout=TIMEOUT))
    assert health["status"] == "unavailable" and health["down"] == ["database"], health
    assert_503_json(requests.get(f"{base}/api/projects/", headers=auth, timeout=TIMEOUT))
    assert_503_json(requests.get(f"{base}/api/documents/{world['document']}/", headers=auth,
                                 timeout=TIMEOUT))
    assert_503_json(requests.post(f"{base}/api/projects/{world['project']}/documents/",
                                  json={"text": "Written while down."}, headers=auth,
                                  timeout=TIMEOUT))
    # The browser's session is in the database too: its API calls and pages.
    assert_503_json(browser.get(f"{base}/api/me/", timeout=TIMEOUT))
    assert_503_page(browser.get(f"{base}/projects/{world['project']}/", timeout=TIMEOUT))
    assert_503_page(browser.get(f"{base}/admin/", timeout=TIMEOUT))
    # Signing in needs the database (users, the lockout's counts).
    stranger = requests.Session()
    form = stranger.get(f"{base}/login/", timeout=TIMEOUT)
    assert form.status_code == 200
    token = form.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    assert_503_page(stranger.post(f"{base}/login/", data={
        "csrfmiddlewaretoken": token, "username": world["username"], "password": PASSWORD},
        timeout=TIMEOUT))
