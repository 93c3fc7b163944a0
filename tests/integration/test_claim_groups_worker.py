"""The claim groups kept by a real worker process (Redis, PostgreSQL): label changes queue
one debounced run per project after commit, the worker groups the changed documents'
claims, and a later rejection takes a claim out again. Nothing is grouped on the request."""
import pytest

from annotator.models import Attribution, ClaimGroupJob, ClaimGroupMember, JobState
from annotator.services.reviews import review_bulk_decide
from tests.api.conftest import world_build
from tests.claim_world import DEAL, DEAL_EDITED, DEAL_LOWER, quote_article


def group_sizes(project) -> list[int]:
    return sorted(ClaimGroupMember.objects.filter(project=project).values_list(
        "group_size", flat=True))


@pytest.mark.django_db(transaction=True)
def test_the_worker_groups_the_claims_after_reviews_and_again_after_a_rejection(
        celery_worker_process, wait_for, settings, make_user, make_project, make_document):
    settings.CLAIM_GROUPS_DELAY_SECONDS = 3   # the two reviews below fall in one window
    world = world_build(make_user, make_project, make_document)
    quote_article(world, "A", "Daily", "2026-03-01", [DEAL])
    b = quote_article(world, "B", "Herald", "2026-03-02", [DEAL_EDITED])
    assert ClaimGroupMember.objects.count() == 0       # not on the request path
    job = ClaimGroupJob.objects.get(project=world.project)
    done = wait_for(lambda: ClaimGroupJob.objects.filter(pk=job.pk, state=JobState.DONE).first(),
                    message=f"the grouping to finish (log: {celery_worker_process.log})")
    assert done.counts == {"documents": 2, "claims": 2, "groups": 1}
    assert ClaimGroupJob.objects.filter(project=world.project).count() == 1   # debounced
    assert group_sizes(world.project) == [2, 2]

    quote_article(world, "C", "Post", None, [DEAL_LOWER])
    wait_for(lambda: group_sizes(world.project) == [3, 3, 3],
             message=f"the third article to join (log: {celery_worker_process.log})")
    review_bulk_decide(reviewer=world.reviewer, document=b, decision="reject", spans=[],
                       attributions=list(Attribution.objects.filter(document=b)),
                       undecided_only=False)
    wait_for(lambda: group_sizes(world.project) == [2, 2],
             message=f"the rejected claim to leave (log: {celery_worker_process.log})")
    assert not ClaimGroupMember.objects.filter(document=b).exists()
    wait_for(lambda: set(ClaimGroupJob.objects.values_list("state", flat=True)) == {JobState.DONE},
             message="every run to have finished")
