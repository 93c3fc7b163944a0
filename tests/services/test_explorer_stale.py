"""A member's own layer of the explorer is settled on read (services/explorer_stale.py):
the single writes of their pending labels mark (document, layer) stale instead of
refreshing, the writes that touch the approved layer still refresh at once, and the next
read of the layer refreshes the marked documents and deletes the marks it read, but not
one that a write added to in the meantime. On SQLite and PostgreSQL alike."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotator.models import APPROVED_LAYER, Attribution, ExplorerRow, ExplorerStale, Span
from annotator.selectors.explorer import (ExplorerFilter, explorer_claim_list, explorer_ranking,
                                          explorer_summary)
from annotator.services.attributions import (attribution_create, attribution_delete,
                                             attribution_update)
from annotator.services.explorer_rows import explorer_rows_rebuild, explorer_rows_refresh
from annotator.services.explorer_stale import (explorer_layer_changed, explorer_layer_settle,
                                               stale_marks, stale_unmark)
from annotator.services.spans import span_delete, span_update
from tests.api.conftest import world  # noqa: F401  (the fixture)
from tests.api.explorer_world import article, label

pytestmark = pytest.mark.django_db


def marks(world) -> list[tuple]:
    return sorted(ExplorerStale.objects.filter(project=world.project).values_list(
        "document_id", "layer", "seq"))


def layer_rows(layer) -> list[int]:
    return sorted(ExplorerRow.objects.filter(layer=layer).values_list("attribution_id",
                                                                      flat=True))


def pending(world, document, index=0) -> Attribution:
    """One more pending attribution of the world's annotator in `document`: its spans by
    the article helper, then the attribution itself through the service."""
    label(world, document, {index: None}, approve=False)
    return Attribution.objects.filter(document=document, annotator=world.annotator).latest("pk")


def test_a_pending_attribution_shows_in_the_members_explorer_on_the_next_read(world):  # noqa: F811,E501
    document = article(world, 1, "Daily Bugle", "2026-01-05", {0: None})   # approved
    mine = ExplorerFilter(annotator_id=world.annotator.pk)
    assert explorer_summary(project=world.project, filters=mine)["totals"]["claims"] == 1
    made = pending(world, document, 1)
    # not refreshed: one mark, the rows as they were
    assert marks(world) == [(document.pk, world.annotator.pk, 1)]
    assert made.pk not in layer_rows(world.annotator.pk)
    summary = explorer_summary(project=world.project, filters=mine)
    assert summary["totals"]["claims"] == 2 and marks(world) == []
    assert made.pk in layer_rows(world.annotator.pk)
    # the approved layer has it not, and was never stale
    approved = explorer_summary(project=world.project, filters=ExplorerFilter())
    assert approved["totals"]["claims"] == 1


def test_every_single_write_of_pending_labels_marks_and_each_read_settles(world):  # noqa: F811
    document = article(world, 1, "Daily Bugle", "2026-01-05", {}, approve=False)
    mine = ExplorerFilter(annotator_id=world.annotator.pk)
    claim = Span.objects.create(document=document, annotator=world.annotator,
                                label=world.project.labels.get(name="CLAIM"), start=0, end=7,
                                quote=document.text[:7])
    made = attribution_create(document=document, annotator=world.annotator, claims=[claim.pk])
    assert marks(world) == [(document.pk, world.annotator.pk, 1)]
    # the CSV's ranking settles too
    assert explorer_ranking(project=world.project, filters=mine) == [] and marks(world) == []
    assert layer_rows(world.annotator.pk) == [made.pk]
    updated = attribution_update(attribution=made, actor=world.annotator,
                                 expected_version=made.version,
                                 attributes={"quote_type": "indirect"})
    span_update(span=claim, actor=world.annotator, expected_version=claim.version, end=6)
    assert marks(world) == [(document.pk, world.annotator.pk, 2)]   # one mark, seq 2
    count, claims = explorer_claim_list(project=world.project, filters=mine, entity_id=None)
    assert (count, claims) == (0, []) and marks(world) == []          # no source: not listed
    row = ExplorerRow.objects.get(layer=world.annotator.pk)
    assert (row.claim_end, row.attributes) == (6, {"quote_type": "indirect"})
    updated.refresh_from_db()
    attribution_delete(attribution=updated, actor=world.annotator,
                       expected_version=updated.version)
    assert len(marks(world)) == 1 and layer_rows(world.annotator.pk) == [made.pk]
    assert explorer_summary(project=world.project, filters=mine)["totals"]["claims"] == 0
    assert layer_rows(world.annotator.pk) == []
    claim.refresh_from_db()
    span_delete(span=claim, actor=world.annotator, expected_version=claim.version)
    assert marks(world) == []   # used by no attribution: nothing to mark


def test_a_write_of_approved_labels_refreshes_at_once_and_marks_nothing(world):  # noqa: F811
    document = article(world, 1, "Daily Bugle", "2026-01-05", {0: None, 1: None})
    # their creation marked the layer (the approving review then refreshed every layer)
    explorer_layer_settle(project_id=world.project.pk, layer=world.annotator.pk)
    approved = Attribution.objects.filter(document=document).order_by("pk").first()
    attribution_update(attribution=approved, actor=world.annotator,
                       expected_version=approved.version, attributes={"quote_type": "indirect"})
    assert marks(world) == []
    assert ExplorerRow.objects.get(layer=APPROVED_LAYER, attribution_id=approved.pk
                                   ).attributes == {"quote_type": "indirect"}
    claim = Span.objects.get(pk=approved.claim_id)
    span_update(span=claim, actor=world.annotator, expected_version=claim.version,
                end=claim.end - 1)
    assert marks(world) == [] and ExplorerRow.objects.get(
        layer=APPROVED_LAYER, attribution_id=approved.pk).claim_end == claim.end - 1
    approved.refresh_from_db()
    attribution_delete(attribution=approved, actor=world.annotator,
                       expected_version=approved.version)
    assert marks(world) == [] and approved.pk not in layer_rows(APPROVED_LAYER)


def test_a_mark_whose_seq_changed_during_the_settling_is_kept(world):  # noqa: F811
    document = article(world, 1, "Daily Bugle", "2026-01-05", {}, approve=False)
    other = article(world, 2, "Planet", "2026-02-05", {}, approve=False)
    pending(world, document)
    pending(world, other)
    read = stale_marks(project_id=world.project.pk, layer=world.annotator.pk)
    assert read == [(document.pk, 1), (other.pk, 1)]
    explorer_rows_refresh(document_ids=[document.pk, other.pk], layer=world.annotator.pk)
    late = pending(world, document, 1)   # a write that commits during the settling
    stale_unmark(layer=world.annotator.pk, marks=read)
    assert marks(world) == [(document.pk, world.annotator.pk, 2)]   # kept, for the next read
    assert late.pk not in layer_rows(world.annotator.pk)
    assert explorer_layer_settle(project_id=world.project.pk, layer=world.annotator.pk) == 1
    assert marks(world) == [] and late.pk in layer_rows(world.annotator.pk)


def test_the_settling_refreshes_only_that_members_layer(world):  # noqa: F811
    document = article(world, 1, "Daily Bugle", "2026-01-05", {0: None})
    label(world, document, {1: None}, annotator=world.annotator2, approve=False)
    pending(world, document, 2)
    assert [layer for _, layer, _ in marks(world)] == sorted(
        [world.annotator.pk, world.annotator2.pk])
    before = layer_rows(world.annotator2.pk)
    with CaptureQueriesContext(connection) as captured:
        assert explorer_layer_settle(project_id=world.project.pk, layer=world.annotator.pk) == 1
    writes = [q["sql"] for q in captured.captured_queries
              if q["sql"].startswith(("DELETE", "INSERT"))]
    assert all("layer" in sql for sql in writes), writes
    assert layer_rows(world.annotator2.pk) == before   # theirs is still stale: its own read
    assert [layer for _, layer, _ in marks(world)] == [world.annotator2.pk]
    explorer_layer_settle(project_id=world.project.pk, layer=world.annotator2.pk)
    assert len(layer_rows(world.annotator2.pk)) == 1 and marks(world) == []


def test_a_rebuild_clears_the_marks_and_an_approved_layer_is_never_marked(world):  # noqa: F811
    document = article(world, 1, "Daily Bugle", "2026-01-05", {}, approve=False)
    made = pending(world, document)
    explorer_layer_changed(project_id=world.project.pk, document_id=document.pk,
                           layer=APPROVED_LAYER, approved=False)   # refreshes instead
    assert [layer for _, layer, _ in marks(world)] == [world.annotator.pk]
    assert made.pk in layer_rows(world.annotator.pk)   # that refresh made every layer's
    explorer_rows_rebuild(project=world.project)
    assert marks(world) == []
    assert explorer_layer_settle(project_id=world.project.pk, layer=APPROVED_LAYER) == 0
