"""Articles for the explorer tests: documents with an outlet and a date, attributions whose
SOURCE spans name entities, approved by the reviewer (or left pending)."""
from __future__ import annotations

from annotator.models import Span
from annotator.services.attributions import attribution_create
from annotator.services.documents import document_create
from annotator.services.entities import span_entity_set
from annotator.services.reviews import review_bulk_decide
from annotator.services.spans import spans_bulk_create
from tests.api.conftest import span_at

SENTENCES = ("“Prices will rise,” the minister said. ",
             "Officials warned that talks failed. ",
             "A spokesperson said the bridge will reopen. ")
# claim, source, cue of each sentence
PARTS = (("Prices will rise,", "the minister", "said"),
         ("talks failed", "Officials", "warned"),
         ("the bridge will reopen", "A spokesperson", "said#1"))


def article(world, number: int, outlet: str, date: str | None, sources: dict,
            annotator=None, approve: bool = True, attributes: dict | None = None):
    """A document of the three sentences; `sources`: sentence index → entity (or None for a
    source span linked to no entity). Each listed sentence is an attribution of
    `annotator` (the world's annotator), approved by the world's reviewer when `approve`."""
    metadata = {"outlet": outlet, **({"date": date} if date else {})}
    text = f"Article {number}. " + "".join(SENTENCES)
    document, _ = document_create(project=world.project, title=f"Article {number}", text=text,
                                  metadata=metadata)
    return label(world, document, sources, annotator, approve, attributes)


def label(world, document, sources: dict, annotator=None, approve=True, attributes=None):
    annotator = annotator or world.annotator
    spans, attributions = [], []
    for index, entity in sources.items():
        claim, source, cue = (piece for piece in PARTS[index])
        cue, _, nth = cue.partition("#")
        made = spans_bulk_create(document=document, annotator=annotator, items=[
            span_at(document, claim, "CLAIM"), span_at(document, source, "SOURCE"),
            span_at(document, cue, "CUE", occurrence=int(nth or 0))])
        if entity is not None:
            made[1] = span_entity_set(span=made[1], actor=annotator, entity=entity,
                                      expected_version=made[1].version)
        attributions.append(attribution_create(
            document=document, annotator=annotator, claims=[made[0].pk], source=made[1].pk,
            cue=made[2].pk, attributes=attributes or {"quote_type": "direct"}))
        spans += made
    if approve:
        review_bulk_decide(reviewer=world.reviewer, document=document, decision="approve",
                           spans=list(Span.objects.filter(pk__in=[s.pk for s in spans])),
                           attributions=attributions, undecided_only=False)
    return document
