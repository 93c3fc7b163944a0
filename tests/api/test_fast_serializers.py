"""The document's fast path gives exactly what the documented serializers give."""
import json
from datetime import datetime, timezone

import pytest

from annotator import selectors
from annotator.api import serializers as s
from annotator.api.renderers import JSONRenderer
from annotator.models import Span
from annotator.services.attributions import attribution_create
from annotator.services.reviews import review_decide
from annotator.services.spans import spans_bulk_create
from annotator.services.suggestions import (SuggestedAttribution, SuggestedSpan,
                                            suggestions_store)
from tests.api.conftest import span_at

pytestmark = pytest.mark.django_db


def as_json(data):
    """What a client reads: the response body as the app writes it, parsed."""
    return json.loads(JSONRenderer().render(data))


def test_document_detail_dict_equals_the_serializers_output(world):
    doc = world.document
    claim, source, cue, second = spans_bulk_create(document=doc, annotator=world.annotator, items=[
        span_at(doc, "The deal is dead,"), span_at(doc, "the minister", "SOURCE"),
        span_at(doc, "said", "CUE"), span_at(doc, "and nobody will revive it.")])
    attribution = attribution_create(document=doc, annotator=world.annotator,
                                     claims=[claim.pk, second.pk], source=source.pk, cue=cue.pk,
                                     attributes={"quote_type": "direct"})
    review_decide(reviewer=world.reviewer, target=attribution, decision="approve")
    suggestions_store(document=doc, tagger_name="t", tagger_version="1",
                      spans=[SuggestedSpan(key="a", label="CLAIM", start=0, end=5,
                                           confidence=0.5),
                             SuggestedSpan(key="b", label="CUE", start=6, end=9)],
                      attributions=[SuggestedAttribution(claims=["a"], cue="b", confidence=1)])
    # A timestamp on a whole second is written without microseconds, as DRF writes it.
    Span.objects.filter(pk=claim.pk).update(created_at=datetime(2026, 1, 2, 3, 4, 5,
                                                                tzinfo=timezone.utc))
    for layer, user in (("mine", world.annotator), ("all", world.reviewer)):
        fast = as_json(s.document_detail_dict(
            selectors.document_detail(document=doc, user=user, layer=layer)))
        documented = s.DocumentDetailOut(
            selectors.document_detail(document=doc, user=user, layer=layer, as_rows=False)).data
        assert fast == as_json(documented)
        assert fast["spans"] and fast["attributions"] and fast["suggestions"]["spans"]
        assert fast["suggestions"]["attributions"]
        assert [a["claims"] for a in fast["attributions"]] == [[claim.pk, second.pk]]
        assert {sp["id"]: sp["created_at"] for sp in fast["spans"]}[claim.pk] == \
            "2026-01-02T03:04:05Z"


def test_span_dict_equals_span_out_for_new_and_updated_spans(world):
    doc = world.document
    spans = spans_bulk_create(document=doc, annotator=world.annotator, items=[
        span_at(doc, "The deal is dead,"), span_at(doc, "the minister", "SOURCE")])
    fresh = spans_bulk_create(document=doc, annotator=world.annotator,
                              items=[span_at(doc, "said", "CUE")])
    for span in [*spans, *fresh, *Span.objects.select_related("label").filter(document=doc)]:
        assert as_json(s.span_dict(span)) == as_json(s.SpanOut(span).data)
