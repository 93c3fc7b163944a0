"""Inputs that once gave a 500 or an answer the schema does not describe (found by
tests/api/test_schema_fuzz.py and by probing around what it found)."""
import json

import pytest
from drf_spectacular.generators import SchemaGenerator

from annotator.models import Attribution, Document, Span

pytestmark = pytest.mark.django_db


def post_raw(client, url, body: str):
    return client.post(url, data=body, content_type="application/json")


@pytest.mark.parametrize("url", ["/api/spans/abc/", "/api/projects/1.5/labels/",
                                 "/api/documents/-1/spans/", "/api/no-such-thing/"])
def test_api_gives_json_404_when_no_route_matches(world, api, url):
    response = api(world.admin).get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_pages_outside_the_api_keep_the_html_404_when_no_route_matches(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_schema_describes_document_list_as_a_page_when_listing_documents():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/projects/{project_id}/documents/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"page", "page_size", "status", "annotator", "has_suggestions", "q"} <= names
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    page = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert {"count", "next", "previous", "results"} <= set(page["properties"])


def test_document_list_matches_its_schema_when_paginated(world, api):
    body = api(world.admin).get(f"/api/projects/{world.project.id}/documents/").json()
    assert body["count"] == 1 and body["results"][0]["id"] == world.document.id


def test_schema_requires_a_name_when_creating_a_label_but_not_when_changing_one(world, api):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = schema["paths"]["/api/projects/{project_id}/labels/"]

    def body_schema(operation):
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]

    assert body_schema(operations["post"])["required"] == ["name"]
    patch = schema["paths"]["/api/projects/{project_id}/labels/{label_id}/"]["patch"]
    assert "required" not in body_schema(patch)
    response = api(world.admin).post(f"/api/projects/{world.project.id}/labels/", {},
                                     format="json")
    assert response.status_code == 400 and "name" in response.json()


@pytest.mark.parametrize("depth", [65, 900, 100_000])
def test_request_gives_400_when_json_nests_too_deeply(world, api, depth):
    nested = "[" * depth + "]" * depth
    client = api(world.admin)
    response = post_raw(client, f"/api/documents/{world.document.id}/spans/", nested)
    assert response.status_code == 400 and "nested" in response.json()["detail"]
    response = post_raw(client, f"/api/projects/{world.project.id}/documents/",
                        '{"text": "Deep.", "metadata": {"a": %s}}' % nested)
    assert response.status_code == 400 and "nested" in response.json()["detail"]
    assert not Document.objects.filter(text="Deep.").exists()


def test_request_is_parsed_when_json_nests_a_little(world, api):
    nested = "[" * 20 + "]" * 20
    response = post_raw(api(world.admin), f"/api/projects/{world.project.id}/documents/",
                        '{"text": "Nested.", "metadata": {"a": %s}}' % nested)
    assert response.status_code == 201
    assert Document.objects.get(text="Nested.").metadata == {"a": json.loads(nested)}


@pytest.mark.parametrize("settings", [
    {"role_labels": "CLAIM"},
    {"role_labels": None},
    {"role_labels": {"claim": 3}},
    {"role_labels": {"speaker": "SOURCE"}},
    {"annotators_see_each_other": "false"},
])
def test_project_update_gives_400_when_settings_have_the_wrong_shape(world, api, settings):
    client = api(world.admin)
    response = client.patch(f"/api/projects/{world.project.id}/", {"settings": settings},
                            format="json")
    assert response.status_code == 400 and "settings" in response.json()
    world.project.refresh_from_db()
    assert world.project.settings == {}
    # what used to be a 500 afterwards: every attribution reads the role labels
    response = client.post(f"/api/documents/{world.document.id}/attributions/",
                           {"claims": [1]}, format="json")
    assert response.status_code == 400


def test_project_update_keeps_settings_when_role_labels_name_labels(world, api):
    settings = {"role_labels": {"cue": "CUE"}, "annotators_see_each_other": True, "x": [1]}
    response = api(world.admin).patch(f"/api/projects/{world.project.id}/",
                                      {"settings": settings}, format="json")
    assert response.status_code == 200 and response.json()["settings"] == settings


@pytest.mark.parametrize("role", ["source", "cue"])
def test_suggestions_store_gives_400_when_source_or_cue_is_a_claim(world, api, role):
    text = world.document.text
    start = text.index("officials")
    body = {"tagger_name": "t", "tagger_version": "1",
            "spans": [{"key": "a", "label": "CLAIM", "start": start, "end": start + 9},
                      {"key": "b", "label": "CLAIM", "start": 0, "end": 4}],
            "attributions": [{"claims": ["b", "a"], role: "a"}]}
    response = api(world.admin).post(f"/api/documents/{world.document.id}/suggestions/", body,
                                     format="json")
    assert response.status_code == 400, response.json()
    assert f"attributions[0].{role}" in response.json()
    assert not Span.objects.exists() and not Attribution.objects.exists()
