"""No input gives a 500, and every answer matches the OpenAPI schema.

Schemathesis generates requests for every operation of /api/schema/ (valid
ones and invalid ones) and sends them in-process to config.wsgi.application,
authenticated with the token of a project admin (who may also annotate and
review), against a seeded world: a project with an admin, annotators and a
reviewer, a document with emoji, spans, attributions, suggestions, a review.

Random ids mostly answer 404, so in most examples (about two in three) the
path ids and the ids inside the body are replaced by ids of seeded objects
(and names, labels, span offsets and quotes are made plausible), so that
requests also get past validation into the services. Each operation is a test of
its own (so pytest-xdist spreads them over its workers) on a world of its own:
the operations do not see each other's writes, and within one operation deleted
objects are made again. Generation is derandomized and never shrinks, so the run
is bounded and the same every time; EXAMPLES_PER_OPERATION says how long.
"""
from __future__ import annotations

import contextlib
import functools
import itertools
import json
import os
import traceback

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (content_type_conformance,
                                               response_schema_conformance,
                                               status_code_conformance)

from annotator.models import (ApiToken, Attribution, DocStatus, DocumentStatus, Label,
                              LabelStatus, Membership, Role, SourceEntity, Span)
from annotator.services.accounts import api_token_create
from annotator.services.attributions import attribution_create
from annotator.services.documents import document_status_change
from annotator.services.entities import entity_create
from annotator.services.projects import label_create, membership_set
from annotator.services.reviews import review_decide
from annotator.services.spans import span_create
from annotator.services.suggestions import (SuggestedAttribution, SuggestedSpan,
                                            suggestions_store)
from config.wsgi import application
from tests.api.conftest import span_at

pytestmark = pytest.mark.django_db

# Requests per operation: FUZZ_EXAMPLES, else 50 in CI (CI=true) and 10 elsewhere, where the
# suite is run often and the same examples (generation is derandomized) would only be
# sent again.
EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES")
                             or (50 if os.environ.get("CI") == "true" else 10))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
TAGGER = ("fuzz-tagger", "1")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
ROLE_LABELS = ["CLAIM", "SOURCE", "CUE"]


class Seed:
    """The seeded world, and ids of real objects to put into generated requests."""

    def __init__(self, world):
        self.world = world
        self.admin = world.admin
        get_user_model().objects.filter(pk=self.admin.pk).update(is_staff=True)
        self.admin.refresh_from_db()
        self.token = api_token_create(user=self.admin, name="fuzz")
        self.secret = self.token.secret
        doc = world.document
        self._own_spans(self.admin, [("The deal is dead,", "CLAIM"),
                                     ("and nobody will revive it.", "CLAIM"),
                                     ("the minister", "SOURCE"), ("said", "CUE")])
        self._own_spans(world.annotator, [("talks 🇺🇦 collapsed", "CLAIM"),
                                          ("officials", "SOURCE"), ("According to", "CUE")])
        suggestions_store(
            document=doc, tagger_name=TAGGER[0], tagger_version=TAGGER[1],
            spans=[SuggestedSpan(key="c", **self._where("prices will rise", "CLAIM")),
                   SuggestedSpan(key="s", **self._where("A spokesperson", "SOURCE")),
                   SuggestedSpan(key="q", **self._where("warned", "CUE"))],
            attributions=[SuggestedAttribution(claims=["c"], source="s", cue="q")])
        review_decide(reviewer=world.reviewer, target=Span.objects.filter(
            annotator=world.annotator).first(), decision="approve", note="fine 👍")
        label_create(project=world.project, actor=self.admin,
                     data={"name": "SPARE", "hotkey": "9", "color": "#123456"})
        self.ensure()

    def _where(self, piece, label):
        body = span_at(self.world.document, piece, label)
        return {"label": label, "start": body["start"], "end": body["end"]}

    def _own_spans(self, user, pieces):
        """The user's spans over these pieces, linked into one attribution."""
        doc = self.world.document
        spans = {}
        for piece, label_name in pieces:
            where = self._where(piece, label_name)
            label = Label.objects.get(project=doc.project, name=label_name)
            spans.setdefault(label_name, []).append(
                span_create(document=doc, annotator=user, label=label, start=where["start"],
                            end=where["end"], quote=piece).pk)
        attribution_create(document=doc, annotator=user, claims=spans["CLAIM"],
                           source=spans["SOURCE"][0], cue=spans["CUE"][0])

    def ensure(self):
        """Put back what earlier examples of the same operation took away; note the real ids."""
        world, doc = self.world, self.world.document
        # Signing out, a password change or a revocation revoked the token the run sends.
        ApiToken.objects.filter(pk=self.token.pk).update(revoked_at=None, expires_at=None)
        membership_set(project=world.project, user=self.admin, role=Role.ADMIN)
        status = DocumentStatus.objects.filter(document=doc, annotator=self.admin).first()
        if status is not None and status.status in (DocStatus.SUBMITTED, DocStatus.APPROVED):
            document_status_change(document=doc, actor=self.admin, annotator=self.admin,
                                   action="return")
        if not Attribution.objects.filter(document=doc, annotator=self.admin).exists():
            self._own_attribution()
        if not Label.objects.filter(project=world.project, name="SPARE").exists():
            label_create(project=world.project, actor=self.admin, data={"name": "SPARE"})
        if not Membership.objects.filter(project=world.project, user=world.annotator2).exists():
            membership_set(project=world.project, user=world.annotator2, role=Role.ANNOTATOR)
        for name in ("Seeded entity", "Another seeded entity"):  # merged or deleted: again
            if not SourceEntity.objects.filter(project=world.project, name=name).exists():
                entity_create(project=world.project, actor=self.admin, name=name)
        spans = Span.objects.filter(document=doc)
        attributions = Attribution.objects.filter(document=doc)

        def pks(queryset):
            return list(queryset.order_by("id").values_list("pk", flat=True))

        mine, suggested = spans.filter(annotator=self.admin), spans.filter(annotator=None)
        # Lists of candidates by path parameter or body field; the admin's own come twice,
        # so that changes and deletes often reach the services rather than a 403.
        self.ids = {
            "project_id": [world.project.pk],
            "document_id": [doc.pk],
            "span_id": pks(mine) * 2 + pks(spans),
            "attribution_id": pks(attributions.filter(annotator=self.admin)) * 2
                              + pks(attributions),
            "label_id": pks(Label.objects.filter(project=world.project, name="SPARE")) * 2
                        + pks(Label.objects.filter(project=world.project)),
            "membership_id": pks(Membership.objects.filter(project=world.project)),
            "token_id": pks(ApiToken.objects.filter(user=self.admin)),
            "annotator": [self.admin.pk, world.annotator.pk, world.annotator2.pk],
            "annotators": [self.admin.pk, world.annotator.pk, world.annotator2.pk],
            "claims": pks(mine.filter(label__name="CLAIM")),
            "source": pks(mine.filter(label__name="SOURCE")),
            "cue": pks(mine.filter(label__name="CUE")),
            "spans": pks(suggested),
            "attributions": pks(attributions.filter(annotator=None)),
            "span": pks(spans.exclude(annotator=None)),
            "attribution": pks(attributions.exclude(annotator=None)),
            "username": ["ann2", "rev", "stranger", "outsider", "boss"],
            "into": pks(Label.objects.filter(project=world.project))
                    + pks(SourceEntity.objects.filter(project=world.project)),
            "entity_id": pks(SourceEntity.objects.filter(project=world.project)),
            "entity": pks(SourceEntity.objects.filter(project=world.project)),
        }
        self.versions = {"span_id": dict(spans.values_list("pk", "version")),
                         "attribution_id": dict(attributions.values_list("pk", "version"))}

    def _own_attribution(self):
        """An attribution of the admin's again, on a CLAIM span of theirs (made if need be)."""
        doc = self.world.document
        claim = Label.objects.filter(project=doc.project, name="CLAIM").first()
        if claim is None:  # renamed by an earlier example of this operation
            return
        span = Span.objects.filter(document=doc, annotator=self.admin, label=claim,
                                   status=LabelStatus.ACCEPTED).first()
        if span is None:
            where = self._where("The deal is dead,", "CLAIM")
            span = span_create(document=doc, annotator=self.admin, label=claim,
                               start=where["start"], end=where["end"])
        attribution_create(document=doc, annotator=self.admin, claims=[span.pk])

    def make_real(self, case, picks):
        """Point the case at seeded objects: path ids, ids in the body, offsets and quotes."""
        pick = itertools.cycle(picks)

        def choose(name):
            choices = self.ids[name]
            return choices[next(pick) % len(choices)] if choices else 1

        for name in case.path_parameters:
            if name in self.ids:
                case.path_parameters[name] = choose(name)
        for name in ("span_id", "attribution_id"):
            if name in case.path_parameters and next(pick) % 2:
                version = self.versions[name].get(case.path_parameters[name], 1)
                case.headers["If-Match"] = f'"{version}"'
        if not isinstance(case.body, dict):
            return
        body = dict(case.body)
        for name, value in body.items():
            if name not in self.ids:
                continue
            if _is_int(value) or (name == "username" and isinstance(value, str)):
                body[name] = choose(name)
            elif isinstance(value, list) and value and all(_is_int(v) for v in value):
                body[name] = [choose(name) for _ in value]
        if isinstance(body.get("name"), str):  # labels and projects: a valid, new name
            body["name"] = f"Fuzz{next(pick)}"
        if isinstance(body.get("color"), str):
            body["color"] = f"#{next(pick):06x}"
        for item in [body, *(body.get("spans") if isinstance(body.get("spans"), list) else [])]:
            if isinstance(item, dict):
                self._fold_offsets(item, pick)
        case.body = body

    def _fold_offsets(self, item, pick):
        text = self.world.document.text
        if isinstance(item.get("label"), str):
            item["label"] = (ROLE_LABELS + ["SPARE"])[next(pick) % 4]
        if _is_int(item.get("start")) and _is_int(item.get("end")):
            start = item["start"] % len(text)
            item["start"], item["end"] = start, start + 1 + item["end"] % (len(text) - start)
            if isinstance(item.get("quote"), str):
                item["quote"] = text[item["start"]:item["end"]]


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


@contextlib.contextmanager
def wsgi_in_test_transaction():
    """Calls to the WSGI app must not close the test's connection (Django's test Client,
    which we do not use here, does the same), and 500s must keep their tracebacks."""
    tracebacks = []

    def remember(sender, request=None, **kwargs):
        tracebacks.append(traceback.format_exc())

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    got_request_exception.connect(remember)
    try:
        yield tracebacks
    finally:
        got_request_exception.disconnect(remember)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _strategy(operation):
    cases = [operation.as_strategy(GenerationMode.POSITIVE)]
    with contextlib.suppress(Exception):  # some operations have nothing to make invalid
        cases.append(operation.as_strategy(GenerationMode.NEGATIVE))
    return st.tuples(st.one_of(cases), st.sampled_from([True, False]),
                     st.lists(st.integers(0, 1000), min_size=40, max_size=40))


def _problem(failure):
    return f"{failure.title}: {failure.message[:3000]}".replace("\n", "\n    ")


def _describe(case, response, problems, server_traceback, auth):
    body = response.content.decode("utf-8", "replace")
    return "\n".join([
        f"{case.operation.label}  →  {response.status_code}",
        *[f"  {line}" for line in problems],
        f"  request: {case.as_curl_command(headers=auth)}",
        f"  response: {body[:800]}",
        *([f"  server traceback:\n{server_traceback}"] if server_traceback else []),
    ])


def _fuzz(operation, *, seed, auth, tracebacks, failures, seen):
    """EXAMPLES_PER_OPERATION requests to one operation; failures are collected, not raised."""

    @hypothesis_settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, database=None,
                         deadline=None, phases=[Phase.explicit, Phase.generate],
                         suppress_health_check=list(HealthCheck))
    @given(drawn=_strategy(operation))
    def run(drawn):
        case, real, picks = drawn
        if seen["dirty"]:
            seed.ensure()
        if real:
            seed.make_real(case, picks)
        seen["real" if real else "random"] += 1
        del tracebacks[:]
        seen["dirty"] = True  # until the answer says otherwise
        response = case.call(headers=auth)
        seen[f"{response.status_code // 100}xx"] = seen.get(
            f"{response.status_code // 100}xx", 0) + 1
        # What an answer may have changed is put back before the next example: a read
        # changes nothing (the permission matrix checks it) and neither does a refusal
        # (4xx: the matrix and the services' tests check that too).
        seen["dirty"] = operation.method.upper() not in SAFE_METHODS and not (
            400 <= response.status_code < 500)
        try:
            case.validate_response(response, checks=CHECKS, headers=auth)
            problems = []
        except FailureGroup as group:
            problems = [_problem(failure) for failure in group.exceptions]
        except Failure as failure:
            problems = [_problem(failure)]
        if problems or tracebacks:
            key = (operation.label, response.status_code, tuple(sorted(problems)))
            failures.setdefault(key, _describe(case, response, problems or ["exception logged"],
                                               tracebacks[-1] if tracebacks else "", auth))

    with transaction.atomic():  # nothing of this operation's writes outlives the test
        run()
        transaction.set_rollback(True)


@functools.cache
def _schema():
    """The served schema, loaded once per test process (the schema view reads no table, so
    this also runs at collection, to name one test per operation)."""
    with wsgi_in_test_transaction():
        return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


OPERATIONS = [result.ok().label for result in _schema().get_all_operations()]


def test_schema_fuzz_covers_every_operation_of_the_api_when_the_schema_is_read():
    assert len(OPERATIONS) > 30
    assert len(set(OPERATIONS)) == len(OPERATIONS)


@pytest.mark.parametrize("label", OPERATIONS)
def test_schema_fuzz_finds_no_server_error_and_no_schema_violation_when_inputs_are_random(
        world, label, record_property):
    seed = Seed(world)
    auth = {"Authorization": f"Token {seed.secret}"}
    failures: dict[tuple, str] = {}
    seen = {"real": 0, "random": 0, "dirty": False}  # Seed() ends with ensure()
    operation = _schema().find_operation_by_label(label)
    with wsgi_in_test_transaction() as tracebacks:
        _fuzz(operation, seed=seed, auth=auth, tracebacks=tracebacks, failures=failures,
              seen=seen)

    assert not failures, (f"{len(failures)} kind(s) of failure:\n\n"
                          + "\n\n".join(failures.values()))
    # Summed over the operations by tests/conftest.py's FuzzReach: more than one request in
    # ten must succeed, or the run reached 404s and validation errors only.
    record_property("fuzz_operation", label)
    record_property("fuzz_operations", len(OPERATIONS))
    record_property("fuzz_examples", EXAMPLES_PER_OPERATION)
    record_property("fuzz_2xx", seen.get("2xx", 0))
    del seen["dirty"]
    print(f"{label}: {json.dumps(seen)}")
