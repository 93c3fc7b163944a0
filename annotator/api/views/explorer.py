"""REST views: the explorer's figures (issue #16, point 3), as JSON and as CSV.
Glue only: access.py decides who reads which layer, selectors/explorer.py counts."""
from __future__ import annotations

import csv
import io

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from django.http import Http404, HttpResponse
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator import access
from annotator.api.serializers import explorer as x
from annotator.api.views.claim_groups import workspace_url
from annotator.api.views.common import PROJECT_ID, parse
from annotator.selectors.claim_groups import claim_group_for_places
from annotator.api.views.transfers import JsonOnlyNegotiation
from annotator.selectors.explorer import (NO_ENTITY, explorer_claim_list, explorer_filter_check,
                                          explorer_ranking, explorer_summary)

ENTITY = OpenApiParameter("entity", OpenApiTypes.STR, OpenApiParameter.PATH,
                          description="A source entity's id, or 'none' for \"(no entity)\".")
CSV_COLUMNS = ["rank", "entity_id", "name", "type", "claims", "first_hand", "second_hand",
               "documents"]


def _query(request, project, serializer_class) -> tuple[dict, object]:
    """The query parameters, checked (400 naming the parameter), and the filters."""
    query = parse(serializer_class, request.query_params)
    filters = explorer_filter_check(
        project=project, outlet=query.get("outlet"), date_from=query.get("date_from"),
        date_to=query.get("date_to"), source_type=query.get("type", ""),
        attributes=query["attribute"],
        annotator_id=access.access_project_layer(request.user, project, query["layer"]))
    return query, filters


class SourceListView(APIView):
    @extend_schema(parameters=[PROJECT_ID, x.ExplorerQueryIn], responses=x.ExplorerSummaryOut,
                   summary="The explorer: sources ranked by claim count, the share of "
                           "anonymous sources per outlet and month, claims over time")
    def get(self, request, project_id):
        project = access.access_project(request.user, project_id)
        query, filters = _query(request, project, x.ExplorerQueryIn)
        summary = explorer_summary(project=project, filters=filters, limit=query["limit"])
        return Response(x.ExplorerSummaryOut({**summary, "layer": query["layer"]}).data)


class SourceCsvView(APIView):
    content_negotiation_class = JsonOnlyNegotiation

    @extend_schema(parameters=[PROJECT_ID, x.ExplorerQueryIn],
                   responses={(200, "text/csv"): OpenApiResponse(
                       OpenApiTypes.STR, description="rank, entity_id, name, type, claims, "
                                                     "first_hand, second_hand, documents: "
                                                     "every source (no limit)")},
                   summary="The explorer's sources as CSV, under the same filters")
    def get(self, request, project_id):
        project = access.access_project(request.user, project_id)
        _, filters = _query(request, project, x.ExplorerQueryIn)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        for rank, row in enumerate(explorer_ranking(project=project, filters=filters), 1):
            writer.writerow([rank, row["entity"] or "", row["name"], row["type"] or "",
                             row["claims"], row["first_hand"], row["second_hand"],
                             row["documents"]])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="sources-{project.pk}.csv"'
        return response


def _place(claim: dict) -> tuple:
    return claim["document"]["id"], claim["start"], claim["end"]


class SourceClaimListView(APIView):
    @extend_schema(parameters=[PROJECT_ID, ENTITY, x.ExplorerClaimQueryIn],
                   responses=x.ClaimPageOut,
                   summary="Every claim of one source across the project's documents, each "
                           "with a link into the workspace at its span")
    def get(self, request, project_id, entity):
        project = access.access_project(request.user, project_id)
        if entity == "none":
            source = {"entity": None, "name": NO_ENTITY, "type": None}
        else:
            try:
                found = access.access_entity(request.user, project_id, entity)
            except Http404:
                raise Http404("entity: not an entity of this project (give one of its "
                              "entities' ids, or 'none').") from None
            source = {"entity": found.pk, "name": found.name, "type": found.type}
        query, filters = _query(request, project, x.ExplorerClaimQueryIn)
        count, claims = explorer_claim_list(project=project, filters=filters,
                                            entity_id=source["entity"],
                                            offset=query["offset"], limit=query["limit"])
        groups = {} if filters.annotator_id is not None else claim_group_for_places(
            project=project, places=[_place(claim) for claim in claims])
        for claim in claims:
            claim["workspace_url"] = workspace_url(claim)
            claim["group"] = groups.get(_place(claim))
        return Response(x.ClaimPageOut({"source": source, "count": count,
                                        "offset": query["offset"], "limit": query["limit"],
                                        "results": claims}).data)
