"""The document's fast path gives exactly what the documented serializers give."""
import pytest

from annotator import selectors
from annotator.api import serializers as s
from annotator.services.attributions import attribution_create
from annotator.services.reviews import review_decide
from annotator.services.spans import spans_bulk_create
from annotator.services.suggestions import (SuggestedAttribution, SuggestedSpan,
                                            suggestions_store)
from tests.api.conftest import span_at

pytestmark = pytest.mark.django_db


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
    for layer, user in (("mine", world.annotator), ("all", world.reviewer)):
        detail = selectors.document_detail(document=doc, user=user, layer=layer)
        assert s.document_detail_dict(detail) == dict(s.DocumentDetailOut(detail).data)
        fast = s.document_detail_dict(detail)
        assert fast["spans"] and fast["attributions"] and fast["suggestions"]["spans"]
