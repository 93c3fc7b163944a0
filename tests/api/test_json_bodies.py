"""JSON bodies decoded by orjson, or by the json module when orjson would lose something or
refuses the body (annotator/api/parsers.py): the answer is the same either way."""
import gc

import pytest

from annotator.api.parsers import MAX_DEPTH, json_depth
from annotator.models import Document

pytestmark = pytest.mark.django_db


def post_json(client, url, raw: bytes):
    return client.generic("POST", url, raw, content_type="application/json")


def documents_url(world) -> str:
    return f"/api/projects/{world.project.pk}/documents/"


def test_integers_wider_than_64_bits_are_kept_exactly_when_in_a_body(world, api):
    raw = (b'{"text": "Officials said so.", "metadata": {"big": 1180591620717411303424, '
           b'"low": -9223372036854775809, "top": 18446744073709551615, "small": 7}}')
    response = post_json(api(world.admin), documents_url(world), raw)
    assert response.status_code == 201, response.content
    document = Document.objects.get(pk=response.json()["id"])
    assert document.metadata == {"big": 2 ** 70, "low": -2 ** 63 - 1, "top": 2 ** 64 - 1,
                                 "small": 7}


@pytest.mark.parametrize("levels, ok", [(MAX_DEPTH, True), (MAX_DEPTH + 1, False),
                                        (5000, False)])
def test_a_body_nested_past_the_bound_is_a_400_when_orjson_or_json_decodes_it(
        world, api, levels, ok):
    nested = b"[" * (levels - 2) + b"1" + b"]" * (levels - 2)  # inside metadata's object
    raw = b'{"text": "Officials said so.", "metadata": {"x": %s}}' % nested
    response = post_json(api(world.admin), documents_url(world), raw)
    if ok:
        assert response.status_code == 201, response.content
    else:
        assert response.status_code == 400
        assert f"nested deeper than {MAX_DEPTH} levels" in response.json()["detail"]


@pytest.mark.parametrize("raw, words", [
    (b'{"text": "x",}', "JSON parse error"),
    (b'\xef\xbb\xbf{"text": "x"}', "JSON parse error"),
    (b'{"text": "a\\udc80b"}', "lone surrogate"),
])
def test_a_body_orjson_refuses_gets_the_json_modules_answer(world, api, raw, words):
    response = post_json(api(world.admin), documents_url(world), raw)
    assert response.status_code == 400
    assert words in response.content.decode()


def test_json_depth_counts_levels_of_lists_and_objects_when_nested():
    assert [json_depth(value) for value in (1, [], {"a": 1}, [[1], {"b": [2]}], [[[[]]]])] == [
        0, 1, 1, 3, 4]
    assert json_depth([[[[[]]]]], limit=2) == 3  # stops once past the limit


def test_the_bulk_write_leaves_the_garbage_collector_as_it_found_it(world, api):
    client = api(world.annotator)
    url = f"/api/documents/{world.document.pk}/bulk/"
    good = {"create": {"spans": [{"label": "CLAIM", "start": 0, "end": 3}]}}
    bad = {"create": {"spans": [{"label": "NOPE", "start": 0, "end": 3}]}}
    assert gc.isenabled()
    assert client.post(url, good, format="json").status_code == 201
    assert client.post(url, bad, format="json").status_code == 400
    assert gc.isenabled()
    gc.disable()
    try:
        assert client.post(url, {"create": {"spans": [
            {"label": "CLAIM", "start": 4, "end": 8}]}}, format="json").status_code == 201
        assert not gc.isenabled()  # someone else's choice: kept
    finally:
        gc.enable()
