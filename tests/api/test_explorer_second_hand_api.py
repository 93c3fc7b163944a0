"""The explorer counts a source's claims at first and at second hand (issue #16, point 7):
X said that Y claimed Z is one claim of X's at first hand and one of Y's at second hand."""
from __future__ import annotations

import csv
import io

import pytest

from annotator.models import Attribution, ExplorerRow
from annotator.services.attributions import attribution_delete
from annotator.services.entities import entity_create
from tests.api.explorer_world import nested_article

pytestmark = pytest.mark.django_db

@pytest.fixture
def nested(world):
    """The mayor (first hand) says the minister claimed Z (second hand); the minister also
    says something at first hand. All approved."""
    mayor = entity_create(project=world.project, actor=world.admin, name="The mayor")
    minister = entity_create(project=world.project, actor=world.admin, name="The minister")
    world.outer, world.inner = nested_article(world, mayor, minister)
    world.mayor, world.minister = mayor, minister
    return world


def counts(body):
    return {s["name"]: (s["claims"], s["first_hand"], s["second_hand"]) for s in body["sources"]}


@pytest.mark.parametrize("layer", ["approved", "ann"])
def test_sources_count_claims_at_first_and_second_hand(api, nested, layer):
    response = api(nested.annotator).get(
        f"/api/projects/{nested.project.pk}/sources/?layer={layer}")
    assert response.status_code == 200, response.json()
    assert counts(response.json()) == {"The minister": (2, 1, 1), "The mayor": (1, 1, 0)}


def test_read_model_row_of_a_second_hand_attribution_says_so(nested):
    assert dict(ExplorerRow.objects.values_list("attribution_id", "second_hand")) == {
        nested.outer.pk: False, nested.inner.pk: True,
        **{pk: False for pk in Attribution.objects.exclude(
            pk__in=[nested.outer.pk, nested.inner.pk]).values_list("pk", flat=True)}}


def test_deleting_the_parent_makes_the_claim_first_hand_in_the_explorer(api, nested):
    outer = Attribution.objects.get(pk=nested.outer.pk)
    attribution_delete(attribution=outer, actor=nested.annotator,
                       expected_version=outer.version)
    body = api(nested.annotator).get(f"/api/projects/{nested.project.pk}/sources/").json()
    assert counts(body) == {"The minister": (2, 2, 0)}


def test_sources_csv_has_first_and_second_hand_columns(api, nested):
    response = api(nested.annotator).get(f"/api/projects/{nested.project.pk}/sources/csv/")
    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {(r["name"], r["first_hand"], r["second_hand"]) for r in table} == {
        ("The minister", "1", "1"), ("The mayor", "1", "0")}
