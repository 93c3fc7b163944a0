"""Claim groups (the same claim in several documents): what the API writes."""
from rest_framework import serializers

from annotator.api.serializers.explorer import ClaimDocumentOut


class AppearanceDocumentOut(ClaimDocumentOut):
    source_url = serializers.CharField(allow_blank=True)


class AppearanceSourceOut(serializers.Serializer):
    entity = serializers.IntegerField(allow_null=True, help_text="null: linked to no entity.")
    name = serializers.CharField(allow_null=True, help_text="The entity's name.")
    type = serializers.CharField(allow_null=True)
    quote = serializers.CharField(allow_null=True, help_text="The source span's text.")
    cue_quote = serializers.CharField(allow_null=True)


class AppearanceOut(serializers.Serializer):
    document = AppearanceDocumentOut()
    span_id = serializers.IntegerField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    quote = serializers.CharField()
    sources = AppearanceSourceOut(many=True)
    workspace_url = serializers.CharField(help_text="The workspace at this claim's span.")


class ClaimGroupOut(serializers.Serializer):
    key = serializers.IntegerField()
    size = serializers.IntegerField(help_text="Claims in the group (its appearances).")
    documents = serializers.IntegerField(help_text="Documents they are in.")
    first_published = serializers.DateField(
        allow_null=True, help_text="The earliest date among them: who reported it first.")
    appearances = AppearanceOut(many=True, help_text="By date (undated last), then document.")
