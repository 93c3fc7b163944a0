"""Assignment (issue #15, point 3): the service, the automatic plan, and the access rule."""
from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from annotator import access
from annotator.access import Forbidden, Need
from annotator.models import Assignment, Event, Project
from annotator.selectors import document_list_for_project, next_document_for_user
from annotator.services.assignments import (assignment_auto, assignment_create_bulk,
                                            assignment_delete_bulk, auto_plan)
from annotator.services.documents import document_status_change
from annotator.services.projects import membership_set
from annotator.services.spans import span_create


@pytest.fixture
def team(make_user, make_project, make_document):
    admin, rev = make_user("boss"), make_user("rev")
    annotators = [make_user(f"ann{i}") for i in range(4)]
    project = make_project(name="Team", admin=admin, reviewer=rev)
    for user in annotators:
        membership_set(project=project, user=user, role="annotator")
    documents = [make_document(project, text=f"Document number {i} said it.", title=f"D{i}")
                 for i in range(6)]
    return {"project": project, "admin": admin, "rev": rev, "annotators": annotators,
            "documents": documents}


def pairs(project):
    return set(Assignment.objects.filter(document__project=project)
               .values_list("document_id", "annotator_id"))


def test_auto_plan_is_balanced_and_the_same_for_the_same_inputs_when_run_twice():
    args = dict(documents=list(range(1, 13)), annotators=[7, 8, 9, 10], existing={},
                loads={}, k=2, seed=5)
    first = auto_plan(**args)
    assert first == auto_plan(**args)
    loads = {a: sum(1 for _, x in first if x == a) for a in (7, 8, 9, 10)}
    assert set(loads.values()) == {6}  # 12 documents × 2 over 4 annotators
    assert all(len({x for d, x in first if d == doc}) == 2 for doc in range(1, 13))
    # Pairs vary: not always the same two annotators together.
    assert len({tuple(sorted(x for d, x in first if d == doc)) for doc in range(1, 13)}) > 2
    assert auto_plan(**{**args, "seed": 6}) != first


def test_auto_plan_fills_only_documents_short_of_k_and_counts_existing_loads():
    plan = auto_plan(documents=[1, 2, 3], annotators=[7, 8], existing={1: {7, 8}, 2: {7}},
                     loads={7: 5, 8: 0}, k=2, seed=0)
    assert plan == [(2, 8), (3, 8), (3, 7)]


def test_create_bulk_assigns_each_pair_once_and_records_events_when_repeated(team):
    project, admin = team["project"], team["admin"]
    docs, (a0, a1, *_) = team["documents"][:2], team["annotators"]
    outcome = assignment_create_bulk(project=project, actor=admin, documents=docs,
                                     annotator_ids=[a0.pk, a1.pk])
    assert len(outcome.created) == 4 and outcome.unchanged == 0
    again = assignment_create_bulk(project=project, actor=admin, documents=docs,
                                   annotator_ids=[a0.pk])
    assert again.created == [] and again.unchanged == 2
    events = Event.objects.filter(project=project, target_type="assignment", action="assign")
    assert events.count() == 4
    assert {e.after["annotator"] for e in events} == {a0.pk, a1.pk}
    assert all(e.document_id in {d.pk for d in docs} and e.actor == admin for e in events)
    assert Assignment.objects.filter(assigned_by=admin).count() == 4


def test_create_bulk_refuses_non_members_and_reviewers_naming_them_when_given(team, make_user):
    project, admin = team["project"], team["admin"]
    stranger = make_user("stranger")
    with pytest.raises(ValidationError) as error:
        assignment_create_bulk(project=project, actor=admin, documents=team["documents"],
                               annotator_ids=[stranger.pk])
    assert f"user {stranger.pk} is not a member" in str(error.value.message_dict["annotators"])
    with pytest.raises(ValidationError) as error:
        assignment_create_bulk(project=project, actor=admin, documents=team["documents"],
                               annotator_ids=[team["rev"].pk])
    assert "rev is a reviewer" in str(error.value.message_dict["annotators"])
    assert not Assignment.objects.exists() and not Event.objects.filter(
        target_type="assignment").exists()


def test_delete_bulk_unassigns_records_events_and_keeps_labels_when_asked(team):
    project, admin, (a0, a1, *_) = team["project"], team["admin"], team["annotators"]
    doc = team["documents"][0]
    assignment_create_bulk(project=project, actor=admin, documents=[doc],
                           annotator_ids=[a0.pk, a1.pk])
    label = project.labels.get(name="CLAIM")
    span_create(document=doc, annotator=a0, label=label, start=0, end=8)
    outcome = assignment_delete_bulk(project=project, actor=admin, documents=[doc],
                                     annotator_ids=[a0.pk, team["annotators"][2].pk])
    assert len(outcome.removed) == 1 and outcome.unchanged == 1
    assert pairs(project) == {(doc.pk, a1.pk)}
    assert doc.spans.filter(annotator=a0).count() == 1
    event = Event.objects.get(target_type="assignment", action="unassign")
    assert event.before == {"annotator": a0.pk} and event.document_id == doc.pk


def test_auto_gives_each_document_k_annotators_balanced_and_reproducibly_when_run(team):
    project, admin = team["project"], team["admin"]
    Project.objects.filter(pk=project.pk).update(settings={"annotators_per_document": 2})
    project.refresh_from_db()
    outcome = assignment_auto(project=project, actor=admin, seed=3)
    assert len(outcome.created) == 12
    first = pairs(project)
    per_annotator = {a.pk: sum(1 for _, x in first if x == a.pk) for a in team["annotators"]}
    assert set(per_annotator.values()) == {3}
    # Again: every document has k already, so nothing changes.
    assert assignment_auto(project=project, actor=admin, seed=3).created == []
    # The same inputs give the same result.
    Assignment.objects.all().delete()
    assignment_auto(project=project, actor=admin, seed=3)
    assert pairs(project) == first
    assert Event.objects.filter(target_type="assignment", action="assign").count() == 24


def test_auto_tops_up_only_short_documents_and_refuses_k_above_the_annotators_when_asked(team):
    project, admin, annotators = team["project"], team["admin"], team["annotators"]
    docs = team["documents"]
    assignment_create_bulk(project=project, actor=admin, documents=docs[:5],
                           annotator_ids=[annotators[0].pk])
    outcome = assignment_auto(project=project, actor=admin, k=1)
    assert [(row.document_id) for row in outcome.created] == [docs[5].pk]
    assert outcome.created[0].annotator_id != annotators[0].pk  # the least loaded
    with pytest.raises(ValidationError) as error:
        assignment_auto(project=project, actor=admin, k=5)
    assert "only 4 to assign to" in str(error.value.message_dict["k"])


def test_unassigned_closed_lets_an_annotator_open_only_assigned_documents_when_set(team):
    project, admin, (a0, a1, *_) = team["project"], team["admin"], team["annotators"]
    mine, other = team["documents"][0], team["documents"][1]
    assignment_create_bulk(project=project, actor=admin, documents=[mine], annotator_ids=[a0.pk])
    assert access.access_document(a0, other.pk).pk == other.pk  # open by default
    Project.objects.filter(pk=project.pk).update(settings={"unassigned_open": False})
    assert access.access_document(a0, mine.pk, Need.ANNOTATE).pk == mine.pk
    with pytest.raises(Forbidden, match="not assigned to you"):
        access.access_document(a0, other.pk)
    assert access.access_document(team["rev"], other.pk).pk == other.pk
    assert access.access_document(admin, other.pk).pk == other.pk
    listed = [d.pk for d in document_list_for_project(project=project, user=a0)]
    assert listed == [mine.pk]
    assert len(document_list_for_project(project=project, user=team["rev"])) == 6
    assert len(document_list_for_project(project=project, user=a1)) == 0


def test_an_annotators_own_span_in_a_closed_unassigned_document_is_refused_when_read(team):
    project, a0 = team["project"], team["annotators"][0]
    doc = team["documents"][0]
    span = span_create(document=doc, annotator=a0, label=project.labels.get(name="CLAIM"),
                       start=0, end=8)
    assert access.access_span(a0, span.pk).pk == span.pk
    Project.objects.filter(pk=project.pk).update(settings={"unassigned_open": False})
    with pytest.raises(Forbidden):
        access.access_span(a0, span.pk)
    with pytest.raises(Http404):
        access.access_span(team["annotators"][1], span.pk)


def test_assigned_documents_come_first_and_next_skips_submitted_ones_when_listed(team):
    project, admin, a0 = team["project"], team["admin"], team["annotators"][0]
    d = team["documents"]
    assignment_create_bulk(project=project, actor=admin, documents=[d[4], d[1], d[3]],
                           annotator_ids=[a0.pk])
    listed = [doc.pk for doc in document_list_for_project(project=project, user=a0)]
    assert listed[:3] == [d[1].pk, d[3].pk, d[4].pk]
    assert next_document_for_user(user=a0, document=d[1]).pk == d[3].pk
    document_status_change(document=d[3], actor=a0, annotator=a0, action="submit")
    assert next_document_for_user(user=a0, document=d[1]).pk == d[4].pk
    assert next_document_for_user(user=a0, document=d[4]).pk == d[1].pk  # wraps round
    document_status_change(document=d[1], actor=a0, annotator=a0, action="submit")
    assert next_document_for_user(user=a0, document=d[4]) is None


def test_auto_counts_no_assignee_who_left_the_project_when_it_fills_documents(team):
    from annotator.models import Membership

    project, admin, (a0, a1, *_) = team["project"], team["admin"], team["annotators"]
    doc = team["documents"][0]
    assignment_create_bulk(project=project, actor=admin, documents=[doc], annotator_ids=[a0.pk])
    Membership.objects.filter(project=project, user=a0).delete()
    outcome = assignment_auto(project=project, actor=admin, k=1, documents=[doc])
    assert [row.annotator_id for row in outcome.created] != [] and outcome.unchanged == 0
    assert outcome.created[0].annotator_id != a0.pk
