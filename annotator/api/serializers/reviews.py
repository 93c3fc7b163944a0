"""Serializers of reviews, history and restores, and of reviewing: bulk decisions,
corrections, the queue, annotators' statuses."""
from __future__ import annotations

from rest_framework import serializers

from annotator.api.serializers.common import MAX_ID, ids
from annotator.api.serializers.documents import AttributionOut, SpanOut
from annotator.api.serializers.labels import SpanCreateIn
from annotator.models import DocStatus, Document, Event, ReviewDecision
from annotator.services.reviews import LEFT_REASONS


class ReviewIn(serializers.Serializer):
    span = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    attribution = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    note = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")

    def validate(self, data):
        if ("span" in data) == ("attribution" in data):
            raise serializers.ValidationError({"span": "give exactly one of span or attribution."})
        return data


class ReviewOut(serializers.ModelSerializer):
    reviewer_name = serializers.CharField(source="reviewer.username", read_only=True)

    class Meta:
        model = ReviewDecision
        fields = ["id", "document", "reviewer", "reviewer_name", "span", "attribution",
                  "annotator", "decision", "note", "created_at"]


class EventOut(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = ["id", "actor", "actor_name", "action", "target_type", "target_id", "before",
                  "after", "note", "created_at"]

    def get_actor_name(self, obj) -> str | None:
        return obj.actor.username if obj.actor_id else None


class HistoryOut(serializers.Serializer):
    events = EventOut(many=True)
    reviews = ReviewOut(many=True)


class RestoreSkippedOut(serializers.Serializer):
    attribution = serializers.IntegerField()
    reason = serializers.CharField()


class SpanRestoredOut(serializers.Serializer):
    span = SpanOut()
    attributions = AttributionOut(many=True, help_text="Restored with it, or linked to it "
                                                       "again, as before its delete.")
    skipped = RestoreSkippedOut(many=True, help_text="Attributions its delete changed that "
                                                     "changed since: left as they are.")



class ReviewBulkIn(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    spans = ids(required=False, default=list)
    attributions = ids(required=False, default=list)
    note = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")
    undecided_only = serializers.BooleanField(
        required=False, default=True,
        help_text="true (the default): decide only labels still pending and leave the others, "
                  "saying why (already decided, your own, an attribution whose span was "
                  "rejected). false: decide every label listed, superseding earlier decisions "
                  "(403 for your own labels, 409 for an attribution whose rejected span is not "
                  "listed too).")

    def validate(self, data):
        if not data["spans"] and not data["attributions"]:
            raise serializers.ValidationError({"spans": "give at least one span or attribution "
                                                        "id."})
        return data


class ReviewLeftOut(serializers.Serializer):
    span = serializers.IntegerField(allow_null=True)
    attribution = serializers.IntegerField(allow_null=True)
    reason = serializers.ChoiceField(choices=["already_decided", "own_label", "rejected_part"])
    detail = serializers.CharField(help_text="In words, e.g. “already rejected”.")


class ReviewLeftCountOut(serializers.Serializer):
    already_decided = serializers.IntegerField()
    own_label = serializers.IntegerField()
    rejected_part = serializers.IntegerField()


class ReviewBulkOut(serializers.Serializer):
    decisions = ReviewOut(many=True, help_text="Every decision written: the labels asked for "
                                               "first, then the consequences.")
    decided = serializers.IntegerField(help_text="How many labels were decided (approved or "
                                                 "rejected), consequences included.")
    left = ReviewLeftOut(many=True, help_text="Labels asked for and left as they were.")
    left_count = ReviewLeftCountOut(help_text="How many were left, by reason.")


def review_outcome_dict(outcome) -> dict:
    """A ReviewOutcome (services/reviews.py) as ReviewBulkOut data."""
    left = [{"span": item.row.pk if item.kind == "span" else None,
             "attribution": item.row.pk if item.kind == "attribution" else None,
             "reason": item.reason, "detail": item.detail} for item in outcome.left]
    return ReviewBulkOut({
        "decisions": outcome.decisions, "decided": len(outcome.decisions), "left": left,
        "left_count": {reason: sum(1 for item in outcome.left if item.reason == reason)
                       for reason in LEFT_REASONS}}).data


class CorrectionSpanIn(SpanCreateIn):
    replaces = ids(max_length=100, required=False, default=list,
                   help_text="Annotators' spans this correction replaces: they are rejected.")
    note = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")


class CorrectionAttributionIn(serializers.Serializer):
    claims = ids(max_length=50, min_length=1,
                 help_text="CLAIM span ids of any annotator of this document.")
    source = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                      allow_null=True, default=None)
    cue = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                   allow_null=True, default=None)
    attributes = serializers.DictField(required=False, default=dict)
    replaces = ids(max_length=100, required=False, default=list,
                   help_text="Annotators' attributions this one replaces: they are rejected.")
    note = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")


class QueueSubmissionOut(serializers.Serializer):
    annotator = serializers.IntegerField(source="annotator_id")
    username = serializers.CharField(source="annotator.username")
    submitted_at = serializers.DateTimeField(source="updated_at")


class ReviewQueueOut(serializers.ModelSerializer):
    project_name = serializers.CharField(source="project.name")
    waiting_since = serializers.DateTimeField()
    submitted = QueueSubmissionOut(many=True, help_text="Whose work waits, oldest first.")
    working = serializers.IntegerField(help_text="Annotators still at work (in progress or "
                                                 "returned).")

    class Meta:
        model = Document
        fields = ["id", "title", "project", "project_name", "length", "waiting_since",
                  "submitted", "working"]


class ReviewQueueFilterIn(serializers.Serializer):
    project = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    annotator = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    older_than_days = serializers.IntegerField(min_value=0, max_value=100_000, required=False)


class AnnotatorStatusOut(serializers.Serializer):
    annotator = serializers.IntegerField(source="annotator_id")
    username = serializers.CharField(source="annotator.username")
    status = serializers.ChoiceField(choices=DocStatus.choices)
    span_count = serializers.IntegerField(help_text="Their labels here (corrections left out).")
    version = serializers.IntegerField()
    updated_at = serializers.DateTimeField()
