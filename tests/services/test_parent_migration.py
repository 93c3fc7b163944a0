"""Migrations 0023 (attribution_parent: Attribution.parent and ExplorerRow.second_hand) and
0024 (explorer_member_layers: the rows' layer), which fills the explorer's rows of every
layer from the labels stored before (the fill moved there, as it writes the new column)."""
import pytest

from annotator.models import APPROVED_LAYER, ExplorerRow
from tests.migrations import latest, migrate, old_span_maker

BEFORE = [("annotator", "0020_explorer_rows")]


@pytest.mark.django_db(transaction=True)
def test_migration_fills_explorer_rows_of_approved_attributions_as_first_hand(
        make_user, make_project, make_document):
    annotator = make_user("ann")
    document = make_document(make_project(annotator=annotator),
                             text="The minister said the deal is dead.")
    try:
        old = migrate(BEFORE)
        OldAttribution = old.get_model("annotator", "Attribution")
        span = old_span_maker(old, document, annotator)

        claim, source = span("the deal is dead", "CLAIM"), span("The minister", "SOURCE")
        approved = OldAttribution.objects.create(
            document_id=document.pk, annotator_id=annotator.pk, claim_id=claim.pk,
            source_id=source.pk, review_state="approved", dedup_key=f"{claim.pk}|x|-")
        assert not old.get_model("annotator", "ExplorerRow").objects.exists()
        migrate(latest())
        # the approved layer's row, and the annotator's own layer's
        assert sorted(ExplorerRow.objects.values_list(
            "layer", "attribution_id", "second_hand")) == [
            (APPROVED_LAYER, approved.pk, False), (annotator.pk, approved.pk, False)]
    finally:
        migrate(latest())
