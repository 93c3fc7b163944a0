"""Review decisions on annotators' spans and attributions. Append-only."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from annotator.models import Attribution, ReviewDecision, ReviewState, Span
from annotator.services.events import event_record

STATE_FOR = {"approve": ReviewState.APPROVED, "reject": ReviewState.REJECTED}


@transaction.atomic
def review_decide(*, reviewer, target: Span | Attribution, decision: str,
                  note: str = "") -> ReviewDecision:
    """Record a decision; it supersedes earlier ones on the same target, which stay."""
    if decision not in STATE_FOR:
        raise ValidationError({"decision": "must be 'approve' or 'reject'."})
    if target.annotator_id is None:
        raise ValidationError({"target": "suggestions are not reviewed: review the labels "
                                         "annotators made of them."})
    kind = "span" if isinstance(target, Span) else "attribution"
    review = ReviewDecision.objects.create(document_id=target.document_id, reviewer=reviewer,
                                           decision=decision, note=note, **{kind: target})
    before = target.review_state
    type(target).objects.filter(pk=target.pk).update(review_state=STATE_FOR[decision])
    target.review_state = STATE_FOR[decision]
    event_record(project_id=target.document.project_id, document_id=target.document_id,
                 actor=reviewer, action=decision, target_type=kind, target_id=target.pk,
                 before={"review_state": before}, after={"review_state": target.review_state},
                 note=note)
    return review
