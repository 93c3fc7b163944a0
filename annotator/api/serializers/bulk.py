"""The bulk write of a layer (POST /api/documents/{id}/bulk/): its shapes, for the schema.

The view does not run these: 10,000 items through DRF's per-field machinery would cost
more than the write. services/bulk_check.py checks the body and names every bad item
by its path (`create.spans[3].end`); these describe the same body and answer.
"""
from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotator.api.serializers.common import MAX_ID, MAX_OFFSET, MAX_VERSION
from annotator.api.serializers.documents import AttributionOut, SpanOut
from annotator.api.serializers.output import attribution_row_dict, span_row_dict
from annotator.services.bulk_check import MAX_CLAIMS, MAX_ITEMS, REF_LENGTH


@extend_schema_field({"oneOf": [{"type": "integer", "minimum": 1, "maximum": MAX_ID},
                                {"type": "string", "minLength": 1, "maxLength": REF_LENGTH}]})
class SpanIdOrRef(serializers.JSONField):
    """One of my spans by id, or a span of create.spans by its `ref`."""


class BulkSpanIn(serializers.Serializer):
    ref = serializers.CharField(required=False, min_length=1, max_length=REF_LENGTH,
                                help_text="Your name for it, for create.attributions to use.")
    label = serializers.CharField(max_length=50)
    start = serializers.IntegerField(min_value=0, max_value=MAX_OFFSET)
    end = serializers.IntegerField(min_value=1, max_value=MAX_OFFSET)
    quote = serializers.CharField(required=False, trim_whitespace=False,
                                  help_text="If given, must equal text[start:end].")


class BulkAttributionIn(serializers.Serializer):
    claims = serializers.ListField(child=SpanIdOrRef(), min_length=1, max_length=MAX_CLAIMS)
    source = SpanIdOrRef(required=False, allow_null=True)
    cue = SpanIdOrRef(required=False, allow_null=True)
    attributes = serializers.DictField(required=False)


class BulkCreateIn(serializers.Serializer):
    spans = BulkSpanIn(many=True, required=False, max_length=MAX_ITEMS)
    attributions = BulkAttributionIn(many=True, required=False, max_length=MAX_ITEMS)


class BulkRowIn(serializers.Serializer):
    id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    version = serializers.IntegerField(min_value=1, max_value=MAX_VERSION,
                                       help_text="The version you saw; another is a 409.")


class BulkDeleteIn(serializers.Serializer):
    spans = BulkRowIn(many=True, required=False, max_length=MAX_ITEMS)
    attributions = BulkRowIn(many=True, required=False, max_length=MAX_ITEMS)


class LayerBulkIn(serializers.Serializer):
    create = BulkCreateIn(required=False)
    delete = BulkDeleteIn(required=False)


class BulkDeletedOut(serializers.Serializer):
    spans = serializers.ListField(child=serializers.IntegerField())
    attributions = serializers.ListField(child=serializers.IntegerField())


class LayerBulkOut(serializers.Serializer):
    spans = SpanOut(many=True, help_text="The spans created, in the order of create.spans.")
    attributions = AttributionOut(many=True, help_text="The attributions created, in order.")
    refs = serializers.DictField(child=serializers.IntegerField(),
                                 help_text="The id of each span created with a ref.")
    deleted = BulkDeletedOut()


def layer_bulk_dict(written) -> dict:
    """LayerBulkOut's shape from services.bulk.BulkWritten."""
    return {"spans": [span_row_dict(row) for row in written.spans],
            "attributions": [attribution_row_dict(row) for row in written.attributions],
            "refs": written.refs,
            "deleted": {"spans": written.deleted_spans,
                        "attributions": written.deleted_attributions}}
