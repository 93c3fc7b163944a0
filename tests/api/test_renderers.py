"""JSON responses: orjson's output reads back as DRF's would, and no stored value is a 500."""
import json
from datetime import datetime, timedelta, timezone

import pytest
from rest_framework.renderers import JSONRenderer as DrfJSONRenderer

from annotator.api.renderers import JSONRenderer
from annotator.models import Document

pytestmark = pytest.mark.django_db


def test_a_document_page_reads_back_the_same_as_with_drfs_renderer(world, api):
    # The document's detail is written as bytes by the database (selectors/detail_cache.py,
    # compared with a body rendered anew in tests/api/test_detail_cache.py); the list page
    # still goes through the renderer.
    response = api(world.annotator).get(f"/api/projects/{world.project.id}/documents/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == json.loads(DrfJSONRenderer().render(response.data))


def test_metadata_orjson_refuses_is_still_written(world, api):
    """Imported metadata may hold integers beyond 64 bits; orjson refuses them."""
    huge = {"count": 10**30, "name": "Grüße 🌍", "nested": [{"n": -(2**70)}]}
    Document.objects.filter(pk=world.document.pk).update(metadata=huge)
    client = api(world.annotator)
    for url in (f"/api/documents/{world.document.id}/",
                f"/api/projects/{world.project.id}/documents/"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = json.loads(response.content)
        found = body["metadata"] if "metadata" in body else body["results"][0]["metadata"]
        assert found == huge


def test_the_renderer_writes_utf8_without_escapes():
    assert JSONRenderer().render({"quote": "“Grüße” 🌍"}) == '{"quote":"“Grüße” 🌍"}'.encode()


def test_timestamps_are_written_in_utc_with_z_by_both_writers():
    """orjson, and DRF's writer when orjson refuses the response (the 10**30 here)."""
    naive = datetime(2026, 11, 24, 6, 4, 35, 625871)  # as SQLite rows hold them: UTC
    aware = datetime(2026, 11, 24, 7, 4, 35, tzinfo=timezone(timedelta(hours=1)))
    for extra in ({}, {"big": 10**30}):
        written = json.loads(JSONRenderer().render({"a": naive, "b": aware, **extra}))
        assert written["a"] == "2026-11-24T06:04:35.625871Z"
        assert written["b"] in ("2026-11-24T07:04:35+01:00", "2026-11-24T06:04:35Z")
