"""The Authorization header as ApiTokenAuthentication reads it (from META, not request.headers):
DRF's answers for every shape of the header, and a revoked token or a deactivated user
refused on the very next request."""
import pytest
from rest_framework.test import APIClient

from annotator.services.accounts import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db


def me(header: str | None):
    client = APIClient()
    if header is not None:
        client.credentials(HTTP_AUTHORIZATION=header)
    return client.get("/api/me/")


def test_a_token_in_the_header_is_its_user_and_other_shapes_get_drf_answers(world):
    secret = api_token_create(user=world.annotator, name="header").secret
    assert me(f"Token {secret}").json()["username"] == world.annotator.username
    assert me(f"token {secret}").status_code == 200  # the scheme in any case, as DRF
    for header, words in [("Token", "No credentials provided"),
                          (f"Token {secret} more", "should not contain spaces"),
                          ("Token wrong", "Invalid token")]:
        response = me(header)
        assert response.status_code == 401 and words in str(response.json()), header
        assert response["WWW-Authenticate"].startswith("Token")
    for header in (None, "", f"Bearer {secret}"):  # not a token: anonymous, 401 or 403
        assert me(header).status_code in (401, 403), header


def test_a_revoked_token_and_a_deactivated_user_are_refused_at_once(world):
    token = api_token_create(user=world.annotator, name="header")
    assert me(f"Token {token.secret}").status_code == 200
    api_token_revoke(token=token)
    response = me(f"Token {token.secret}")
    assert response.status_code == 401 and "revoked" in str(response.json())
    other = api_token_create(user=world.annotator2, name="header")
    assert me(f"Token {other.secret}").status_code == 200
    world.annotator2.is_active = False
    world.annotator2.save(update_fields=["is_active"])
    assert me(f"Token {other.secret}").status_code == 401
