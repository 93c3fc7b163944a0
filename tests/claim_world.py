"""Articles quoting the same claims with small edits, for the claim group tests: each a
document with an outlet and a date, and approved attributions (claim, source, cue)."""
from __future__ import annotations

from annotator.models import Span
from annotator.services.attributions import attribution_create
from annotator.services.documents import document_create
from annotator.services.reviews import review_bulk_decide
from annotator.services.spans import spans_bulk_create
from tests.api.conftest import span_at

DEAL = "“The deal is dead, and nobody in this government will revive it,”"
DEAL_EDITED = '"The deal is dead and nobody in this government will ever revive it"'
DEAL_LOWER = "the deal is dead — and nobody in this government will revive it"
BRIDGE = "“The bridge will reopen to traffic before the end of the summer,”"


def quote_article(world, title: str, outlet: str, date: str | None, quotes: list[str],
                  approve: bool = True, annotator=None):
    """A document quoting each of `quotes` ("<quote> the minister said."), each quote an
    approved claim of the minister."""
    text = f"{title}. " + " ".join(f"{quote} the minister said." for quote in quotes)
    metadata = {"outlet": outlet, **({"date": date} if date else {})}
    document, _ = document_create(project=world.project, title=title, text=text,
                                  metadata=metadata)
    annotator = annotator or world.annotator
    spans, attributions = [], []
    for n, quote in enumerate(quotes):
        made = spans_bulk_create(document=document, annotator=annotator, items=[
            span_at(document, quote, "CLAIM"), span_at(document, "the minister", "SOURCE", n),
            span_at(document, "said", "CUE", n)])
        attributions.append(attribution_create(
            document=document, annotator=annotator, claims=[made[0].pk], source=made[1].pk,
            cue=made[2].pk, attributes={"quote_type": "direct"}))
        spans += made
    if approve:
        review_bulk_decide(reviewer=world.reviewer, document=document, decision="approve",
                           spans=list(Span.objects.filter(pk__in=[s.pk for s in spans])),
                           attributions=attributions, undecided_only=False)
    return document
