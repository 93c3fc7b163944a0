"""REST views: the pre-taggers and pre-tagging jobs."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator import access, pretag
from annotator.access import Need
from annotator.api import serializers as s
from annotator.api.idempotency import idempotent
from annotator.api.views.common import PROJECT_ID, parse
from annotator.services.pretag_jobs import pretag_job_cancel, pretag_job_start

JOB_ID = OpenApiParameter("job_id", OpenApiTypes.INT, OpenApiParameter.PATH)


class TaggerListView(APIView):
    @extend_schema(responses=s.TaggerOut(many=True), summary="The pre-taggers this server has")
    def get(self, request):
        taggers = [pretag.get_tagger(name) for name in pretag.available_taggers()]
        return Response([{"name": t.name, "version": t.version,
                          "description": (type(t).__doc__ or "").strip().split("\n")[0]}
                         for t in taggers])


class PretagJobListView(APIView):
    @extend_schema(parameters=[PROJECT_ID], responses=s.PretagJobOut(many=True),
                   summary="The project's pre-tagging jobs, newest first (the last 50)")
    def get(self, request, project_id):
        project = access.access_project(request.user, project_id)
        jobs = project.pretag_jobs.select_related("requested_by").order_by("-created_at")[:50]
        return Response(s.PretagJobOut(jobs, many=True).data)

    @extend_schema(parameters=[PROJECT_ID], request=s.PretagJobStartIn,
                   responses={202: s.PretagJobOut},
                   summary="Start pre-tagging the project or some of its documents (admins)")
    @idempotent
    def post(self, request, project_id):
        project = access.access_project(request.user, project_id, Need.MANAGE)
        data = parse(s.PretagJobStartIn, request.data)
        job = pretag_job_start(project=project, requested_by=request.user,
                               document_ids=data["documents"], tagger_name=data["tagger"])
        return Response(s.PretagJobOut(job).data, status=status.HTTP_202_ACCEPTED)


class PretagJobDetailView(APIView):
    @extend_schema(parameters=[JOB_ID], responses=s.PretagJobOut,
                   summary="A pre-tagging job's state and progress")
    def get(self, request, job_id):
        return Response(s.PretagJobOut(access.access_pretag_job(request.user, job_id)).data)


class PretagJobCancelView(APIView):
    @extend_schema(parameters=[JOB_ID], request=None, responses=s.PretagJobOut,
                   summary="Cancel a queued or running job (admins)")
    @idempotent
    def post(self, request, job_id):
        job = access.access_pretag_job(request.user, job_id, Need.MANAGE)
        job = pretag_job_cancel(job=job, actor=request.user)
        return Response(s.PretagJobOut(job).data)
