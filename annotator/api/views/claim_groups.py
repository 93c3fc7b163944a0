"""REST views: a claim group's appearances (the same claim in several documents, first
reported first). Glue only: access decides, selectors/claim_groups.py reads."""
from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator import access
from annotator.api.serializers.claim_groups import ClaimGroupOut
from annotator.api.views.common import PROJECT_ID
from annotator.selectors.claim_groups import claim_group_appearances

GROUP_KEY = OpenApiParameter("group_key", OpenApiTypes.INT, OpenApiParameter.PATH,
                             description="A claim group's key (a claim's `group.key`).")


def workspace_url(claim: dict) -> str:
    return (f"{reverse('workspace', args=[claim['document']['id']])}"
            f"#span={claim['span_id']}&at={claim['start']}-{claim['end']}")


class ClaimGroupView(APIView):
    @extend_schema(parameters=[PROJECT_ID, GROUP_KEY], responses=ClaimGroupOut,
                   summary="A claim said in several documents: each appearance with its "
                           "document, outlet, date and sources, by date (who reported it "
                           "first), each linking into the workspace at its span")
    def get(self, request, project_id, group_key):
        project = access.access_project(request.user, project_id)
        try:
            key = access.object_id(group_key)
        except Http404:
            key = None
        group = None if key is None else claim_group_appearances(project=project, group_key=key)
        if group is None:
            raise Http404("group_key: no claim group of this project has this key.")
        for appearance in group["appearances"]:
            appearance["workspace_url"] = workspace_url(appearance)
        return Response(ClaimGroupOut(group).data)
