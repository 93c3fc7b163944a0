"""Source entities (issue #16): what the entity endpoints take and give."""
from __future__ import annotations

from rest_framework import serializers

from annotator.api.serializers.common import MAX_ID, MAX_VERSION
from annotator.models import EntityType, SourceEntity

# Longer than an entity name may be, so that the service says how long it is (a clear 400)
# rather than DRF cutting the message short; anything beyond is refused here.
NAME_INPUT = 10_000


class EntityOut(serializers.ModelSerializer):
    mentions = serializers.IntegerField(source="mention_count", read_only=True,
                                        help_text="SOURCE spans linked to it.")

    class Meta:
        model = SourceEntity
        fields = ["id", "name", "type", "aliases", "mentions", "version", "created_at",
                  "updated_at"]


class EntityCreateIn(serializers.Serializer):
    name = serializers.CharField(max_length=NAME_INPUT, trim_whitespace=False)
    type = serializers.ChoiceField(choices=EntityType.choices, default=EntityType.PERSON)
    aliases = serializers.ListField(child=serializers.CharField(max_length=NAME_INPUT,
                                                                trim_whitespace=False),
                                    max_length=50, required=False, default=list)


class EntityUpdateIn(serializers.Serializer):
    name = serializers.CharField(max_length=NAME_INPUT, trim_whitespace=False, required=False)
    type = serializers.ChoiceField(choices=EntityType.choices, required=False)
    aliases = serializers.ListField(child=serializers.CharField(max_length=NAME_INPUT,
                                                                trim_whitespace=False),
                                    max_length=50, required=False)
    version = serializers.IntegerField(min_value=1, max_value=MAX_VERSION, required=False,
                                       help_text="The version you edited (or an If-Match header).")


class EntityFilterIn(serializers.Serializer):
    q = serializers.CharField(max_length=300, required=False, allow_blank=True,
                              help_text="Part of the name or of an alias (any case).")
    type = serializers.ChoiceField(choices=EntityType.choices, required=False)
    ids = serializers.RegexField(r"^\d{1,18}(,\d{1,18}){0,499}$", required=False,
                                 help_text="Only these entities: ids, comma-separated (at most "
                                           "500), e.g. the ones a document's spans mention.")


class EntityMergeIn(serializers.Serializer):
    into = serializers.IntegerField(min_value=1, max_value=MAX_ID,
                                    help_text="The entity that keeps the mentions.")


class SpanEntityIn(serializers.Serializer):
    entity = serializers.IntegerField(min_value=1, max_value=MAX_ID, allow_null=True,
                                      help_text="An entity of the span's project; null unlinks.")
    version = serializers.IntegerField(min_value=1, max_value=MAX_VERSION, required=False,
                                       help_text="The span's version (or an If-Match header).")
