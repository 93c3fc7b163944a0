"""Serializers of projects, their labels and members."""
from __future__ import annotations

from rest_framework import serializers

from annotator.models import Label, Membership, Project, Role


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
                                  "source, cue → label name), `annotators_per_document` "
                                  "(1–20, default 1), `unassigned_open` (bool, default true: "
                                  "members may open documents nobody is assigned to).")


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
