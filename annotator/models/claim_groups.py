"""Claims that say the same thing in several documents (issue #16, point 4; the decisions
note "Same claim, several articles"): the approved layer's claims grouped by near-duplicate
text, and the background job that keeps the groups.

Derived data, like ExplorerRow: services/claim_groups.py writes it from a worker, after
label changes (a job per project, debounced), and `manage.py claim_groups_rebuild` makes a
project's groups again. One `ClaimGroupMember` per approved claim (its place, the
ExplorerRow's `claim_key`), single claims included: the next run compares a changed
document's claims with them.
"""
from __future__ import annotations

from django.db import models
from django.db.models import Q

from annotator.models.choices import JobState
from annotator.models.jobs import Job
from annotator.models.projects import Document, Project


class ClaimGroupMember(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+",
                                db_index=False)   # the index below starts with it
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    # The claim's place: ExplorerRow.claim_key (the smallest claim span id of the
    # document's approved attributions with that claim's start and end).
    claim_key = models.BigIntegerField(unique=True)
    claim_start = models.PositiveIntegerField()
    claim_end = models.PositiveIntegerField()
    # What the grouping compared (annotator/near_duplicates.py): the normalised text and
    # its MinHash signature, so that a later run need not read or hash it again.
    normalised = models.TextField()
    signature = models.BinaryField()
    # The group: the smallest claim_key among its members (a single claim: its own), and
    # how many claims it has (1: said in no other place of the project).
    group_key = models.BigIntegerField()
    group_size = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["project", "group_key"], name="claim_group_key")]

    def __str__(self) -> str:
        return f"claim {self.claim_key} in group {self.group_key}"


class ClaimGroupJob(Job):
    """A run of the grouping for one project: the claims of the documents whose approved
    claims changed since the last run, and the groups they touch, grouped again.

    At most one is queued per project (debounced: changes made while it waits are taken
    by it); a run that finds another run's writes under it starts its comparison again."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    full = models.BooleanField(default=False, help_text="Group every claim again.")
    counts = models.JSONField(default=dict, blank=True)  # {"documents", "claims", "groups"}

    class Meta(Job.Meta):
        constraints = [
            *Job.constraints_named("claim_group_job"),
            models.UniqueConstraint(fields=["project"], condition=Q(state=JobState.QUEUED),
                                    name="claim_group_job_one_queued"),
        ]
        indexes = [models.Index(fields=["project", "state"], name="claim_group_job_state")]
