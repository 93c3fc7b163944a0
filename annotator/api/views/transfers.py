"""REST views of import and export: parse → access → one service call → serialize.

Export jobs (reviewers and admins): start one (202, a worker writes the zip),
follow its progress, download the zip. Import (admins): a multipart upload,
checked whole before anything is written (400 lists every bad line).
"""
from __future__ import annotations

from django.conf import settings
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator import access
from annotator.access import Need
from annotator.api import transfer_serializers as ts
from annotator.api.idempotency import idempotent
from annotator.api.parsers import MultiPartParser
from annotator.api.views.common import PROJECT_ID, parse
from annotator.errors import Conflict, Gone
from annotator.models import ExportJob
from annotator.services import exports as export_services
from annotator.services import imports as import_services

JOB_ID = OpenApiParameter("job_id", OpenApiTypes.INT, OpenApiParameter.PATH)


class ExportJobListView(APIView):
    @extend_schema(parameters=[PROJECT_ID], responses=ts.ExportJobOut(many=True),
                   summary="The project's exports, newest first (the last 50; reviewers, "
                           "admins)")
    def get(self, request, project_id):
        project = access.access_project(request.user, project_id, Need.REVIEW)
        jobs = project.export_jobs.select_related("requested_by", "annotator")[:50]
        return Response(ts.ExportJobOut(jobs, many=True).data)

    @extend_schema(parameters=[PROJECT_ID], request=ts.ExportJobStartIn,
                   responses={202: ts.ExportJobOut},
                   summary="Start an export (reviewers, admins); a worker writes the zip")
    @idempotent
    def post(self, request, project_id):
        project = access.access_project(request.user, project_id, Need.REVIEW)
        data = parse(ts.ExportJobStartIn, request.data)
        job = export_services.export_job_start(project=project, requested_by=request.user,
                                               fmt=data["format"], layer=data["layer"])
        return Response(ts.ExportJobOut(job).data, status=status.HTTP_202_ACCEPTED)


class ExportJobDetailView(APIView):
    @extend_schema(parameters=[JOB_ID], responses=ts.ExportJobOut,
                   summary="An export's state and progress")
    def get(self, request, job_id):
        return Response(ts.ExportJobOut(access.access_export_job(request.user, job_id)).data)


class JsonOnlyNegotiation(BaseContentNegotiation):
    """The download is a file whatever the Accept header says; its errors are JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ExportJobDownloadView(APIView):
    content_negotiation_class = JsonOnlyNegotiation

    @extend_schema(parameters=[JOB_ID],
                   responses={(200, "application/zip"): OpenApiResponse(
                       OpenApiTypes.BINARY, description="The zip: data files and manifest.json"),
                       (409, "application/json"): OpenApiResponse(
                           description="Not done yet, or failed"),
                       (410, "application/json"): OpenApiResponse(
                           description="Its file was deleted after EXPORT_RETENTION_DAYS")},
                   summary="Download a finished export (a zip)")
    def get(self, request, job_id):
        job = access.access_export_job(request.user, job_id)
        if job.state == ExportJob.State.DONE and not job.file_name:
            raise Gone("This export's file was deleted: finished exports are kept "
                       f"{settings.EXPORT_RETENTION_DAYS} days (EXPORT_RETENTION_DAYS). Start "
                       "the export again.", code="export_expired")
        if job.state != ExportJob.State.DONE:
            raise Conflict(f"The export is {job.state}: there is nothing to download yet.",
                           current={"state": job.state}, code="export_not_ready")
        path = export_services.export_path(job)
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            raise Conflict("The export's file is gone from the server: start a new export.",
                           current={"state": job.state}, code="export_file_missing") from None
        response = FileResponse(handle, as_attachment=True,
                                filename=export_services.download_name(job),
                                content_type="application/zip")
        response["X-Content-SHA256"] = job.sha256
        return response


class ImportView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(parameters=[PROJECT_ID], request={"multipart/form-data": ts.ImportIn},
                   responses={201: ts.ImportReportOut, 400: ts.ImportRefusedOut,
                              (415, "application/json"): OpenApiResponse(
                                  description="Not a multipart upload")},
                   summary="Import documents (and labels) from a file (admins): all or nothing")
    def post(self, request, project_id):
        project = access.access_project(request.user, project_id, Need.MANAGE)
        limit = settings.MAX_UPLOAD_MB * 1024 * 1024
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            raise ApiValidationError({"file": [f"is larger than the limit of "
                                               f"{settings.MAX_UPLOAD_MB} MB."]})
        data = parse(ts.ImportIn, request.data)
        upload = data["file"]
        try:
            report = import_services.import_file(
                project=project, user=request.user, stream=upload.file,
                file_name=upload.name or "upload", fmt=data["format"], mode=data["mode"],
                normalize=data["normalize"], offsets=data["offsets"],
                keep_review_state=data["keep_review_state"], layers=data["layers"],
                annotator_map=data["annotator_map"])
        except import_services.ImportRefused as refused:
            body = refused.report.as_dict()
            return Response({"file": [str(refused)], "errors": body["errors"],
                             "more_errors": body["more_errors"]},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response(report.as_dict(), status=status.HTTP_201_CREATED)
