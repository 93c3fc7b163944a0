"""REST views: training a tagger model from the approved labels, and the project's tagger."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator import access
from annotator.access import Need
from annotator.api.serializers import training as ts
from annotator.api.idempotency import idempotent
from annotator.api.views.common import PROJECT_ID, parse
from annotator.services import training

MODEL_ID = OpenApiParameter("model_id", OpenApiTypes.INT, OpenApiParameter.PATH)
JOB_ID = OpenApiParameter("job_id", OpenApiTypes.INT, OpenApiParameter.PATH)
TOO_FEW = OpenApiResponse(description="Too few approved documents (`current`: approved, "
                                      "needed), or a training job is running already")


def _tagger_out(project) -> dict:
    model = training.project_tagger_in_use(project=project)
    return {"tagger": model.tagger_name if model else training.RULES,
            "model": ts.TaggerModelOut(model).data if model else None,
            **training.training_requirements(project=project)}


class TaggerModelListView(APIView):
    @extend_schema(parameters=[PROJECT_ID], responses=ts.TaggerModelOut(many=True),
                   summary="The project's trained models, newest first")
    def get(self, request, project_id):
        project = access.access_project(request.user, project_id)
        models = project.tagger_models.select_related("created_by")
        return Response(ts.TaggerModelOut(models, many=True).data)

    @extend_schema(parameters=[PROJECT_ID], request=ts.TrainingStartIn,
                   responses={202: ts.TrainingJobOut, 409: TOO_FEW},
                   summary="Train a model from the project's approved labels (admins)")
    @idempotent
    def post(self, request, project_id):
        project = access.access_project(request.user, project_id, Need.MANAGE)
        data = parse(ts.TrainingStartIn, request.data)
        job = training.training_job_start(project=project, requested_by=request.user, **data)
        return Response(ts.TrainingJobOut(job).data, status=status.HTTP_202_ACCEPTED)


class TaggerModelDetailView(APIView):
    @extend_schema(parameters=[PROJECT_ID, MODEL_ID], responses=ts.TaggerModelDetailOut,
                   summary="A trained model: its held-out scores and learning curve")
    def get(self, request, project_id, model_id):
        model = access.access_tagger_model(request.user, project_id, model_id)
        return Response(ts.TaggerModelDetailOut(model).data)


class TrainingJobListView(APIView):
    @extend_schema(parameters=[PROJECT_ID], responses=ts.TrainingJobOut(many=True),
                   summary="The project's training jobs, newest first (the last 20)")
    def get(self, request, project_id):
        project = access.access_project(request.user, project_id)
        jobs = project.training_jobs.select_related("requested_by")[:20]
        return Response(ts.TrainingJobOut(jobs, many=True).data)


class TrainingJobDetailView(APIView):
    @extend_schema(parameters=[PROJECT_ID, JOB_ID], responses=ts.TrainingJobOut,
                   summary="A training job's state and progress")
    def get(self, request, project_id, job_id):
        job = access.access_training_job(request.user, project_id, job_id)
        return Response(ts.TrainingJobOut(job).data)


class TrainingJobCancelView(APIView):
    @extend_schema(parameters=[PROJECT_ID, JOB_ID], request=None,
                   responses={200: ts.TrainingJobOut,
                              409: OpenApiResponse(description="The job has finished")},
                   summary="Cancel a queued or running training job (admins): no model is made")
    @idempotent
    def post(self, request, project_id, job_id):
        job = access.access_training_job(request.user, project_id, job_id, Need.MANAGE)
        return Response(ts.TrainingJobOut(
            training.training_job_cancel(job=job, actor=request.user)).data)


class ProjectTaggerView(APIView):
    @extend_schema(parameters=[PROJECT_ID], responses=ts.ProjectTaggerOut,
                   summary="The tagger (and model) the project's pre-tagging uses")
    def get(self, request, project_id):
        return Response(_tagger_out(access.access_project(request.user, project_id)))

    @extend_schema(parameters=[PROJECT_ID], request=ts.ProjectTaggerIn,
                   responses=ts.ProjectTaggerOut,
                   summary="Choose the rules tagger or a trained model for pre-tagging (admins)")
    @idempotent
    def post(self, request, project_id):
        project = access.access_project(request.user, project_id, Need.MANAGE)
        data = parse(ts.ProjectTaggerIn, request.data)
        model = None if data["model"] is None else access.access_tagger_model(
            request.user, project_id, data["model"], Need.MANAGE)
        training.project_tagger_choose(project=project, actor=request.user, model=model)
        return Response(_tagger_out(project))
