"""Serializers of import and export (STYLE.md naming: `<Noun><Verb>In`, `<Noun>Out`)."""
from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from annotator.models import ExportFormat, ExportJob
from annotator.services.imports import FORMATS, MODES


class ExportJobStartIn(serializers.Serializer):
    format = serializers.ChoiceField(choices=ExportFormat.choices)
    layer = serializers.CharField(max_length=200, required=False, default="approved",
                                  help_text="approved (default), all, or annotator:USERNAME")


class ExportJobOut(serializers.ModelSerializer):
    requested_by = serializers.SerializerMethodField()
    annotator = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField(help_text="done / total, from 0 to 1.")
    download_url = serializers.SerializerMethodField(help_text="Once the job is done.")
    expired = serializers.SerializerMethodField(
        help_text="Done, and its file deleted after EXPORT_RETENTION_DAYS: start it again.")

    class Meta:
        model = ExportJob
        fields = ["id", "project", "format", "layer", "annotator", "state", "total", "done",
                  "progress", "counts", "sha256", "size", "error", "download_url", "expired",
                  "requested_by", "created_at", "started_at", "finished_at"]

    def get_expired(self, obj) -> bool:
        # A finished job always names its file; the cleanup clears the name only.
        return obj.state == ExportJob.State.DONE and not obj.file_name

    def get_requested_by(self, obj) -> str | None:
        return obj.requested_by.username if obj.requested_by_id else None

    def get_annotator(self, obj) -> str | None:
        return obj.annotator.username if obj.annotator_id else None

    def get_progress(self, obj) -> float:
        if obj.state == ExportJob.State.DONE:
            return 1.0
        return round(obj.done / obj.total, 4) if obj.total else 0.0

    def get_download_url(self, obj) -> str | None:
        if obj.state != ExportJob.State.DONE or not obj.file_name:
            return None
        return reverse("export-job-download", args=[obj.pk])


class ImportIn(serializers.Serializer):
    file = serializers.FileField(help_text="A .txt, .jsonl or .zip file.")
    format = serializers.ChoiceField(choices=FORMATS)
    mode = serializers.ChoiceField(choices=MODES, required=False, default="labels",
                                   help_text="labels: into your own layer (default); "
                                             "suggestions: for annotators to accept")


class ImportErrorOut(serializers.Serializer):
    where = serializers.CharField(help_text="file:line, or the file in a zip")
    reason = serializers.CharField()


class ImportReportOut(serializers.Serializer):
    format = serializers.CharField()
    mode = serializers.CharField()
    file = serializers.CharField()
    documents = serializers.IntegerField(help_text="Documents read from the file.")
    created = serializers.IntegerField(help_text="Documents stored.")
    duplicates = serializers.IntegerField(help_text="Skipped: the same text is already in "
                                                    "the project or earlier in the file.")
    spans = serializers.IntegerField()
    attributions = serializers.IntegerField()
    errors = ImportErrorOut(many=True)
    more_errors = serializers.IntegerField(help_text="Problems past the first 1000.")


class ImportRefusedOut(serializers.Serializer):
    """400: the file's problems (`errors`, each with its line), or a bad field of the form."""
    file = serializers.ListField(child=serializers.CharField(), required=False)
    format = serializers.ListField(child=serializers.CharField(), required=False)
    mode = serializers.ListField(child=serializers.CharField(), required=False)
    errors = ImportErrorOut(many=True, required=False)
    more_errors = serializers.IntegerField(required=False)
