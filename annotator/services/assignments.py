"""Assigning documents to annotators, by hand and automatically (issue #15, point 3).

Every assignment and unassignment is an event (action "assign" / "unassign", target
"assignment"). The annotator of an assignment is a member of the document's project whose
role annotates (annotators and admins): checked here, whoever calls. Who may assign at all
(admins) is access.py's to decide, before these are called.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count

from annotator import access
from annotator.access import Need
from annotator.errors import Conflict
from annotator.models import Assignment, Document, Membership, Project, Role
from annotator.services.events import event_record, event_record_bulk

MAX_PER_DOCUMENT = 20  # as settings_check bounds annotators_per_document


@dataclass
class AssignmentOutcome:
    """What a bulk change did: the rows made (or removed) and the pairs it left as they were."""
    created: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    unchanged: int = 0


def assignment_annotators(*, project: Project, ids, field: str = "annotators") -> list:
    """The users of these ids, each a member of the project whose role annotates; else a 400
    on `field` that names the first one that is not."""
    wanted = list(dict.fromkeys(ids))
    members = {m.user_id: m for m in Membership.objects.select_related("user", "project")
               .filter(project=project, user_id__in=wanted)}
    for pk in wanted:
        member = members.get(pk)
        if member is None:
            raise ValidationError({field: [f"user {pk} is not a member of this project."]})
        if not access.allows(member, Need.ANNOTATE):
            raise ValidationError({field: [f"{member.user.username} is a {member.role} in this "
                                           "project: only annotators and admins annotate."]})
    return [members[pk].user for pk in wanted]


def _lock(project: Project) -> None:
    """One assignment change of a project at a time: two automatic runs at once would both
    see a document short of annotators and both fill it."""
    Project.objects.select_for_update().filter(pk=project.pk).first()


def _create(*, project: Project, actor, pairs: list[tuple[int, int]]) -> list[Assignment]:
    rows = [Assignment(document_id=d, annotator_id=a, assigned_by=actor) for d, a in pairs]
    try:
        with transaction.atomic():
            made = Assignment.objects.bulk_create(rows, batch_size=1000)
    except IntegrityError:  # a pair stored meanwhile by a request that did not take the lock
        raise Conflict("Some of these documents were assigned meanwhile: reload and try "
                       "again.", code="assigned_meanwhile") from None
    event_record_bulk(project_id=project.pk, action="assign", target_type="assignment",
                      actor=actor, items=[{"target_id": row.pk, "document_id": row.document_id,
                                           "after": {"annotator": row.annotator_id}}
                                          for row in made])
    return made


@transaction.atomic
def assignment_create_bulk(*, project: Project, actor, documents: list[Document],
                           annotator_ids: list[int]) -> AssignmentOutcome:
    """Give every one of these documents (of the project) to every one of these annotators;
    pairs already assigned stay as they are."""
    annotators = assignment_annotators(project=project, ids=annotator_ids)
    _lock(project)
    existing = set(Assignment.objects.filter(
        document__in=[d.pk for d in documents], annotator__in=[a.pk for a in annotators])
        .values_list("document_id", "annotator_id"))
    pairs = [(d.pk, a.pk) for d in documents for a in annotators if (d.pk, a.pk) not in existing]
    made = _create(project=project, actor=actor, pairs=pairs)
    return AssignmentOutcome(created=made, unchanged=len(existing))


@transaction.atomic
def assignment_delete_bulk(*, project: Project, actor, documents: list[Document],
                           annotator_ids: list[int]) -> AssignmentOutcome:
    """Take these documents away from these annotators (their labels stay); pairs that were
    not assigned are counted as unchanged. Ids of users who are no longer members may be
    given: their assignments go too."""
    wanted = list(dict.fromkeys(annotator_ids))
    _lock(project)
    rows = list(Assignment.objects.filter(document__project=project,
                                          document__in=[d.pk for d in documents],
                                          annotator__in=wanted))
    event_record_bulk(project_id=project.pk, action="unassign", target_type="assignment",
                      actor=actor, items=[{"target_id": row.pk, "document_id": row.document_id,
                                           "before": {"annotator": row.annotator_id}}
                                          for row in rows])
    Assignment.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return AssignmentOutcome(removed=rows,
                             unchanged=len(documents) * len(wanted) - len(rows))


@transaction.atomic
def assignment_delete(*, assignment: Assignment, actor) -> None:
    event_record(project_id=assignment.document.project_id, document_id=assignment.document_id,
                 actor=actor, action="unassign", target_type="assignment",
                 target_id=assignment.pk, before={"annotator": assignment.annotator_id})
    assignment.delete()


def auto_plan(*, documents: list[int], annotators: list[int], existing: dict[int, set],
              loads: dict[int, int], k: int, seed: int) -> list[tuple[int, int]]:
    """Pure: the (document, annotator) pairs that bring each document up to k assignees.

    Documents are taken in the order given (by id); each gets, from the annotators not on it
    yet, those with the fewest assignments so far (`loads`, updated as it goes), ties broken
    by a shuffle seeded with (seed, document id): the same inputs give the same pairs, and
    pairs of annotators vary from document to document (agreement needs them mixed).
    """
    loads = {a: loads.get(a, 0) for a in annotators}
    pairs = []
    for document in documents:
        on_it = existing.get(document, set())
        need = k - len(on_it)
        if need <= 0:
            continue
        candidates = [a for a in sorted(annotators) if a not in on_it]
        random.Random(f"{seed}:{document}").shuffle(candidates)
        candidates.sort(key=lambda a: loads[a])  # stable: the shuffle breaks ties
        for annotator in candidates[:need]:
            pairs.append((document, annotator))
            loads[annotator] += 1
    return pairs


@transaction.atomic
def assignment_auto(*, project: Project, actor, k: int | None = None, seed: int = 0,
                    documents: list[Document] | None = None,
                    annotator_ids: list[int] | None = None) -> AssignmentOutcome:
    """Give each document (all of the project's, or those given) to k annotators (the
    project's setting annotators_per_document unless given), balanced over the annotators
    (the project's members with the annotator role, or those given) by the assignments
    they have in the project already. Documents with k assignees (members) or more get none."""
    if k is None:
        k = project.settings.get("annotators_per_document", 1)
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_PER_DOCUMENT:
        raise ValidationError({"k": [f"must be a whole number from 1 to {MAX_PER_DOCUMENT}."]})
    if annotator_ids is None:
        annotator_ids = list(Membership.objects.filter(project=project, role=Role.ANNOTATOR)
                             .order_by("user_id").values_list("user_id", flat=True))
        if not annotator_ids:
            raise ValidationError({"annotators": ["the project has no annotators: add members "
                                                  "with the annotator role first."]})
    annotators = [a.pk for a in assignment_annotators(project=project, ids=annotator_ids)]
    if k > len(annotators):
        raise ValidationError({"k": [f"{k} annotators per document, but only "
                                     f"{len(annotators)} to assign to."]})
    _lock(project)
    ids = (sorted(d.pk for d in documents) if documents is not None else
           list(project.documents.order_by("id").values_list("id", flat=True)))
    existing: dict[int, set] = {}
    # Assignees who left the project (their assignment stays, as history) count for nobody.
    for document_id, annotator_id in Assignment.objects.filter(
            document__project=project, annotator__memberships__project=project).values_list(
            "document_id", "annotator_id"):
        existing.setdefault(document_id, set()).add(annotator_id)
    loads = dict(Assignment.objects.filter(document__project=project, annotator__in=annotators)
                 .values_list("annotator").annotate(n=Count("id")).order_by())
    pairs = auto_plan(documents=ids, annotators=annotators, existing=existing, loads=loads,
                      k=k, seed=seed)
    made = _create(project=project, actor=actor, pairs=pairs)
    short = sum(1 for d in ids if len(existing.get(d, ())) < k)
    return AssignmentOutcome(created=made, unchanged=len(ids) - short)

