"""The database itself refuses what must never happen, whichever code writes."""
import pytest
from django.db import IntegrityError, transaction

from annotator.models import (Attribution, Document, LabelStatus, Origin, ReviewDecision, Span)

pytestmark = pytest.mark.django_db


def label(document, name="CLAIM"):
    return document.project.labels.get(name=name)


def raw_span(document, start, end, **extra):
    fields = dict(document=document, label=label(document), start=start, end=end,
                  quote=document.text[start:end] if end > start else "x")
    fields.update(extra)
    return Span.objects.create(**fields)


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_database_refuses_span_when_start_not_before_end(document, annotator_user):
    refused(lambda: raw_span(document, 5, 5, annotator=annotator_user, quote=""))
    refused(lambda: raw_span(document, 6, 5, annotator=annotator_user, quote="x"))


def test_database_refuses_span_when_it_ends_past_the_text(document, annotator_user):
    length = len(document.text)
    refused(lambda: Span.objects.create(document=document, label=label(document),
                                        annotator=annotator_user, start=length - 2,
                                        end=length + 1, quote="abc"))


def test_database_refuses_moving_a_span_past_the_text(document, annotator_user):
    span = raw_span(document, 0, 9, annotator=annotator_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Span.objects.filter(pk=span.pk).update(start=len(document.text) - 1,
                                               end=len(document.text) + 8)


def test_database_accepts_span_that_ends_exactly_at_the_end(document, annotator_user):
    length = len(document.text)
    span = raw_span(document, length - 7, length, annotator=annotator_user)
    assert span.quote == "reopen."


def test_database_refuses_span_when_quote_length_differs(document, annotator_user):
    refused(lambda: raw_span(document, 0, 9, annotator=annotator_user, quote="Officials!"))


def test_database_counts_code_points_when_text_has_emoji(project, make_document, annotator_user):
    doc = make_document(project, text="👍🏽 Officials said so.")
    span = raw_span(doc, 3, 12, annotator=annotator_user)
    assert span.quote == "Officials"
    assert Document.objects.get(pk=doc.pk).length == len("👍🏽 Officials said so.")


def test_database_refuses_duplicate_suggestion_for_same_tagger_label_offsets(document):
    suggestion = dict(origin=Origin.PRETAG, status=LabelStatus.SUGGESTED,
                      tagger_name="rules", tagger_version="1")
    raw_span(document, 0, 9, **suggestion)
    refused(lambda: raw_span(document, 0, 9, **suggestion))
    # Another version of the tagger may propose the same span.
    raw_span(document, 0, 9, **{**suggestion, "tagger_version": "2"})


def test_database_refuses_duplicate_span_when_same_annotator_label_offsets(document,
                                                                           annotator_user):
    raw_span(document, 0, 9, annotator=annotator_user)
    refused(lambda: raw_span(document, 0, 9, annotator=annotator_user))


def test_database_allows_overlapping_and_nested_spans(document, annotator_user):
    raw_span(document, 0, 14, annotator=annotator_user)
    raw_span(document, 0, 9, annotator=annotator_user)
    raw_span(document, 10, 20, annotator=annotator_user)
    assert Span.objects.filter(document=document).count() == 3


def test_database_refuses_suggestion_with_an_owner_or_owner_without_decision(document,
                                                                             annotator_user):
    refused(lambda: raw_span(document, 0, 9, annotator=annotator_user, origin=Origin.PRETAG,
                             status=LabelStatus.SUGGESTED, tagger_name="rules"))
    refused(lambda: raw_span(document, 0, 9, origin=Origin.HUMAN, status=LabelStatus.ACCEPTED))
    refused(lambda: raw_span(document, 0, 9, origin=Origin.PRETAG, status=LabelStatus.SUGGESTED))


def test_database_refuses_attribution_without_claim(document, annotator_user):
    refused(lambda: Attribution.objects.create(document=document, annotator=annotator_user,
                                               dedup_key="1|-|-"))


def test_database_refuses_attribution_whose_source_is_its_claim(document, annotator_user):
    claim = raw_span(document, 0, 9, annotator=annotator_user)
    refused(lambda: Attribution.objects.create(document=document, annotator=annotator_user,
                                               claim=claim, source=claim,
                                               dedup_key=f"{claim.pk}|{claim.pk}|-"))


def test_database_refuses_review_decision_on_two_targets(document, annotator_user):
    span = raw_span(document, 0, 9, annotator=annotator_user)
    attribution = Attribution.objects.create(document=document, annotator=annotator_user,
                                             claim=span, dedup_key=f"{span.pk}|-|-")
    refused(lambda: ReviewDecision.objects.create(document=document, reviewer=annotator_user,
                                                  span=span, attribution=attribution,
                                                  decision="approve"))


def test_database_refuses_document_whose_length_does_not_match_its_text(project):
    refused(lambda: Document.objects.create(project=project, text="abc", length=4,
                                            text_sha256="x"))


def test_database_refuses_the_same_text_twice_in_a_project(project):
    Document.objects.create(project=project, text="abc", length=3, text_sha256="h")
    refused(lambda: Document.objects.create(project=project, text="abc", length=3,
                                            text_sha256="h"))
