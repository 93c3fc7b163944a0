"""The explorer (issue #16, point 3): its query parameters and its figures."""
from __future__ import annotations

from rest_framework import serializers

from annotator.facets import OUTLET_LENGTH
from annotator.models import EntityType
from annotator.selectors.explorer import MAX_LIMIT


class ExplorerQueryIn(serializers.Serializer):
    layer = serializers.CharField(max_length=150, default="approved",
                                  help_text="'approved' (the default) or a member's username: "
                                            "your own layer, or anyone's if you see all "
                                            "layers (reviewers, admins).")
    outlet = serializers.CharField(max_length=OUTLET_LENGTH, required=False,
                                   help_text="Only documents of this outlet (exactly as the "
                                             "outlets list names it).")
    date_from = serializers.DateField(required=False, help_text="Published on or after.")
    date_to = serializers.DateField(required=False, help_text="Published on or before.")
    type = serializers.ChoiceField(choices=EntityType.choices, required=False,
                                   help_text="Only sources whose entity has this type.")
    attribute = serializers.ListField(
        child=serializers.CharField(max_length=400), required=False, default=list,
        help_text="NAME:VALUE of an attribution attribute (repeat for several).")
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=50,
                                     help_text="How many sources (or claims) to list.")


class ExplorerClaimQueryIn(ExplorerQueryIn):
    offset = serializers.IntegerField(min_value=0, max_value=10**9, default=0)


class SourceOut(serializers.Serializer):
    entity = serializers.IntegerField(allow_null=True, help_text="null: \"(no entity)\".")
    name = serializers.CharField()
    type = serializers.CharField(allow_null=True)
    claims = serializers.IntegerField()
    first_hand = serializers.IntegerField(help_text="Claims the source makes itself.")
    second_hand = serializers.IntegerField(
        help_text="Claims it makes inside another's claim (X said that this source claimed "
                  "Z): its attributions with a parent.")
    documents = serializers.IntegerField()


class ShareOut(serializers.Serializer):
    claims = serializers.IntegerField()
    with_entity = serializers.IntegerField(help_text="Claims whose source names an entity.")
    anonymous = serializers.IntegerField(help_text="Of those, whose entity is anonymous.")
    anonymous_share = serializers.FloatField(allow_null=True,
                                             help_text="anonymous / with_entity.")


class OutletShareOut(ShareOut):
    outlet = serializers.CharField(allow_blank=True)


class MonthShareOut(ShareOut):
    month = serializers.CharField(allow_null=True, help_text="YYYY-MM; null: no date.")


class PointOut(serializers.Serializer):
    month = serializers.CharField(allow_null=True)
    claims = serializers.IntegerField()


class SeriesOut(serializers.Serializer):
    entity = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    points = PointOut(many=True)


class TotalsOut(serializers.Serializer):
    claims = serializers.IntegerField()
    documents = serializers.IntegerField()
    unattributed = serializers.IntegerField(help_text="Claims without a source span.")


class ExplorerSummaryOut(serializers.Serializer):
    layer = serializers.CharField()
    total_sources = serializers.IntegerField()
    sources = SourceOut(many=True)
    outlets = OutletShareOut(many=True)
    months = MonthShareOut(many=True)
    timeline = SeriesOut(many=True)
    totals = TotalsOut()


class ClaimDocumentOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField(allow_blank=True)
    outlet = serializers.CharField(allow_blank=True)
    published = serializers.DateField(allow_null=True)


class ClaimGroupRefOut(serializers.Serializer):
    key = serializers.IntegerField(help_text="The group: GET .../claim-groups/{key}/.")
    size = serializers.IntegerField(help_text="Its claims, this one included (2 or more).")


class ClaimOut(serializers.Serializer):
    document = ClaimDocumentOut()
    span_id = serializers.IntegerField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    quote = serializers.CharField()
    source_quote = serializers.CharField(allow_null=True)
    cue_quote = serializers.CharField(allow_null=True)
    attributes = serializers.DictField()
    workspace_url = serializers.CharField(help_text="The workspace at this claim's span.")
    group = ClaimGroupRefOut(allow_null=True, help_text=(
        "The claim's group when it is said in other places of the project too (the approved "
        "layer's groups; null in other layers, for a claim said once, or not grouped yet)."))


class ClaimSourceOut(serializers.Serializer):
    entity = serializers.IntegerField(allow_null=True, help_text="null: \"(no entity)\".")
    name = serializers.CharField()
    type = serializers.CharField(allow_null=True)


class ClaimPageOut(serializers.Serializer):
    source = ClaimSourceOut()
    count = serializers.IntegerField()
    offset = serializers.IntegerField()
    limit = serializers.IntegerField()
    results = ClaimOut(many=True)
