"""The permission matrix: every operation of the OpenAPI schema × every kind of caller.

The operations come from the schema drf-spectacular generates in-process, so a
new endpoint without a row in POLICY fails `test_every_operation_has_a_policy_row`
(and shows up as a failing case of the matrix itself). Each case starts from the
same world (made once per module, restored after each case by a savepoint's
rollback), fills the path with ids of *this* project (a span and an attribution
the annotator owns, unless the row says otherwise), sends a valid body, and
checks the status. "missing", "forbidden" and "unauthenticated" must also change no
row; "ok" on a write must change some, and no read may write.

Callers (ACTORS):
- anonymous: no credentials (401: token authentication answers first);
- non_member: a user who belongs to no project;
- other_member: the admin of the *other* project, using this project's ids;
- annotator: the owner of the span and attribution in the path;
- other_annotator: a second annotator of this project (the owner's labels are
  invisible to them, so 404, not 403);
- reviewer, admin: this project's reviewer and admin.

Outcomes: ok (2xx), forbidden (403: visible, but not theirs to do), missing
(404: not visible to them), unauthenticated (401).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Callable

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework.test import APIClient

from annotator.models import (ApiToken, Attribution, ClaimFragment, ClaimGroupMember, Document,
                              DocumentStatus,
                              Event, Label, Membership, PretagJob, PretagJobItem, Project,
                              ReviewDecision, Span)
from annotator.services.accounts import api_token_create
from annotator.services.attributions import attribution_create, attribution_delete
from annotator.services.documents import document_status_change
from annotator.models import Assignment, ExportJob, SourceEntity, TaggerModel, TrainingJob
from annotator.services.exports import export_job_run, export_job_start
from annotator.services.pretag_jobs import pretag_job_start
from annotator.services.projects import label_create, membership_set
from annotator.services.reviews import review_decide
from annotator.services.spans import span_delete, spans_bulk_create
from annotator.services.suggestions import (SuggestedAttribution, SuggestedSpan,
                                            suggestions_store)
from tests.api.conftest import span_at, world_build
from tests.conftest import new_document, new_project, new_user

OK, FORBIDDEN, MISSING, UNAUTHENTICATED = "ok", "forbidden", "missing", "unauthenticated"
STATUS_OF = {FORBIDDEN: 403, MISSING: 404, UNAUTHENTICATED: 401}
ACTORS = ("anonymous", "non_member", "other_member", "annotator", "other_annotator",
          "reviewer", "admin")
PASSWORD = "a-Long-test-passw0rd"  # make_user's default (tests/conftest.py)
NEW_PASSWORD = "another-Long-test-passw0rd"
NOT_UNDER_TEST = ("/api/schema/", "/api/docs/")  # the schema and its viewer themselves


# --- The world each case starts from -------------------------------------------------------

@dataclass
class Layer:
    """One user's labels on the main document."""
    claim: Span
    source: Span
    cue: Span
    spare_claim: Span      # a CLAIM no attribution uses yet
    attribution: Attribution


@dataclass
class Matrix:
    w: object              # the `world` of tests/api/conftest.py
    layers: dict           # user pk → Layer (annotator, other annotator, admin, reviewer)
    suggested_span: Span
    suggested_attribution: Attribution
    spare_label: Label     # used by no span: deletable
    job: PretagJob         # a queued pre-tagging job of the project
    annotator_token: ApiToken  # an API token of the annotator's
    tokens: dict = field(default_factory=dict)  # user pk → secret of a token made for the case
    caller_token: ApiToken | None = None  # the token give_token made for this case's caller

    def user(self, actor: str):
        w = self.w
        return {"anonymous": None, "non_member": w.stranger, "other_member": w.outsider,
                "annotator": w.annotator, "other_annotator": w.annotator2,
                "reviewer": w.reviewer, "admin": w.admin}[actor]

    def layer(self, user=None) -> Layer:
        """The user's own layer; anybody without one uses the annotator's ids."""
        return self.layers.get(getattr(user, "pk", None), self.layers[self.w.annotator.pk])

    @property
    def owner(self) -> Layer:
        return self.layers[self.w.annotator.pk]


def make_layer(document, user) -> Layer:
    claim, source, cue, spare = spans_bulk_create(document=document, annotator=user, items=[
        span_at(document, "The deal is dead,", "CLAIM"),
        span_at(document, "the minister", "SOURCE"),
        span_at(document, "said", "CUE"),
        span_at(document, "and nobody will revive it.", "CLAIM")])
    attribution = attribution_create(document=document, annotator=user, claims=[claim.pk],
                                     source=source.pk, cue=cue.pk,
                                     attributes={"quote_type": "direct"})
    return Layer(claim=claim, source=source, cue=cue, spare_claim=spare,
                 attribution=attribution)


def store_suggestions(document, tagger: str = "matrix-tagger"):
    def at(key, piece, label):
        where = span_at(document, piece, label)
        return SuggestedSpan(key=key, label=label, start=where["start"], end=where["end"])

    suggestions_store(document=document, tagger_name=tagger, tagger_version="1",
                      spans=[at("c", "talks 🇺🇦 collapsed", "CLAIM"),
                             at("s", "officials", "SOURCE"), at("q", "According to", "CUE")],
                      attributions=[SuggestedAttribution(claims=["c"], source="s", cue="q")])
    return (Span.objects.get(document=document, annotator=None, label__name="CLAIM",
                             tagger_name=tagger),
            Attribution.objects.get(document=document, annotator=None, tagger_name=tagger))


@pytest.fixture
def matrix(world, settings) -> Matrix:
    """A world made for the case (the HTTP run commits it: gunicorn must see it)."""
    settings.TRAINING_MIN_DOCUMENTS = 1  # the world's one document, once approved
    return matrix_build(world)


@pytest.fixture(scope="module")
def matrix_made_once(django_db_setup, django_db_blocker) -> Matrix:
    """The world made once per module and test process, in a transaction rolled back when
    the module ends. Each case runs in a savepoint of it (pytest-django's `db`, entered
    after this fixture), so every case starts from the same rows, as if made afresh, for a
    fraction of the cost. Only for modules whose every test runs in this process on this
    connection: no other process could see these rows, and no test may commit."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield matrix_build(world_build(new_user, new_project, new_document))
        transaction.set_rollback(True)


@pytest.fixture
def shared_matrix(matrix_made_once, db, settings) -> Matrix:
    """The module's world for one case: a copy of its objects (a case may change them), its
    rows restored by the savepoint's rollback."""
    settings.TRAINING_MIN_DOCUMENTS = 1
    return copy.deepcopy(matrix_made_once)


def matrix_build(w) -> Matrix:
    layers = {user.pk: make_layer(w.document, user)
              for user in (w.annotator, w.annotator2, w.admin)}
    # The reviewer's own labels: made while they were an annotator, before becoming reviewer.
    layers[w.reviewer.pk] = make_layer(w.document, w.reviewer)
    suggested_span, suggested_attribution = store_suggestions(w.document)
    # A review of the other annotator's work, which the annotator must not see.
    review_decide(reviewer=w.reviewer, target=layers[w.annotator2.pk].claim,
                  decision="reject", note="Too long.")
    spare = label_create(project=w.project, actor=w.admin, data={"name": "SPARE"})
    # Queued, never sent: on-commit callbacks do not run in these (rolled back) tests.
    job = pretag_job_start(project=w.project, requested_by=w.admin)
    annotator_token = api_token_create(user=w.annotator, name="annotator's script")
    return Matrix(w=w, layers=layers, suggested_span=suggested_span,
                  suggested_attribution=suggested_attribution, spare_label=spare, job=job,
                  annotator_token=annotator_token)


SNAPSHOT_MODELS = (Project, Label, Membership, Document, DocumentStatus, Span, Attribution,
                   ClaimFragment, ReviewDecision, Event, ApiToken, PretagJob, PretagJobItem,
                   ExportJob, TaggerModel, TrainingJob, Assignment, SourceEntity,
                   get_user_model())


# Written by authentication itself, whatever the request (at most once a minute): a
# request sent with a token (the HTTP run's, tests/integration/test_matrix_gunicorn.py)
# changed nothing by being authenticated.
NOT_COMPARED = {ApiToken: {"last_used_at"}}


def snapshot() -> dict:
    def fields(model):
        return [f.attname for f in model._meta.concrete_fields
                if f.attname not in NOT_COMPARED.get(model, ())]

    return {model.__name__: list(model.objects.order_by("pk").values(*fields(model)))
            for model in SNAPSHOT_MODELS}


def changed_tables(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


# --- The policy --------------------------------------------------------------------------

def inside(annotator, other_annotator, reviewer, admin) -> dict:
    """An operation on this project's objects: outsiders of every kind see nothing."""
    return {"anonymous": UNAUTHENTICATED, "non_member": MISSING, "other_member": MISSING,
            "annotator": annotator, "other_annotator": other_annotator, "reviewer": reviewer,
            "admin": admin}


def per_user(outcome=OK, anonymous=UNAUTHENTICATED) -> dict:
    """An operation on the caller's own account: the same for every signed-in user."""
    return {actor: anonymous if actor == "anonymous" else outcome for actor in ACTORS}


READ = inside(OK, OK, OK, OK)                        # any member
MANAGE = inside(FORBIDDEN, FORBIDDEN, FORBIDDEN, OK)  # admins
ANNOTATE = inside(OK, OK, FORBIDDEN, OK)             # annotators and admins, own layer
REVIEW = inside(FORBIDDEN, FORBIDDEN, OK, OK)        # reviewers and admins
OWN_READ = inside(OK, MISSING, OK, OK)               # the owner, reviewers and admins see it
OWN_WRITE = inside(OK, MISSING, FORBIDDEN, FORBIDDEN)  # only the owner changes it
SUGGESTION_WRITE = inside(FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)  # accept it first
# The reviewer's own (pre-promotion) labels: reviewers change labels only by reviewing.
REVIEWER_OWNED_WRITE = inside(MISSING, MISSING, FORBIDDEN, FORBIDDEN)


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    expect: dict
    variant: str = ""
    params: Callable | None = None     # (matrix) → path parameters overriding the defaults
    body: Callable | None = None       # (matrix, user) → JSON body
    query: Callable | None = None      # (matrix) → query parameters
    headers: Callable | None = None    # (matrix) → extra request headers
    prepare: Callable | None = None    # (matrix, user) → None, before the snapshot
    check: Callable | None = None      # (matrix, actor, response) → None, for "ok" answers
    writes: bool | None = None         # an "ok" must change rows (default: not a GET)
    multipart: Callable | None = None  # (matrix, user) → form fields and files, sent multipart
    token: bool = False                # sent with the token give_token made, not a forced login

    @property
    def name(self) -> str:
        variant = f" [{self.variant}]" if self.variant else ""
        return f"{self.method} {self.path}{variant}"

    @property
    def changes_rows(self) -> bool:
        return self.method != "GET" if self.writes is None else self.writes


def default_params(m: Matrix) -> dict:
    w = m.w
    return {"project_id": w.project.pk, "document_id": w.document.pk,
            "span_id": m.owner.claim.pk, "attribution_id": m.owner.attribution.pk,
            "label_id": w.project.labels.get(name="CLAIM").pk,
            "membership_id": Membership.objects.get(project=w.project, user=w.annotator2).pk,
            "job_id": m.job.pk, "token_id": m.annotator_token.pk}


def version_of(row) -> int:
    return type(row).objects.get(pk=row.pk).version


def if_match(get_row) -> Callable:
    return lambda m: {"HTTP_IF_MATCH": str(version_of(get_row(m)))}


def span_body(piece, label):
    return lambda m, user: span_at(m.w.document, piece, label)


def credentials(m, user):
    who = user or m.w.annotator  # anonymous signs in as the annotator
    return {"username": who.username, "password": PASSWORD}


def make_staff(m, user):
    if user is not None:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def give_token(m, user):
    """An API token for the caller, made before the case: the one it sends or acts on."""
    if user is not None:
        m.caller_token = api_token_create(user=user, name="matrix caller")
        m.tokens[user.pk] = m.caller_token.secret


def callers_token(m):
    """The caller's own token (anonymous, who has none, names the annotator's)."""
    return {"token_id": (m.caller_token or m.annotator_token).pk}


def lists_own_tokens(m, actor, response):
    user = m.user(actor)
    listed = response.json()
    assert [t["id"] for t in listed] == list(ApiToken.objects.filter(user=user).order_by(
        "-created_at", "-id").values_list("pk", flat=True))
    assert not any("token" in t for t in listed), "a secret in a list"


def revoked_the_token_sent(m, actor, response):
    assert ApiToken.objects.get(pk=m.caller_token.pk).revoked_at is not None
    assert ApiToken.objects.get(pk=m.annotator_token.pk).revoked_at is None


def annotator_submitted(m, user):
    document_status_change(document=m.w.document, actor=m.w.annotator,
                           annotator=m.w.annotator, action="submit")


def annotator_submitted_and_reviewed(m, user):
    """Submitted, and every label decided: a document is approved only then."""
    annotator_submitted(m, user)
    for model in (Span, Attribution):
        for row in model.objects.filter(document=m.w.document, annotator=m.w.annotator,
                                        status="accepted", review_state="pending"):
            review_decide(reviewer=m.w.reviewer, target=row, decision="approve")


def spans_only_annotators_have(m, user):
    """Spans of the two annotators that no reviewer or admin made too: copying a span the
    actor made themselves into a correction would approve their own label (refused, see
    tests/api/test_review_rules_api.py)."""
    def one(annotator, piece, label):
        [span] = spans_bulk_create(document=m.w.document, annotator=annotator,
                                   items=[span_at(m.w.document, piece, label)])
        return span

    m.fresh = {"claim": one(m.w.annotator, "prices will rise.", "CLAIM"),
               "source": one(m.w.annotator2, "A spokesperson", "SOURCE"),
               "cue": one(m.w.annotator, "warned", "CUE")}


def review_action(action):
    return lambda m, user: {"action": action, "annotator": m.w.annotator.pk,
                            "note": "Checked."}


# Checks of "ok" answers: what a caller may do is also bounded by what they are shown.

def lists_project_to_members_only(m, actor, response):
    ids = [p["id"] for p in response.json()]
    member = actor in ("annotator", "other_annotator", "reviewer", "admin")
    assert (m.w.project.pk in ids) == member, ids


def only_own_layer(m, actor, response):
    user = m.user(actor)
    owners = {s["annotator"] for s in response.json()["spans"]}
    assert owners == {user.pk}, owners


def every_layer(m, actor, response):
    owners = {s["annotator"] for s in response.json()["spans"]}
    assert {m.w.annotator.pk, m.w.annotator2.pk} <= owners, owners


def reviews_visible_to(m, actor, response):
    others_span = m.layers[m.w.annotator2.pk].claim.pk
    shown = {r["span"] for r in response.json()}
    sees_all = actor in ("reviewer", "admin") or m.user(actor) == m.w.annotator2
    assert (others_span in shown) == sees_all, shown


def statuses_of_everyone(m, actor, response):
    assert {row["annotator"] for row in response.json()} >= {m.w.annotator.pk}


def queue_for_reviewers_only(m, actor, response):
    shown = [row["id"] for row in response.json()["results"]]
    assert (m.w.document.pk in shown) == (actor in ("reviewer", "admin")), shown


def annotators_see_each_other(m, user):
    Project.objects.filter(pk=m.w.project.pk).update(settings={"annotators_see_each_other": True})


def owner_claim_deleted(m, user):
    """The annotator deleted their claim (and so the attribution it was the claim of)."""
    span_delete(span=m.owner.claim, actor=m.w.annotator, expected_version=version_of(
        m.owner.claim))


def owner_attribution_deleted(m, user):
    attribution_delete(attribution=m.owner.attribution, actor=m.w.annotator,
                       expected_version=version_of(m.owner.attribution))


def export_queued(m, user):
    m.export_job = export_job_start(project=m.w.project, requested_by=m.w.admin, fmt="jsonl")


def export_finished(m, user):
    export_queued(m, user)
    m.export_job = export_job_run(job_id=m.export_job.pk)


def export_job_id(m):
    return {"job_id": m.export_job.pk}


def is_a_zip(m, actor, response):
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content)[:2] == b"PK"


def import_upload(m, user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    line = '{"title": "Imported", "text": "Officials said the talks 🇺🇦 collapsed."}\n'.encode()
    return {"file": SimpleUploadedFile("docs.jsonl", line), "format": "jsonl"}


def model_trained(m, user):
    """A model of the project (its row: choosing and listing read no files); once per world."""
    if getattr(m, "tagger_model", None) is not None:
        return
    m.tagger_model = TaggerModel.objects.create(
        project=m.w.project, version=1, tagger_name="learned-attribution",
        tagger_version="1.0.0+abc", path="project-x/model", training_sha256="0" * 64,
        scores={"overlap": {}, "exact": {}}, curve=[])
    m.training_job = TrainingJob.objects.create(project=m.w.project,
                                                tagger_name="learned-attribution")


def model_id(m):
    return {"model_id": m.tagger_model.pk, "job_id": m.training_job.pk}


def labels_approved(m, user):
    """Two approved documents, the fewest training takes (one to learn from, one held out)."""
    from annotator.services.documents import document_create

    review_decide(reviewer=m.w.reviewer, target=m.owner.claim, decision="approve", note="")
    second, _ = document_create(project=m.w.project, title="Second", text="Nobody spoke.")
    DocumentStatus.objects.create(document=second, annotator=m.w.annotator, status="approved")


def assigned_to_annotator(m, user):
    """The document assigned to the annotator (by the admin)."""
    from annotator.services.assignments import assignment_create_bulk

    outcome = assignment_create_bulk(project=m.w.project, actor=m.w.admin,
                                     documents=[m.w.document], annotator_ids=[m.w.annotator.pk])
    m.assignment = outcome.created[0]


def closed_and_assigned_to_annotator(m, user):
    """unassigned_open false: the annotator opens the document (assigned), the other not."""
    assigned_to_annotator(m, user)
    Project.objects.filter(pk=m.w.project.pk).update(settings={"unassigned_open": False})


def assignment_body(m, user):
    return {"documents": [m.w.document.pk], "annotators": [m.w.annotator.pk]}


def entities_made(m, user):
    """Two source entities of the project, made by the admin: m.entity, m.entity2."""
    from annotator.services.entities import entity_create

    if getattr(m, "entity", None) is not None:  # made already (tests that prepare twice)
        return
    m.entity = entity_create(project=m.w.project, actor=m.w.admin, name="The minister")
    m.entity2 = entity_create(project=m.w.project, actor=m.w.admin, name="Antony Blinken")


def claims_grouped(m, user):
    """The owner's attribution approved and the project's claims grouped
    (services/claim_groups.py): m.group_key, the group of its claim."""
    from annotator.services.claim_groups import claim_groups_update

    review_decide(reviewer=m.w.reviewer, target=m.owner.attribution, decision="approve")
    claim_groups_update(project_id=m.w.project.pk)
    m.group_key = ClaimGroupMember.objects.filter(project=m.w.project).values_list(
        "group_key", flat=True).first()
    assert m.group_key is not None, "the world has an approved claim"


def entity_id(m):
    return {"entity_id": m.entity.pk}


POLICY: tuple[Row, ...] = (
    # Auth and the caller's own account.
    Row("GET", "/api/auth/csrf/", per_user(anonymous=OK)),
    Row("POST", "/api/auth/login/", per_user(anonymous=OK), body=credentials),
    Row("POST", "/api/auth/logout/", per_user(), writes=False),
    Row("POST", "/api/auth/logout/", per_user(), variant="with a token", token=True,
        prepare=give_token, check=revoked_the_token_sent),
    Row("POST", "/api/auth/token/", per_user(), body=lambda m, user: {"name": "ci"}),
    Row("POST", "/api/auth/token/", per_user(anonymous=OK), variant="with username and password",
        body=lambda m, user: {**credentials(m, user), "name": "ci"}),
    Row("GET", "/api/auth/tokens/", per_user(), prepare=give_token, check=lists_own_tokens),
    Row("DELETE", "/api/auth/tokens/{token_id}/", per_user(), variant="my own",
        prepare=give_token, params=callers_token),
    Row("DELETE", "/api/auth/tokens/{token_id}/", {**per_user(MISSING), "annotator": OK},
        variant="the annotator's"),
    Row("POST", "/api/auth/password/", per_user(),
        body=lambda m, user: {"current_password": PASSWORD, "new_password": NEW_PASSWORD}),
    Row("GET", "/api/me/", per_user()),
    # Projects.
    Row("GET", "/api/projects/", per_user(), check=lists_project_to_members_only),
    Row("POST", "/api/projects/", per_user(FORBIDDEN), variant="not site staff",
        body=lambda m, user: {"name": "Fresh", "guidelines": "Mark every claim."}),
    Row("POST", "/api/projects/", per_user(), variant="site staff", prepare=make_staff,
        body=lambda m, user: {"name": "Fresh", "guidelines": "Mark every claim."}),
    Row("GET", "/api/projects/{project_id}/", READ),
    Row("PATCH", "/api/projects/{project_id}/", MANAGE,
        body=lambda m, user: {"guidelines": "Mark the cue too."}),
    Row("GET", "/api/projects/{project_id}/labels/", READ),
    Row("POST", "/api/projects/{project_id}/labels/", MANAGE,
        body=lambda m, user: {"name": "EVIDENCE", "color": "#123456"}),
    Row("PATCH", "/api/projects/{project_id}/labels/{label_id}/", MANAGE,
        body=lambda m, user: {"description": "What is claimed, word for word."}),
    Row("DELETE", "/api/projects/{project_id}/labels/{label_id}/", MANAGE,
        params=lambda m: {"label_id": m.spare_label.pk}),
    Row("GET", "/api/projects/{project_id}/members/", READ),
    Row("POST", "/api/projects/{project_id}/members/", MANAGE,
        body=lambda m, user: {"username": m.w.stranger.username, "role": "annotator"}),
    Row("PATCH", "/api/projects/{project_id}/members/{membership_id}/", MANAGE,
        body=lambda m, user: {"role": "reviewer"}),
    Row("DELETE", "/api/projects/{project_id}/members/{membership_id}/", MANAGE),
    # Documents.
    Row("GET", "/api/projects/{project_id}/documents/", READ),
    Row("GET", "/api/projects/{project_id}/documents/", inside(OK, FORBIDDEN, OK, OK),
        variant="?annotator=the annotator", query=lambda m: {"annotator": m.w.annotator.pk}),
    Row("POST", "/api/projects/{project_id}/documents/", MANAGE,
        body=lambda m, user: {"title": "Fresh", "text": "Nobody said anything today."}),
    Row("GET", "/api/documents/{document_id}/", READ, check=only_own_layer),
    Row("GET", "/api/documents/{document_id}/", REVIEW, variant="?layer=all",
        query=lambda m: {"layer": "all"}, check=every_layer),
    Row("GET", "/api/documents/{document_id}/", inside(OK, FORBIDDEN, OK, OK),
        variant="?layer=the annotator", query=lambda m: {"layer": m.w.annotator.pk}),
    Row("POST", "/api/documents/{document_id}/status/", ANNOTATE, variant="submit my work",
        body=lambda m, user: {"action": "submit"}),
    Row("POST", "/api/documents/{document_id}/status/", REVIEW,
        variant="approve the annotator's", prepare=annotator_submitted_and_reviewed,
        body=review_action("approve")),
    Row("POST", "/api/documents/{document_id}/status/", REVIEW,
        variant="return the annotator's", prepare=annotator_submitted,
        body=review_action("return")),
    Row("GET", "/api/documents/{document_id}/reviews/", READ, check=reviews_visible_to),
    Row("POST", "/api/documents/{document_id}/reviews/", REVIEW,
        body=lambda m, user: {"span": m.owner.claim.pk, "decision": "approve",
                              "note": "Matches the guidelines."}),
    # The review workflow.
    Row("POST", "/api/documents/{document_id}/reviews/bulk/", REVIEW,
        body=lambda m, user: {"decision": "approve", "note": "Both agree.",
                              "spans": [m.owner.claim.pk, m.layers[m.w.annotator2.pk].claim.pk],
                              "attributions": [m.owner.attribution.pk]}),
    Row("POST", "/api/documents/{document_id}/corrections/spans/", REVIEW,
        body=lambda m, user: {**span_at(m.w.document, "prices will rise.", "CLAIM"),
                              "replaces": [m.owner.spare_claim.pk], "note": "This is the claim."}),
    Row("POST", "/api/documents/{document_id}/corrections/attributions/", REVIEW,
        prepare=spans_only_annotators_have,
        body=lambda m, user: {"claims": [m.fresh["claim"].pk], "source": m.fresh["source"].pk,
                              "cue": m.fresh["cue"].pk, "replaces": [m.owner.attribution.pk]}),
    Row("GET", "/api/documents/{document_id}/statuses/", REVIEW,
        prepare=annotator_submitted, check=statuses_of_everyone),
    Row("GET", "/api/review-queue/", per_user(), prepare=annotator_submitted,
        check=queue_for_reviewers_only),
    Row("GET", "/api/projects/{project_id}/agreement/", REVIEW),
    Row("GET", "/api/projects/{project_id}/agreement/", READ,
        variant="annotators see each other", prepare=annotators_see_each_other),
    # Spans.
    Row("POST", "/api/documents/{document_id}/spans/", ANNOTATE,
        body=span_body("prices will rise.", "CLAIM")),
    Row("POST", "/api/documents/{document_id}/spans/bulk/", ANNOTATE,
        body=lambda m, user: {"spans": [span_at(m.w.document, "prices will rise.", "CLAIM"),
                                        span_at(m.w.document, "A spokesperson", "SOURCE")]}),
    Row("POST", "/api/documents/{document_id}/bulk/", ANNOTATE,
        body=lambda m, user: {"create": {
            "spans": [{**span_at(m.w.document, "prices will rise.", "CLAIM"), "ref": "c"},
                      {**span_at(m.w.document, "A spokesperson", "SOURCE"), "ref": "s"}],
            "attributions": [{"claims": ["c"], "source": "s"}]}}),
    Row("GET", "/api/spans/{span_id}/", OWN_READ),
    Row("GET", "/api/spans/{span_id}/", READ, variant="a suggestion",
        params=lambda m: {"span_id": m.suggested_span.pk}),
    Row("PATCH", "/api/spans/{span_id}/", OWN_WRITE,
        body=lambda m, user: {"label": "SOURCE", "version": version_of(m.owner.claim)}),
    Row("PATCH", "/api/spans/{span_id}/", SUGGESTION_WRITE, variant="a suggestion",
        params=lambda m: {"span_id": m.suggested_span.pk},
        body=lambda m, user: {"label": "SOURCE", "version": version_of(m.suggested_span)}),
    Row("PATCH", "/api/spans/{span_id}/", REVIEWER_OWNED_WRITE, variant="the reviewer's own",
        params=lambda m: {"span_id": m.layers[m.w.reviewer.pk].claim.pk},
        body=lambda m, user: {"label": "SOURCE",
                              "version": version_of(m.layers[m.w.reviewer.pk].claim)}),
    Row("DELETE", "/api/spans/{span_id}/", OWN_WRITE, headers=if_match(lambda m: m.owner.claim)),
    Row("DELETE", "/api/spans/{span_id}/", SUGGESTION_WRITE, variant="a suggestion",
        params=lambda m: {"span_id": m.suggested_span.pk},
        headers=if_match(lambda m: m.suggested_span)),
    Row("DELETE", "/api/spans/{span_id}/", REVIEWER_OWNED_WRITE, variant="the reviewer's own",
        params=lambda m: {"span_id": m.layers[m.w.reviewer.pk].claim.pk},
        headers=if_match(lambda m: m.layers[m.w.reviewer.pk].claim)),
    Row("GET", "/api/spans/{span_id}/history/", OWN_READ),
    Row("GET", "/api/spans/{span_id}/history/", OWN_READ, variant="a deleted span",
        prepare=owner_claim_deleted),
    Row("POST", "/api/spans/{span_id}/restore/", OWN_WRITE, prepare=owner_claim_deleted),
    # Attributions.
    Row("POST", "/api/documents/{document_id}/attributions/", ANNOTATE,
        body=lambda m, user: {"claims": [m.layer(user).spare_claim.pk],
                              "source": m.layer(user).source.pk, "cue": m.layer(user).cue.pk,
                              "attributes": {"quote_type": "direct"}}),
    Row("GET", "/api/attributions/{attribution_id}/", OWN_READ),
    Row("GET", "/api/attributions/{attribution_id}/", READ, variant="a suggestion",
        params=lambda m: {"attribution_id": m.suggested_attribution.pk}),
    Row("PATCH", "/api/attributions/{attribution_id}/", OWN_WRITE,
        body=lambda m, user: {"attributes": {"quote_type": "indirect"},
                              "version": version_of(m.owner.attribution)}),
    Row("PATCH", "/api/attributions/{attribution_id}/", SUGGESTION_WRITE, variant="a suggestion",
        params=lambda m: {"attribution_id": m.suggested_attribution.pk},
        body=lambda m, user: {"attributes": {"quote_type": "indirect"},
                              "version": version_of(m.suggested_attribution)}),
    Row("PATCH", "/api/attributions/{attribution_id}/", REVIEWER_OWNED_WRITE,
        variant="the reviewer's own",
        params=lambda m: {"attribution_id": m.layers[m.w.reviewer.pk].attribution.pk},
        body=lambda m, user: {"attributes": {"quote_type": "indirect"},
                              "version": version_of(m.layers[m.w.reviewer.pk].attribution)}),
    Row("DELETE", "/api/attributions/{attribution_id}/", OWN_WRITE,
        headers=if_match(lambda m: m.owner.attribution)),
    Row("DELETE", "/api/attributions/{attribution_id}/", SUGGESTION_WRITE,
        variant="a suggestion", params=lambda m: {"attribution_id": m.suggested_attribution.pk},
        headers=if_match(lambda m: m.suggested_attribution)),
    Row("DELETE", "/api/attributions/{attribution_id}/", REVIEWER_OWNED_WRITE,
        variant="the reviewer's own",
        params=lambda m: {"attribution_id": m.layers[m.w.reviewer.pk].attribution.pk},
        headers=if_match(lambda m: m.layers[m.w.reviewer.pk].attribution)),
    Row("GET", "/api/attributions/{attribution_id}/history/", OWN_READ),
    Row("GET", "/api/attributions/{attribution_id}/history/", OWN_READ,
        variant="a deleted attribution", prepare=owner_attribution_deleted),
    Row("POST", "/api/attributions/{attribution_id}/restore/", OWN_WRITE,
        prepare=owner_attribution_deleted),
    # Suggestions.
    Row("POST", "/api/documents/{document_id}/suggestions/", MANAGE,
        body=lambda m, user: {"tagger_name": "api-tagger", "tagger_version": "2", "spans": [
            {"key": "p", **{k: v for k, v in span_at(m.w.document, "prices will rise.",
                                                      "CLAIM").items() if k != "quote"}}]}),
    Row("POST", "/api/documents/{document_id}/suggestions/decide/", ANNOTATE,
        body=lambda m, user: {"decision": "accept",
                              "attributions": [m.suggested_attribution.pk]}),
    # Pre-tagging jobs.
    Row("GET", "/api/taggers/", per_user()),
    Row("GET", "/api/projects/{project_id}/pretag-jobs/", READ),
    Row("POST", "/api/projects/{project_id}/pretag-jobs/", MANAGE,
        body=lambda m, user: {"documents": [m.w.document.pk]}),
    Row("GET", "/api/pretag-jobs/{job_id}/", READ),
    Row("POST", "/api/pretag-jobs/{job_id}/cancel/", MANAGE),
    # Training models from the approved labels; the project's tagger.
    Row("GET", "/api/projects/{project_id}/models/", READ, prepare=model_trained),
    Row("POST", "/api/projects/{project_id}/models/", MANAGE, prepare=labels_approved,
        body=lambda m, user: {"max_iterations": 5}),
    Row("GET", "/api/projects/{project_id}/models/{model_id}/", READ, prepare=model_trained,
        params=model_id),
    Row("GET", "/api/projects/{project_id}/training-jobs/", READ, prepare=model_trained),
    Row("GET", "/api/projects/{project_id}/training-jobs/{job_id}/", READ,
        prepare=model_trained, params=model_id),
    Row("POST", "/api/projects/{project_id}/training-jobs/{job_id}/cancel/", MANAGE,
        prepare=model_trained, params=model_id),
    Row("GET", "/api/projects/{project_id}/tagger/", READ),
    Row("POST", "/api/projects/{project_id}/tagger/", MANAGE, prepare=model_trained,
        body=lambda m, user: {"model": m.tagger_model.pk}),
    # Import and export.
    Row("GET", "/api/projects/{project_id}/export-jobs/", REVIEW, prepare=export_queued),
    Row("POST", "/api/projects/{project_id}/export-jobs/", REVIEW,
        body=lambda m, user: {"format": "brat", "layer": "approved"}),
    Row("GET", "/api/export-jobs/{job_id}/", REVIEW, prepare=export_queued, params=export_job_id),
    Row("GET", "/api/export-jobs/{job_id}/download/", REVIEW, prepare=export_finished,
        params=export_job_id, check=is_a_zip),
    Row("POST", "/api/projects/{project_id}/imports/", MANAGE, multipart=import_upload),
    # Assignment and progress (issue #15): admins assign; reviewers see the dashboard.
    Row("GET", "/api/projects/{project_id}/assignments/", READ, prepare=assigned_to_annotator),
    Row("POST", "/api/projects/{project_id}/assignments/", MANAGE, body=assignment_body),
    Row("POST", "/api/projects/{project_id}/assignments/unassign/", MANAGE,
        prepare=assigned_to_annotator, body=assignment_body),
    Row("DELETE", "/api/projects/{project_id}/assignments/{assignment_id}/", MANAGE,
        prepare=assigned_to_annotator, params=lambda m: {"assignment_id": m.assignment.pk}),
    Row("POST", "/api/projects/{project_id}/assignments/auto/", MANAGE,
        body=lambda m, user: {"k": 1, "seed": 7}),
    Row("GET", "/api/projects/{project_id}/dashboard/", REVIEW, prepare=assigned_to_annotator),
    Row("GET", "/api/documents/{document_id}/", inside(OK, FORBIDDEN, OK, OK),
        variant="unassigned closed, assigned to the annotator",
        prepare=closed_and_assigned_to_annotator),
    Row("POST", "/api/documents/{document_id}/spans/", inside(OK, FORBIDDEN, FORBIDDEN, OK),
        variant="unassigned closed, assigned to the annotator",
        prepare=closed_and_assigned_to_annotator, body=span_body("prices will rise.", "CLAIM")),

    # Running a project from the browser: label set, usage, merging, members.
    Row("PATCH", "/api/projects/{project_id}/", MANAGE, variant="the label set",
        body=lambda m, user: {"labels": [{"id": label.pk, "name": label.name}
                                         for label in m.w.project.labels.all()]
                              + [{"name": "EXTRA", "hotkey": "x"}]}),
    Row("GET", "/api/projects/{project_id}/usage/", READ),
    Row("POST", "/api/projects/{project_id}/labels/{label_id}/merge/", MANAGE,
        params=lambda m: {"label_id": m.spare_label.pk},
        body=lambda m, user: {"into": m.w.project.labels.get(name="CLAIM").pk}),
    Row("GET", "/api/projects/{project_id}/user-search/", MANAGE,
        query=lambda m: {"q": "stranger"}),
    Row("POST", "/api/projects/{project_id}/invitations/", MANAGE,
        body=lambda m, user: {"email": "invited@example.org", "role": "annotator"}),
    Row("POST", "/api/projects/{project_id}/accounts/", MANAGE,
        body=lambda m, user: {"username": "fresh-account", "role": "reviewer"}),

    # Source entities (issue #16): members read, annotators make them and link their own
    # SOURCE spans, reviewers and admins rename, merge and delete them.
    Row("GET", "/api/projects/{project_id}/entities/", READ, prepare=entities_made),
    Row("POST", "/api/projects/{project_id}/entities/", ANNOTATE,
        body=lambda m, user: {"name": "Officials", "type": "group"}),
    Row("GET", "/api/projects/{project_id}/entities/{entity_id}/", READ, prepare=entities_made,
        params=entity_id),
    Row("PATCH", "/api/projects/{project_id}/entities/{entity_id}/", REVIEW,
        prepare=entities_made, params=entity_id,
        body=lambda m, user: {"name": "The foreign minister", "version": 1}),
    Row("DELETE", "/api/projects/{project_id}/entities/{entity_id}/", REVIEW,
        prepare=entities_made, params=entity_id),
    Row("POST", "/api/projects/{project_id}/entities/{entity_id}/merge/", REVIEW,
        prepare=entities_made, params=entity_id,
        body=lambda m, user: {"into": m.entity2.pk}),
    Row("PUT", "/api/spans/{span_id}/entity/", OWN_WRITE, prepare=entities_made,
        params=lambda m: {"span_id": m.owner.source.pk},
        body=lambda m, user: {"entity": m.entity.pk, "version": version_of(m.owner.source)}),

    # The explorer (issue #16): every member reads the approved layer and their own; another
    # annotator's layer only those who see all layers (access.access_project_layer).
    Row("GET", "/api/projects/{project_id}/sources/", READ),
    Row("GET", "/api/projects/{project_id}/sources/", inside(OK, FORBIDDEN, OK, OK),
        variant="the annotator's layer", query=lambda m: {"layer": m.w.annotator.username}),
    Row("GET", "/api/projects/{project_id}/sources/csv/", READ),
    Row("GET", "/api/projects/{project_id}/sources/{entity}/claims/", READ,
        prepare=entities_made, params=lambda m: {"entity": m.entity.pk}),
    Row("GET", "/api/projects/{project_id}/sources/{entity}/claims/", READ,
        variant="no entity", params=lambda m: {"entity": "none"}),
    # The same claim in several documents: every member reads the approved layer's groups.
    Row("GET", "/api/projects/{project_id}/claim-groups/{group_key}/", READ,
        prepare=claims_grouped, params=lambda m: {"group_key": m.group_key}),
)


# --- The schema's operations --------------------------------------------------------------

def schema_operations() -> set[tuple[str, str]]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {(method.upper(), path) for path, operations in schema["paths"].items()
            for method in operations
            if path.startswith("/api/") and not path.startswith(NOT_UNDER_TEST)
            and method.upper() in ("GET", "POST", "PUT", "PATCH", "DELETE")}


OPERATIONS = schema_operations()


def matrix_cases():
    rows_by_operation: dict[tuple[str, str], list[Row]] = {}
    for row in POLICY:
        rows_by_operation.setdefault((row.method, row.path), []).append(row)
    for method, path in sorted(OPERATIONS, key=lambda op: (op[1], op[0])):
        rows = rows_by_operation.get((method, path))
        if not rows:  # also reported, with the full list, by the coverage test below
            yield pytest.param(None, "", id=f"{method} {path} has no policy row")
            continue
        for row in rows:
            for actor in ACTORS:
                yield pytest.param(row, actor, id=f"{row.name} as {actor}")


def test_every_operation_has_a_policy_row_and_every_row_an_operation():
    rows = {(row.method, row.path) for row in POLICY}
    without_row = sorted(OPERATIONS - rows)
    without_operation = sorted(rows - OPERATIONS)
    assert not without_row, f"schema operations without a policy row: {without_row}"
    assert not without_operation, f"policy rows without a schema operation: {without_operation}"


def test_every_policy_row_names_every_actor_and_a_known_outcome():
    for row in POLICY:
        assert set(row.expect) == set(ACTORS), row.name
        assert set(row.expect.values()) <= {OK, FORBIDDEN, MISSING, UNAUTHENTICATED}, row.name
    names = [row.name for row in POLICY]
    assert len(names) == len(set(names)), "two rows for the same operation and variant"


# --- The matrix -------------------------------------------------------------------------

def send(client, row: Row, m: Matrix, user):
    params = {**default_params(m), **(row.params(m) if row.params else {})}
    url = row.path.format(**params)
    extra = row.headers(m) if row.headers else {}
    if row.method == "GET":
        return client.get(url, row.query(m) if row.query else None, **extra)
    if row.multipart:
        return client.post(url, row.multipart(m, user), format="multipart", **extra)
    body = row.body(m, user) if row.body else None
    return client.generic(row.method, url, **_json(body), **extra)


def _json(body) -> dict:
    import json

    if body is None:
        return {}
    return {"data": json.dumps(body), "content_type": "application/json"}


@pytest.mark.parametrize(("row", "actor"), list(matrix_cases()))
def test_permission_matrix(row, actor, shared_matrix, api):
    matrix = shared_matrix
    run_case(row, actor, matrix, lambda user: send(client_for(row, matrix, user, api), row,
                                                    matrix, user))


def client_for(row: Row, m: Matrix, user, api) -> APIClient:
    """A forced login, or, for a row about the token a request is sent with, that token."""
    if not row.token:
        return api(user)
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {m.tokens[user.pk]}")
    return client


def run_case(row: Row | None, actor: str, matrix: Matrix, respond: Callable) -> None:
    """One case: prepare, snapshot, respond(user) → the response, snapshot, check.

    Shared with tests/integration/test_matrix_gunicorn.py, which answers over HTTP.
    """
    if row is None:
        pytest.fail("this schema operation has no row in POLICY")
    expected = row.expect[actor]
    user = matrix.user(actor)
    if row.prepare:
        row.prepare(matrix, user)
    before = snapshot()

    response = respond(user)

    after = snapshot()
    detail = getattr(response, "data", None)
    if expected == OK:
        assert 200 <= response.status_code < 300, (response.status_code, detail)
        if row.check:
            row.check(matrix, actor, response)
        if row.changes_rows:
            assert changed_tables(before, after), "an 'ok' write changed no row"
        else:
            assert not changed_tables(before, after), "a read wrote rows"
    else:
        assert response.status_code == STATUS_OF[expected], (response.status_code, detail)
        assert not changed_tables(before, after), (
            f"a refused request ({response.status_code}) changed "
            f"{changed_tables(before, after)}")


# --- Ids of the other project in this project's URLs and bodies ----------------------------

@pytest.fixture
def crossed(shared_matrix, make_document):
    """The annotator, reviewer and admin of project A are also members of project B, with
    labels there: ids they may use in B must still mean nothing in A."""
    return crossed_build(shared_matrix, make_document)


def crossed_build(matrix: Matrix, make_document) -> dict:
    """`crossed` on a given world (the HTTP run's is committed)."""
    w = matrix.w
    membership_set(project=w.other_project, user=w.annotator, role="annotator")
    membership_set(project=w.other_project, user=w.reviewer, role="reviewer")
    membership_set(project=w.other_project, user=w.admin, role="admin")
    label_create(project=w.other_project, actor=w.outsider, data={"name": "ONLYB"})
    other_document = make_document(w.other_project, text=w.document.text, title="Deal in B")
    b_layer = make_layer(other_document, w.annotator)
    b_suggested_span, b_suggested_attribution = store_suggestions(other_document)
    return {"m": matrix, "b": b_layer, "b_label": w.other_project.labels.get(name="ONLYB"),
            "b_suggested_span": b_suggested_span,
            "b_suggested_attribution": b_suggested_attribution,
            "b_membership": Membership.objects.get(project=w.other_project, user=w.outsider)}


def _own_span_body(c):
    layer = c["m"].owner
    return {"claims": [layer.spare_claim.pk], "source": layer.source.pk, "cue": layer.cue.pk}


CROSS_CASES = {
    "annotator links B's claim in A's document": (
        "annotator", "POST", lambda c: f"/api/documents/{c['m'].w.document.pk}/attributions/",
        lambda c: {**_own_span_body(c), "claims": [c["b"].spare_claim.pk]}, 400),
    "annotator links B's source in A's document": (
        "annotator", "POST", lambda c: f"/api/documents/{c['m'].w.document.pk}/attributions/",
        lambda c: {**_own_span_body(c), "source": c["b"].source.pk}, 400),
    "annotator moves A's attribution onto B's claim": (
        "annotator", "PATCH", lambda c: f"/api/attributions/{c['m'].owner.attribution.pk}/",
        lambda c: {"claims": [c["b"].spare_claim.pk],
                   "version": version_of(c["m"].owner.attribution)}, 400),
    "annotator relabels A's span with B's label": (
        "annotator", "PATCH", lambda c: f"/api/spans/{c['m'].owner.claim.pk}/",
        lambda c: {"label": "ONLYB", "version": version_of(c["m"].owner.claim)}, 400),
    "annotator creates a span with B's label": (
        "annotator", "POST", lambda c: f"/api/documents/{c['m'].w.document.pk}/spans/",
        lambda c: span_at(c["m"].w.document, "prices will rise.", "ONLYB"), 400),
    "annotator bulk-creates a span with B's label": (
        "annotator", "POST", lambda c: f"/api/documents/{c['m'].w.document.pk}/spans/bulk/",
        lambda c: {"spans": [span_at(c["m"].w.document, "prices will rise.", "CLAIM"),
                             span_at(c["m"].w.document, "A spokesperson", "ONLYB")]}, 400),
    "annotator accepts B's suggested span via A's document": (
        "annotator", "POST",
        lambda c: f"/api/documents/{c['m'].w.document.pk}/suggestions/decide/",
        lambda c: {"decision": "accept", "spans": [c["b_suggested_span"].pk]}, 400),
    "annotator accepts B's suggested attribution via A's document": (
        "annotator", "POST",
        lambda c: f"/api/documents/{c['m'].w.document.pk}/suggestions/decide/",
        lambda c: {"decision": "accept",
                   "attributions": [c["b_suggested_attribution"].pk]}, 400),
    "reviewer reviews B's span via A's document": (
        "reviewer", "POST", lambda c: f"/api/documents/{c['m'].w.document.pk}/reviews/",
        lambda c: {"span": c["b"].claim.pk, "decision": "reject"}, 400),
    "reviewer reviews B's attribution via A's document": (
        "reviewer", "POST", lambda c: f"/api/documents/{c['m'].w.document.pk}/reviews/",
        lambda c: {"attribution": c["b"].attribution.pk, "decision": "approve"}, 400),
    "reviewer bulk-reviews B's span via A's document": (
        "reviewer", "POST", lambda c: f"/api/documents/{c['m'].w.document.pk}/reviews/bulk/",
        lambda c: {"decision": "approve", "spans": [c["m"].owner.claim.pk, c["b"].claim.pk]},
        400),
    "reviewer bulk-reviews B's attribution via A's document": (
        "reviewer", "POST", lambda c: f"/api/documents/{c['m'].w.document.pk}/reviews/bulk/",
        lambda c: {"decision": "reject", "attributions": [c["b"].attribution.pk]}, 400),
    "reviewer corrects with B's label in A's document": (
        "reviewer", "POST",
        lambda c: f"/api/documents/{c['m'].w.document.pk}/corrections/spans/",
        lambda c: span_at(c["m"].w.document, "prices will rise.", "ONLYB"), 400),
    "reviewer's correction replaces B's span in A's document": (
        "reviewer", "POST",
        lambda c: f"/api/documents/{c['m'].w.document.pk}/corrections/spans/",
        lambda c: {**span_at(c["m"].w.document, "prices will rise.", "CLAIM"),
                   "replaces": [c["b"].claim.pk]}, 400),
    "reviewer's corrected attribution uses B's source in A's document": (
        "reviewer", "POST",
        lambda c: f"/api/documents/{c['m'].w.document.pk}/corrections/attributions/",
        lambda c: {"claims": [c["m"].owner.spare_claim.pk], "source": c["b"].source.pk}, 400),
    "reviewer's corrected attribution uses a suggested claim": (
        "reviewer", "POST",
        lambda c: f"/api/documents/{c['m'].w.document.pk}/corrections/attributions/",
        lambda c: {"claims": [c["b_suggested_span"].pk]}, 400),
    "reviewer approves a member of B only in A's document": (
        "reviewer", "POST", lambda c: f"/api/documents/{c['m'].w.document.pk}/status/",
        lambda c: {"action": "approve", "annotator": c["m"].w.outsider.pk}, 400),
    "admin stores suggestions with B's label in A's document": (
        "admin", "POST", lambda c: f"/api/documents/{c['m'].w.document.pk}/suggestions/",
        lambda c: {"tagger_name": "t", "tagger_version": "1",
                   "spans": [{"key": "k", "label": "ONLYB", "start": 0, "end": 3}]}, 400),
    "admin changes B's label through A's URL": (
        "admin", "PATCH",
        lambda c: f"/api/projects/{c['m'].w.project.pk}/labels/{c['b_label'].pk}/",
        lambda c: {"description": "hijacked"}, 404),
    "admin deletes B's label through A's URL": (
        "admin", "DELETE",
        lambda c: f"/api/projects/{c['m'].w.project.pk}/labels/{c['b_label'].pk}/",
        lambda c: None, 404),
    "admin changes a B membership through A's URL": (
        "admin", "PATCH",
        lambda c: f"/api/projects/{c['m'].w.project.pk}/members/{c['b_membership'].pk}/",
        lambda c: {"role": "annotator"}, 404),
    "admin removes a B membership through A's URL": (
        "admin", "DELETE",
        lambda c: f"/api/projects/{c['m'].w.project.pk}/members/{c['b_membership'].pk}/",
        lambda c: None, 404),
}


@pytest.mark.parametrize("case", list(CROSS_CASES), ids=list(CROSS_CASES))
def test_ids_of_another_project_change_nothing(case, crossed, api):
    run_cross_case(case, crossed, lambda user, method, url, body: api(user).generic(
        method, url, **_json(body)))


def run_cross_case(case: str, crossed: dict, respond: Callable) -> None:
    """respond(user, method, url, body) → the response; shared with the HTTP run."""
    actor, method, url, body, expected = CROSS_CASES[case]
    user = crossed["m"].user(actor)
    before = snapshot()

    response = respond(user, method, url(crossed), body(crossed))

    assert response.status_code == expected, (response.status_code,
                                               getattr(response, "data", None))
    assert not changed_tables(before, snapshot())
