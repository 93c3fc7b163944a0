"""Serializers of training: tagger models, training jobs, the project's choice of tagger."""
from __future__ import annotations

from rest_framework import serializers

from annotator.models import TaggerModel, TrainingJob


def _username(user) -> str | None:
    return user.username if user is not None else None


class TrainingStartIn(serializers.Serializer):
    seed = serializers.IntegerField(required=False, default=0, min_value=0, max_value=2**31 - 1)
    max_iterations = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=1000,
        help_text="Training passes of the span model (default: TRAINING_MAX_ITERATIONS).")


class TaggerModelOut(serializers.ModelSerializer):
    created_by = serializers.SerializerMethodField()

    class Meta:
        model = TaggerModel
        fields = ["id", "project", "version", "tagger_name", "tagger_version", "created_by",
                  "created_at", "training_sha256", "counts", "in_use"]

    def get_created_by(self, obj) -> str | None:
        return _username(obj.created_by)


class TaggerModelDetailOut(TaggerModelOut):
    scores = serializers.JSONField(
        help_text='On the held-out documents: {"exact"|"overlap": {label: {"precision", '
                  '"recall", "f1", "gold", "predicted"}}, "documents"}.')
    curve = serializers.JSONField(
        help_text='The learning curve: [{"fraction", "documents", "overlap": {label: f1}, '
                  '"exact": {label: f1}}] for 25, 50 and 100 % of the training documents.')

    class Meta(TaggerModelOut.Meta):
        fields = [*TaggerModelOut.Meta.fields, "scores", "curve"]


class TrainingJobOut(serializers.ModelSerializer):
    requested_by = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField(help_text="done / total, from 0 to 1.")

    class Meta:
        model = TrainingJob
        fields = ["id", "project", "tagger_name", "state", "stage", "total", "done", "progress",
                  "counts", "params", "error", "model", "requested_by", "created_at",
                  "started_at", "heartbeat_at", "finished_at"]

    def get_requested_by(self, obj) -> str | None:
        return _username(obj.requested_by)

    def get_progress(self, obj) -> float:
        if obj.state == TrainingJob.State.DONE:
            return 1.0
        return round(obj.done / obj.total, 4) if obj.total else 0.0


class ProjectTaggerIn(serializers.Serializer):
    tagger = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=100,
        help_text='"rules-attribution" (no data needed); leave out when choosing a model.')
    model = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                     max_value=2**63 - 1,
                                     help_text="A model of this project (its id).")

    def validate(self, data):
        if bool(data["tagger"]) == (data["model"] is not None):
            raise serializers.ValidationError('send either "tagger": "rules-attribution" or '
                                              '"model": a model id.')
        if data["tagger"] and data["tagger"] != "rules-attribution":
            raise serializers.ValidationError({"tagger": 'only "rules-attribution" needs no '
                                                         'model; choose a model by its id.'})
        return data


class ProjectTaggerOut(serializers.Serializer):
    tagger = serializers.CharField(help_text="The tagger the project's pre-tagging uses.")
    model = TaggerModelOut(allow_null=True, help_text="Its model, for a tagger that learns.")
    approved = serializers.IntegerField(help_text="Approved documents the project has.")
    needed = serializers.IntegerField(help_text="Approved documents training needs.")
