"""Serializers of spans, attributions and suggestions (what is sent)."""
from __future__ import annotations

from rest_framework import serializers

from annotator.api.serializers.common import MAX_ID, MAX_OFFSET, MAX_VERSION, ids
from annotator.api.serializers.documents import AttributionOut, SpanOut


class SpanCreateIn(serializers.Serializer):
    label = serializers.CharField(max_length=50)
    start = serializers.IntegerField(min_value=0, max_value=MAX_OFFSET)
    end = serializers.IntegerField(min_value=1, max_value=MAX_OFFSET)
    quote = serializers.CharField(required=False, trim_whitespace=False, max_length=5_000_000,
                                  help_text="If given, must equal text[start:end].")


def _plain_text(value, max_length: int, *, trim: bool) -> bool:
    """Is this a string that a CharField takes as it is (not blank, not too long, no NUL,
    no spaces it would trim)?"""
    return (type(value) is str and value != "" and len(value) <= max_length
            and "\x00" not in value and (not trim or value == value.strip()))


def _plain_int(value, low: int, high: int) -> bool:
    return type(value) is int and low <= value <= high


def span_create_plain(data) -> dict | None:
    """SpanCreateIn's validated_data for a body it takes as it is, without the DRF
    machinery (a third of a span create's time, issue #17); None for any other body,
    which the serializer then validates and, if bad, answers with its error."""
    if type(data) is not dict:
        return None
    label, start, end = data.get("label"), data.get("start"), data.get("end")
    if not (_plain_text(label, 50, trim=True) and _plain_int(start, 0, MAX_OFFSET)
            and _plain_int(end, 1, MAX_OFFSET)):
        return None
    clean = {"label": label, "start": start, "end": end}
    if "quote" in data:
        if not _plain_text(data["quote"], 5_000_000, trim=False):
            return None
        clean["quote"] = data["quote"]
    return clean


def span_update_plain(data) -> dict | None:
    """SpanUpdateIn's validated_data for a body it takes as it is, else None (as
    span_create_plain: every field optional, any other key ignored as the serializer
    ignores it)."""
    if type(data) is not dict:
        return None
    clean = {}
    for name, plain in _UPDATE_FIELDS:
        if name in data:
            if not plain(data[name]):
                return None
            clean[name] = data[name]
    return clean


_UPDATE_FIELDS = (("label", lambda value: _plain_text(value, 50, trim=True)),
                  ("start", lambda value: _plain_int(value, 0, MAX_OFFSET)),
                  ("end", lambda value: _plain_int(value, 1, MAX_OFFSET)),
                  ("quote", lambda value: _plain_text(value, 5_000_000, trim=False)),
                  ("version", lambda value: _plain_int(value, 1, MAX_VERSION)))


def _plain_id(value, *, null: bool) -> bool:
    return (null and value is None) or _plain_int(value, 1, MAX_ID)


def attribution_create_plain(data) -> dict | None:
    """AttributionCreateIn's validated_data for a body it takes as it is, else None."""
    if type(data) is not dict:
        return None
    claims = data.get("claims")
    if not (type(claims) is list and 1 <= len(claims) <= 50
            and all(_plain_id(claim, null=False) for claim in claims)):
        return None
    clean = {"claims": claims}
    for name in ("source", "cue", "parent"):
        if not _plain_id(data.get(name), null=True):
            return None
        clean[name] = data.get(name)
    attributes = data.get("attributes", {})
    if type(attributes) is not dict:
        return None
    clean["attributes"] = attributes
    return clean


class SpanBulkIn(serializers.Serializer):
    spans = SpanCreateIn(many=True, max_length=5000, allow_empty=False)


class SpanUpdateIn(serializers.Serializer):
    label = serializers.CharField(max_length=50, required=False)
    start = serializers.IntegerField(min_value=0, max_value=MAX_OFFSET, required=False)
    end = serializers.IntegerField(min_value=1, max_value=MAX_OFFSET, required=False)
    quote = serializers.CharField(required=False, trim_whitespace=False, max_length=5_000_000)
    version = serializers.IntegerField(min_value=1, max_value=MAX_VERSION, required=False,
                                       help_text="The version you edited (or an If-Match header).")


class AttributionCreateIn(serializers.Serializer):
    claims = ids(max_length=50, min_length=1,
                 help_text="Your CLAIM span ids; several for a claim split by its cue.")
    source = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                      allow_null=True, default=None)
    cue = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                   allow_null=True, default=None)
    attributes = serializers.DictField(required=False, default=dict)
    parent = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None,
        help_text="The attribution whose claim this one lies in (X said that Y claimed Z): "
                  "one of yours in this document, holding this one's spans in its claim.")


class AttributionUpdateIn(serializers.Serializer):
    claims = ids(max_length=50, min_length=1, required=False)
    source = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                      allow_null=True)
    cue = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                   allow_null=True)
    attributes = serializers.DictField(required=False)
    parent = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                      allow_null=True, help_text="null: no parent.")
    version = serializers.IntegerField(min_value=1, max_value=MAX_VERSION, required=False)


# --- Suggestions ---------------------------------------------------------------------------

class SuggestionDecideIn(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["accept", "reject"])
    spans = ids(required=False, default=list)
    attributions = ids(required=False, default=list)


class SuggestionDecidedOut(serializers.Serializer):
    spans = SpanOut(many=True)
    attributions = AttributionOut(many=True)


class SuggestedSpanIn(serializers.Serializer):
    key = serializers.CharField(max_length=100)
    label = serializers.CharField(max_length=50)
    start = serializers.IntegerField(min_value=0, max_value=MAX_OFFSET)
    end = serializers.IntegerField(min_value=1, max_value=MAX_OFFSET)
    confidence = serializers.FloatField(min_value=0, max_value=1, required=False,
                                        allow_null=True, default=None)


class SuggestedAttributionIn(serializers.Serializer):
    claims = serializers.ListField(child=serializers.CharField(max_length=100), min_length=1,
                                   max_length=50)
    source = serializers.CharField(max_length=100, required=False, allow_null=True, default=None)
    cue = serializers.CharField(max_length=100, required=False, allow_null=True, default=None)
    confidence = serializers.FloatField(min_value=0, max_value=1, required=False,
                                        allow_null=True, default=None)
    attributes = serializers.DictField(required=False, default=dict)
    parent = serializers.IntegerField(
        min_value=0, max_value=10_000, required=False, allow_null=True, default=None,
        help_text="Second-hand: the index in `attributions` of the one whose claim holds it.")


class SuggestionsStoreIn(serializers.Serializer):
    tagger_name = serializers.CharField(max_length=100)
    tagger_version = serializers.CharField(max_length=50)
    spans = SuggestedSpanIn(many=True, max_length=20_000)
    attributions = SuggestedAttributionIn(many=True, required=False, default=list,
                                          max_length=10_000)


class SuggestionsStoredOut(serializers.Serializer):
    spans_created = serializers.IntegerField()
    attributions_created = serializers.IntegerField()
