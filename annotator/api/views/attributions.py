"""REST views: an annotator's attributions."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator import access, selectors
from annotator.access import Need
from annotator.api import serializers as s
from annotator.api.idempotency import idempotent
from annotator.api.views.common import (DOCUMENT_ID, IF_MATCH, VERSION_QUERY, expected_version,
                                        parse)
from annotator.models import Attribution
from annotator.services import attributions as attribution_services

def _attribution_out(attribution: Attribution) -> dict:
    """The attribution as stored now (api/serializers/output.py)."""
    rows = selectors.attribution_row_list_by_id(ids=[attribution.pk])
    return s.attribution_row_dict(rows[0]) if rows else s.attribution_dict(attribution)


class AttributionCreateView(APIView):
    @extend_schema(parameters=[DOCUMENT_ID], request=s.AttributionCreateIn,
                   responses={201: s.AttributionOut},
                   summary="Link my claim (one or more fragments), source and cue")
    @idempotent
    def post(self, request, document_id):
        document = access.access_document(request.user, document_id, Need.ANNOTATE, text=False)
        data = parse(s.AttributionCreateIn, request.data, s.attribution_create_plain)
        attribution = attribution_services.attribution_create(document=document,
                                                              annotator=request.user, **data)
        return Response(s.attribution_dict(attribution), status=status.HTTP_201_CREATED)


class AttributionDetailView(APIView):
    @extend_schema(responses=s.AttributionOut, summary="One attribution")
    def get(self, request, attribution_id):
        return Response(_attribution_out(access.access_attribution(request.user,
                                                                   attribution_id)))

    @extend_schema(parameters=[IF_MATCH], request=s.AttributionUpdateIn,
                   responses=s.AttributionOut, summary="Change my attribution; stale → 409")
    @idempotent
    def patch(self, request, attribution_id):
        attribution = access.access_attribution(request.user, attribution_id, Need.ANNOTATE)
        data = parse(s.AttributionUpdateIn, request.data)
        version = expected_version(request, data)
        data.pop("version", None)
        attribution = attribution_services.attribution_update(
            attribution=attribution, actor=request.user, expected_version=version, **data)
        return Response(_attribution_out(attribution))

    @extend_schema(parameters=[IF_MATCH, VERSION_QUERY], responses={204: None},
                   summary="Delete my attribution (its spans stay); stale → 409")
    @idempotent
    def delete(self, request, attribution_id):
        attribution = access.access_attribution(request.user, attribution_id, Need.ANNOTATE)
        attribution_services.attribution_delete(attribution=attribution, actor=request.user,
                                                expected_version=expected_version(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
