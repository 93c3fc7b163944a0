"""A REST request with an API token skips the session's middleware (config/middleware.py):
it still gets every security header, a session request still needs its CSRF token, and
what decides the lane is what decides DRF's authentication.
"""
from __future__ import annotations

import json
import re
import runpy
from pathlib import Path

import pytest
from django.http import Http404
from django.test import Client, RequestFactory
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.request import Request

from annotator.api.renderers import ContentNegotiation, JSONRenderer
from annotator.services.accounts import api_token_create
from config.middleware import token_api

ROOT = Path(__file__).resolve().parents[2]
SECURITY_HEADERS = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "same-origin", "Cross-Origin-Opener-Policy": "same-origin"}


def policy(response) -> dict[str, list[str]]:
    return {name: values for name, *values in
            (part.split() for part in response["Content-Security-Policy"].split(";"))}


@pytest.fixture
def token(world):
    return api_token_create(user=world.annotator, name="lane").secret


def span_body(world) -> str:
    return json.dumps({"label": "CLAIM", "start": 0, "end": 17,
                       "quote": world.document.text[0:17]})


def test_a_token_request_gets_every_security_header_and_no_cookie(world, token):
    page = Client()
    page.force_login(world.annotator)
    browser = page.get("/")
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")

    for response in (api.get("/api/me/"), api.get(f"/api/documents/{world.document.pk}/"),
                     api.post(f"/api/documents/{world.document.pk}/spans/", span_body(world),
                              content_type="application/json"),
                     api.get("/api/documents/999999/"), api.get("/api/no-such-route/")):
        assert response.status_code in (200, 201, 404), response.content
        for header, value in SECURITY_HEADERS.items():
            assert response[header] == value, (header, response.status_code)
        assert policy(response) == policy(browser)  # the same policy as a page's
        assert "Set-Cookie" not in response and not response.cookies
        assert "Cookie" not in response.get("Vary", "")


def test_a_session_request_still_needs_its_csrf_token(world, token):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.annotator)
    url = f"/api/documents/{world.document.pk}/spans/"

    refused = browser.post(url, span_body(world), content_type="application/json")
    # Another scheme in Authorization: DRF falls back to the session, and so to its CSRF check.
    bearer = browser.post(url, span_body(world), content_type="application/json",
                          HTTP_AUTHORIZATION="Bearer whatever")
    # The Token scheme with a wrong secret: a 401, never the session's user.
    bad_token = browser.post(url, span_body(world), content_type="application/json",
                             HTTP_AUTHORIZATION="Token not-a-real-token")
    accepted = browser.post(url, span_body(world), content_type="application/json",
                            HTTP_AUTHORIZATION=f"Token {token}")

    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert bearer.status_code == 403 and "CSRF" in bearer.json()["detail"]
    assert bad_token.status_code == 401
    assert accepted.status_code == 201, accepted.content


def test_a_session_still_gets_its_cookies_and_csrf_token_from_the_api(world):
    browser = Client(enforce_csrf_checks=True)
    response = browser.get("/api/auth/csrf/")
    assert response.status_code == 200
    assert "csrftoken" in response.cookies


@pytest.mark.parametrize("path, header, lane", [
    ("/api/me/", "Token abc", True),
    ("/api/documents/1/spans/", "token abc", True),      # DRF compares the scheme lower case
    ("/api/me/", "Token", True),                         # no secret: DRF's 401, not the session
    ("/api/me/", "Token a b", True),                     # spaces in it: DRF's 401 too
    ("/api/me/", "Tokenabc", False),
    ("/api/me/", "Bearer abc", False),
    ("/api/me/", None, False),
    ("/api/auth/token/", "Token abc", False),            # sign-in and tokens: the whole stack
    ("/api/auth/logout/", "Token abc", False),
    ("/documents/1/", "Token abc", False),               # pages: the whole stack
    ("/admin/", "Token abc", False),
])
def test_the_lane_is_taken_exactly_when_drf_authenticates_by_token_alone(path, header, lane):
    extra = {} if header is None else {"HTTP_AUTHORIZATION": header}
    assert token_api(RequestFactory().get(path, **extra)) is lane


def test_the_one_time_password_gate_holds_the_session_and_a_token_answers_for_itself(
        world, token):
    """The gate's flag rides in the session: a request authenticated by its token (which
    cannot be made with a one-time password) is the token's, cookie or not. (Also what
    shows that the lane is taken under the test client: the whole stack would gate it.)"""
    browser = Client()
    browser.force_login(world.annotator)
    session = browser.session
    session["password_change_required"] = True
    session.save()

    gated = browser.get("/api/me/")
    with_token = browser.get("/api/me/", HTTP_AUTHORIZATION=f"Token {token}")

    assert gated.status_code == 403 and gated.json()["code"] == "password_change_required"
    assert with_token.status_code == 200 and with_token.json()["username"] == "ann"


def test_a_response_that_changes_the_policy_gets_its_own(world, settings):
    browser = Client()
    browser.force_login(world.admin)
    docs = policy(browser.get("/api/docs/"))  # csp_update: inline styles and data: images
    assert "'unsafe-inline'" in docs["style-src"] and "data:" in docs["img-src"]

    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"],
                                                       "img-src": ["https://example.test"]}}
    changed = policy(browser.get("/"))
    assert changed == {"default-src": ["'self'"], "img-src": ["https://example.test"]}


ACCEPTS = [None, "*/*", "application/json", "text/html", "application/json; indent=4",
           "application/*", "text/html, */*;q=0.1", "application/xml"]


def _choice(negotiation, accept, query, renderers):
    extra = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = Request(RequestFactory().get("/api/me/" + query, **extra))
    try:
        renderer, media_type = negotiation.select_renderer(request, renderers)
    except NotAcceptable:
        return "406"
    except Http404:  # a format no renderer has
        return "404"
    return type(renderer), media_type


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("query", ["", "?format=json", "?format=api", "?page=2", "?%66ormat=api",
                                   "?formats=api", "?format="])
@pytest.mark.parametrize("kinds", [[JSONRenderer], [JSONRenderer, BrowsableAPIRenderer],
                                   [BrowsableAPIRenderer, JSONRenderer]])
def test_negotiation_answers_what_drf_answers(accept, query, kinds):
    renderers = [kind() for kind in kinds]
    assert (_choice(ContentNegotiation(), accept, query, renderers)
            == _choice(DefaultContentNegotiation(), accept, query, renderers))


def test_no_two_api_patterns_match_one_url():
    """The API's patterns are ordered by use (annotator/api/urls.py): each URL still reaches
    its own view, whatever comes before it."""
    from django.urls import get_resolver, resolve

    api = next(p for p in get_resolver().url_patterns if str(p.pattern) == "api/")
    values = {"int": "7", "str": "someone"}  # a value for each converter the routes use
    for pattern in api.url_patterns:
        route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: values[m.group(1) or "str"],
                       str(pattern.pattern))
        assert resolve("/api/" + route).url_name == pattern.name, route


def _gunicorn_config(monkeypatch, **env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))


@pytest.mark.parametrize("value, expected", [("/dev/null", None), ("off", None), ("", None),
                                             ("-", "-"), ("/var/log/web.log",
                                                          "/var/log/web.log")])
def test_an_access_log_to_nowhere_is_no_access_log(monkeypatch, value, expected):
    assert _gunicorn_config(monkeypatch, GUNICORN_ACCESS_LOG=value)["accesslog"] == expected


def test_workers_are_not_replaced_every_thousand_requests(monkeypatch):
    monkeypatch.delenv("GUNICORN_MAX_REQUESTS", raising=False)
    config = _gunicorn_config(monkeypatch)
    assert config["max_requests"] >= 20_000
    assert _gunicorn_config(monkeypatch, GUNICORN_MAX_REQUESTS="0")["max_requests"] == 0
