"""Fixtures shared by every tier. Objects are made through the services, as the app makes them."""
from __future__ import annotations

import itertools

import pytest
from django.contrib.auth import get_user_model

from annotator.models import Role
from annotator.services.documents import document_create
from annotator.services.projects import membership_set, project_create

_counter = itertools.count(1)


@pytest.fixture
def make_user(db):
    def make(username: str | None = None, password: str = "a-Long-test-passw0rd"):
        username = username or f"user{next(_counter)}"
        return get_user_model().objects.create_user(username=username, password=password)
    return make


@pytest.fixture
def make_project(db):
    def make(name: str | None = None, **members):
        project = project_create(name=name or f"Project {next(_counter)}")
        for role, user in members.items():
            membership_set(project=project, user=user, role=Role(role))
        return project
    return make


@pytest.fixture
def make_document(db):
    def make(project, text: str = "Officials said the bridge will reopen.", title: str = "Doc"):
        document, _ = document_create(project=project, title=title, text=text)
        return document
    return make


@pytest.fixture
def annotator_user(make_user):
    return make_user("ann")


@pytest.fixture
def project(make_project, annotator_user):
    return make_project(annotator=annotator_user)


@pytest.fixture
def document(make_document, project):
    return make_document(project)
