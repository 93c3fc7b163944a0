"""The explorer's rows follow the paths the random sequence of test_explorer_rows.py does
not take: imports (with review states and without), restoring a deleted label, accepting
suggestions; the approved layer's rows and each member's own."""
from __future__ import annotations

import pytest

from annotator.access import access_label_trace
from annotator.models import APPROVED_LAYER, Attribution, ExplorerRow, Label, Span
from annotator.services.attributions import attribution_delete
from annotator.services.explorer_rows import explorer_rows_rebuild
from annotator.services.imports import import_file
from annotator.services.restores import attribution_restore, span_restore
from annotator.services.spans import span_delete, span_update
from tests.api.conftest import world  # noqa: F401  (the fixture)
from tests.api.explorer_world import article
from tests.services.explorer_figures import figures_of_the_rows, figures_shown, layer_filters
from tests.services.test_imports import jsonl, labelled_record
from tests.services.transfer_world import pretag_and_accept

pytestmark = pytest.mark.django_db
COLUMNS = [f.attname for f in ExplorerRow._meta.concrete_fields if f.attname != "id"]


def rows() -> list[tuple]:
    return sorted(ExplorerRow.objects.values_list(*COLUMNS))


def equal_to_a_rebuild(project) -> list[tuple]:
    """The approved layer's rows, once every row is checked equal to a rebuild."""
    now = rows()
    explorer_rows_rebuild(project=project)
    assert now == rows()
    return [row for row in now if row[COLUMNS.index("layer")] == APPROVED_LAYER]


def members_rows(project) -> int:
    return ExplorerRow.objects.filter(project=project).exclude(layer=APPROVED_LAYER).count()


@pytest.mark.parametrize("option", ["keep_review_state", "approve_labels"])
def test_an_import_with_approved_labels_writes_their_rows(make_user, make_project, option):
    admin = make_user("importer")
    target = make_project(admin=admin)
    record = labelled_record()
    record["attributions"][0]["provenance"] = {"review_state": "approved"}
    import_file(project=target, user=admin, stream=jsonl(record),
                file_name="data.jsonl", fmt="jsonl", **{option: True})
    [row] = equal_to_a_rebuild(target)
    assert members_rows(target) == 1
    assert ExplorerRow.objects.get(layer=APPROVED_LAYER).attributes == {"quote_type": "indirect"}


def test_an_import_that_drops_review_states_writes_only_its_members_rows(make_user,
                                                                        make_project):
    admin = make_user("importer")
    target = make_project(admin=admin)
    import_file(project=target, user=admin, stream=jsonl(labelled_record()),
                file_name="data.jsonl", fmt="jsonl")
    assert equal_to_a_rebuild(target) == [] and members_rows(target) == 1


def test_restoring_a_deleted_approved_label_brings_its_row_back(world):  # noqa: F811
    document = article(world, 1, "Daily Bugle", "2026-01-05", {0: None, 1: None})
    before = equal_to_a_rebuild(world.project)
    claim = Span.objects.get(document=document, quote="talks failed")
    span_delete(span=claim, actor=world.annotator, expected_version=claim.version)
    assert len(equal_to_a_rebuild(world.project)) == 1
    span_restore(trace=access_label_trace(world.annotator, "span", claim.pk),
                 actor=world.annotator)
    assert len(equal_to_a_rebuild(world.project)) == len(before) == 2
    attribution = Attribution.objects.filter(document=document).first()
    attribution_delete(attribution=attribution, actor=world.annotator,
                       expected_version=attribution.version)
    assert len(equal_to_a_rebuild(world.project)) == 1
    attribution_restore(trace=access_label_trace(world.annotator, "attribution",
                                                 attribution.pk), actor=world.annotator)
    assert len(equal_to_a_rebuild(world.project)) == 2
    assert members_rows(world.project) == 2


def test_accepting_and_rejecting_suggestions_changes_the_members_rows(world):  # noqa: F811
    document = article(world, 1, "Daily Bugle", "2026-01-05", {})
    pretag_and_accept(document, world.annotator)
    equal_to_a_rebuild(world.project)
    accepted = Attribution.objects.filter(document=document, annotator=world.annotator)
    assert members_rows(world.project) == accepted.count() > 0
    for filters in layer_filters(world.annotator):
        assert figures_shown(world.project, filters) == figures_of_the_rows(
            world.project, filters), filters


def test_moving_a_pending_claim_or_source_moves_the_members_row(world):  # noqa: F811
    document = article(world, 1, "Daily Bugle", "2026-01-05", {0: None, 1: None},
                       approve=False)
    claim = Span.objects.get(document=document, quote="talks failed")
    span_update(span=claim, actor=world.annotator, expected_version=claim.version,
                end=claim.end - 1)
    assert equal_to_a_rebuild(world.project) == [] and members_rows(world.project) == 2
    assert ExplorerRow.objects.filter(claim_id=claim.pk, claim_end=claim.end - 1).exists()
    source = Span.objects.get(document=document, quote="Officials")
    span_update(span=source, actor=world.annotator, expected_version=source.version,
                label=Label.objects.get(project=world.project, name="CUE"))
    equal_to_a_rebuild(world.project)
