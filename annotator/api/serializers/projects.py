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


class LabelItemIn(LabelIn):
    """One row of a whole label set: with `id`, that label (renamed, recoloured, moved);
    without, a new label. Labels of the project left out of the list are deleted."""
    id = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    name = serializers.CharField(max_length=50)


SETTINGS_HELP = ("`annotators_see_each_other` (bool), `review_own_labels` (bool, default "
                 "false: nobody approves or rejects a label they made), `role_labels` (claim, "
                 "source, cue → label name), `annotators_per_document` (1–20, default 1), "
                 "`unassigned_open` (bool, default true: members may open documents nobody "
                 "is assigned to).")


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
    labels = LabelItemIn(many=True, required=False, max_length=100,
                         help_text="The label set, in order (CLAIM, SOURCE, CUE if left out).")
    settings = serializers.DictField(required=False, help_text=SETTINGS_HELP)


class ProjectUpdateIn(ProjectCreateIn):
    name = serializers.CharField(max_length=200, required=False)
    labels = LabelItemIn(many=True, required=False, max_length=100,
                         help_text="Replaces the label set, in this order. A label of the "
                                   "project left out is deleted: 409 `label_in_use` (with the "
                                   "counts in `current`) if spans use it.")
    settings = serializers.DictField(required=False, help_text="Replaces the settings: "
                                                               + SETTINGS_HELP)


class LabelMergeIn(serializers.Serializer):
    into = serializers.IntegerField(min_value=1, max_value=2**63 - 1,
                                    help_text="The id of the label that takes the spans.")


class LabelMergeOut(serializers.Serializer):
    moved = serializers.IntegerField(help_text="Spans moved to the other label.")
    folded = serializers.IntegerField(help_text="Spans that repeated one of the other label "
                                                "(same annotator, same offsets): folded into it.")
    into = LabelOut()


class LabelUsageOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    spans = serializers.IntegerField()
    attributions = serializers.IntegerField()


class AttributeUsageOut(serializers.Serializer):
    name = serializers.CharField()
    attributions = serializers.IntegerField()
    choices = serializers.DictField(child=serializers.IntegerField(),
                                    help_text="Choice → attributions that set it.")


class UsageOut(serializers.Serializer):
    labels = LabelUsageOut(many=True)
    attributes = AttributeUsageOut(many=True)


class MemberOut(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    user = serializers.IntegerField(source="user_id", read_only=True)
    email = serializers.SerializerMethodField(help_text="Shown to the project's admins only.")
    pending = serializers.SerializerMethodField(help_text="Invited, and has not chosen a "
                                                          "password yet.")

    class Meta:
        model = Membership
        fields = ["id", "user", "username", "email", "pending", "role", "created_at"]

    def get_email(self, membership) -> str:
        return membership.user.email if self.context.get("admin", True) else ""

    def get_pending(self, membership) -> bool:
        user = membership.user
        return not user.has_usable_password() and user.last_login is None


class MemberCreateIn(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=Role.choices)


class MemberUpdateIn(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationIn(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationOut(serializers.Serializer):
    member = MemberOut()
    account_created = serializers.BooleanField()
    email_sent = serializers.BooleanField()
    set_password_url = serializers.CharField(allow_null=True, help_text=(
        "The link to choose a password (also e-mailed), to pass on by hand; null for an "
        "account that already has a password, or that is in another admin's project."))


class AccountCreateIn(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=Role.choices)


class AccountCreatedOut(serializers.Serializer):
    member = MemberOut()
    password = serializers.CharField(help_text="The one-time password: shown in this answer "
                                               "only, never again (only its hash is stored).")


class UserFoundOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.CharField(help_text="Masked (a•••@example.org) unless the query is "
                                            "the whole address.")
    member_role = serializers.CharField(allow_null=True, help_text="Their role here, if any.")
