"""Production mode, each check in a process of its own with a production environment.

`manage.py check --deploy` must find nothing; the settings it cannot see (CSP,
lockout, proxy header) are read back from a real process; and one process
serves real requests after collectstatic, so the headers, the cookies, the
redirect to https and the hashed static files are what a browser would get.
The test process's own environment (SECURE_COOKIES=false, a test database)
is not inherited: every variable the settings read is given here or left out.
"""
from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOST = "annotate.example.org"
# Only what a process needs to run: nothing the settings read leaks in from the tests.
PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV")


@pytest.fixture
def production_env(tmp_path):
    def make(**overrides) -> dict:
        env = {name: os.environ[name] for name in PASSED_THROUGH if name in os.environ}
        env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "APP_ENV": "production",
                    "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": HOST,
                    "DATA_DIR": str(tmp_path / "data"),
                    "STATIC_ROOT": str(tmp_path / "static"), "LOG_LEVEL": "WARNING"})
        for name, value in overrides.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        return env
    return make


def run(args: list[str], env: dict, timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return run(["manage.py", *args], env)


READ_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({name: getattr(settings, name) for name in %r}, default=str))
"""


def settings_in(env: dict, *names: str) -> dict:
    result = run(["-c", READ_SETTINGS % (names,)], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- check --deploy -----------------------------------------------------------------------

def test_check_deploy_finds_no_warning_when_production_settings_are_given(production_env):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize("override,warning", [
    ({"SECURE_HSTS_SECONDS": "0"}, "security.W004"),
    ({"SECURE_HSTS_INCLUDE_SUBDOMAINS": "false"}, "security.W005"),
    ({"SECURE_HSTS_PRELOAD": "false"}, "security.W021"),
    ({"SECURE_SSL_REDIRECT": "false"}, "security.W008"),
    ({"SECURE_COOKIES": "false"}, "security.W012"),
])
def test_check_deploy_fails_when_a_protection_is_turned_off(production_env, override, warning):
    # The same command, one setting weakened: the check above is able to fail.
    result = manage("check", "--deploy", "--fail-level", "WARNING",
                    env=production_env(**override))
    assert result.returncode != 0
    assert warning in result.stdout + result.stderr


# --- Refusing to start --------------------------------------------------------------------

@pytest.mark.parametrize("override,reason", [
    ({"DEBUG": "true"}, "DEBUG is on with APP_ENV=production"),
    ({"DEBUG": "1", "SECRET_KEY": None}, "DEBUG is on with APP_ENV=production"),
    ({"APP_ENV": "prod"}, "APP_ENV='prod' is not one of: development, production"),
    ({"LOGIN_FAILURE_LIMIT": "0"}, "LOGIN_FAILURE_LIMIT=0 must be at least 1"),
    ({"LOGIN_COOLOFF_MINUTES": "soon"}, "LOGIN_COOLOFF_MINUTES='soon' is not an integer"),
    ({"LOGIN_LOCKOUT_BY": "email"}, "LOGIN_LOCKOUT_BY='email'"),
    ({"LOGIN_ADDRESS_FAILURE_LIMIT": "-1"}, "LOGIN_ADDRESS_FAILURE_LIMIT=-1 must be 0 (off)"),
    ({"SECURE_PROXY_SSL_HEADER": "X Forwarded Proto"}, "SECURE_PROXY_SSL_HEADER="),
    ({"MAX_BODY_MB": "-1"}, "MAX_BODY_MB=-1 must be at least 1"),
    ({"SECURE_SSL_REDIRECT": "perhaps"}, "SECURE_SSL_REDIRECT='perhaps' is not a boolean"),
])
def test_startup_refused_with_one_line_reason_when_production_settings_are_unsafe_or_unreadable(
        production_env, override, reason):
    result = manage("check", env=production_env(**override))
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert reason in lines[0]


def test_quick_start_runs_when_debug_on_without_app_env_or_secret_key(production_env):
    # `make run`: DEBUG=true and nothing else.
    env = production_env(DEBUG="true", APP_ENV=None, SECRET_KEY=None, ALLOWED_HOSTS=None)
    result = manage("check", env=env)
    assert result.returncode == 0, result.stderr
    values = settings_in(env, "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
                         "SESSION_COOKIE_SECURE")
    assert values == {"DEBUG": True, "SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 0,
                      "SESSION_COOKIE_SECURE": False}


# --- What production mode sets --------------------------------------------------------------

def test_production_defaults_when_only_the_required_variables_are_set(production_env):
    values = settings_in(production_env(), "DEBUG", "SECURE_HSTS_SECONDS",
                         "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
                         "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER",
                         "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
                         "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY",
                         "CSRF_COOKIE_SAMESITE", "X_FRAME_OPTIONS", "SECURE_CONTENT_TYPE_NOSNIFF",
                         "SECURE_REFERRER_POLICY", "SECURE_CROSS_ORIGIN_OPENER_POLICY",
                         "STORAGES", "AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME",
                         "AXES_LOCKOUT_PARAMETERS", "AXES_HANDLER", "LOGIN_ADDRESS_FAILURE_LIMIT",
                         "DATA_UPLOAD_MAX_MEMORY_SIZE")
    assert values == {
        "DEBUG": False, "SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True, "SECURE_SSL_REDIRECT": True, "SECURE_PROXY_SSL_HEADER": None,
        "SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax", "CSRF_COOKIE_SECURE": True, "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax", "X_FRAME_OPTIONS": "DENY",
        "SECURE_CONTENT_TYPE_NOSNIFF": True, "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
        "STORAGES": {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                     "staticfiles": {"BACKEND":
                                     "whitenoise.storage.CompressedManifestStaticFilesStorage"}},
        "AXES_FAILURE_LIMIT": 10, "AXES_COOLOFF_TIME": "0:15:00",
        "AXES_LOCKOUT_PARAMETERS": [["username", "ip_address"]],
        "AXES_HANDLER": "config.security.LockoutHandler", "LOGIN_ADDRESS_FAILURE_LIMIT": 30,
        "DATA_UPLOAD_MAX_MEMORY_SIZE": 10 * 1024 * 1024}


def test_proxy_hsts_and_lockout_come_from_the_environment_when_set(production_env):
    env = production_env(SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto", SECURE_HSTS_SECONDS="600",
                         SECURE_HSTS_PRELOAD="false", SECURE_COOKIES="false",
                         LOGIN_FAILURE_LIMIT="4", LOGIN_COOLOFF_MINUTES="2",
                         LOGIN_LOCKOUT_BY="username, ip+user_agent", TRUSTED_PROXY_COUNT="1",
                         LOGIN_ADDRESS_FAILURE_LIMIT="0", MAX_BODY_MB="3")
    values = settings_in(env, "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS",
                         "SECURE_HSTS_PRELOAD", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE",
                         "CSRF_COOKIE_SECURE", "AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME",
                         "AXES_LOCKOUT_PARAMETERS", "TRUSTED_PROXY_COUNT",
                         "LOGIN_ADDRESS_FAILURE_LIMIT", "DATA_UPLOAD_MAX_MEMORY_SIZE")
    assert values == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_HSTS_SECONDS": 600, "SECURE_HSTS_PRELOAD": False,
        # plain http on a closed network: no Secure cookies, no redirect to https
        "SECURE_SSL_REDIRECT": False, "SESSION_COOKIE_SECURE": False, "CSRF_COOKIE_SECURE": False,
        "AXES_FAILURE_LIMIT": 4, "AXES_COOLOFF_TIME": "0:02:00",
        "AXES_LOCKOUT_PARAMETERS": ["username", ["ip_address", "user_agent"]],
        "TRUSTED_PROXY_COUNT": 1, "LOGIN_ADDRESS_FAILURE_LIMIT": 0,
        "DATA_UPLOAD_MAX_MEMORY_SIZE": 3 * 1024 * 1024}


# --- Real requests to a production process ------------------------------------------------

SERVE = """
import json, re, django
django.setup()
from django.core.management import call_command
from django.contrib.auth import get_user_model
from django.test import Client

call_command("migrate", verbosity=0)
get_user_model().objects.create_user("editor", password="a-Long-prod-passw0rd")
client = Client(HTTP_HOST=%(host)r)
out = {}

plain = client.get("/login/")
out["http_login"] = [plain.status_code, plain.headers.get("Location")]
health = client.get("/healthz")
out["http_health"] = health.status_code

page = client.get("/login/", secure=True)
out["status"] = page.status_code
out["headers"] = {k: page.headers.get(k) for k in (
    "Strict-Transport-Security", "Content-Security-Policy", "X-Frame-Options",
    "X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy")}
out["csrf_cookie"] = page.cookies["csrftoken"].output()
css = re.search(r'href="(/static/annotator/app[^"]*\\.css)"', page.content.decode()).group(1)
out["css"] = css
static = client.get(css, secure=True)
out["css_status"] = static.status_code
out["css_cache"] = static.headers.get("Cache-Control")
out["css_type"] = static.headers.get("Content-Type")

token = page.cookies["csrftoken"].value
signed_in = client.post("/login/", {"username": "editor", "password": "a-Long-prod-passw0rd",
                                    "csrfmiddlewaretoken": token}, secure=True)
out["login_status"] = signed_in.status_code
out["session_cookie"] = signed_in.cookies["sessionid"].output()
print(json.dumps(out))
"""


def test_production_process_serves_secure_headers_cookies_and_hashed_static_files(
        production_env):
    env = production_env()
    collected = manage("collectstatic", "--noinput", env=env)
    assert collected.returncode == 0, collected.stderr
    manifest = json.loads((Path(env["STATIC_ROOT"]) / "staticfiles.json").read_text())
    assert manifest["paths"]["annotator/workspace.js"] != "annotator/workspace.js"

    result = run(["-c", SERVE % {"host": HOST}], env)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])

    assert out["http_login"] == [301, f"https://{HOST}/login/"]
    assert out["http_health"] == 200  # a load balancer's plain-http check is not redirected
    assert out["status"] == 200
    headers = out["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = dict(part.strip().split(" ", 1) for part in
                  headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'" and policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"
    for cookie in (out["csrf_cookie"], out["session_cookie"]):
        assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert out["login_status"] == 302
    # whitenoise serves the hashed name, cached for good
    assert out["css"] == "/static/" + manifest["paths"]["annotator/app.css"]
    assert out["css_status"] == 200 and out["css_type"].startswith("text/css")
    assert "immutable" in out["css_cache"]
