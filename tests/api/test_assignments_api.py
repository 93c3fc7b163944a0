"""The assignment API and the progress dashboard (issue #15, points 3, 4 and 6)."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotator.models import Assignment, DocumentStatus, Project
from annotator.services.assignments import assignment_create_bulk
from annotator.services.documents import document_status_change
from annotator.services.projects import membership_set
from annotator.services.reviews import review_decide
from annotator.services.spans import spans_bulk_create
from tests.api.conftest import span_at

pytestmark = pytest.mark.django_db


def url(world, tail=""):
    return f"/api/projects/{world.project.pk}/assignments/{tail}"


def test_admin_assigns_lists_and_unassigns_through_the_api_when_asked(world, api):
    admin = api(world.admin)
    body = {"documents": [world.document.pk], "annotators": [world.annotator.pk,
                                                             world.annotator2.pk]}
    made = admin.post(url(world), body, format="json")
    assert made.status_code == 201, made.content
    assert {row["annotator_username"] for row in made.json()["created"]} == {"ann", "ann2"}
    assert made.json()["created"][0]["document_title"] == "Deal"
    assert admin.post(url(world), body, format="json").json()["unchanged"] == 2
    listed = admin.get(url(world)).json()
    assert listed["count"] == 2
    # An annotator sees only their own assignments (the project hides others' work).
    mine = api(world.annotator).get(url(world)).json()["results"]
    assert [row["annotator"] for row in mine] == [world.annotator.pk]
    gone = admin.post(url(world, "unassign/"), {"documents": [world.document.pk],
                                                "annotators": [world.annotator.pk]},
                      format="json")
    assert gone.status_code == 200 and len(gone.json()["removed"]) == 1
    one = Assignment.objects.get()
    assert admin.delete(url(world, f"{one.pk}/")).status_code == 204
    assert not Assignment.objects.exists()
    assert admin.delete(url(world, f"{one.pk}/")).status_code == 404


def test_errors_name_the_field_and_the_id_when_input_is_wrong(world, api):
    admin = api(world.admin)
    other = admin.post(url(world), {"documents": [world.other_document.pk],
                                    "annotators": [world.annotator.pk]}, format="json")
    assert other.status_code == 400
    assert f"{world.other_document.pk} is not a document of this project" in str(
        other.json())
    stranger = admin.post(url(world), {"documents": [world.document.pk],
                                       "annotators": [world.stranger.pk]}, format="json")
    assert stranger.status_code == 400 and "annotators" in stranger.json()
    reviewer = admin.post(url(world), {"documents": [world.document.pk],
                                       "annotators": [world.reviewer.pk]}, format="json")
    assert "rev is a reviewer" in str(reviewer.json())
    empty = admin.post(url(world), {"documents": [], "annotators": [world.annotator.pk]},
                       format="json")
    assert empty.status_code == 400 and "documents" in empty.json()
    too_many = admin.post(url(world, "auto/"), {"k": 3}, format="json")
    assert too_many.status_code == 400 and "only 2 to assign to" in str(too_many.json())
    assert not Assignment.objects.exists()


def test_auto_uses_the_project_setting_and_the_seed_when_called(world, api, make_document):
    for i in range(3):
        make_document(world.project, text=f"Another text {i} here.", title=f"T{i}")
    Project.objects.filter(pk=world.project.pk).update(settings={"annotators_per_document": 2})
    admin = api(world.admin)
    first = admin.post(url(world, "auto/"), {"seed": 11}, format="json")
    assert first.status_code == 201, first.content
    made = {(r["document"], r["annotator"]) for r in first.json()["created"]}
    assert len(made) == 8  # 4 documents × 2: both annotators on each
    assert admin.post(url(world, "auto/"), {"seed": 11}, format="json").json() == {
        "created": [], "removed": [], "unchanged": 4}


def test_document_list_puts_assigned_first_and_shows_assignees_to_reviewers_when_listed(
        world, api, make_document):
    later = make_document(world.project, text="A later text, assigned.", title="Later")
    assignment_create_bulk(project=world.project, actor=world.admin, documents=[later],
                           annotator_ids=[world.annotator.pk])
    mine = api(world.annotator).get(f"/api/projects/{world.project.pk}/documents/").json()
    assert [(d["id"], d["assigned_to_me"]) for d in mine["results"]] == [
        (later.pk, True), (world.document.pk, False)]
    assert mine["results"][0]["assignees"] is None
    seen = api(world.reviewer).get(f"/api/projects/{world.project.pk}/documents/").json()
    by_id = {d["id"]: d["assignees"] for d in seen["results"]}
    assert by_id == {later.pk: [{"id": world.annotator.pk, "username": "ann"}],
                     world.document.pk: []}
    only = api(world.annotator).get(f"/api/projects/{world.project.pk}/documents/",
                                    {"assigned_to_me": "true"}).json()
    assert [d["id"] for d in only["results"]] == [later.pk]


def test_closed_project_answers_403_saying_why_when_an_annotator_opens_an_unassigned_document(
        world, api):
    Project.objects.filter(pk=world.project.pk).update(settings={"unassigned_open": False})
    response = api(world.annotator).get(f"/api/documents/{world.document.pk}/")
    assert response.status_code == 403
    assert "not assigned to you" in str(response.json())
    assert api(world.reviewer).get(f"/api/documents/{world.document.pk}/").status_code == 200
    listed = api(world.annotator).get(f"/api/projects/{world.project.pk}/documents/").json()
    assert listed["count"] == 0


def test_dashboard_counts_each_annotators_work_when_they_progress(world, api, make_document):
    doc = world.document
    second = make_document(world.project, text="Second text, said nobody.", title="Second")
    assignment_create_bulk(project=world.project, actor=world.admin, documents=[doc, second],
                           annotator_ids=[world.annotator.pk, world.annotator2.pk])
    for user in (world.annotator, world.annotator2):
        spans_bulk_create(document=doc, annotator=user, items=[
            span_at(doc, "The deal is dead,", "CLAIM"), span_at(doc, "the minister", "SOURCE")])
        document_status_change(document=doc, actor=user, annotator=user, action="submit")
    document_status_change(document=second, actor=world.annotator, annotator=world.annotator,
                           action="start")
    for span in doc.spans.filter(annotator=world.annotator):
        review_decide(reviewer=world.reviewer, target=span, decision="approve")
    document_status_change(document=doc, actor=world.reviewer, annotator=world.annotator,
                           action="approve")
    response = api(world.reviewer).get(f"/api/projects/{world.project.pk}/dashboard/")
    assert response.status_code == 200, response.content
    body = response.json()
    rows = {row["username"]: row for row in body["annotators"]}
    assert set(rows) == {"ann", "ann2"}
    ann, ann2 = rows["ann"], rows["ann2"]
    assert (ann["assigned"], ann["in_progress"], ann["submitted"], ann["approved"],
            ann["returned"], ann["spans"]) == (2, 1, 0, 1, 0, 2)
    assert (ann2["assigned"], ann2["in_progress"], ann2["submitted"], ann2["approved"]) == (
        2, 0, 1, 0)
    assert ann["last_activity_at"] is not None
    assert ann["agreement"]["span_f1_overlap"] == 1.0 and ann["agreement"]["pairs"] == 1
    assert (body["documents"], body["unassigned"], body["short"]) == (2, 0, 0)
    first = next(d for d in body["document_page"]["results"] if d["id"] == doc.pk)
    assert {(a["username"], a["assigned"], a["status"]) for a in first["annotators"]} == {
        ("ann", True, "approved"), ("ann2", True, "submitted")}
    assert api(world.annotator).get(
        f"/api/projects/{world.project.pk}/dashboard/").status_code == 403


def _grow(world, make_document, make_user, size):
    """`size` more annotators and documents, each document given to two, with work on it."""
    project = world.project
    users = [make_user(f"grow{size}-{i}") for i in range(size)]
    for user in users:
        membership_set(project=project, user=user, role="annotator")
    docs = [make_document(project, text=f"Grown {size} text {i}, said one.", title=f"G{i}")
            for i in range(size)]
    for i, doc in enumerate(docs):
        pair = [users[i].pk, users[(i + 1) % size].pk]
        assignment_create_bulk(project=project, actor=world.admin, documents=[doc],
                               annotator_ids=pair)
        for user in (users[i], users[(i + 1) % size]):
            spans_bulk_create(document=doc, annotator=user,
                              items=[span_at(doc, "said one", "CUE")])
            document_status_change(document=doc, actor=user, annotator=user, action="submit")
    return users, docs


@pytest.mark.parametrize("path", ["dashboard/", "assignments/", "documents/"])
def test_reads_run_a_fixed_number_of_queries_whatever_the_number_of_annotators_and_documents(
        world, api, make_document, make_user, django_assert_num_queries, path):
    client = api(world.admin)
    target = f"/api/projects/{world.project.pk}/{path}"
    _grow(world, make_document, make_user, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(target).status_code == 200
    _grow(world, make_document, make_user, 12)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(target)
    assert response.status_code == 200
    if path == "dashboard/":
        assert len(response.json()["annotators"]) == 2 + 2 + 12



def test_dashboard_page_runs_a_fixed_number_of_queries_whatever_the_size(
        world, client, make_document, make_user, django_assert_num_queries):
    client.force_login(world.reviewer)
    target = f"/projects/{world.project.pk}/dashboard/"
    _grow(world, make_document, make_user, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(target).status_code == 200
    _grow(world, make_document, make_user, 12)
    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get(target).content.decode()
    assert "grow12-11" in html
