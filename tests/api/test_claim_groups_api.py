"""The same claim in several documents, through the API: a source's claims name their group,
and a group lists its appearances by date, with documents, outlets and sources, in a fixed
number of queries (selectors/claim_groups.py, api/views/claim_groups.py)."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotator.services.claim_groups import claim_groups_update
from annotator.services.entities import entity_create, span_entity_set
from annotator.models import Span
from tests.api.conftest import world  # noqa: F401  (the fixture)
from tests.claim_world import BRIDGE, DEAL, DEAL_EDITED, DEAL_LOWER, quote_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(world):
    """The deal quote in three outlets (the Herald first), the bridge quote once."""
    world.a = quote_article(world, "A", "Daily", "2026-03-05", [DEAL, BRIDGE])
    world.b = quote_article(world, "B", "Herald", "2026-03-01", [DEAL_EDITED])
    world.c = quote_article(world, "C", "Post", None, [DEAL_LOWER])
    minister = entity_create(project=world.project, actor=world.admin, name="The minister")
    source = Span.objects.get(document=world.b, label__name="SOURCE")
    span_entity_set(span=source, actor=world.annotator, entity=minister,
                    expected_version=source.version)
    world.minister = minister
    claim_groups_update(project_id=world.project.pk)
    return world


def claims_url(world, entity="none", query=""):
    return f"/api/projects/{world.project.pk}/sources/{entity}/claims/{query}"


def group_url(world, key):
    return f"/api/projects/{world.project.pk}/claim-groups/{key}/"


def test_a_sources_claims_name_their_group_when_said_in_other_places_too(api, reported):
    body = api(reported.annotator).get(claims_url(reported)).json()
    by_quote = {c["quote"]: c["group"] for c in body["results"]}
    assert by_quote[BRIDGE] is None
    assert by_quote[DEAL]["size"] == 3 and by_quote[DEAL] == by_quote[DEAL_LOWER]
    minister = api(reported.annotator).get(claims_url(reported, reported.minister.pk)).json()
    assert [c["group"] for c in minister["results"]] == [by_quote[DEAL]]
    own = api(reported.annotator).get(claims_url(reported, query="?layer=ann")).json()
    assert own["count"] == 3 and {c["group"] for c in own["results"]} == {None}


def test_a_group_lists_its_appearances_first_reported_first_with_outlets_and_sources(
        api, reported):
    listed = api(reported.annotator).get(claims_url(reported)).json()["results"]
    key = next(c["group"]["key"] for c in listed if c["quote"] == DEAL)
    response = api(reported.annotator).get(group_url(reported, key))
    assert response.status_code == 200, response.content
    group = response.json()
    assert (group["key"], group["size"], group["documents"], group["first_published"]) == (
        key, 3, 3, "2026-03-01")
    titles = [(a["document"]["title"], a["document"]["outlet"], a["document"]["published"])
              for a in group["appearances"]]
    assert titles == [("B", "Herald", "2026-03-01"), ("A", "Daily", "2026-03-05"),
                      ("C", "Post", None)]
    first = group["appearances"][0]
    assert first["quote"] == DEAL_EDITED and first["sources"] == [{
        "entity": reported.minister.pk, "name": "The minister", "type": "person",
        "quote": "the minister", "cue_quote": "said"}]
    assert group["appearances"][1]["sources"][0]["entity"] is None
    assert first["workspace_url"] == (f"/documents/{reported.b.pk}/#span={first['span_id']}"
                                      f"&at={first['start']}-{first['end']}")
    text = reported.b.text
    assert text[first["start"]:first["end"]] == DEAL_EDITED


def test_an_unknown_or_another_projects_group_or_a_stranger_gets_a_404_naming_it(
        api, reported, world):
    listed = api(reported.annotator).get(claims_url(reported)).json()["results"]
    key = next(c["group"]["key"] for c in listed if c["group"])
    lone = next(c["span_id"] for c in listed if not c["group"])
    assert api(reported.outsider).get(group_url(reported, key)).status_code == 404
    other = f"/api/projects/{reported.other_project.pk}/claim-groups/{key}/"
    assert api(reported.outsider).get(other).status_code == 404
    for bad in ("10000000000000000000000", "0"):
        response = api(reported.admin).get(group_url(reported, bad))
        assert response.status_code == 404 and "group_key" in response.json()["detail"]
    single = api(reported.admin).get(group_url(reported, lone)).json()
    assert single["size"] == 1 and single["appearances"][0]["quote"] == BRIDGE


def test_claims_and_groups_are_read_in_a_fixed_number_of_queries_whatever_the_size(
        api, reported, django_assert_num_queries):
    def key():
        return next(c["group"]["key"] for c in api(reported.annotator).get(
            claims_url(reported)).json()["results"] if c["group"])

    paths = [claims_url(reported), group_url(reported, key())]
    counts = []
    for path in paths:
        with CaptureQueriesContext(connection) as small:
            assert api(reported.annotator).get(path).status_code == 200
        counts.append(len(small.captured_queries))
    for n in range(6):
        quote_article(reported, f"More {n}", f"Outlet {n}", f"2026-04-0{n + 1}",
                      [DEAL, f"“Claim number {n} stands alone in this article today,”"])
    claim_groups_update(project_id=reported.project.pk)
    paths = [claims_url(reported), group_url(reported, key())]
    assert api(reported.annotator).get(paths[1]).json()["size"] == 9
    for path, count in zip(paths, counts):
        with django_assert_num_queries(count):
            assert api(reported.annotator).get(path).status_code == 200
