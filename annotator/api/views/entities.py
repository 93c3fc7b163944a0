"""REST views: a project's source entities, and the link of a SOURCE span to one (issue #16).
Glue only: access.py decides, services/entities.py writes, selectors/entities.py reads."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator import access, selectors
from annotator.access import Need
from annotator.api import serializers as s
from annotator.api.idempotency import idempotent
from annotator.api.serializers import entities as e
from annotator.api.views.common import IF_MATCH, PROJECT_ID, expected_version, parse
from annotator.models import SourceEntity
from annotator.services import entities as entity_services

ENTITY_ID = OpenApiParameter("entity_id", OpenApiTypes.INT, OpenApiParameter.PATH)


class EntityPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def _out(entity) -> dict:
    return e.EntityOut(selectors.entity_with_mentions(entity=entity)).data


class EntityListView(GenericAPIView):
    serializer_class = e.EntityOut
    pagination_class = EntityPagination
    queryset = SourceEntity.objects.none()  # for the schema; get() reads through the selector

    @extend_schema(parameters=[PROJECT_ID, e.EntityFilterIn], responses=e.EntityOut(many=True),
                   summary="The project's source entities, with their mention counts "
                           "(search by name or alias)")
    def get(self, request, project_id):
        project = access.access_project(request.user, project_id)
        query = parse(e.EntityFilterIn, request.query_params)
        ids = [int(i) for i in query["ids"].split(",")] if query.get("ids") else None
        rows = selectors.entity_list_for_project(project=project, q=query.get("q", ""),
                                                 type=query.get("type", ""), ids=ids)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(e.EntityOut(page, many=True).data)

    @extend_schema(parameters=[PROJECT_ID], request=e.EntityCreateIn,
                   responses={201: e.EntityOut},
                   summary="Make a source entity (annotators and admins)")
    @idempotent
    def post(self, request, project_id):
        project = access.access_project(request.user, project_id, Need.ANNOTATE)
        data = parse(e.EntityCreateIn, request.data)
        entity = entity_services.entity_create(project=project, actor=request.user, **data)
        return Response(_out(entity), status=status.HTTP_201_CREATED)


class EntityDetailView(APIView):
    @extend_schema(parameters=[PROJECT_ID, ENTITY_ID], responses=e.EntityOut,
                   summary="One source entity")
    def get(self, request, project_id, entity_id):
        return Response(_out(access.access_entity(request.user, project_id, entity_id)))

    @extend_schema(parameters=[PROJECT_ID, ENTITY_ID, IF_MATCH], request=e.EntityUpdateIn,
                   responses=e.EntityOut,
                   summary="Rename an entity, change its type or aliases (reviewers and "
                           "admins); stale version → 409")
    @idempotent
    def patch(self, request, project_id, entity_id):
        entity = access.access_entity(request.user, project_id, entity_id, Need.REVIEW)
        data = parse(e.EntityUpdateIn, request.data)
        version = expected_version(request, data)
        data.pop("version", None)
        entity = entity_services.entity_update(entity=entity, actor=request.user,
                                               expected_version=version, **data)
        return Response(_out(entity))

    @extend_schema(parameters=[PROJECT_ID, ENTITY_ID], responses={204: None},
                   summary="Delete an entity nothing mentions (reviewers and admins); one "
                           "with mentions → 409: merge it instead")
    def delete(self, request, project_id, entity_id):
        entity = access.access_entity(request.user, project_id, entity_id, Need.REVIEW)
        entity_services.entity_delete(entity=entity, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EntityMergeView(APIView):
    @extend_schema(parameters=[PROJECT_ID, ENTITY_ID], request=e.EntityMergeIn,
                   responses=e.EntityOut,
                   summary="Merge this entity into another of the project: every mention "
                           "moves, its names become aliases (reviewers and admins)")
    @idempotent
    def post(self, request, project_id, entity_id):
        entity = access.access_entity(request.user, project_id, entity_id, Need.REVIEW)
        data = parse(e.EntityMergeIn, request.data)
        into = access.entity_in_project(entity.project, data["into"], field="into")
        merged = entity_services.entity_merge(entity=entity, into=into, actor=request.user)
        return Response(_out(merged))


class SpanEntityView(APIView):
    @extend_schema(parameters=[IF_MATCH], request=e.SpanEntityIn, responses=s.SpanOut,
                   summary="Link my SOURCE span to a source entity (null unlinks); stale "
                           "version → 409")
    @idempotent
    def put(self, request, span_id):
        span = access.access_span(request.user, span_id, Need.ANNOTATE)
        data = parse(e.SpanEntityIn, request.data)
        version = expected_version(request, data)
        entity = (None if data["entity"] is None else
                  access.entity_in_project(span.document.project, data["entity"],
                                           field="entity"))
        span = entity_services.span_entity_set(span=span, actor=request.user, entity=entity,
                                               expected_version=version)
        return Response(s.span_dict(span))
