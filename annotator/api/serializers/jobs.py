"""Serializers of pre-tagging jobs and taggers."""
from __future__ import annotations

from rest_framework import serializers

from annotator.api.serializers.common import ids
from annotator.models import PretagJob


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
        model = PretagJob
        fields = ["id", "project", "tagger_name", "tagger_version", "state", "total", "done",
                  "suggestions_made", "errors", "error", "progress", "requested_by",
                  "created_at", "started_at", "heartbeat_at", "finished_at"]

    def get_requested_by(self, obj) -> str | None:
        return obj.requested_by.username if obj.requested_by_id else None

    def get_progress(self, obj) -> float:
        return round(obj.done / obj.total, 4) if obj.total else 0.0
