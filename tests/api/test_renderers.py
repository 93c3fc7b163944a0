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


def test_a_document_detail_is_written_in_ascii_and_reads_back_the_same(world, api,
                                                                        make_document):
    """Every character beyond ASCII escaped (api/renderers.py, render_ascii): the same JSON
    value as the renderer's UTF-8, keys and imported metadata included."""
    from annotator import selectors
    from annotator.api.serializers import document_detail_dict
    from annotator.services.spans import spans_bulk_create

    text = "“Prices will rise,” the minister said 📈 of the cafe\u0301 \\ \"here\".\n"
    document = make_document(world.project, text=text, title="Grüße 🌍")
    Document.objects.filter(pk=document.pk).update(
        metadata={"résumé": "Über 🌍", "n": [1, "ß"]})
    start = text.index("📈")
    spans_bulk_create(document=document, annotator=world.annotator,
                      items=[{"label": "CLAIM", "start": 0, "end": start + 1}])
    response = api(world.annotator).get(f"/api/documents/{document.pk}/")
    assert response.status_code == 200
    assert response.content.isascii()
    body = json.loads(response.content)
    assert body["text"] == text and body["spans"][0]["quote"] == text[:start + 1]
    detail = selectors.document_detail_for_user(
        document=Document.objects.get(pk=document.pk), user=world.annotator, layer="mine")
    assert body == json.loads(JSONRenderer().render(document_detail_dict(detail)))


def test_render_ascii_escapes_what_ascii_cannot_hold_and_nothing_else():
    from annotator.api.renderers import render_ascii
    from annotator.selectors.label_json import JsonText

    data = {"a": "é 📈 \u0301\n\"\\", "b": JsonText('[{"q" : "“x” 🌍"}]'), "ключ": [10**30]}
    written = render_ascii(data)
    assert written.isascii()
    assert b"\\ud83d\\udcc8" in written and b"\\u00e9" in written  # a pair, then one
    assert json.loads(written) == {"a": "é 📈 \u0301\n\"\\", "b": [{"q": "“x” 🌍"}],
                                   "ключ": [10**30]}
    assert render_ascii({"plain": "ascii"}) == JSONRenderer().render({"plain": "ascii"})
