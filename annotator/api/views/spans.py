"""REST views: an annotator's spans."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator import access
from annotator.access import Need
from annotator.api import serializers as s
from annotator.api.idempotency import idempotent
from annotator.api.views.common import (DOCUMENT_ID, IF_MATCH, VERSION_QUERY, expected_version,
                                        parse, request_body)
from annotator.services import spans as span_services

class SpanCreateView(APIView):
    @extend_schema(parameters=[DOCUMENT_ID], request=s.SpanCreateIn, responses={201: s.SpanOut},
                   summary="Create one of my spans")
    @idempotent
    def post(self, request, document_id):
        body, unreadable = request_body(request)  # the label is read with the document
        document, label = access.access_document_and_label(
            request.user, document_id, Need.ANNOTATE,
            label_name=body.get("label") if isinstance(body, dict) else None)
        if unreadable is not None:  # a 404 or 403 first, as for any other bad body
            raise unreadable
        data = parse(s.SpanCreateIn, body, s.span_create_plain)
        label = access.label_in_project(document.project, data.pop("label"), found=label)
        span = span_services.span_create(document=document, annotator=request.user,
                                         label=label, **data)
        return Response(s.span_dict(span), status=status.HTTP_201_CREATED)


class SpanBulkView(APIView):
    @extend_schema(parameters=[DOCUMENT_ID], request=s.SpanBulkIn,
                   responses={201: s.SpanOut(many=True)},
                   summary="Create many of my spans: all or nothing")
    @idempotent
    def post(self, request, document_id):
        document = access.access_document(request.user, document_id, Need.ANNOTATE)
        data = parse(s.SpanBulkIn, request.data)
        spans = span_services.spans_bulk_create(document=document, annotator=request.user,
                                                items=data["spans"])
        return Response([s.span_dict(span) for span in spans], status=status.HTTP_201_CREATED)


class SpanDetailView(APIView):
    @extend_schema(responses=s.SpanOut, summary="One span")
    def get(self, request, span_id):
        return Response(s.span_dict(access.access_span(request.user, span_id)))

    @extend_schema(parameters=[IF_MATCH], request=s.SpanUpdateIn, responses=s.SpanOut,
                   summary="Change my span (label or offsets); stale version → 409")
    @idempotent
    def patch(self, request, span_id):
        span = access.access_span(request.user, span_id, Need.ANNOTATE)
        data = parse(s.SpanUpdateIn, request.data, s.span_update_plain)
        version = expected_version(request, data)
        data.pop("version", None)
        if "label" in data:
            data["label"] = access.label_in_project(span.document.project, data["label"])
        span = span_services.span_update(span=span, actor=request.user,
                                         expected_version=version, **data)
        return Response(s.span_dict(span))

    @extend_schema(parameters=[IF_MATCH, VERSION_QUERY], responses={204: None},
                   summary="Delete my span; stale version → 409")
    @idempotent
    def delete(self, request, span_id):
        span = access.access_span(request.user, span_id, Need.ANNOTATE)
        span_services.span_delete(span=span, actor=request.user,
                                  expected_version=expected_version(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
