"""REST views: a label's history, and undoing the delete of one."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator import access, selectors
from annotator.access import Need
from annotator.api import serializers as s
from annotator.api.idempotency import idempotent
from annotator.api.views.attributions import _attribution_out
from annotator.services import restores as restore_services

def _history(request, kind: str, row_id) -> Response:
    trace = access.access_label_trace(request.user, kind, row_id)
    events, reviews = selectors.history_list_for_label(target_type=kind, target_id=trace.id)
    return Response(s.HistoryOut({"events": events, "reviews": reviews}).data)


class SpanHistoryView(APIView):
    @extend_schema(responses=s.HistoryOut,
                   summary="Who did what to this span, and when (also once it is deleted)")
    def get(self, request, span_id):
        return _history(request, "span", span_id)


class AttributionHistoryView(APIView):
    @extend_schema(responses=s.HistoryOut,
                   summary="Who did what to this attribution, and when (also once it is "
                           "deleted)")
    def get(self, request, attribution_id):
        return _history(request, "attribution", attribution_id)


class SpanRestoreView(APIView):
    @extend_schema(request=None, responses={201: s.SpanRestoredOut},
                   summary="Undo the delete of my span: the same id, fields and history, and "
                           "the attributions its delete changed; 409 if made again meanwhile")
    @idempotent
    def post(self, request, span_id):
        trace = access.access_label_trace(request.user, "span", span_id, Need.ANNOTATE)
        result = restore_services.span_restore(trace=trace, actor=request.user)
        return Response(s.span_restored_dict(
            span=selectors.span_row_list_by_id(ids=[result.span.pk])[0],
            attributions=selectors.attribution_row_list_by_id(
                ids=sorted(a.pk for a in result.attributions)),
            skipped=result.skipped), status=status.HTTP_201_CREATED)


class AttributionRestoreView(APIView):
    @extend_schema(request=None, responses={201: s.AttributionOut},
                   summary="Undo the delete of my attribution: the same id and fields; 409 if "
                           "a span it links is gone or it was made again meanwhile")
    @idempotent
    def post(self, request, attribution_id):
        trace = access.access_label_trace(request.user, "attribution", attribution_id,
                                          Need.ANNOTATE)
        attribution = restore_services.attribution_restore(trace=trace, actor=request.user)
        return Response(_attribution_out(attribution), status=status.HTTP_201_CREATED)
