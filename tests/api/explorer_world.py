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


NESTED_TEXT = ("The mayor said that the minister claimed the bridge is safe. "
               "The minister said that taxes will fall.")


def nested_article(world, mayor, minister):
    """Second-hand claims: the mayor (first hand) says the minister claimed the bridge is
    safe (second hand, its attribution's parent the mayor's); the minister also says that
    taxes will fall (first hand). The world's annotator's, approved by its reviewer.
    Returns the mayor's and the minister's nested attributions."""
    document, _ = document_create(project=world.project, title="Bridge", text=NESTED_TEXT,
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
    return outer, inner
