"""The explorer counts a source's claims at first and at second hand (issue #16, point 7):
X said that Y claimed Z is one claim of X's at first hand and one of Y's at second hand."""
from __future__ import annotations

import csv
import io

import pytest

from annotator.models import Attribution, ExplorerRow, Span
from annotator.services.attributions import attribution_create, attribution_delete
from annotator.services.documents import document_create
from annotator.services.entities import entity_create, span_entity_set
from annotator.services.reviews import review_bulk_decide
from annotator.services.spans import spans_bulk_create
from tests.api.conftest import span_at

pytestmark = pytest.mark.django_db

TEXT = ("The mayor said that the minister claimed the bridge is safe. "
        "The minister said that taxes will fall.")


@pytest.fixture
def nested(world):
    """The mayor (first hand) says the minister claimed Z (second hand); the minister also
    says something at first hand. All approved."""
    mayor = entity_create(project=world.project, actor=world.admin, name="The mayor")
    minister = entity_create(project=world.project, actor=world.admin, name="The minister")
    document, _ = document_create(project=world.project, title="Bridge", text=TEXT,
                                  metadata={"outlet": "Gazette", "date": "2026-03-02"})
    me = world.annotator
    s = spans_bulk_create(document=document, annotator=me, items=[
        span_at(document, "the minister claimed the bridge is safe"),
        span_at(document, "The mayor", "SOURCE"), span_at(document, "said", "CUE"),
        span_at(document, "the bridge is safe"), span_at(document, "the minister", "SOURCE"),
        span_at(document, "claimed", "CUE"), span_at(document, "taxes will fall"),
        span_at(document, "The minister", "SOURCE"), span_at(document, "said", "CUE", 1)])
    for index, entity in ((1, mayor), (4, minister), (7, minister)):
        s[index] = span_entity_set(span=s[index], actor=me, entity=entity,
                                   expected_version=s[index].version)
    outer = attribution_create(document=document, annotator=me, claims=[s[0].pk],
                               source=s[1].pk, cue=s[2].pk)
    inner = attribution_create(document=document, annotator=me, claims=[s[3].pk],
                               source=s[4].pk, cue=s[5].pk, parent=outer.pk)
    own = attribution_create(document=document, annotator=me, claims=[s[6].pk],
                             source=s[7].pk, cue=s[8].pk)
    review_bulk_decide(reviewer=world.reviewer, document=document, decision="approve",
                       spans=list(Span.objects.filter(document=document)),
                       attributions=[outer, inner, own], undecided_only=False)
    world.outer, world.inner, world.mayor, world.minister = outer, inner, mayor, minister
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
