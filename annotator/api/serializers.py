"""Serializers translate: `<Noun><Verb>In` parse requests, `<Noun>Out` shape responses."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotator import selectors

from annotator.models import (Attribution, DocStatus, Document, Event, Label, Membership,
                              Project, ReviewDecision, Role, Span, TokenStatus)

MAX_ID = 2**63 - 1
MAX_OFFSET = 2**31 - 1   # offsets: code points into a document's text
MAX_VERSION = 2**31 - 1  # a label's version (optimistic concurrency), an integer column


def ids(max_length=1000, **kwargs):
    return serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
                                 max_length=max_length, **kwargs)


# --- Auth --------------------------------------------------------------------------

class LoginIn(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=1000, trim_whitespace=False,
                                     style={"input_type": "password"})


class UserOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    is_staff = serializers.BooleanField()


class TokenCreateIn(serializers.Serializer):
    """A new token: signed in, or with `username` and `password` (a script's first token)."""
    name = serializers.CharField(max_length=100, default="API token",
                                 help_text="What the token is for (a script, a machine).")
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                           help_text="When it stops working; none: never.")
    username = serializers.CharField(max_length=150, required=False)
    password = serializers.CharField(max_length=1000, required=False, trim_whitespace=False,
                                     style={"input_type": "password"})

    def validate(self, data):
        for given, missing in (("username", "password"), ("password", "username")):
            if given in data and missing not in data:
                raise serializers.ValidationError({missing: [f"send it with the {given}."]})
        return data


class TokenOut(serializers.Serializer):
    """A token as listed: never its secret. Context: `now`, and `current` (request.auth)."""
    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField(help_text="The secret's first characters, to tell tokens "
                                             "apart.")
    status = serializers.SerializerMethodField()
    current = serializers.SerializerMethodField(help_text="This request was sent with it.")
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True,
                                             help_text="To the minute, not finer.")
    expires_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.ChoiceField(choices=TokenStatus.choices))
    def get_status(self, token) -> str:
        return token.status_at(self.context["now"])

    def get_current(self, token) -> bool:
        return getattr(self.context.get("current"), "pk", None) == token.pk


class TokenCreatedOut(TokenOut):
    token = serializers.CharField(source="secret",
                                  help_text="Send as `Authorization: Token <token>`. Shown this "
                                            "once: only a hash of it is stored.")


class PasswordChangeIn(serializers.Serializer):
    current_password = serializers.CharField(max_length=1000, trim_whitespace=False,
                                             style={"input_type": "password"})
    new_password = serializers.CharField(max_length=1000, trim_whitespace=False,
                                         style={"input_type": "password"})


class PasswordChangedOut(serializers.Serializer):
    tokens_revoked = serializers.IntegerField(help_text="API tokens of yours that stopped "
                                                        "working.")


# --- Projects ------------------------------------------------------------------------

class LabelOut(serializers.ModelSerializer):
    class Meta:
        model = Label
        fields = ["id", "name", "hotkey", "color", "description", "position"]


class LabelIn(serializers.Serializer):
    name = serializers.CharField(max_length=50, required=False)
    hotkey = serializers.CharField(max_length=1, required=False, allow_blank=True)
    color = serializers.CharField(max_length=7, required=False)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class LabelCreateIn(LabelIn):
    """A new label needs a name (a change of one does not)."""
    name = serializers.CharField(max_length=50)


class AttributeDefinition(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    applies_to = serializers.ChoiceField(choices=["attribution", "span"], default="attribution")
    choices = serializers.ListField(child=serializers.CharField(max_length=100), min_length=1,
                                    max_length=100)


class ProjectOut(serializers.ModelSerializer):
    labels = LabelOut(many=True, read_only=True)
    my_role = serializers.CharField(read_only=True)
    attribute_definitions = AttributeDefinition(many=True)

    class Meta:
        model = Project
        fields = ["id", "name", "description", "guidelines", "attribute_definitions", "settings",
                  "labels", "my_role", "created_at", "updated_at"]


class ProjectCreateIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    guidelines = serializers.CharField(max_length=200_000, required=False, allow_blank=True)
    attribute_definitions = AttributeDefinition(many=True, required=False)


class ProjectUpdateIn(ProjectCreateIn):
    name = serializers.CharField(max_length=200, required=False)
    settings = serializers.DictField(
        required=False, help_text="Replaces the settings: `annotators_see_each_other` (bool), "
                                  "`review_own_labels` (bool, default false: nobody approves "
                                  "or rejects a label they made), `role_labels` (claim, "
                                  "source, cue → label name).")


class MemberOut(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    user = serializers.IntegerField(source="user_id", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "username", "role", "created_at"]


class MemberCreateIn(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=Role.choices)


class MemberUpdateIn(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


# --- Documents -----------------------------------------------------------------------

class DocumentListOut(serializers.ModelSerializer):
    my_status = serializers.ChoiceField(choices=DocStatus.choices, read_only=True)
    my_span_count = serializers.IntegerField(read_only=True)
    has_suggestions = serializers.BooleanField(read_only=True)

    class Meta:
        model = Document
        fields = ["id", "project", "title", "length", "text_sha256", "source_url", "metadata",
                  "created_at", "my_status", "my_span_count", "has_suggestions"]


class DocumentCreateIn(serializers.Serializer):
    title = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    text = serializers.CharField(max_length=5_000_000, trim_whitespace=False)
    metadata = serializers.DictField(required=False, default=dict)
    source_url = serializers.URLField(max_length=2000, required=False, allow_blank=True,
                                      default="")


class DocumentCreatedOut(serializers.Serializer):
    id = serializers.IntegerField()
    created = serializers.BooleanField(help_text="False: the same text was already here.")


class SpanOut(serializers.ModelSerializer):
    label = serializers.CharField(source="label.name")

    class Meta:
        model = Span
        fields = ["id", "document", "annotator", "label", "start", "end", "quote", "origin",
                  "tagger_name", "tagger_version", "confidence", "status", "suggestion",
                  "review_state", "version", "created_at", "updated_at"]


class AttributionOut(serializers.ModelSerializer):
    claims = serializers.SerializerMethodField(help_text="CLAIM span ids, fragments in order.")

    class Meta:
        model = Attribution
        fields = ["id", "document", "annotator", "claims", "source", "cue", "attributes",
                  "origin", "tagger_name", "tagger_version", "confidence", "status",
                  "suggestion", "review_state", "version", "created_at", "updated_at"]

    def get_claims(self, obj) -> list[int]:
        # fragments are prefetched in position order by the selectors
        return [obj.claim_id, *[f.span_id for f in obj.fragments.all()]]


class SuggestionsOut(serializers.Serializer):
    spans = SpanOut(many=True)
    attributions = AttributionOut(many=True)


class DocumentDetailOut(serializers.Serializer):
    id = serializers.IntegerField(source="document.id")
    project = serializers.IntegerField(source="document.project_id")
    title = serializers.CharField(source="document.title")
    text = serializers.CharField(source="document.text")
    length = serializers.IntegerField(source="document.length",
                                      help_text="In Unicode code points, the unit of offsets.")
    text_sha256 = serializers.CharField(source="document.text_sha256")
    source_url = serializers.CharField(source="document.source_url")
    metadata = serializers.JSONField(source="document.metadata")
    layer = serializers.CharField(help_text="'mine', 'all', or an annotator's user id.")
    my_status = serializers.ChoiceField(choices=DocStatus.choices)
    spans = SpanOut(many=True)
    attributions = AttributionOut(many=True)
    suggestions = serializers.SerializerMethodField()

    def get_suggestions(self, obj) -> SuggestionsOut:
        return SuggestionsOut({"spans": obj.suggested_spans,
                               "attributions": obj.suggested_attributions}).data


class StatusChangeIn(serializers.Serializer):
    action = serializers.ChoiceField(choices=["start", "submit", "return", "approve"])
    annotator = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID,
                                         help_text="Whose status: required for return and "
                                                   "approve (reviewers), else yourself.")
    note = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")


class StatusOut(serializers.Serializer):
    document = serializers.IntegerField(source="document_id")
    annotator = serializers.IntegerField(source="annotator_id")
    status = serializers.ChoiceField(choices=DocStatus.choices)
    version = serializers.IntegerField()
    updated_at = serializers.DateTimeField()


# --- Spans and attributions ------------------------------------------------------------

class SpanCreateIn(serializers.Serializer):
    label = serializers.CharField(max_length=50)
    start = serializers.IntegerField(min_value=0, max_value=MAX_OFFSET)
    end = serializers.IntegerField(min_value=1, max_value=MAX_OFFSET)
    quote = serializers.CharField(required=False, trim_whitespace=False, max_length=5_000_000,
                                  help_text="If given, must equal text[start:end].")


class SpanBulkIn(serializers.Serializer):
    spans = SpanCreateIn(many=True, max_length=5000, allow_empty=False)


class SpanUpdateIn(serializers.Serializer):
    label = serializers.CharField(max_length=50, required=False)
    start = serializers.IntegerField(min_value=0, max_value=MAX_OFFSET, required=False)
    end = serializers.IntegerField(min_value=1, max_value=MAX_OFFSET, required=False)
    quote = serializers.CharField(required=False, trim_whitespace=False, max_length=5_000_000)
    version = serializers.IntegerField(min_value=1, max_value=MAX_VERSION, required=False,
                                       help_text="The version you edited (or an If-Match header).")


class AttributionCreateIn(serializers.Serializer):
    claims = ids(max_length=50, min_length=1,
                 help_text="Your CLAIM span ids; several for a claim split by its cue.")
    source = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                      allow_null=True, default=None)
    cue = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                   allow_null=True, default=None)
    attributes = serializers.DictField(required=False, default=dict)


class AttributionUpdateIn(serializers.Serializer):
    claims = ids(max_length=50, min_length=1, required=False)
    source = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                      allow_null=True)
    cue = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                   allow_null=True)
    attributes = serializers.DictField(required=False)
    version = serializers.IntegerField(min_value=1, max_value=MAX_VERSION, required=False)


# --- Suggestions ---------------------------------------------------------------------------

class SuggestionDecideIn(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["accept", "reject"])
    spans = ids(required=False, default=list)
    attributions = ids(required=False, default=list)


class SuggestionDecidedOut(serializers.Serializer):
    spans = SpanOut(many=True)
    attributions = AttributionOut(many=True)


class SuggestedSpanIn(serializers.Serializer):
    key = serializers.CharField(max_length=100)
    label = serializers.CharField(max_length=50)
    start = serializers.IntegerField(min_value=0, max_value=MAX_OFFSET)
    end = serializers.IntegerField(min_value=1, max_value=MAX_OFFSET)
    confidence = serializers.FloatField(min_value=0, max_value=1, required=False,
                                        allow_null=True, default=None)


class SuggestedAttributionIn(serializers.Serializer):
    claims = serializers.ListField(child=serializers.CharField(max_length=100), min_length=1,
                                   max_length=50)
    source = serializers.CharField(max_length=100, required=False, allow_null=True, default=None)
    cue = serializers.CharField(max_length=100, required=False, allow_null=True, default=None)
    confidence = serializers.FloatField(min_value=0, max_value=1, required=False,
                                        allow_null=True, default=None)
    attributes = serializers.DictField(required=False, default=dict)


class SuggestionsStoreIn(serializers.Serializer):
    tagger_name = serializers.CharField(max_length=100)
    tagger_version = serializers.CharField(max_length=50)
    spans = SuggestedSpanIn(many=True, max_length=20_000)
    attributions = SuggestedAttributionIn(many=True, required=False, default=list,
                                          max_length=10_000)


class SuggestionsStoredOut(serializers.Serializer):
    spans_created = serializers.IntegerField()
    attributions_created = serializers.IntegerField()


# --- Reviews and history -------------------------------------------------------------------

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


# --- Pre-tagging jobs ----------------------------------------------------------------------

class TaggerOut(serializers.Serializer):
    name = serializers.CharField()
    version = serializers.CharField()
    description = serializers.CharField()


class PretagJobStartIn(serializers.Serializer):
    documents = ids(max_length=100_000, required=False, allow_null=True, default=None,
                    help_text="Document ids of this project; leave out for all documents.")
    tagger = serializers.CharField(max_length=100, required=False, allow_null=True, default=None)


class PretagJobOut(serializers.ModelSerializer):
    requested_by = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField(help_text="done / total, from 0 to 1.")

    class Meta:
        from annotator.models import PretagJob

        model = PretagJob
        fields = ["id", "project", "tagger_name", "tagger_version", "state", "total", "done",
                  "suggestions_made", "errors", "error", "progress", "requested_by",
                  "created_at", "started_at", "heartbeat_at", "finished_at"]

    def get_requested_by(self, obj) -> str | None:
        return obj.requested_by.username if obj.requested_by_id else None

    def get_progress(self, obj) -> float:
        return round(obj.done / obj.total, 4) if obj.total else 0.0


# --- Reviewing: bulk decisions, corrections, the queue, statuses, agreement ------------------

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
    from annotator.services.reviews import LEFT_REASONS

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


def _score(help_text: str):
    return serializers.FloatField(allow_null=True, help_text=help_text)


class AgreementMetricsOut(serializers.Serializer):
    span_f1_exact = _score("Same label, start and end. Null: nothing to compare.")
    span_f1_overlap = _score("Same label, overlapping.")
    cohen_kappa = _score("Token level, one yes/no column per label; the mean over pairs.")
    krippendorff_alpha = _score("Nominal, token level, every annotator of each document.")
    attribution_f1 = _score("Same claim and same source. Null per label.")
    pairs = serializers.IntegerField(help_text="Annotator pairs compared.")


class AgreementLabelOut(AgreementMetricsOut):
    label = serializers.CharField()


class AgreementDocumentOut(AgreementMetricsOut):
    document = serializers.IntegerField()
    title = serializers.CharField()
    annotators = serializers.ListField(child=serializers.IntegerField())


class AgreementPairOut(AgreementMetricsOut):
    a = serializers.IntegerField()
    b = serializers.IntegerField()
    a_username = serializers.CharField()
    b_username = serializers.CharField()
    documents = serializers.IntegerField(help_text="Documents both finished.")
    labels = AgreementLabelOut(many=True)


class AgreementAnnotatorOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class AgreementOut(serializers.Serializer):
    documents_compared = serializers.IntegerField(
        help_text="Documents that two or more annotators finished (submitted or approved).")
    labels_compared = serializers.ListField(child=serializers.CharField())
    annotators = AgreementAnnotatorOut(many=True)
    overall = AgreementMetricsOut()
    labels = AgreementLabelOut(many=True)
    documents = AgreementDocumentOut(many=True)
    pairs = AgreementPairOut(many=True)


class AgreementFilterIn(serializers.Serializer):
    document = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    label = serializers.CharField(max_length=50, required=False)


# --- Fast paths for the largest responses ---------------------------------------------------
# A document with thousands of labels spends most of its time in DRF's per-field
# machinery. These build SpanOut's and AttributionOut's shapes directly, leaving
# timestamps as datetime objects for the JSON renderer to write (api/renderers.py);
# tests/api/test_fast_serializers.py keeps the JSON equal to the serializers'. The
# schema still documents the shapes through those serializers.

def _confidence(value) -> float | None:
    return None if value is None else float(value)


def span_row_dict(row: dict) -> dict:
    """SpanOut's shape from a row of selectors.span_rows."""
    return {"id": row["id"], "document": row["document_id"], "annotator": row["annotator_id"],
            "label": row["label_name"], "start": row["start"], "end": row["end"],
            "quote": row["quote"], "origin": row["origin"], "tagger_name": row["tagger_name"],
            "tagger_version": row["tagger_version"],
            "confidence": _confidence(row["confidence"]), "status": row["status"],
            "suggestion": row["suggestion_id"], "review_state": row["review_state"],
            "version": row["version"], "created_at": row["created_at"],
            "updated_at": row["updated_at"]}


def span_dict(span) -> dict:
    """SpanOut's shape from a Span (its label loaded)."""
    row = {column: getattr(span, column) for column in selectors.SPAN_COLUMNS}
    return span_row_dict({**row, "label_name": span.label.name})


def attribution_row_dict(row: dict) -> dict:
    """AttributionOut's shape from a row of selectors.attribution_rows."""
    return {"id": row["id"], "document": row["document_id"], "annotator": row["annotator_id"],
            "claims": [row["claim_id"], *row["fragment_ids"]], "source": row["source_id"],
            "cue": row["cue_id"], "attributes": row["attributes"], "origin": row["origin"],
            "tagger_name": row["tagger_name"], "tagger_version": row["tagger_version"],
            "confidence": _confidence(row["confidence"]), "status": row["status"],
            "suggestion": row["suggestion_id"], "review_state": row["review_state"],
            "version": row["version"], "created_at": row["created_at"],
            "updated_at": row["updated_at"]}


def document_detail_dict(detail) -> dict:
    """DocumentDetailOut's shape from selectors.document_detail (as rows)."""
    document = detail.document
    return {"id": document.pk, "project": document.project_id, "title": document.title,
            "text": document.text, "length": document.length,
            "text_sha256": document.text_sha256, "source_url": document.source_url,
            "metadata": document.metadata, "layer": detail.layer, "my_status": detail.my_status,
            "spans": [span_row_dict(row) for row in detail.spans],
            "attributions": [attribution_row_dict(row) for row in detail.attributions],
            "suggestions": {"spans": [span_row_dict(row) for row in detail.suggested_spans],
                            "attributions": [attribution_row_dict(row)
                                             for row in detail.suggested_attributions]}}
