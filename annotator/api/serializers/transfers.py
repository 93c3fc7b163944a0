"""Serializers of import and export (STYLE.md naming: `<Noun><Verb>In`, `<Noun>Out`)."""
from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from rest_framework import serializers

from annotator.formats import registry
from annotator.models import ExportJob
from annotator.services.imports import (LAYERS, MODES, NORMALIZATIONS, OFFSETS,
                                        parse_annotator_map)


class ExportJobStartIn(serializers.Serializer):
    format = serializers.ChoiceField(choices=registry.export_choices())
    layer = serializers.CharField(max_length=200, required=False, default="approved",
                                  help_text="approved (default), all, or annotator:USERNAME")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = registry.export_choices()  # as registered now


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
    file = serializers.FileField(help_text="A .txt, .jsonl, .json or .zip file.")
    format = serializers.ChoiceField(choices=registry.import_names())
    mode = serializers.ChoiceField(choices=MODES, required=False, default="labels",
                                   help_text="labels: into your own layer (default); "
                                             "suggestions: for annotators to accept")
    normalize = serializers.MultipleChoiceField(
        choices=NORMALIZATIONS, required=False, default=set,
        help_text="Off by default (the text is stored exactly). nfc: Unicode NFC; lf: CRLF and "
                  "CR become LF. Offsets move with the text; the report lists what changed.")
    offsets = serializers.ChoiceField(
        choices=OFFSETS, required=False, default="auto",
        help_text="What the file's offsets count. auto: code points, except doccano and Label "
                  "Studio files, decided per document (UTF-16 units after an emoji, or "
                  "grapheme clusters).")
    keep_review_state = serializers.BooleanField(
        required=False, default=False,
        help_text="Keep the file's approvals and rejections, each recorded as your review "
                  "decision naming the file's reviewer. Off: labels come in unreviewed.")
    approve_labels = serializers.BooleanField(
        required=False, default=False,
        help_text="Take every label of the file as approved, each recorded as your review "
                  "decision naming the file (to train a model from an annotated file at once).")
    layers = serializers.ChoiceField(
        choices=LAYERS, required=False, default="annotators",
        help_text="Label Studio: one layer per annotator, mapped to members by e-mail or "
                  "username (default), or every label in your own layer (mine).")
    annotator_map = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=10_000,
        help_text="Label Studio annotators (user id or e-mail) to usernames: 7=alice,8=bob")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = registry.import_names()  # as registered now

    def validate_annotator_map(self, value: str) -> dict:
        try:
            return parse_annotator_map(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict["annotator_map"]) from None


class ImportErrorOut(serializers.Serializer):
    where = serializers.CharField(help_text="file:line, or the file in a zip")
    reason = serializers.CharField()


class ImportNoteOut(serializers.Serializer):
    where = serializers.CharField(help_text="file:line, or file#task")
    note = serializers.CharField()


class ImportNormalizedOut(serializers.Serializer):
    where = serializers.CharField()
    line_ends = serializers.IntegerField(help_text="CRLF or CR turned into LF.")
    nfc = serializers.IntegerField(help_text="Characters NFC rewrote (a base and its marks).")
    removed = serializers.IntegerField(help_text="Code points fewer than in the file.")
    spans_moved = serializers.IntegerField()


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
    suggestions = serializers.IntegerField(help_text="Predictions stored as suggestions.")
    entities_created = serializers.IntegerField(help_text="Source entities made: the file "
                                                          "named them, the project had none "
                                                          "of that name.")
    errors = ImportErrorOut(many=True)
    more_errors = serializers.IntegerField(help_text="Problems past the first 1000.")
    notes = ImportNoteOut(many=True, help_text="What was repaired or left out, per line: "
                                               "offsets read as UTF-16 units, results that "
                                               "are not spans, cancelled annotations.")
    more_notes = serializers.IntegerField()
    normalized = ImportNormalizedOut(many=True, help_text="Per document, what normalize "
                                                          "changed.")
    review_states_dropped = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Review states in the file not kept (without keep_review_state).")
    layers = serializers.DictField(child=serializers.IntegerField(),
                                   help_text="Spans written per layer (username).")
    options = serializers.DictField(help_text="The options the import ran with.")


class ImportRefusedOut(serializers.Serializer):
    """400: the file's problems (`errors`, each with its line), or a bad field of the form."""
    file = serializers.ListField(child=serializers.CharField(), required=False)
    format = serializers.ListField(child=serializers.CharField(), required=False)
    mode = serializers.ListField(child=serializers.CharField(), required=False)
    normalize = serializers.ListField(child=serializers.CharField(), required=False)
    offsets = serializers.ListField(child=serializers.CharField(), required=False)
    keep_review_state = serializers.ListField(child=serializers.CharField(), required=False)
    approve_labels = serializers.ListField(child=serializers.CharField(), required=False)
    layers = serializers.ListField(child=serializers.CharField(), required=False)
    annotator_map = serializers.ListField(child=serializers.CharField(), required=False)
    errors = ImportErrorOut(many=True, required=False)
    more_errors = serializers.IntegerField(required=False)
