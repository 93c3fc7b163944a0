"""A small world for API tests: one project with an admin, two annotators and a
reviewer, a document, and a stranger project with its own member."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from annotator.services.projects import membership_set

TEXT = ("“The deal is dead,” the minister said, “and nobody will revive it.” "
        "According to officials, talks 🇺🇦 collapsed. A spokesperson warned that prices "
        "will rise.")


@dataclass
class World:
    project: object
    document: object
    admin: object
    annotator: object
    annotator2: object
    reviewer: object
    other_project: object
    other_document: object
    outsider: object  # member of other_project only
    stranger: object  # member of nothing


@pytest.fixture
def world(make_user, make_project, make_document):
    return world_build(make_user, make_project, make_document)


def world_build(make_user, make_project, make_document) -> World:
    """The world, made with the given factories (tests/conftest.py's, or a module's own)."""
    admin, annotator, annotator2, reviewer = (make_user(n) for n in
                                              ("boss", "ann", "ann2", "rev"))
    outsider, stranger = make_user("outsider"), make_user("stranger")
    project = make_project(name="Main", admin=admin, reviewer=reviewer)
    membership_set(project=project, user=annotator, role="annotator")
    membership_set(project=project, user=annotator2, role="annotator")
    other = make_project(name="Other", admin=outsider)
    return World(project=project, document=make_document(project, text=TEXT, title="Deal"),
                 admin=admin, annotator=annotator, annotator2=annotator2, reviewer=reviewer,
                 other_project=other,
                 other_document=make_document(other, text="Other text here.", title="O"),
                 outsider=outsider, stranger=stranger)


@pytest.fixture
def api():
    def client_for(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client
    return client_for


def span_at(document, piece, label="CLAIM", occurrence=0):
    """A request body for the span covering `piece` in the document's text."""
    start = -1
    for _ in range(occurrence + 1):
        start = document.text.index(piece, start + 1)
    return {"label": label, "start": start, "end": start + len(piece), "quote": piece}
