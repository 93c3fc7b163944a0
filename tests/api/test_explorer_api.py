"""The explorer through the API (issue #16, points 3 and 8): sources ranked by claim count,
anonymous shares per outlet and month, claims over time, one source's claims, the CSV; the
layer rules; what bad input gets; a fixed number of queries whatever the size."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from annotator.services.entities import entity_create
from annotator.services.projects import project_update
from tests.api.explorer_world import article, label

pytestmark = pytest.mark.django_db


def sources_url(project, rest=""):
    return f"/api/projects/{project.pk}/sources/{rest}"


@pytest.fixture
def news(world):
    """Two outlets, two months. The minister: 2 claims in 2 documents; officials
    (anonymous): 1; a spokesperson linked to no entity: 1; a pending claim of the
    annotator's own layer only; the same approved claim made by a second annotator."""
    minister = entity_create(project=world.project, actor=world.admin, name="The minister")
    officials = entity_create(project=world.project, actor=world.admin, name="Officials",
                              type="anonymous")
    first = article(world, 1, "Daily Bugle", "2026-01-05", {0: minister, 1: officials})
    label(world, first, {0: minister}, annotator=world.annotator2)  # the same claim again
    second = article(world, 2, "Planet", "2026-02-10T08:00:00Z", {0: minister, 2: None},
                     attributes={"quote_type": "indirect"})
    label(world, second, {1: officials}, approve=False)              # pending: own layer only
    world.minister, world.officials, world.first, world.second = (minister, officials,
                                                                  first, second)
    return world


def rows(response):
    assert response.status_code == 200, response.content
    return response.json()


def test_sources_are_ranked_by_claims_with_outlet_and_month_shares_when_approved(api, news):
    body = rows(api(news.annotator).get(sources_url(news.project)))
    assert body["layer"] == "approved"
    assert [(s["name"], s["type"], s["claims"], s["documents"]) for s in body["sources"]] == [
        ("The minister", "person", 2, 2), ("Officials", "anonymous", 1, 1),
        ("(no entity)", None, 1, 1)]
    assert body["total_sources"] == 3
    assert body["totals"] == {"claims": 4, "documents": 2, "unattributed": 0}
    assert body["outlets"] == [
        {"outlet": "Daily Bugle", "claims": 2, "with_entity": 2, "anonymous": 1,
         "anonymous_share": 0.5},
        {"outlet": "Planet", "claims": 2, "with_entity": 1, "anonymous": 0,
         "anonymous_share": 0.0}]
    assert [(m["month"], m["claims"], m["anonymous"]) for m in body["months"]] == [
        ("2026-01", 2, 1), ("2026-02", 2, 0)]
    timeline = {s["name"]: s["points"] for s in body["timeline"]}
    assert timeline["The minister"] == [{"month": "2026-01", "claims": 1},
                                        {"month": "2026-02", "claims": 1}]


def test_an_approved_copy_linked_to_no_entity_counts_for_its_twins_entity(api, news):
    """The approved layer merges identical SOURCE spans; the merged one names the entity a
    copy names (approved.entity_copy): a second annotator's unlinked copy is the minister."""
    label(news, news.second, {0: None}, annotator=news.annotator2)
    body = rows(api(news.annotator).get(sources_url(news.project)))
    assert [(s["name"], s["claims"]) for s in body["sources"]] == [
        ("The minister", 2), ("Officials", 1), ("(no entity)", 1)]


@pytest.mark.parametrize("query, expected", [
    ("outlet=Planet", [("The minister", 1), ("(no entity)", 1)]),
    ("date_from=2026-02-01", [("The minister", 1), ("(no entity)", 1)]),
    ("date_to=2026-01-31", [("Officials", 1), ("The minister", 1)]),  # ties: by name
    ("type=anonymous", [("Officials", 1)]),
    ("attribute=quote_type:indirect", [("The minister", 1), ("(no entity)", 1)]),
    ("attribute=quote_type:direct&outlet=Daily+Bugle&type=person", [("The minister", 1)]),
    ("limit=1", [("The minister", 2)]),
])
def test_filters_narrow_the_claims_counted_when_given(api, news, query, expected):
    body = rows(api(news.reviewer).get(sources_url(news.project, f"?{query}")))
    assert [(s["name"], s["claims"]) for s in body["sources"]] == expected


def test_a_member_reads_their_own_layer_and_only_those_who_see_all_read_others(api, news):
    mine = rows(api(news.annotator).get(sources_url(news.project, "?layer=ann")))
    # the pending attribution counts in the annotator's own layer
    assert [(s["name"], s["claims"]) for s in mine["sources"]] == [
        ("Officials", 2), ("The minister", 2), ("(no entity)", 1)]
    # the outlets', months' and totals' figures of the layer (its rows and cells, as the
    # approved layer's)
    assert mine["outlets"] == [
        {"outlet": "Daily Bugle", "claims": 2, "with_entity": 2, "anonymous": 1,
         "anonymous_share": 0.5},
        {"outlet": "Planet", "claims": 3, "with_entity": 2, "anonymous": 1,
         "anonymous_share": 0.5}]
    assert [(m["month"], m["claims"], m["anonymous"]) for m in mine["months"]] == [
        ("2026-01", 2, 1), ("2026-02", 3, 1)]
    assert mine["totals"] == {"claims": 5, "documents": 2, "unattributed": 0}
    assert {s["name"]: s["documents"] for s in mine["sources"]}["Officials"] == 2
    refused = api(news.annotator).get(sources_url(news.project, "?layer=ann2"))
    assert refused.status_code == 403 and "layer" in refused.json()["detail"]
    other = rows(api(news.reviewer).get(sources_url(news.project, "?layer=ann2")))
    assert [(s["name"], s["claims"]) for s in other["sources"]] == [("The minister", 1)]
    project_update(project=news.project, actor=news.admin,
                   settings={**news.project.settings, "annotators_see_each_other": True})
    assert api(news.annotator).get(sources_url(news.project, "?layer=ann2")).status_code == 200
    assert api(news.stranger).get(sources_url(news.project)).status_code == 404
    assert api(news.outsider).get(
        sources_url(news.project, f"{news.minister.pk}/claims/")).status_code == 404


def test_a_sources_claims_link_into_the_workspace_at_their_span(api, news):
    body = rows(api(news.annotator).get(sources_url(news.project,
                                                    f"{news.minister.pk}/claims/")))
    assert body["source"] == {"entity": news.minister.pk, "name": "The minister",
                              "type": "person"}
    assert body["count"] == 2
    first, second = body["results"]
    assert (first["document"]["title"], second["document"]["title"]) == ("Article 1",
                                                                         "Article 2")
    assert first["quote"] == "Prices will rise," and first["source_quote"] == "the minister"
    assert second["attributes"] == {"quote_type": "indirect"}
    assert second["document"] == {"id": news.second.pk, "title": "Article 2",
                                  "outlet": "Planet", "published": "2026-02-10"}
    assert first["workspace_url"] == (f"/documents/{news.first.pk}/#span={first['span_id']}"
                                      f"&at={first['start']}-{first['end']}")
    unlinked = rows(api(news.annotator).get(sources_url(news.project, "none/claims/")))
    assert [c["source_quote"] for c in unlinked["results"]] == ["A spokesperson"]
    page = rows(api(news.annotator).get(sources_url(
        news.project, f"{news.minister.pk}/claims/?limit=1&offset=1")))
    assert page["count"] == 2 and [c["document"]["id"] for c in page["results"]] == [
        news.second.pk]


def test_the_csv_lists_every_source_in_rank_order(api, news):
    response = api(news.annotator).get(sources_url(news.project, "csv/?limit=1"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table == [["rank", "entity_id", "name", "type", "claims", "first_hand",
                      "second_hand", "documents"],
                     ["1", str(news.minister.pk), "The minister", "person", "2", "2", "0", "2"],
                     ["2", str(news.officials.pk), "Officials", "anonymous", "1", "1", "0",
                      "1"],
                     ["3", "", "(no entity)", "", "1", "1", "0", "1"]]


@pytest.mark.parametrize("query, field", [
    ("type=alien", "type"),
    ("date_from=2026-13-01", "date_from"),
    ("date_from=yesterday", "date_from"),
    ("date_from=2026-03-01&date_to=2026-02-01", "date_to"),
    ("attribute=quote_type", "attribute"),
    ("attribute=volume:loud", "attribute"),
    ("attribute=quote_type:shouted", "attribute"),
    ("attribute=quote_type:direct&attribute=quote_type:indirect", "attribute"),
    ("outlet=Nowhere+Times", "outlet"),
    ("limit=0", "limit"),
    ("limit=abc", "limit"),
    ("layer=nobody", "layer"),
])
def test_bad_filters_get_a_400_naming_the_parameter(api, news, query, field):
    for path in ("", "csv/", f"{news.minister.pk}/claims/"):
        response = api(news.annotator).get(sources_url(news.project, f"{path}?{query}"))
        assert response.status_code == 400, (path, response.content)
        assert field in response.json(), (path, response.json())


def test_another_projects_entity_or_no_entity_id_in_the_claims_url_is_a_404(api, news):
    theirs = entity_create(project=news.other_project, actor=news.outsider, name="Officials")
    for entity in (theirs.pk, "abc", "10000000000000000000000", "-1"):
        response = api(news.admin).get(sources_url(news.project, f"{entity}/claims/"))
        assert response.status_code == 404, (entity, response.content)
        assert "entity" in response.json()["detail"].lower()


def grow(world, count: int):
    """`count` more articles, each with an entity of its own, the minister and a source
    linked to no entity."""
    for n in range(count):
        entity = entity_create(project=world.project, actor=world.admin, name=f"Source {n}",
                               type="group" if n % 2 else "person")
        article(world, 100 + n, f"Outlet {n % 3}", f"2025-{n % 12 + 1:02d}-01",
                {0: world.minister, 1: entity, 2: None})


@pytest.mark.parametrize("path", ["?limit=500", "csv/", "{minister}/claims/",
                                  "none/claims/?attribute=quote_type:indirect",
                                  "?type=person&outlet=Planet&date_from=2026-01-01",
                                  # a member's own layer (the rows grow() adds are theirs)
                                  "?layer=ann&limit=500", "csv/?layer=ann",
                                  "{minister}/claims/?layer=ann",
                                  "?layer=ann&date_from=2026-01-15&attribute=quote_type:direct",
                                  "?layer=ann&type=person&outlet=Planet"])
def test_the_explorer_reads_in_a_fixed_number_of_queries_whatever_the_size(
        api, news, path, django_assert_num_queries):
    client = api(news.reviewer)
    url = sources_url(news.project, path.format(minister=news.minister.pk))
    client.get(url)  # warm: the session and content types
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow(news, 12)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def page_config(user, project):
    client = Client()
    client.force_login(user)
    response = client.get(f"/projects/{project.pk}/explorer/")
    if response.status_code != 200:
        return response.status_code, None
    html = response.content.decode()
    found = re.search(r'id="ann-explorer-config"[^>]*>(.*?)</script>', html, re.DOTALL)
    return 200, json.loads(found.group(1))


def test_the_explorer_page_is_every_members_and_offers_the_layers_they_may_read(news):
    status, mine = page_config(news.annotator, news.project)
    assert status == 200
    assert mine["layers"] == ["approved", "ann"]
    assert mine["outlets"] == ["Daily Bugle", "Planet"]
    assert "anonymous" in mine["types"]
    assert {"name": "quote_type", "choices": ["direct", "indirect"]} in mine["attributes"]
    _, theirs = page_config(news.reviewer, news.project)
    assert theirs["layers"] == ["approved", "rev", "ann", "ann2", "boss"]
    assert page_config(news.stranger, news.project)[0] == 404
    project_page = Client()
    project_page.force_login(news.annotator)
    assert f'href="/projects/{news.project.pk}/explorer/"' in project_page.get(
        f"/projects/{news.project.pk}/").content.decode()
