"""Serializers of agreement between annotators."""
from __future__ import annotations

from rest_framework import serializers

from annotator.api.serializers.common import MAX_ID


def _score(help_text: str):
    return serializers.FloatField(allow_null=True, help_text=help_text)


class AgreementMetricsOut(serializers.Serializer):
    span_f1_exact = _score("Same label, start and end. Null: nothing to compare.")
    span_f1_overlap = _score("Same label, overlapping.")
    cohen_kappa = _score("Token level, one yes/no column per label; the mean over pairs.")
    krippendorff_alpha = _score("Nominal, token level, every annotator of each document.")
    attribution_f1 = _score("Same claim and same source. Null per label.")
    pairs = serializers.IntegerField(help_text="Annotator pairs compared.")


class AgreementLabelOut(AgreementMetricsOut):
    label = serializers.CharField()


class AgreementDocumentOut(AgreementMetricsOut):
    document = serializers.IntegerField()
    title = serializers.CharField()
    annotators = serializers.ListField(child=serializers.IntegerField())


class AgreementPairOut(AgreementMetricsOut):
    a = serializers.IntegerField()
    b = serializers.IntegerField()
    a_username = serializers.CharField()
    b_username = serializers.CharField()
    documents = serializers.IntegerField(help_text="Documents both finished.")
    labels = AgreementLabelOut(many=True)


class AgreementAnnotatorOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class AgreementOut(serializers.Serializer):
    documents_compared = serializers.IntegerField(
        help_text="Documents that two or more annotators finished (submitted or approved).")
    labels_compared = serializers.ListField(child=serializers.CharField())
    annotators = AgreementAnnotatorOut(many=True)
    overall = AgreementMetricsOut()
    labels = AgreementLabelOut(many=True)
    documents = AgreementDocumentOut(many=True)
    pairs = AgreementPairOut(many=True)


class AgreementFilterIn(serializers.Serializer):
    document = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    label = serializers.CharField(max_length=50, required=False)
