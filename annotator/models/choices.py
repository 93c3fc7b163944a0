"""The choices the tables share: roles, origins, states, decisions."""
from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    ANNOTATOR = "annotator", "Annotator"
    REVIEWER = "reviewer", "Reviewer"


class Origin(models.TextChoices):
    HUMAN = "human", "Human"
    PRETAG = "pretag", "Pre-tagger"
    REVIEW = "review", "Reviewer's correction"  # made while reviewing, approved as made


class LabelStatus(models.TextChoices):
    SUGGESTED = "suggested", "Suggested"  # a pre-tagger's proposal, nobody's yet
    ACCEPTED = "accepted", "Accepted"     # an annotator's own label
    REJECTED = "rejected", "Rejected"     # an annotator said no to a suggestion


class ReviewState(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class DocStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned"


class Decision(models.TextChoices):
    APPROVE = "approve", "Approve"
    REJECT = "reject", "Reject"
    RETURN = "return", "Return to annotator"  # a document sent back with a comment


class JobState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"
    FAILED = "failed", "Failed"


class TokenStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


# The kinds of source entity (issue #16): formats.records.ENTITY_TYPES names the same.
class EntityType(models.TextChoices):
    PERSON = "person", "Person"
    ORGANISATION = "organisation", "Organisation"
    ANONYMOUS = "anonymous", "Anonymous"
    DOCUMENT = "document", "Document"
    GROUP = "group", "Group"
    OTHER = "other", "Other"
