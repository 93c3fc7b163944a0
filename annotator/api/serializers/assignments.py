"""Serializers of assignments and of a project's progress dashboard (issue #15, 3 and 4)."""
from __future__ import annotations

from rest_framework import serializers

from annotator.api.serializers.common import MAX_ID, ids
from annotator.models import Assignment, DocStatus, Role

MAX_DOCUMENTS = 10_000
MAX_ANNOTATORS = 200


class AssignmentOut(serializers.ModelSerializer):
    document_title = serializers.CharField(read_only=True)
    annotator_username = serializers.CharField(source="annotator.username", read_only=True)
    assigned_by = serializers.SlugRelatedField(slug_field="username", read_only=True,
                                               allow_null=True)

    class Meta:
        model = Assignment
        fields = ["id", "document", "document_title", "annotator", "annotator_username",
                  "assigned_by", "created_at"]


class AssignmentFilterIn(serializers.Serializer):
    document = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    annotator = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)


class AssignmentBulkIn(serializers.Serializer):
    documents = ids(max_length=MAX_DOCUMENTS, min_length=1,
                    help_text="Documents of this project.")
    annotators = ids(max_length=MAX_ANNOTATORS, min_length=1,
                     help_text="User ids of members who annotate (annotators or admins).")


class AssignmentAutoIn(serializers.Serializer):
    k = serializers.IntegerField(min_value=1, max_value=20, required=False,
                                 help_text="Annotators per document; default: the project's "
                                           "setting annotators_per_document (1 if unset).")
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=0,
                                    help_text="The same seed and inputs give the same result.")
    documents = ids(max_length=MAX_DOCUMENTS, min_length=1, required=False,
                    help_text="Only these documents (default: all of the project's).")
    annotators = ids(max_length=MAX_ANNOTATORS, min_length=1, required=False,
                     help_text="Only these members (default: the members with the annotator "
                               "role).")


class AssignmentOutcomeOut(serializers.Serializer):
    created = AssignmentOut(many=True, help_text="Assignments made.")
    removed = serializers.ListField(child=serializers.IntegerField(),
                                    help_text="Ids of assignments removed.")
    unchanged = serializers.IntegerField(
        help_text="Pairs (or, automatically, documents) left as they were: already assigned "
                  "(already full), or, unassigning, not assigned.")


class AgreementSoFarOut(serializers.Serializer):
    span_f1_overlap = serializers.FloatField(allow_null=True)
    cohen_kappa = serializers.FloatField(allow_null=True)
    pairs = serializers.IntegerField(help_text="Other annotators compared with.")
    shared_documents = serializers.IntegerField(help_text="Summed over those pairs.")


class DashboardAnnotatorOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices, allow_null=True,
                                   help_text="Null: no longer a member.")
    assigned = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    submitted = serializers.IntegerField()
    approved = serializers.IntegerField()
    returned = serializers.IntegerField()
    spans = serializers.IntegerField(help_text="Spans made (accepted, own layer).")
    attributions = serializers.IntegerField()
    last_activity_at = serializers.DateTimeField(allow_null=True)
    agreement = AgreementSoFarOut(allow_null=True,
                                  help_text="Null: no finished document shared with another.")


class DashboardDocumentAnnotatorOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    assigned = serializers.BooleanField()
    status = serializers.ChoiceField(choices=DocStatus.choices)


class DashboardDocumentOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField(allow_blank=True)
    annotators = DashboardDocumentAnnotatorOut(many=True)


class DashboardDocumentPageOut(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = DashboardDocumentOut(many=True)


class DashboardOut(serializers.Serializer):
    annotators_per_document = serializers.IntegerField()
    unassigned_open = serializers.BooleanField()
    documents = serializers.IntegerField(help_text="Documents of the project.")
    unassigned = serializers.IntegerField(help_text="Documents assigned to nobody.")
    short = serializers.IntegerField(help_text="Documents with fewer assignees than "
                                               "annotators_per_document.")
    annotators = DashboardAnnotatorOut(many=True)
    agreement_note = serializers.CharField()
    document_page = DashboardDocumentPageOut()


class DashboardFilterIn(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, max_value=2**31 - 1, default=1)
