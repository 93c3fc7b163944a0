"""The database holds an annotator's attribution once, and migration 0007 gets it there.

The constraint (document, annotator, dedup_key) for accepted rows, the key never blank,
and a migration that fills the key of existing rows and merges the duplicates a
database may already hold (docs/decisions.md, section 12) instead of failing on them.
"""
from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from annotator.models import (Attribution, Event, LabelStatus, Origin, ReviewDecision, Span,
                              attribution_dedup_key)
from tests.migrations import latest, migrate, old_span_maker

BEFORE = [("annotator", "0006_export_job_heartbeat")]


def raw_span(document, start, end, annotator, label="CLAIM"):
    return Span.objects.create(document=document, annotator=annotator, start=start, end=end,
                               quote=document.text[start:end],
                               label=document.project.labels.get(name=label))


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


@pytest.mark.django_db
def test_database_refuses_a_second_accepted_attribution_with_the_same_key(document,
                                                                          annotator_user):
    claim = raw_span(document, 0, 9, annotator_user)
    key = attribution_dedup_key([claim.pk], None, None)
    Attribution.objects.create(document=document, annotator=annotator_user, claim=claim,
                               dedup_key=key)
    refused(lambda: Attribution.objects.create(document=document, annotator=annotator_user,
                                               claim=claim, dedup_key=key))
    # A rejection is not a label of the layer: it may repeat what the layer holds.
    Attribution.objects.create(document=document, annotator=annotator_user, claim=claim,
                               dedup_key=key, status=LabelStatus.REJECTED)


@pytest.mark.django_db
def test_database_refuses_an_attribution_without_its_key(document, annotator_user):
    claim = raw_span(document, 0, 9, annotator_user)
    refused(lambda: Attribution.objects.create(document=document, annotator=annotator_user,
                                               claim=claim))


def test_dedup_key_is_readable_and_fits_the_column_when_a_claim_has_many_fragments():
    assert attribution_dedup_key([12, 13], 14, None) == "12,13|14|-"
    long = attribution_dedup_key(list(range(10**9, 10**9 + 40)), 7, 8)
    assert long.startswith("sha256:") and len(long) <= 200
    assert long != attribution_dedup_key(list(range(10**9, 10**9 + 41)), 7, 8)


@pytest.mark.django_db(transaction=True)
def test_migration_fills_keys_and_merges_duplicates_losing_nothing(make_user, make_project,
                                                                   make_document):
    annotator, reviewer = make_user("ann"), make_user("rev")
    document = make_document(make_project(annotator=annotator, reviewer=reviewer),
                             text="The minister said the deal is dead, and talks are over.")
    try:
        old = migrate(BEFORE)
        OldAttribution = old.get_model("annotator", "Attribution")
        OldFragment = old.get_model("annotator", "ClaimFragment")
        OldReview = old.get_model("annotator", "ReviewDecision")
        span = old_span_maker(old, document, annotator)

        claim, more = span("the deal is dead", "CLAIM"), span("talks are over", "CLAIM")
        source, cue = span("The minister", "SOURCE"), span("said", "CUE")
        suggested = OldAttribution.objects.create(
            document_id=document.pk, claim_id=claim.pk, origin="pretag", tagger_name="rules",
            tagger_version="1", status="suggested", dedup_key="x")

        def attribution(**fields):
            row = OldAttribution.objects.create(document_id=document.pk,
                                                annotator_id=annotator.pk, claim_id=claim.pk,
                                                source_id=source.pk, cue_id=cue.pk, **fields)
            OldFragment.objects.create(attribution_id=row.pk, span_id=more.pk, position=1)
            return row

        # What the old code made: the copy of an accepted suggestion beside the annotator's
        # own attribution (older ids first), and a retried create of the same.
        copy = attribution(origin="pretag", tagger_name="rules", tagger_version="1",
                           attributes={"source_type": "anonymous"}, review_state="approved",
                           suggestion_id=suggested.pk)
        own = attribution(attributes={"source_type": "named person"})
        retried = attribution(attributes={"source_type": "named person"})
        other = OldAttribution.objects.create(document_id=document.pk,
                                              annotator_id=annotator.pk, claim_id=more.pk)
        OldReview.objects.create(document_id=document.pk, reviewer_id=reviewer.pk,
                                 attribution_id=copy.pk, decision="approve", note="Yes.")

        # Then every later migration too: the checks read through today's models.
        migrate(latest())

        kept = Attribution.objects.get(pk=own.pk)  # the annotator's own, not the copy
        assert kept.origin == Origin.HUMAN and kept.attributes == {"source_type": "named person"}
        assert kept.suggestion_id == suggested.pk and kept.review_state == "approved"
        assert kept.dedup_key == attribution_dedup_key([claim.pk, more.pk], source.pk, cue.pk)
        assert list(ReviewDecision.objects.filter(attribution=kept)
                    .values_list("note", flat=True)) == ["Yes."]
        assert set(Attribution.objects.filter(annotator=annotator).values_list("pk", flat=True)) \
            == {own.pk, other.pk}
        assert Attribution.objects.get(pk=other.pk).dedup_key == f"{more.pk}|-|-"
        assert Attribution.objects.get(pk=suggested.pk).dedup_key == f"{claim.pk}|-|-"
        # Nothing lost: each merged row's whole state is in its event.
        merged = {e.target_id: e for e in Event.objects.filter(action="merge")}
        assert merged[copy.pk].before["attributes"] == {"source_type": "anonymous"}
        assert merged[copy.pk].before["claims"] == [claim.pk, more.pk]
        assert merged[retried.pk].after == {"merged_into": own.pk}
        assert merged[own.pk].after["suggestion"] == suggested.pk
    finally:
        migrate(latest())  # leave the test database as the other tests expect it
