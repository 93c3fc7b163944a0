"""REST views: storing a tagger's suggestions, accepting or rejecting them."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator import access, selectors
from annotator.access import Need
from annotator.api import serializers as s
from annotator.api.idempotency import idempotent
from annotator.api.views.common import DOCUMENT_ID, parse
from annotator.models import LabelStatus
from annotator.services import suggestions as suggestion_services

class SuggestionStoreView(APIView):
    @extend_schema(parameters=[DOCUMENT_ID], request=s.SuggestionsStoreIn,
                   responses={201: s.SuggestionsStoredOut},
                   summary="Store a tagger's suggestions (admins); idempotent")
    def post(self, request, document_id):
        document = access.access_document(request.user, document_id, Need.MANAGE)
        data = parse(s.SuggestionsStoreIn, request.data)
        spans, attributions = suggestion_services.suggestions_store(
            document=document, tagger_name=data["tagger_name"],
            tagger_version=data["tagger_version"],
            spans=[suggestion_services.SuggestedSpan(**item) for item in data["spans"]],
            attributions=[suggestion_services.SuggestedAttribution(**item)
                          for item in data["attributions"]])
        return Response({"spans_created": spans, "attributions_created": attributions},
                        status=status.HTTP_201_CREATED)


class SuggestionDecideView(APIView):
    @extend_schema(parameters=[DOCUMENT_ID], request=s.SuggestionDecideIn,
                   responses=s.SuggestionDecidedOut,
                   summary="Accept or reject suggestions, one or many; accepted ones become mine")
    @idempotent
    def post(self, request, document_id):
        document = access.access_document(request.user, document_id, Need.ANNOTATE)
        data = parse(s.SuggestionDecideIn, request.data)
        if not data["spans"] and not data["attributions"]:
            raise ApiValidationError({"spans": ["give at least one span or attribution id."]})
        result = suggestion_services.suggestions_decide(
            document=document, annotator=request.user, decision=data["decision"],
            span_ids=data["spans"], attribution_ids=data["attributions"])
        attributions = selectors.attribution_row_list_by_id(
            ids=sorted(a.pk for a in result["attributions"]))
        return Response(s.suggestion_decided_dict(
            spans=selectors.span_row_list_by_id(ids=[span.pk for span in result["spans"]]),
            # Accepted ones only, as this endpoint always answered.
            attributions=[a for a in attributions if a["status"] == LabelStatus.ACCEPTED]))
