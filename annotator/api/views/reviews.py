"""REST views: one review decision, the decisions on a document."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator import access, selectors
from annotator.access import Need
from annotator.api import serializers as s
from annotator.api.idempotency import idempotent
from annotator.api.views.common import DOCUMENT_ID, membership, parse
from annotator.models import Attribution, Span
from annotator.services import reviews as review_services

class ReviewListView(APIView):
    @extend_schema(parameters=[DOCUMENT_ID], responses=s.ReviewOut(many=True),
                   summary="Review decisions on this document (annotators: on their own labels)")
    def get(self, request, document_id):
        document = access.access_document(request.user, document_id)
        everyone = access.sees_all_layers(membership(request, document.project))
        reviews = selectors.review_list_for_document(
            document=document, annotator_id=None if everyone else request.user.pk)
        return Response(s.ReviewOut(reviews, many=True).data)

    @extend_schema(parameters=[DOCUMENT_ID], request=s.ReviewIn, responses={201: s.ReviewOut},
                   summary="Approve or reject one span or attribution (reviewers)")
    @idempotent
    def post(self, request, document_id):
        document = access.access_document(request.user, document_id, Need.REVIEW)
        data = parse(s.ReviewIn, request.data)
        kind, model = ("span", Span) if "span" in data else ("attribution", Attribution)
        target = access.row_in_document(model, document, data[kind], field=kind)
        review = review_services.review_decide(reviewer=request.user, target=target,
                                               decision=data["decision"], note=data["note"])
        return Response(s.ReviewOut(review).data, status=status.HTTP_201_CREATED)
