"""REST views: a project's documents, one document, annotators' statuses."""
from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator import access, selectors
from annotator.access import Forbidden, Need
from annotator.api import serializers as s
from annotator.api.idempotency import idempotent
from annotator.api.renderers import render_ascii
from annotator.api.views.common import DOCUMENT_ID, PROJECT_ID, membership, parse
from annotator.models import DocStatus, Document, DocumentStatus, Span
from annotator.selectors.detail_cache import DetailEntry
from annotator.services import documents as document_services

class DocumentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(field_name="my_status", choices=DocStatus.choices,
                                         label="My status")
    annotator = django_filters.NumberFilter(method="by_annotator", min_value=1,
                                            max_value=2**63 - 1,
                                            label="Documents this annotator has worked on")
    has_suggestions = django_filters.BooleanFilter(field_name="has_suggestions")
    assigned_to_me = django_filters.BooleanFilter(field_name="assigned_to_me")
    q = django_filters.CharFilter(method="search", max_length=200,
                                  label="Search in title and text")

    def by_annotator(self, queryset, name, value):
        worked = (Q(Exists(DocumentStatus.objects.filter(document=OuterRef("pk"),
                                                         annotator_id=value)))
                  | Q(Exists(Span.objects.filter(document=OuterRef("pk"), annotator_id=value))))
        return queryset.filter(worked)

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(text__icontains=value))


class DocumentPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class DocumentListView(GenericAPIView):
    serializer_class = s.DocumentListOut
    filterset_class = DocumentFilter
    pagination_class = DocumentPagination
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request, no project
            return Document.objects.none()
        project = self.project = access.access_project(self.request.user,
                                                       self.kwargs["project_id"])
        return selectors.document_list_for_project(project=project, user=self.request.user)

    # many=True: the schema then shows the paginated page, with the filter and page parameters
    @extend_schema(parameters=[PROJECT_ID], responses=s.DocumentListOut(many=True),
                   summary="The project's documents, with my status")
    def get(self, request, project_id):
        if not set(DocumentFilter.base_filters) & set(request.query_params):
            return self._unfiltered_page(request, project_id)
        queryset = self.get_queryset()  # 404 first for non-members
        annotator = request.query_params.get("annotator")
        if annotator not in (None, "", str(request.user.pk)):
            project = access.access_project(request.user, project_id)
            if not access.sees_all_layers(membership(request, project)):
                raise Forbidden("Only reviewers and admins filter by another annotator.")
        page = self.paginate_queryset(self.filter_queryset(queryset))
        sees = access.sees_all_layers(membership(request, self.project))
        return self.get_paginated_response(s.DocumentListOut(
            page, many=True, context={"sees_assignees": sees}).data)

    def _unfiltered_page(self, request, project_id):
        """The page without filters: written-out SQL and plain rows (issue #17), the same
        answer as DocumentListOut's (tests/api/test_fast_serializers.py). The page asked
        for is read with the count, in one query (selectors.DocumentPage)."""
        project = self.project = access.access_project(request.user, project_id)
        member = membership(request, project)
        sees = access.sees_all_layers(member)
        page = self.paginate_queryset(selectors.DocumentPage(
            project=project, user=request.user, with_assignees=sees,
            assigned_only=not access.opens_unassigned(member), expect=self._page_asked(request)))
        zone = timezone.get_current_timezone()  # once, not per row
        return self.get_paginated_response([
            s.document_list_row_dict(row, sees_assignees=sees, zone=zone) for row in page])

    def _page_asked(self, request) -> slice | None:
        """The rows the paginator will slice for this request's page (None: a page number
        it reads otherwise, such as "last")."""
        size = self.paginator.get_page_size(request)
        raw = request.query_params.get(self.paginator.page_query_param) or "1"
        number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 0
        return slice((number - 1) * size, number * size) if number >= 1 and size else None

    @extend_schema(parameters=[PROJECT_ID], request=s.DocumentCreateIn,
                   responses={201: s.DocumentCreatedOut, 200: s.DocumentCreatedOut},
                   summary="Add a document (admins); the same text again is not duplicated")
    def post(self, request, project_id):
        project = access.access_project(request.user, project_id, Need.MANAGE)
        data = parse(s.DocumentCreateIn, request.data)
        document, created = document_services.document_create(project=project, **data)
        return Response({"id": document.pk, "created": created},
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


LAYER = OpenApiParameter("layer", OpenApiTypes.STR, OpenApiParameter.QUERY,
                         description="'mine' (default), 'all', or an annotator's user id "
                                     "(reviewers and admins).")


class DocumentDetailView(APIView):
    @extend_schema(parameters=[DOCUMENT_ID, LAYER], responses=s.DocumentDetailOut,
                   summary="A document with its text, labels and suggestions, in one response")
    def get(self, request, document_id):
        # The text comes from this process's copy when it holds one (services/layers.py);
        # the document's change stamps come with the access check, in its query.
        document = access.access_document(request.user, document_id, text=False, stamps=True)
        layer = access.access_layer(request.user, document,
                                    request.query_params.get("layer", "mine"))
        # The rendered bytes when nothing changed since this process last rendered this
        # view, and a 304 when the client holds them (selectors/detail_cache.py).
        entry = DetailEntry(document_id=document.pk, user_id=request.user.pk, layer=layer,
                            role=access.membership_for(request.user, document.project).role,
                            stamps=document.read_stamps)
        if entry.matches(request.headers.get("If-None-Match", "")):
            response = HttpResponseNotModified()
        else:
            if entry.body is None:
                detail = selectors.document_detail_for_user(document=document,
                                                            user=request.user, layer=layer)
                # In ASCII: a client decodes 2 MB of it at the speed of a copy
                # (api/renderers.py, render_ascii).
                entry.keep(render_ascii(s.document_detail_dict(detail)))
            response = HttpResponse(entry.body, content_type="application/json")
        response["ETag"] = entry.etag
        response["Cache-Control"] = "private, no-cache"
        return response


class DocumentStatusView(APIView):
    @extend_schema(parameters=[DOCUMENT_ID], request=s.StatusChangeIn, responses=s.StatusOut,
                   summary="start / submit my work; return / approve an annotator's (reviewers)")
    @idempotent
    def post(self, request, document_id):
        data = parse(s.StatusChangeIn, request.data)
        document, annotator = access.access_document_status(
            request.user, document_id, action=data["action"], annotator_id=data.get("annotator"))
        row = document_services.document_status_change(
            document=document, actor=request.user, annotator=annotator, action=data["action"],
            note=data["note"])
        return Response(s.StatusOut(row).data)
