import pytest
from rest_framework.test import APIClient

from annotator.models import DocumentStatus, ReviewDecision, Span
from tests.api.conftest import span_at

pytestmark = pytest.mark.django_db


def status(client, document, **body):
    return client.post(f"/api/documents/{document.id}/status/", body, format="json")


def test_status_goes_start_submit_return_approve(world, api):
    doc, ann = world.document, api(world.annotator)
    reviewer = api(world.reviewer)
    assert status(ann, doc, action="start").json()["status"] == "in_progress"
    assert status(ann, doc, action="submit").json()["status"] == "submitted"
    returned = status(reviewer, doc, action="return", annotator=world.annotator.id,
                      note="Mark the cue too.")
    assert returned.json()["status"] == "returned"
    assert status(ann, doc, action="submit").status_code == 200
    assert status(reviewer, doc, action="approve", annotator=world.annotator.id).json()[
        "status"] == "approved"
    decisions = list(ReviewDecision.objects.values_list("decision", "note"))
    assert decisions == [("return", "Mark the cue too."), ("approve", "")]


def test_status_refuses_impossible_moves_with_409(world, api):
    doc = world.document
    response = status(api(world.reviewer), doc, action="approve", annotator=world.annotator.id)
    assert response.status_code == 409
    assert response.json()["current"] == {"status": "not_started"}


def test_annotator_cannot_approve_or_return(world, api):
    doc, ann = world.document, api(world.annotator)
    status(ann, doc, action="submit")
    response = status(ann, doc, action="approve", annotator=world.annotator.id)
    assert response.status_code == 403
    assert DocumentStatus.objects.get().status == "submitted"


def test_annotator_cannot_review_labels(world, api):
    doc = world.document
    span = api(world.annotator).post(f"/api/documents/{doc.id}/spans/",
                                     span_at(doc, "said", "CUE"), format="json").json()
    response = api(world.annotator2).post(f"/api/documents/{doc.id}/reviews/",
                                          {"span": span["id"], "decision": "approve"},
                                          format="json")
    assert response.status_code == 403
    assert not ReviewDecision.objects.exists()


def test_reviewer_decisions_are_append_only_and_latest_wins(world, api):
    doc = world.document
    span = api(world.annotator).post(f"/api/documents/{doc.id}/spans/",
                                     span_at(doc, "said", "CUE"), format="json").json()
    reviewer = api(world.reviewer)
    url = f"/api/documents/{doc.id}/reviews/"
    reviewer.post(url, {"span": span["id"], "decision": "reject", "note": "too short"},
                  format="json")
    reviewer.post(url, {"span": span["id"], "decision": "approve"}, format="json")
    assert Span.objects.get(pk=span["id"]).review_state == "approved"
    assert list(ReviewDecision.objects.values_list("decision", flat=True)) == ["reject",
                                                                               "approve"]
    # The annotator sees the decisions on their own labels; the other annotator does not.
    mine = api(world.annotator).get(url).json()
    assert [r["note"] for r in mine] == ["too short", ""]
    assert api(world.annotator2).get(url).json() == []


def test_reviewer_cannot_edit_an_annotators_span_directly(world, api):
    doc = world.document
    span = api(world.annotator).post(f"/api/documents/{doc.id}/spans/",
                                     span_at(doc, "said", "CUE"), format="json").json()
    response = api(world.reviewer).patch(f"/api/spans/{span['id']}/",
                                         {"label": "CLAIM", "version": 1}, format="json")
    assert response.status_code == 403
    assert Span.objects.get().label.name == "CUE"


def test_reviewer_sees_all_layers_annotator_only_their_own(world, api):
    doc = world.document
    for user, piece in ((world.annotator, "said"), (world.annotator2, "warned")):
        api(user).post(f"/api/documents/{doc.id}/spans/", span_at(doc, piece, "CUE"),
                       format="json")
    everyone = api(world.reviewer).get(f"/api/documents/{doc.id}/?layer=all").json()
    assert sorted(s["quote"] for s in everyone["spans"]) == ["said", "warned"]
    one = api(world.reviewer).get(f"/api/documents/{doc.id}/?layer={world.annotator2.id}")
    assert [s["quote"] for s in one.json()["spans"]] == ["warned"]
    mine = api(world.annotator).get(f"/api/documents/{doc.id}/").json()
    assert [s["quote"] for s in mine["spans"]] == ["said"]
    assert api(world.annotator).get(f"/api/documents/{doc.id}/?layer=all").status_code == 403


def test_document_list_filters(world, api, make_document):
    second = make_document(world.project, text="Nothing attributed here.", title="Quiet")
    ann = api(world.annotator)
    status(ann, world.document, action="submit")
    base = f"/api/projects/{world.project.id}/documents/"
    assert [d["id"] for d in ann.get(base + "?status=submitted").json()["results"]] == [
        world.document.id]
    assert [d["id"] for d in ann.get(base + "?status=not_started").json()["results"]] == [
        second.id]
    assert [d["id"] for d in ann.get(base + "?q=attributed").json()["results"]] == [second.id]
    assert [d["id"] for d in ann.get(base + "?q=deal").json()["results"]] == [world.document.id]
    reviewer = api(world.reviewer)
    by_annotator = reviewer.get(base + f"?annotator={world.annotator.id}").json()["results"]
    assert [d["id"] for d in by_annotator] == [world.document.id]
    assert ann.get(base + f"?annotator={world.annotator2.id}").status_code == 403
    assert ann.get(base + "?status=nonsense").status_code == 400
    page = ann.get(base + "?page_size=1").json()
    assert page["count"] == 2 and len(page["results"]) == 1 and page["next"]


def test_session_login_needs_csrf_token(world):
    client = APIClient(enforce_csrf_checks=True)
    body = {"username": "ann", "password": "a-Long-test-passw0rd"}
    refused = client.post("/api/auth/login/", body, format="json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    token = client.get("/api/auth/csrf/").json()["csrf_token"]
    accepted = client.post("/api/auth/login/", body, format="json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 200 and accepted.json()["username"] == "ann"
    # Logged in by session: writes need the CSRF token too.
    doc = world.document
    no_token = client.post(f"/api/documents/{doc.id}/spans/", span_at(doc, "said", "CUE"),
                           format="json")
    assert no_token.status_code == 403
    with_token = client.post(f"/api/documents/{doc.id}/spans/", span_at(doc, "said", "CUE"),
                             format="json", HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert with_token.status_code == 201


def test_login_with_wrong_password_says_so(world):
    client = APIClient()
    response = client.post("/api/auth/login/", {"username": "ann", "password": "x"},
                           format="json")
    assert response.status_code == 400 and "non_field_errors" in response.json()


def test_token_is_created_used_and_revoked_by_its_user(world, api):
    created = api(world.annotator).post("/api/auth/token/")
    assert created.status_code == 201
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {created.json()['token']}")
    assert client.get("/api/me/").json()["username"] == "ann"
    assert client.post("/api/auth/logout/").status_code == 204  # signs the token out
    after = client.get("/api/me/")
    assert after.status_code == 401


def test_anonymous_gets_401(world):
    assert APIClient().get(f"/api/documents/{world.document.id}/").status_code == 401


def test_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"openapi: 3" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in docs
    assert "cdn" not in docs.lower() and "https://" not in docs


def test_a_script_gets_its_token_with_username_and_password(world):
    client = APIClient()
    refused = client.post("/api/auth/token/", {"username": "ann", "password": "nope"},
                          format="json")
    assert refused.status_code == 400 and "non_field_errors" in refused.json()
    assert client.post("/api/auth/token/", {}, format="json").status_code == 401
    created = client.post("/api/auth/token/", {"username": "ann",
                                               "password": "a-Long-test-passw0rd"}, format="json")
    assert created.status_code == 201
    client.credentials(HTTP_AUTHORIZATION=f"Token {created.json()['token']}")
    assert client.get("/api/me/").json()["username"] == "ann"
