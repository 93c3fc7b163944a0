"""REST views of the review workflow: bulk decisions, corrections, the queue, annotators'
statuses on a document, and agreement. Glue only, as in the other api/views modules."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator import access, selectors
from annotator.access import Forbidden, Need
from annotator.api import serializers as s
from annotator.api.idempotency import idempotent
from annotator.api.views.attributions import _attribution_out
from annotator.api.views.common import DOCUMENT_ID, PROJECT_ID, parse
from annotator.api.views.documents import DocumentPagination
from annotator.models import Attribution, Document, Span
from annotator.services import reviews as review_services


def _parse_query(serializer_class, request):
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ReviewBulkView(APIView):
    @extend_schema(parameters=[DOCUMENT_ID], request=s.ReviewBulkIn,
                   responses={201: s.ReviewBulkOut},
                   summary="Approve or reject many spans and attributions at once (reviewers); "
                           "by default only those still pending: says what it decided, "
                           "consequences included, and what it left and why")
    @idempotent
    def post(self, request, document_id):
        document = access.access_document(request.user, document_id, Need.REVIEW)
        data = parse(s.ReviewBulkIn, request.data)
        outcome = review_services.review_bulk_decide(
            reviewer=request.user, document=document, decision=data["decision"],
            note=data["note"], undecided_only=data["undecided_only"],
            spans=access.rows_in_document(Span, document, data["spans"], field="spans"),
            attributions=access.rows_in_document(Attribution, document, data["attributions"],
                                                 field="attributions"))
        return Response(s.review_outcome_dict(outcome), status=status.HTTP_201_CREATED)


class CorrectionSpanView(APIView):
    @extend_schema(parameters=[DOCUMENT_ID], request=s.CorrectionSpanIn,
                   responses={201: s.SpanOut},
                   summary="A reviewer's correction: their own span, approved as made; the "
                           "spans it replaces are rejected")
    @idempotent
    def post(self, request, document_id):
        document = access.access_document(request.user, document_id, Need.REVIEW)
        data = dict(parse(s.CorrectionSpanIn, request.data))
        label = access.label_in_project(document.project, data.pop("label"))
        replaces = access.rows_in_document(Span, document, data.pop("replaces"),
                                           field="replaces")
        span = review_services.review_correct_span(document=document, reviewer=request.user,
                                                   label=label, replaces=replaces, **data)
        return Response(s.span_dict(span), status=status.HTTP_201_CREATED)


class CorrectionAttributionView(APIView):
    @extend_schema(parameters=[DOCUMENT_ID], request=s.CorrectionAttributionIn,
                   responses={201: s.AttributionOut},
                   summary="A reviewer's attribution from any annotator's spans, approved as "
                           "made; the attributions it replaces are rejected")
    @idempotent
    def post(self, request, document_id):
        document = access.access_document(request.user, document_id, Need.REVIEW)
        data = parse(s.CorrectionAttributionIn, request.data)

        def one(field):
            if data[field] is None:
                return None
            return access.rows_in_document(Span, document, [data[field]], field=field)[0]

        if len(set(data["claims"])) != len(data["claims"]):
            raise ValidationError({"claims": "lists a span twice."})
        attribution = review_services.review_correct_attribution(
            document=document, reviewer=request.user,
            claims=access.rows_in_document(Span, document, data["claims"], field="claims"),
            source=one("source"), cue=one("cue"), attributes=data["attributes"],
            replaces=access.rows_in_document(Attribution, document, data["replaces"],
                                             field="replaces"),
            note=data["note"])
        return Response(_attribution_out(attribution), status=status.HTTP_201_CREATED)


class ReviewQueueView(GenericAPIView):
    serializer_class = s.ReviewQueueOut
    pagination_class = DocumentPagination
    queryset = Document.objects.none()  # for the schema; get() reads through the selector

    # many=True: the schema then shows the paginated page, with the page parameters
    @extend_schema(parameters=[s.ReviewQueueFilterIn], responses=s.ReviewQueueOut(many=True),
                   summary="Documents waiting for review in the projects I review, oldest "
                           "first (empty for those who review nothing)")
    def get(self, request):
        filters = _parse_query(s.ReviewQueueFilterIn, request)
        queue = selectors.review_queue_for_user(
            user=request.user, project_id=filters.get("project"),
            annotator_id=filters.get("annotator"), older_than_days=filters.get("older_than_days"))
        page = self.paginate_queryset(queue)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class DocumentStatusListView(APIView):
    @extend_schema(parameters=[DOCUMENT_ID], responses=s.AnnotatorStatusOut(many=True),
                   summary="Every annotator's status on this document (reviewers)")
    def get(self, request, document_id):
        document = access.access_document(request.user, document_id, Need.REVIEW)
        return Response(s.AnnotatorStatusOut(
            selectors.status_list_for_document(document=document), many=True).data)


class AgreementView(APIView):
    @extend_schema(parameters=[PROJECT_ID, s.AgreementFilterIn], responses=s.AgreementOut,
                   summary="Agreement between annotators: span F1, token kappa and alpha, "
                           "attribution F1; per project, document, label and pair (reviewers; "
                           "annotators too when they see each other's work)")
    def get(self, request, project_id):
        project = access.access_project(request.user, project_id)
        if not access.sees_all_layers(access.membership_for(request.user, project)):
            raise Forbidden("Only reviewers and admins see agreement between annotators.")
        filters = _parse_query(s.AgreementFilterIn, request)
        if "document" in filters and not project.documents.filter(
                pk=filters["document"]).exists():
            raise ValidationError({"document": f"{filters['document']} is not a document of "
                                               "this project."})
        if "label" in filters:
            access.label_in_project(project, filters["label"])
        report = selectors.agreement_for_project(project=project,
                                                 document_id=filters.get("document"),
                                                 label=filters.get("label"))
        return Response(s.AgreementOut(report).data)

