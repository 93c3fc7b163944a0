"""Concurrent edits on PostgreSQL: no silent overwrite, no duplicate rows."""
import threading

import pytest
from django.db import connection, transaction
from rest_framework.test import APIClient

from annotator.models import Event, Span
from tests.api.conftest import span_at, world  # noqa: F401 (the fixture)


def in_parallel(count, action):
    """Run action(i) in `count` threads released at the same instant; return the results."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        try:
            barrier.wait()
            results[i] = action(i)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_two_clients_editing_the_same_version_exactly_one_wins(world):
    doc = world.document
    span = client_for(world.annotator).post(f"/api/documents/{doc.id}/spans/",
                                            span_at(doc, "said", "CUE"), format="json").json()
    wanted = ["CLAIM", "SOURCE"]
    for _ in range(10):  # repeat: a race that is lost once in ten would still show
        current = Span.objects.get(pk=span["id"])
        statuses = in_parallel(2, lambda i: client_for(world.annotator).patch(
            f"/api/spans/{span['id']}/", {"label": wanted[i], "version": current.version},
            format="json").status_code)
        assert sorted(statuses) == [200, 409]
        winner = wanted[statuses.index(200)]
        stored = Span.objects.select_related("label").get(pk=span["id"])
        assert stored.label.name == winner and stored.version == current.version + 1
    assert Event.objects.filter(target_type="span", action="update").count() == 10


@pytest.mark.django_db(transaction=True)
def test_fifty_identical_concurrent_creates_leave_one_row(world):
    doc = world.document
    body = span_at(doc, "A spokesperson", "SOURCE")
    statuses = in_parallel(50, lambda i: client_for(world.annotator).post(
        f"/api/documents/{doc.id}/spans/", body, format="json").status_code)
    assert Span.objects.filter(document=doc).count() == 1
    assert sorted(set(statuses)) == [201, 409] and statuses.count(201) == 1
    assert Event.objects.filter(target_type="span", action="create").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_of_one_suggestion_make_one_row(world):
    from annotator.services.suggestions import SuggestedSpan, suggestions_store

    doc = world.document
    suggestions_store(document=doc, tagger_name="t", tagger_version="1",
                      spans=[SuggestedSpan(key="a", label="CLAIM", start=0, end=5)],
                      attributions=[])
    suggestion = Span.objects.get(annotator__isnull=True)
    statuses = in_parallel(10, lambda i: client_for(world.annotator).post(
        f"/api/documents/{doc.id}/suggestions/decide/",
        {"decision": "accept", "spans": [suggestion.pk]}, format="json").status_code)
    assert Span.objects.filter(annotator=world.annotator).count() == 1
    assert all(code in (200, 409) for code in statuses) and 200 in statuses


@pytest.mark.django_db(transaction=True)
def test_simultaneous_review_decisions_leave_the_state_of_the_newest_when_six_race(world):
    """Six reviewers' decisions on one label at once: review_state is the newest decision's.

    Each thread decides both annotators' copies of one agreed span (one label of the
    merged view), half of them listing the ids the other way round: the rows are locked
    in a stable order, so the opposite orders cannot deadlock either.
    """
    from annotator.models import ReviewDecision
    from annotator.services.documents import document_status_change
    from annotator.services.projects import membership_set
    from annotator.services.spans import span_create

    doc = world.document
    copies = []
    for annotator in (world.annotator, world.annotator2):
        copies.append(span_create(document=doc, annotator=annotator,
                                  **{**span_at(doc, "the minister", "SOURCE"),
                                     "label": doc.project.labels.get(name="SOURCE")}).pk)
        document_status_change(document=doc, actor=annotator, annotator=annotator,
                               action="submit")
    reviewers = [world.reviewer, world.admin]
    for i in range(4):
        extra = type(world.reviewer).objects.create_user(username=f"rev{i}", password="x" * 12)
        membership_set(project=doc.project, user=extra, role="reviewer")
        reviewers.append(extra)
    decisions = ["approve", "reject"] * 3
    state_of = {"approve": "approved", "reject": "rejected"}
    wrong = []
    for round_number in range(40):
        statuses = in_parallel(6, lambda i: client_for(reviewers[i]).post(
            f"/api/documents/{doc.id}/reviews/bulk/",
            {"decision": decisions[(i + round_number) % 6], "undecided_only": False,
             "spans": copies if i % 2 else copies[::-1], "note": f"round {round_number}"},
            format="json").status_code)
        assert statuses == [201] * 6, statuses
        for span_id in copies:
            newest = ReviewDecision.objects.filter(span_id=span_id).order_by(
                "-created_at", "-id").first()
            stored = Span.objects.get(pk=span_id).review_state
            if stored != state_of[newest.decision]:
                wrong.append((round_number, span_id, stored, newest.decision))
    assert not wrong, f"{len(wrong)} stale states in 40 rounds: {wrong[:5]}"
    assert ReviewDecision.objects.filter(span_id__in=copies).count() == 40 * 6 * 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_restores_of_one_deleted_span_make_it_once_and_keep_the_id_sequence(world):
    """Issue 12, point 7: a restore inserts the row with its old id; of two at once exactly
    one wins (the other gets 409, not a 500), and new rows still get new ids."""
    from annotator.models import Attribution

    doc = world.document
    client = client_for(world.annotator)
    claim = client.post(f"/api/documents/{doc.id}/spans/", span_at(doc, "The deal is dead,"),
                        format="json").json()
    source = client.post(f"/api/documents/{doc.id}/spans/",
                         span_at(doc, "the minister", "SOURCE"), format="json").json()
    attribution = client.post(f"/api/documents/{doc.id}/attributions/",
                              {"claims": [claim["id"]], "source": source["id"]},
                              format="json").json()
    for _ in range(5):
        version = Span.objects.get(pk=claim["id"]).version
        assert client.delete(f"/api/spans/{claim['id']}/",
                             HTTP_IF_MATCH=str(version)).status_code == 204
        statuses = in_parallel(2, lambda i: client_for(world.annotator).post(
            f"/api/spans/{claim['id']}/restore/", format="json").status_code)
        assert sorted(statuses) == [201, 409]
        assert Span.objects.filter(pk=claim["id"]).count() == 1
        assert Attribution.objects.get(pk=attribution["id"]).claim_id == claim["id"]
    assert Event.objects.filter(target_type="span", target_id=claim["id"],
                                action="restore").count() == 5
    fresh = client.post(f"/api/documents/{doc.id}/spans/", span_at(doc, "said", "CUE"),
                        format="json")
    assert fresh.status_code == 201 and fresh.json()["id"] > source["id"]


@pytest.mark.django_db(transaction=True)
def test_fifty_identical_concurrent_attribution_creates_leave_one_row(world):
    from annotator.models import Attribution

    doc = world.document
    client = client_for(world.annotator)
    claim, source = (client.post(f"/api/documents/{doc.id}/spans/", span_at(doc, piece, label),
                                 format="json").json()["id"]
                     for piece, label in (("The deal is dead,", "CLAIM"),
                                          ("the minister", "SOURCE")))
    body = {"claims": [claim], "source": source, "cue": None}  # a null cue: NULLs never clash
    responses = in_parallel(50, lambda i: client_for(world.annotator).post(
        f"/api/documents/{doc.id}/attributions/", body, format="json"))
    statuses = [r.status_code for r in responses]
    assert statuses.count(201) == 1 and statuses.count(409) == 49, statuses
    created = next(r.json() for r in responses if r.status_code == 201)
    assert {(r.json()["code"], r.json()["current"]["id"]) for r in responses
            if r.status_code == 409} == {("duplicate", created["id"])}
    assert Attribution.objects.filter(document=doc, annotator=world.annotator).count() == 1
    assert Event.objects.filter(target_type="attribution", action="create").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_idempotency_key_write_once_and_answer_alike(world):
    doc = world.document
    body = span_at(doc, "A spokesperson", "SOURCE")
    responses = in_parallel(10, lambda i: client_for(world.annotator).post(
        f"/api/documents/{doc.id}/spans/", body, format="json",
        HTTP_IDEMPOTENCY_KEY="one-action"))
    # The first writes; the others wait for it on the key, then get its answer.
    assert [r.status_code for r in responses] == [201] * 10
    assert len({r.json()["id"] for r in responses}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 9
    assert Span.objects.filter(document=doc).count() == 1


# --- Two admins demoting or removing each other --------------------------------------------

ROUNDS = 12
# What each of the two admins does to the other, at the same instant.
MEMBER_ACTIONS = {
    "demote": lambda client, url: client.patch(url, {"role": "annotator"}, format="json"),
    "remove": lambda client, url: client.delete(url),
}


def waiting_on_locks() -> int:
    """Backends of this test database waiting for a row lock (ours: nobody else uses it)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                       "current_database() AND wait_event_type = 'Lock'")
        return cursor.fetchone()[0]


def behind_a_gate(project, actions, wait_for):
    """Run the actions in threads while another transaction holds the project's admin
    memberships locked, open the gate once every action has finished or waits for a lock,
    and return the results.

    Sent merely at the same instant, one request sometimes finishes before the other is
    even authorized, which then gets a non-admin's plain 403 or 404: two requests one
    after the other, not the race. Behind the gate both are past their permission check
    and inside their transaction before either can write.
    """
    from annotator.models import Membership, Role

    locked, release = threading.Event(), threading.Event()

    def gate():
        try:
            with transaction.atomic():
                list(Membership.objects.select_for_update().filter(project=project,
                                                                   role=Role.ADMIN))
                locked.set()
                release.wait(timeout=60)
        finally:
            connection.close()

    results, finished = [None] * len(actions), []

    def run(i):
        try:
            results[i] = actions[i]()
        finally:
            finished.append(i)
            connection.close()

    gatekeeper = threading.Thread(target=gate)
    gatekeeper.start()
    assert locked.wait(timeout=30), "the gate did not take its locks"
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: len(finished) + waiting_on_locks() >= len(actions),
                 timeout=30, message="both requests to finish or wait at the gate")
    finally:
        release.set()
        for thread in [gatekeeper, *threads]:
            thread.join(timeout=60)
    return results


@pytest.mark.parametrize("action", list(MEMBER_ACTIONS))
@pytest.mark.django_db(transaction=True)
def test_two_admins_demoting_or_removing_each_other_leave_one_admin(world, action, wait_for):
    from annotator.models import Membership, Role
    from annotator.services.projects import membership_set

    project, done = world.project, 200 if action == "demote" else 204
    for _ in range(ROUNDS):
        # boss and a second admin; each acts on the other's membership.
        memberships = [membership_set(project=project, user=user, role=Role.ADMIN)
                       for user in (world.admin, world.annotator2)]
        actors = [world.admin, world.annotator2]
        responses = behind_a_gate(project, [
            lambda i=i: MEMBER_ACTIONS[action](
                client_for(actors[i]),
                f"/api/projects/{project.pk}/members/{memberships[1 - i].pk}/")
            for i in range(2)], wait_for)

        codes = [response.status_code for response in responses]
        assert sorted(codes) == [done, 409], codes
        refused = responses[codes.index(409)].json()
        assert refused["code"] == "not_admin"
        assert refused["detail"].startswith("You are no longer an admin of this project")
        admins = Membership.objects.filter(project=project, role=Role.ADMIN)
        assert [m.user for m in admins] == [actors[codes.index(done)]]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("used", [False, True], ids=["span alone", "span in an attribution"])
def test_a_span_delete_racing_its_update_one_wins_the_other_is_a_409_nothing_half_written(
        world, used):
    """The delete and the update of one version: each locks the span, then writes it and
    its event in one statement (services/events.py write_with_event); the loser's 409
    says why, and the log holds the winner's event only."""
    from annotator.models import Attribution

    doc = world.document
    client = client_for(world.annotator)
    source = client.post(f"/api/documents/{doc.id}/spans/", span_at(doc, "the minister",
                                                                    "SOURCE"),
                         format="json").json()["id"] if used else None
    for round_ in range(6):
        span = client.post(f"/api/documents/{doc.id}/spans/",
                           span_at(doc, "The deal is dead,", "CLAIM"), format="json").json()
        if used:
            assert client.post(f"/api/documents/{doc.id}/attributions/",
                               {"claims": [span["id"]], "source": source},
                               format="json").status_code == 201
        requests = [lambda c: c.delete(f"/api/spans/{span['id']}/?version=1"),
                    lambda c: c.patch(f"/api/spans/{span['id']}/",
                                      {"start": span["start"] + 1, "version": 1}, format="json")]
        responses = in_parallel(2, lambda i: requests[i](client_for(world.annotator)))
        statuses = [r.status_code for r in responses]
        # The update loses with a 409 when its read came before the delete's commit, or
        # finds nothing (404) when it came after: either way nothing of it is written.
        assert statuses in ([204, 409], [204, 404], [409, 200]), (round_, statuses)
        events = list(Event.objects.filter(target_type="span", target_id=span["id"])
                      .order_by("pk").values_list("action", flat=True))
        if statuses[0] == 204:  # the delete won: the update saw it gone
            if statuses[1] == 409:
                assert responses[1].json()["code"] == "deleted"
            assert not Span.objects.filter(pk=span["id"]).exists() and events == [
                "create", "delete"]
            assert not Attribution.objects.filter(claim_id=span["id"]).exists()
        else:  # the update won: the delete saw the new version
            assert responses[0].json()["code"] == "stale_version"
            assert Span.objects.get(pk=span["id"]).version == 2 and events == [
                "create", "update"]
            Span.objects.filter(pk=span["id"]).delete()  # make room for the next round


@pytest.mark.django_db(transaction=True)
def test_an_attribution_delete_racing_its_update_one_wins_nothing_half_written(world):
    from annotator.models import Attribution, ClaimFragment

    doc = world.document
    client = client_for(world.annotator)
    ids = {label: client.post(f"/api/documents/{doc.id}/spans/", span_at(doc, piece, label),
                              format="json").json()["id"]
           for piece, label in (("The deal is dead,", "CLAIM"), ("the minister", "SOURCE"),
                                ("said", "CUE"))}
    other = client.post(f"/api/documents/{doc.id}/spans/",
                        span_at(doc, "and nobody will revive it.", "CLAIM"),
                        format="json").json()["id"]
    for round_ in range(6):
        made = client.post(f"/api/documents/{doc.id}/attributions/",
                           {"claims": [ids["CLAIM"], other], "source": ids["SOURCE"]},
                           format="json").json()
        requests = [lambda c: c.delete(f"/api/attributions/{made['id']}/?version=1"),
                    lambda c: c.patch(f"/api/attributions/{made['id']}/",
                                      {"cue": ids["CUE"], "version": 1}, format="json")]
        responses = in_parallel(2, lambda i: requests[i](client_for(world.annotator)))
        statuses = [r.status_code for r in responses]
        # The update loses with a 409 when its read came before the delete's commit, or
        # finds nothing (404) when it came after: either way nothing of it is written.
        assert statuses in ([204, 409], [204, 404], [409, 200]), (round_, statuses)
        events = list(Event.objects.filter(target_type="attribution", target_id=made["id"])
                      .order_by("pk").values_list("action", flat=True))
        if statuses[0] == 204:
            assert not Attribution.objects.filter(pk=made["id"]).exists()
            assert not ClaimFragment.objects.filter(attribution_id=made["id"]).exists()
            assert events == ["create", "delete"]
        else:
            assert responses[0].json()["code"] == "stale_version"
            assert Attribution.objects.get(pk=made["id"]).cue_id == ids["CUE"]
            assert events == ["create", "update"]
            assert client.delete(f"/api/attributions/{made['id']}/?version=2").status_code \
                == 204
