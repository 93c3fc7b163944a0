"""Assignment and progress: who is on which document, and how far each annotator is.

Every function here runs a fixed number of queries whatever the number of annotators
and documents (tests/api/test_assignments_api.py counts them at two sizes).
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from annotator import access
from annotator.models import (Assignment, Attribution, DocStatus, Document, DocumentStatus,
                              Event, LabelStatus, Membership, Origin, Role, Span)
from annotator.selectors.reviews import FINISHED, agreement_for_project

DASHBOARD_DOCUMENTS_PER_PAGE = 50
AGREEMENT_NOTE = ("Each annotator's mean pairwise agreement with the others on the documents "
                  "both finished (submitted or approved), over the pairs that compared anything; "
                  "the project's agreement page has every pair and label.")


def assignment_list_for_project(*, project, annotator_id: int | None = None,
                                document_id: int | None = None):
    """The project's assignments, with document titles and usernames, by document."""
    rows = (Assignment.objects.filter(document__project=project)
            .select_related("annotator", "assigned_by")
            .annotate(document_title=Subquery(Document.objects.filter(
                pk=OuterRef("document_id")).values("title")[:1]))
            .order_by("document_id", "annotator__username"))
    if annotator_id is not None:
        rows = rows.filter(annotator_id=annotator_id)
    if document_id is not None:
        rows = rows.filter(document_id=document_id)
    return rows


def assignment_choices_for_project(*, project) -> list[dict]:
    """The members one may assign documents to (their role annotates), by username, each with
    how many of the project's documents they have now: [{id, username, role, assigned}]."""
    load = (Assignment.objects.filter(document__project=project, annotator=OuterRef("user"))
            .order_by().values("annotator").annotate(n=Count("id")).values("n")[:1])
    return list(Membership.objects.filter(project=project, role__in=[
        role.value for role in access.ROLES_FOR[access.Need.ANNOTATE]])
        .annotate(assigned=Coalesce(Subquery(load), Value(0)))
        .order_by("user__username").values("user_id", "user__username", "role", "assigned"))


def next_document_for_user(*, user, document):
    """The next document assigned to the user in the document's project that the user has
    not submitted yet: the first such after this one by id, else the first before it."""
    done = DocumentStatus.objects.filter(document=OuterRef("pk"), annotator=user,
                                         status__in=FINISHED)
    candidates = (Document.objects.filter(project_id=document.project_id,
                                          assignments__annotator=user)
                  .exclude(pk=document.pk).exclude(Exists(done)).only("id", "title"))
    return (candidates.filter(pk__gt=document.pk).order_by("id").first()
            or candidates.filter(pk__lt=document.pk).order_by("id").first())


def _people(project) -> list[dict]:
    """Who the dashboard lists: the project's annotators, and anybody else with assignments
    or statuses in it (admins who annotate, former members), by username. One query."""
    role = Membership.objects.filter(project=project, user=OuterRef("pk")).values("role")[:1]
    def of(model, **where):
        return Q(Exists(model.objects.filter(user_or_annotator(model), **where)))

    users = (get_user_model().objects.annotate(role=Subquery(role)).filter(
        of(Membership, project=project, role=Role.ANNOTATOR)
        | of(Assignment, document__project=project)
        | of(DocumentStatus, document__project=project))
        .order_by("username").values("id", "username", "role"))
    return list(users)


def user_or_annotator(model) -> Q:
    """The row's user column matched to the outer user (memberships call it `user`)."""
    return Q(**{"user" if model is Membership else "annotator": OuterRef("pk")})


def _per_annotator(queryset, key: str = "annotator") -> dict:
    return dict(queryset.values_list(key).annotate(n=Count("id")).order_by())


def _agreement_by_annotator(project) -> dict:
    """{annotator id: mean pairwise agreement with the others}, from agreement_for_project."""
    report = agreement_for_project(project=project)
    sums: dict = {}
    for pair in report["pairs"]:
        for who in (pair["a"], pair["b"]):
            entry = sums.setdefault(who, {"f1": [], "kappa": [], "pairs": 0, "documents": 0})
            entry["pairs"] += 1
            entry["documents"] += pair["documents"]
            if pair["span_f1_overlap"] is not None:
                entry["f1"].append(pair["span_f1_overlap"])
            if pair["cohen_kappa"] is not None:
                entry["kappa"].append(pair["cohen_kappa"])

    def mean(values):
        return sum(values) / len(values) if values else None

    return {who: {"span_f1_overlap": mean(e["f1"]), "cohen_kappa": mean(e["kappa"]),
                  "pairs": e["pairs"], "shared_documents": e["documents"]}
            for who, e in sums.items()}


def _document_totals(project, needed: int) -> dict:
    count = (Assignment.objects.filter(document=OuterRef("pk")).order_by().values("document")
             .annotate(n=Count("id")).values("n")[:1])
    return (Document.objects.filter(project=project)
            .annotate(assignees=Coalesce(Subquery(count), Value(0)))
            .aggregate(documents=Count("id"), unassigned=Count("id", filter=Q(assignees=0)),
                       short=Count("id", filter=Q(assignees__lt=needed))))


def _document_page(project, people: dict, page_number) -> dict:
    """One page of the project's documents, each with who is on it and where each stands:
    the assignees (not started when they have no status yet) and anyone else with a status."""
    page = Paginator(Document.objects.filter(project=project).order_by("id")
                     .only("id", "title"), DASHBOARD_DOCUMENTS_PER_PAGE).get_page(page_number)
    ids = [d.pk for d in page]
    assigned = set(Assignment.objects.filter(document__in=ids)
                   .values_list("document_id", "annotator_id"))
    status = {(d, a): s for d, a, s in DocumentStatus.objects.filter(document__in=ids)
              .values_list("document_id", "annotator_id", "status")}
    results = []
    for document in page:
        on_it = sorted({a for d, a in assigned if d == document.pk}
                       | {a for d, a in status if d == document.pk},
                       key=lambda a: people.get(a, ""))
        results.append({"id": document.pk, "title": document.title, "annotators": [
            {"id": a, "username": people.get(a, ""), "assigned": (document.pk, a) in assigned,
             "status": status.get((document.pk, a), DocStatus.NOT_STARTED)} for a in on_it]})
    return {"count": page.paginator.count, "page": page.number,
            "pages": page.paginator.num_pages, "results": results}


def dashboard_for_project(*, project, page=1) -> dict:
    """Progress of a project: per annotator, documents assigned / in progress / submitted /
    approved / returned, labels made, last activity and agreement so far; per document (a
    page of them), who is on it and where each stands. Fourteen queries whatever the size
    (the six of agreement_for_project among them; fewer when nothing is finished yet, as
    Django sends no query for an empty `pk__in`)."""
    people = _people(project)
    names = {p["id"]: p["username"] for p in people}
    assigned = _per_annotator(Assignment.objects.filter(document__project=project))
    statuses: dict = {}
    for annotator_id, status, n in (DocumentStatus.objects.filter(document__project=project)
                                    .values_list("annotator", "status").annotate(n=Count("id"))
                                    .order_by()):
        statuses.setdefault(annotator_id, {})[status] = n
    made = Q(document__project=project, status=LabelStatus.ACCEPTED) & ~Q(origin=Origin.REVIEW)
    spans = _per_annotator(Span.objects.filter(made, annotator__isnull=False))
    attributions = _per_annotator(Attribution.objects.filter(made, annotator__isnull=False))
    last = dict(Event.objects.filter(project=project, actor__isnull=False).values_list("actor")
                .annotate(at=Max("created_at")).order_by())
    agreement = _agreement_by_annotator(project)
    needed = project.settings.get("annotators_per_document", 1)
    annotators = [{
        **person, "assigned": assigned.get(person["id"], 0),
        **{value: statuses.get(person["id"], {}).get(value, 0)
           for value in (DocStatus.IN_PROGRESS, DocStatus.SUBMITTED, DocStatus.APPROVED,
                         DocStatus.RETURNED)},
        "spans": spans.get(person["id"], 0), "attributions": attributions.get(person["id"], 0),
        "last_activity_at": last.get(person["id"]),
        "agreement": agreement.get(person["id"]),
    } for person in people]
    return {"annotators_per_document": needed,
            "unassigned_open": access.unassigned_open(project.settings),
            **_document_totals(project, needed), "annotators": annotators,
            "agreement_note": AGREEMENT_NOTE,
            "document_page": _document_page(project, names, page)}
