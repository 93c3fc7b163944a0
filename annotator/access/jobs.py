"""Background jobs (pre-tagging, export, training) and trained models for a user."""
from __future__ import annotations

from django.http import Http404

from annotator.access.projects import _of_project
from annotator.access.roles import Need, membership_for, object_id, projects_for, require
from annotator.models import ExportJob, PretagJob, TaggerModel, TrainingJob


def _access_job(queryset, user, job_id, need: Need, what: str):
    job = queryset.filter(pk=object_id(job_id), project__in=projects_for(user)).first()
    if job is None:
        raise Http404(f"No such {what}.")
    if need is not Need.READ:
        require(membership_for(user, job.project), need)
    return job


def access_pretag_job(user, job_id, need: Need = Need.READ) -> PretagJob:
    """A pre-tagging job of one of the user's projects (any member follows it)."""
    return _access_job(PretagJob.objects.select_related("requested_by"), user, job_id, need,
                       "job")


def access_export_job(user, job_id, need: Need = Need.REVIEW) -> ExportJob:
    """An export job of a project where the user reviews or administers; else 404/403."""
    return _access_job(ExportJob.objects.select_related("project", "requested_by", "annotator"),
                       user, job_id, need, "export")


def access_tagger_model(user, project_id, model_id, need: Need = Need.READ) -> TaggerModel:
    """A trained model of a project the user may `need` (any member reads it)."""
    return _of_project(TaggerModel.objects.select_related("created_by"), user, project_id,
                       model_id, need, "No such model in this project.")


def access_training_job(user, project_id, job_id, need: Need = Need.READ) -> TrainingJob:
    """A training job of a project the user may `need` (any member follows it)."""
    return _of_project(TrainingJob.objects.select_related("requested_by"), user, project_id,
                       job_id, need, "No such training job in this project.")
