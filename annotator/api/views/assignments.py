"""REST views: assigning a project's documents to annotators, and its progress dashboard.
Glue only: access.py decides, services/assignments.py writes, selectors/progress.py reads."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator import access, selectors
from annotator.access import Need
from annotator.api.serializers import assignments as a
from annotator.api.idempotency import idempotent
from annotator.api.views.common import PROJECT_ID, membership, parse
from annotator.api.views.documents import DocumentPagination
from annotator.api.views.review_workflow import _parse_query
from annotator.models import Assignment
from annotator.services import assignments as assignment_services

ASSIGNMENT_ID = OpenApiParameter("assignment_id", OpenApiTypes.INT, OpenApiParameter.PATH)


def _outcome(project, outcome) -> dict:
    made = selectors.assignment_list_for_project(project=project).filter(
        pk__in=[row.pk for row in outcome.created])
    return {"created": a.AssignmentOut(made, many=True).data,
            "removed": [row.pk for row in outcome.removed], "unchanged": outcome.unchanged}


class AssignmentListView(GenericAPIView):
    serializer_class = a.AssignmentOut
    pagination_class = DocumentPagination
    queryset = Assignment.objects.none()  # for the schema; get() reads through the selector

    @extend_schema(parameters=[PROJECT_ID, a.AssignmentFilterIn],
                   responses=a.AssignmentOut(many=True),
                   summary="Who is assigned which document (annotators see their own only, "
                           "unless the project lets them see each other)")
    def get(self, request, project_id):
        project = access.access_project(request.user, project_id)
        filters = _parse_query(a.AssignmentFilterIn, request)
        if not access.sees_all_layers(membership(request, project)):
            filters["annotator"] = request.user.pk
        rows = selectors.assignment_list_for_project(
            project=project, annotator_id=filters.get("annotator"),
            document_id=filters.get("document"))
        return self.get_paginated_response(
            a.AssignmentOut(self.paginate_queryset(rows), many=True).data)

    @extend_schema(parameters=[PROJECT_ID], request=a.AssignmentBulkIn,
                   responses={201: a.AssignmentOutcomeOut},
                   summary="Assign every document given to every annotator given (admins); "
                           "pairs already assigned stay")
    @idempotent
    def post(self, request, project_id):
        project = access.access_project(request.user, project_id, Need.MANAGE)
        data = parse(a.AssignmentBulkIn, request.data)
        outcome = assignment_services.assignment_create_bulk(
            project=project, actor=request.user, annotator_ids=data["annotators"],
            documents=access.documents_in_project(project, data["documents"], field="documents"))
        return Response(_outcome(project, outcome), status=status.HTTP_201_CREATED)


class AssignmentUnassignView(APIView):
    @extend_schema(parameters=[PROJECT_ID], request=a.AssignmentBulkIn,
                   responses=a.AssignmentOutcomeOut,
                   summary="Unassign every document given from every annotator given (admins); "
                           "their labels stay")
    @idempotent
    def post(self, request, project_id):
        project = access.access_project(request.user, project_id, Need.MANAGE)
        data = parse(a.AssignmentBulkIn, request.data)
        outcome = assignment_services.assignment_delete_bulk(
            project=project, actor=request.user, annotator_ids=data["annotators"],
            documents=access.documents_in_project(project, data["documents"], field="documents"))
        return Response(_outcome(project, outcome))


class AssignmentDetailView(APIView):
    @extend_schema(parameters=[PROJECT_ID, ASSIGNMENT_ID], responses={204: None},
                   summary="Remove one assignment (admins); the annotator's labels stay")
    @idempotent
    def delete(self, request, project_id, assignment_id):
        assignment = access.access_assignment(request.user, project_id, assignment_id)
        assignment_services.assignment_delete(assignment=assignment, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AssignmentAutoView(APIView):
    @extend_schema(parameters=[PROJECT_ID], request=a.AssignmentAutoIn,
                   responses={201: a.AssignmentOutcomeOut},
                   summary="Assign automatically (admins): each document to k annotators, "
                           "balanced by the assignments each has, reproducible for a seed; "
                           "documents with k assignees already get none")
    @idempotent
    def post(self, request, project_id):
        project = access.access_project(request.user, project_id, Need.MANAGE)
        data = parse(a.AssignmentAutoIn, request.data)
        documents = data.get("documents")
        outcome = assignment_services.assignment_auto(
            project=project, actor=request.user, k=data.get("k"), seed=data["seed"],
            annotator_ids=data.get("annotators"),
            documents=None if documents is None else access.documents_in_project(
                project, documents, field="documents"))
        return Response(_outcome(project, outcome), status=status.HTTP_201_CREATED)


class DashboardView(APIView):
    @extend_schema(parameters=[PROJECT_ID, a.DashboardFilterIn], responses=a.DashboardOut,
                   summary="Progress (reviewers and admins): per annotator assigned, in "
                           "progress, submitted, approved, returned, labels, last activity, "
                           "agreement; per document (a page of 50) who is on it")
    def get(self, request, project_id):
        project = access.access_project(request.user, project_id, Need.REVIEW)
        filters = _parse_query(a.DashboardFilterIn, request)
        return Response(a.DashboardOut(selectors.dashboard_for_project(
            project=project, page=filters["page"])).data)
