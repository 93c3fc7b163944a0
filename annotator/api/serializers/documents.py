"""Serializers of documents, and the documented shapes of spans and attributions."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotator.api.serializers.common import MAX_ID
from annotator.api.serializers.output import suggested_entity_dict
from annotator.models import Attribution, DocStatus, Document, Span


class AssigneeOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class DocumentListOut(serializers.ModelSerializer):
    my_status = serializers.ChoiceField(choices=DocStatus.choices, read_only=True)
    my_span_count = serializers.IntegerField(read_only=True)
    has_suggestions = serializers.BooleanField(read_only=True)
    assigned_to_me = serializers.BooleanField(read_only=True)
    assignees = serializers.SerializerMethodField(
        help_text="Who the document is assigned to; null for annotators who do not see each "
                  "other's work (context `sees_assignees`).")

    class Meta:
        model = Document
        fields = ["id", "project", "title", "length", "text_sha256", "source_url", "metadata",
                  "created_at", "my_status", "my_span_count", "has_suggestions",
                  "assigned_to_me", "assignees"]

    @extend_schema_field(AssigneeOut(many=True, allow_null=True))
    def get_assignees(self, document):
        if not self.context.get("sees_assignees"):
            return None
        return [{"id": row.annotator_id, "username": row.annotator.username}
                for row in getattr(document, "assignee_rows", [])]


class DocumentCreateIn(serializers.Serializer):
    title = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    text = serializers.CharField(max_length=5_000_000, trim_whitespace=False)
    metadata = serializers.DictField(required=False, default=dict)
    source_url = serializers.URLField(max_length=2000, required=False, allow_blank=True,
                                      default="")


class DocumentCreatedOut(serializers.Serializer):
    id = serializers.IntegerField()
    created = serializers.BooleanField(help_text="False: the same text was already here.")


class SuggestedEntityOut(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True,
                                  help_text="An entity of the project; null: a new one, made "
                                            "when the suggestion is accepted.")
    name = serializers.CharField()
    type = serializers.CharField()
    by = serializers.CharField(help_text="The resolver, its version and how it matched "
                                         "(exact, alias, surname, new).")


class SpanOut(serializers.ModelSerializer):
    label = serializers.CharField(source="label.name")
    suggested_entity = serializers.SerializerMethodField(
        help_text="A suggestion's proposed source entity (SOURCE suggestions); null if none.")

    class Meta:
        model = Span
        fields = ["id", "document", "annotator", "label", "start", "end", "quote", "entity",
                  "suggested_entity", "origin", "tagger_name", "tagger_version", "confidence", "status",
                  "suggestion", "review_state", "version", "created_at", "updated_at"]


    @extend_schema_field(SuggestedEntityOut(allow_null=True))
    def get_suggested_entity(self, span):
        # One shape with the fast path's (api/serializers/output.py).
        return suggested_entity_dict({field: getattr(span, field) for field in (
            "suggested_entity_id", "suggested_entity_name", "suggested_entity_type",
            "suggested_entity_by")})


class AttributionOut(serializers.ModelSerializer):
    claims = serializers.SerializerMethodField(help_text="CLAIM span ids, fragments in order.")

    class Meta:
        model = Attribution
        fields = ["id", "document", "annotator", "claims", "source", "cue", "attributes",
                  "parent", "origin", "tagger_name", "tagger_version", "confidence", "status",
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
