"""The claim groups (services/claim_groups.py): near-duplicate claims of the approved layer
grouped across documents, kept incrementally, equal to a grouping from scratch."""
from __future__ import annotations

import random

import pytest

from annotator.models import Attribution, ClaimGroupJob, ClaimGroupMember, JobState, ReviewState
from annotator.services.attributions import attribution_delete
from annotator.services.claim_groups import claim_groups_rebuild, claim_groups_update
from annotator.services.reviews import review_bulk_decide
from annotator.tasks import claim_group_job_task
from tests.api.conftest import world  # noqa: F401  (the fixture)
from tests.claim_world import BRIDGE, DEAL, DEAL_EDITED, DEAL_LOWER, quote_article

pytestmark = pytest.mark.django_db


def groups(project) -> set[frozenset]:
    """The groups of several claims, as sets of (document title, claim text)."""
    by_group: dict[int, set] = {}
    for member in ClaimGroupMember.objects.filter(project=project).select_related("document"):
        text = member.document.text[member.claim_start:member.claim_end]
        by_group.setdefault(member.group_key, set()).add((member.document.title, text))
    return {frozenset(g) for g in by_group.values() if len(g) > 1}


def stored(project) -> list[tuple]:
    return sorted(ClaimGroupMember.objects.filter(project=project).values_list(
        "claim_key", "document_id", "claim_start", "claim_end", "normalised", "group_key",
        "group_size"))


def test_the_same_quote_with_small_edits_is_one_group_when_reported_by_several_outlets(world):
    quote_article(world, "A", "Daily", "2026-03-01", [DEAL, BRIDGE])
    quote_article(world, "B", "Herald", "2026-03-02", [DEAL_EDITED])
    quote_article(world, "C", "Post", "2026-03-03", [DEAL_LOWER])
    counts = claim_groups_update(project_id=world.project.pk)
    assert counts == {"documents": 3, "claims": 4, "groups": 2}
    assert groups(world.project) == {frozenset({("A", DEAL), ("B", DEAL_EDITED), ("C", DEAL_LOWER)})}
    sizes = dict(ClaimGroupMember.objects.values_list("normalised", "group_size"))
    assert sizes["the bridge will reopen to traffic before the end of the summer"] == 1


def test_nothing_is_done_again_when_no_claim_changed(world):
    quote_article(world, "A", "Daily", "2026-03-01", [DEAL])
    quote_article(world, "B", "Herald", "2026-03-02", [DEAL_EDITED])
    claim_groups_update(project_id=world.project.pk)
    before = stored(world.project)
    assert claim_groups_update(project_id=world.project.pk) == {
        "documents": 0, "claims": 0, "groups": 0}
    assert stored(world.project) == before


def test_pending_and_rejected_claims_are_not_grouped_and_a_rejection_takes_a_claim_out(world):
    quote_article(world, "A", "Daily", "2026-03-01", [DEAL])
    b = quote_article(world, "B", "Herald", "2026-03-02", [DEAL_EDITED])
    quote_article(world, "C", "Post", "2026-03-03", [DEAL_LOWER], approve=False)
    claim_groups_update(project_id=world.project.pk)
    assert groups(world.project) == {frozenset({("A", DEAL), ("B", DEAL_EDITED)})}
    review_bulk_decide(reviewer=world.reviewer, document=b, decision="reject",
                       spans=[], attributions=list(Attribution.objects.filter(document=b)),
                       undecided_only=False)
    counts = claim_groups_update(project_id=world.project.pk)
    assert counts["documents"] == 1 and groups(world.project) == set()
    assert ClaimGroupMember.objects.filter(document=b).count() == 0


def test_keeping_the_groups_as_labels_change_gives_the_groups_of_a_grouping_from_scratch(world):
    rng = random.Random(7)
    quotes = [DEAL, DEAL_EDITED, DEAL_LOWER, BRIDGE, "“The bridge will reopen before the end "
              "of summer,”", "“Nobody expected the talks to fail this quickly,”"]
    for step in range(12):
        if step < 6 or rng.random() < 0.6:
            picked = rng.sample(quotes, rng.randint(1, 2))
            quote_article(world, f"D{step}", f"Outlet {step % 3}", f"2026-04-{step + 1:02d}",
                          picked, approve=rng.random() < 0.85)
        else:
            approved = list(Attribution.objects.filter(
                document__project=world.project, review_state=ReviewState.APPROVED))
            doomed = rng.choice(approved)
            attribution_delete(attribution=doomed, actor=world.annotator,
                               expected_version=doomed.version)
        claim_groups_update(project_id=world.project.pk)
        kept = stored(world.project)
        claim_groups_rebuild(project=world.project)
        assert stored(world.project)[:] == kept, f"step {step}"


def test_a_label_change_queues_one_run_per_project_after_commit_and_the_task_groups(
        world, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(claim_group_job_task, "apply_async",
                        lambda args, **options: sent.append((args[0], options.get("countdown"))))
    with django_capture_on_commit_callbacks(execute=True):
        quote_article(world, "A", "Daily", "2026-03-01", [DEAL])
    with django_capture_on_commit_callbacks(execute=True):
        quote_article(world, "B", "Herald", "2026-03-02", [DEAL_EDITED])
    job = ClaimGroupJob.objects.get(project=world.project)   # one, queued: the second waits in it
    assert job.state == JobState.QUEUED and sent == [(job.pk, 5)]
    claim_group_job_task.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.counts == {"documents": 2, "claims": 2, "groups": 1}
    assert groups(world.project) == {frozenset({("A", DEAL), ("B", DEAL_EDITED)})}
    with django_capture_on_commit_callbacks(execute=True):
        quote_article(world, "C", "Post", "2026-03-03", [DEAL_LOWER])
    assert ClaimGroupJob.objects.filter(project=world.project, state=JobState.QUEUED).count() == 1
    assert len(sent) == 2


def test_a_project_keeps_its_last_finished_runs_only(world, monkeypatch):
    from annotator.services import claim_groups

    monkeypatch.setattr(claim_groups, "KEEP_RUNS", 2)
    quote_article(world, "A", "Daily", "2026-03-01", [DEAL])
    for _ in range(4):
        job = ClaimGroupJob.objects.create(project=world.project)
        claim_group_job_task.apply(args=[job.pk])
    assert ClaimGroupJob.objects.filter(project=world.project).count() == 2
    assert ClaimGroupJob.objects.latest("pk").pk == job.pk


def test_a_run_that_finds_another_runs_writes_under_it_compares_again(world, monkeypatch):
    from annotator import near_duplicates as nd

    quote_article(world, "A", "Daily", "2026-03-01", [DEAL])
    quote_article(world, "B", "Herald", "2026-03-02", [DEAL_EDITED])
    real, calls = nd.regroup, []

    def meanwhile(**kwargs):
        calls.append(1)
        if len(calls) == 1:  # another worker groups the project while this run computes
            monkeypatch.setattr(nd, "regroup", real)
            claim_groups_update(project_id=world.project.pk)
            monkeypatch.setattr(nd, "regroup", meanwhile)
        return real(**kwargs)

    monkeypatch.setattr(nd, "regroup", meanwhile)
    counts = claim_groups_update(project_id=world.project.pk)
    assert len(calls) == 1 and counts == {"documents": 0, "claims": 0, "groups": 0}
    assert groups(world.project) == {frozenset({("A", DEAL), ("B", DEAL_EDITED)})}
    assert ClaimGroupMember.objects.count() == 2


def test_a_run_that_breaks_fails_its_job_saying_why(world, monkeypatch):
    from annotator import near_duplicates as nd

    def broken(**kwargs):
        raise ValueError("signature of the wrong length")

    monkeypatch.setattr(nd, "regroup", broken)
    quote_article(world, "A", "Daily", "2026-03-01", [DEAL])
    job = ClaimGroupJob.objects.create(project=world.project)
    claim_group_job_task.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error == "ValueError: signature of the wrong length"
    assert ClaimGroupMember.objects.count() == 0


def test_the_rebuild_command_groups_every_project_or_one_and_refuses_an_unknown_one(world):
    from io import StringIO

    from django.core.management import CommandError, call_command

    quote_article(world, "A", "Daily", "2026-03-01", [DEAL, BRIDGE])
    quote_article(world, "B", "Herald", "2026-03-02", [DEAL_EDITED])
    out = StringIO()
    call_command("claim_groups_rebuild", project=world.project.pk, stdout=out)
    assert out.getvalue().startswith(
        f"Project {world.project.pk}: 3 claims of 2 documents in 2 groups")
    assert groups(world.project) == {frozenset({("A", DEAL), ("B", DEAL_EDITED)})}
    with pytest.raises(CommandError, match="--project: no project has id 999999"):
        call_command("claim_groups_rebuild", project=999999)
