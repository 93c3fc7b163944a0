"""Source entities of a project, by id from the URL or from a request's body."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404

from annotator.access.projects import _of_project
from annotator.access.roles import Need, object_id
from annotator.models import Project, SourceEntity


def access_entity(user, project_id, entity_id, need: Need = Need.READ) -> SourceEntity:
    """A source entity of a project the user may `need`: every member reads them, annotators
    create them and link spans, reviewers and admins change, merge and delete them."""
    return _of_project(SourceEntity.objects, user, project_id, entity_id, need,
                       "No such entity in this project.")


def entity_in_project(project: Project, entity_id, *, field: str) -> SourceEntity:
    """An entity named in a request's body: one of this project's, or a 400 on `field`
    (an id of another project's entity is as unknown here as a made-up one)."""
    try:
        number = object_id(entity_id)
    except Http404:
        number = None
    found = None if number is None else SourceEntity.objects.filter(
        project=project, pk=number).first()
    if found is None:
        raise ValidationError({field: [f"{entity_id} is not an entity of this project."]})
    return found
