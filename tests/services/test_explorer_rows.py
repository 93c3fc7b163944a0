"""The explorer's read model (services/explorer_rows.py), the approved layer's rows and
cells and each member's own, stays equal to a rebuild from the labels after any sequence of
the services that change what it reflects, and the explorer reads it in a fixed number of
queries."""
from __future__ import annotations

import random

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from annotator.errors import Conflict
from annotator.models import APPROVED_LAYER, Attribution, ExplorerCell, ExplorerRow, Span
from annotator.selectors.explorer import ExplorerFilter, explorer_summary
from annotator.services.attributions import attribution_delete, attribution_update
from annotator.services.bulk import layer_bulk_write
from annotator.services.documents import document_create
from annotator.services.entities import (entity_create, entity_merge, entity_update,
                                         span_entity_set)
from annotator.services.explorer_rows import explorer_rows_rebuild, explorer_rows_refresh
from annotator.services.reviews import review_bulk_decide, review_correct_attribution
from annotator.services.spans import BulkError, span_delete, span_update
from tests.api.conftest import span_at, world  # noqa: F401  (the fixture)
from tests.api.explorer_world import PARTS, SENTENCES, label
from tests.services.explorer_figures import (FILTERS, figures_of_the_rows, figures_shown,
                                             layer_filters)

pytestmark = pytest.mark.django_db
COLUMNS = [f.attname for f in ExplorerRow._meta.concrete_fields if f.attname != "id"]
CELL_COLUMNS = [f.attname for f in ExplorerCell._meta.concrete_fields if f.attname != "id"]


def rows() -> list[tuple]:
    """The rows and the cells (services/explorer_cells.py), as they are."""
    return (sorted(ExplorerRow.objects.values_list(*COLUMNS)),
            sorted(ExplorerCell.objects.values_list(*CELL_COLUMNS), key=repr))


def rebuilt(project) -> list[tuple]:
    explorer_rows_rebuild(project=project)
    return rows()


def documents(world, count: int = 3, first: int = 0) -> list:
    made = []
    for n in range(first, first + count):
        document, _ = document_create(
            project=world.project, title=f"A{n}", text=f"Article {n}. " + "".join(SENTENCES),
            metadata={"outlet": f"Outlet {n % 2}", "date": f"2026-0{n % 3 + 1}-{n % 28 + 1:02d}"})
        made.append(document)
    return made


def _own(world, rng, **filters):
    spans = list(Span.objects.filter(document__project=world.project,
                                     annotator__isnull=False, **filters).select_related(
        "document", "label", "annotator").order_by("pk"))
    return rng.choice(spans) if spans else None


def _attribution(world, rng, **filters):
    found = list(Attribution.objects.filter(document__project=world.project,
                                            annotator__isnull=False, **filters)
                 .select_related("document", "annotator").order_by("pk"))
    return rng.choice(found) if found else None


def operation(world, rng, docs, entities) -> str:
    """One random service call of those that change the approved layer or a member's
    own; its name."""
    kind = rng.choice(["label", "approve", "reject", "link", "link", "move",
                       "delete span", "delete attribution", "attributes", "merge", "type",
                       "correct", "bulk delete", "bulk create"])
    document = rng.choice(docs)
    if kind == "label":
        label(world, document, {rng.randrange(3): rng.choice(entities + [None])},
              annotator=rng.choice([world.annotator, world.annotator2]),
              approve=rng.random() < 0.6,
              attributes={"quote_type": rng.choice(["direct", "indirect"])})
    elif kind in ("approve", "reject"):
        spans = list(Span.objects.filter(document=document, annotator__in=[
            world.annotator, world.annotator2]).order_by("pk"))
        attributions = list(Attribution.objects.filter(document=document, annotator__in=[
            world.annotator, world.annotator2]).order_by("pk"))
        review_bulk_decide(reviewer=world.reviewer, document=document, decision=kind,
                           spans=rng.sample(spans, k=min(len(spans), rng.randrange(4))),
                           attributions=rng.sample(attributions, k=min(len(attributions),
                                                                       rng.randrange(3))),
                           undecided_only=False)
    elif kind == "link":
        span = _own(world, rng, label__name="SOURCE", annotator__in=[
            world.annotator, world.annotator2], **({"source_of__review_state": "approved"}
                                                   if rng.random() < 0.7 else {}))
        if span:
            span_entity_set(span=span, actor=span.annotator,
                            entity=rng.choice(entities + [None]), expected_version=span.version)
    elif kind == "move":
        span = _own(world, rng, label__name="CLAIM",  # approved or not: a member's layer
                    annotator__in=[world.annotator, world.annotator2])
        if span and span.end - span.start > 2:
            span_update(span=span, actor=span.annotator, expected_version=span.version,
                        end=span.end - 1)
    elif kind == "delete span":
        span = _own(world, rng, annotator__in=[world.annotator, world.annotator2])
        if span:
            span_delete(span=span, actor=span.annotator, expected_version=span.version)
    elif kind == "delete attribution":
        found = _attribution(world, rng, annotator__in=[world.annotator, world.annotator2])
        if found:
            attribution_delete(attribution=found, actor=found.annotator,
                               expected_version=found.version)
    elif kind == "attributes":
        found = _attribution(world, rng, annotator__in=[world.annotator, world.annotator2])
        if found:
            attribution_update(attribution=found, actor=found.annotator,
                               expected_version=found.version,
                               attributes={"quote_type": rng.choice(["direct", "indirect"])})
    elif kind == "merge" and len(entities) > 1:
        gone, into = rng.sample(entities, 2)
        entity_merge(entity=gone, into=into, actor=world.admin)
        entities.remove(gone)
        entities.append(entity_create(project=world.project, actor=world.admin,
                                      name=f"New {rng.randrange(10**9)}"))
    elif kind == "type":
        entity = rng.choice(entities)
        entity.refresh_from_db()
        entity_update(entity=entity, actor=world.admin, expected_version=entity.version,
                      type=rng.choice(["person", "anonymous", "group"]))
    elif kind == "correct":
        claim = _own(world, rng, document=document, label__name="CLAIM")
        source = _own(world, rng, document=document, label__name="SOURCE")
        if claim:
            review_correct_attribution(document=document, reviewer=world.reviewer,
                                       claims=[claim], source=source,
                                       attributes={"quote_type": "direct"})
    elif kind == "bulk delete":
        span = _own(world, rng, document=document, annotator=world.annotator)
        if span:
            layer_bulk_write(document=document, annotator=world.annotator, body={
                "delete": {"spans": [{"id": span.pk, "version": span.version}]}})
    elif kind == "bulk create":  # a pending attribution: the annotator's layer only
        claim, source, _ = PARTS[rng.randrange(3)]
        cut = rng.randrange(1, 4)   # not the spans the annotator has already
        claim, source = claim[:-cut], source[:-cut]
        layer_bulk_write(document=document, annotator=world.annotator2, body={"create": {
            "spans": [{**span_at(document, claim, "CLAIM"), "ref": "c"},
                      {**span_at(document, source, "SOURCE"), "ref": "s"}],
            "attributions": [{"claims": ["c"], "source": "s"}]}})
    return kind


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_rows_equal_a_rebuild_after_any_sequence_of_operations(world, seed):  # noqa: F811
    rng = random.Random(seed)
    docs = documents(world)
    entities = [entity_create(project=world.project, actor=world.admin, name=f"E{n}",
                              type=("person", "anonymous", "organisation")[n])
                for n in range(3)]
    for document in docs:  # both annotators label every sentence, approved, some linked
        for annotator in (world.annotator, world.annotator2):
            label(world, document, {n: rng.choice(entities + [None]) for n in range(3)},
                  annotator=annotator)
    # 18 approved attributions: 18 rows of the approved layer, 9 in each member's
    assert rows() == rebuilt(world.project) and len(rows()[0]) == 36
    done = []
    for _ in range(60):
        try:
            with transaction.atomic():
                done.append(operation(world, rng, docs, entities))
        except (Conflict, ValidationError, IntegrityError, BulkError) as refused:
            done.append(f"refused: {type(refused).__name__}")
            continue
        now = rows()
        assert now == rebuilt(world.project), done
        # the cells' figures (some read edge months' rows), of every layer
        for filters in layer_filters(world.annotator, world.annotator2):
            assert figures_shown(world.project, filters) == figures_of_the_rows(
                world.project, filters), (done, filters)
    assert ExplorerRow.objects.exists() and any("approve" == d for d in done), done
    assert sum(d.startswith("refused") for d in done) < len(done) / 3, done


def test_the_rows_are_one_per_approved_attribution_with_its_place_entity_and_month(world):  # noqa: F811,E501
    [document] = documents(world, 1)
    minister = entity_create(project=world.project, actor=world.admin, name="The minister")
    label(world, document, {0: minister, 2: None})
    label(world, document, {0: None}, annotator=world.annotator2)  # same claim, twin source
    label(world, document, {1: minister}, approve=False)             # pending: no row
    got = list(ExplorerRow.objects.filter(layer=APPROVED_LAYER).order_by(
        "attribution_id").values(
        "entity_id", "claim_key", "claim_start", "outlet", "month", "attributes"))
    assert len(got) == 3
    first, second, twin = got
    assert first["entity_id"] == minister.pk and second["entity_id"] is None
    # the second annotator's copy of the first claim: one place, and the entity of the
    # approved identical SOURCE span
    assert twin["claim_key"] == first["claim_key"] != second["claim_key"]
    assert twin["entity_id"] == minister.pk
    assert str(first["month"]) == "2026-01-01" and first["outlet"] == "Outlet 0"


def test_a_members_rows_are_their_accepted_attributions_as_they_are(world):  # noqa: F811
    [document] = documents(world, 1)
    minister = entity_create(project=world.project, actor=world.admin, name="The minister")
    label(world, document, {0: minister, 1: None})
    label(world, document, {0: None}, annotator=world.annotator2)  # same claim, twin source
    label(world, document, {2: minister}, approve=False)              # pending: in the layer
    mine = list(ExplorerRow.objects.filter(layer=world.annotator.pk).order_by(
        "attribution_id").values("attribution_id", "entity_id", "claim_key", "claim_start"))
    assert [row["attribution_id"] for row in mine] == list(Attribution.objects.filter(
        annotator=world.annotator).order_by("pk").values_list("pk", flat=True))
    assert [row["entity_id"] for row in mine] == [minister.pk, None, minister.pk]
    assert len({row["claim_key"] for row in mine}) == 3
    [twin] = ExplorerRow.objects.filter(layer=world.annotator2.pk)
    # the other annotator's copy of the first claim: their own span's entity (none), and
    # in their layer the claim is theirs
    assert twin.entity_id is None and twin.claim_start == mine[0]["claim_start"]
    assert ExplorerRow.objects.filter(layer=APPROVED_LAYER).count() == 3


def test_a_rebuild_command_makes_lost_rows_again(world, capsys):  # noqa: F811
    docs = documents(world, 2)
    for document in docs:
        label(world, document, {0: None, 1: None})
    before = rows()
    ExplorerRow.objects.all().delete()
    ExplorerCell.objects.all().delete()
    call_command("explorer_rows_rebuild", "--project", str(world.project.pk))
    assert rows() == before and len(before[0]) == 8 and before[1]   # 4 approved, 4 a member's
    assert "8" in capsys.readouterr().out


def test_a_refresh_is_four_statements_whatever_the_number_of_documents(world):  # noqa: F811
    """Two when no row changed (no cell to remake)."""
    docs = documents(world, 6)
    for document in docs:
        label(world, document, {0: None, 1: None, 2: None})
    for some in (docs[:1], docs):
        ids = [d.pk for d in some]
        ExplorerRow.objects.filter(document_id__in=ids).delete()   # rows lost: they change
        with CaptureQueriesContext(connection) as captured:
            explorer_rows_refresh(document_ids=ids)
        # the rows: DELETE, INSERT (each RETURNING the cells they count); the cells:
        # DELETE, INSERT
        assert len(captured.captured_queries) == 4
        assert rows() == rebuilt(world.project)
        with CaptureQueriesContext(connection) as captured:
            explorer_rows_refresh(document_ids=ids)
        assert len(captured.captured_queries) == 2   # no row changed: no cell to remake


@pytest.mark.parametrize("layer", ["approved", "member"])
def test_the_summary_reads_the_rows_in_two_queries_at_any_size(world, layer):  # noqa: F811
    counts = []
    member = world.annotator.pk if layer == "member" else None
    for first, size in ((0, 1), (1, 8)):
        for document in documents(world, size, first):
            label(world, document, {0: None, 1: None}, approve=layer == "approved")
        for filters in (ExplorerFilter(annotator_id=member),
                        ExplorerFilter(annotator_id=member, source_type="person")):
            with CaptureQueriesContext(connection) as captured:
                summary = explorer_summary(project=world.project, filters=filters)
            counts.append(len(captured.captured_queries))
            assert all("annotator_span" not in q["sql"] and "annotator_attribution" not in
                       q["sql"] for q in captured.captured_queries)
        assert summary["totals"]["claims"] == 0  # a type no entity has
        assert explorer_summary(project=world.project, filters=ExplorerFilter(
            annotator_id=member))["totals"]["claims"] == 2 * (first + size)
    assert counts == [2, 2, 2, 2]


def test_undated_documents_and_every_attribute_have_cells_of_their_own(world):  # noqa: F811
    dated = documents(world, 2)
    undated, _ = document_create(project=world.project, title="Undated",
                                 text="Article U. " + "".join(SENTENCES),
                                 metadata={"outlet": "Outlet 0"})
    for document in [*dated, undated]:
        label(world, document, {0: None, 1: None},
              attributes={"quote_type": "direct", "claim_type": "prediction"})
    assert ExplorerCell.objects.filter(month__isnull=True, attribute="claim_type",
                                       value="prediction").exists()
    for filters in (*FILTERS, ExplorerFilter(attributes={"claim_type": "prediction"}),
                    ExplorerFilter(attributes={"claim_type": "fact"})):
        assert figures_shown(world.project, filters) == figures_of_the_rows(
            world.project, filters), filters
    summary = explorer_summary(project=world.project, filters=ExplorerFilter())
    assert summary["months"][-1]["month"] is None and summary["totals"]["documents"] == 3
