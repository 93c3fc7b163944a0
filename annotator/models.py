"""The data model (DESIGN.md). Fields, constraints and trivial properties only:
every write goes through annotator/services, every permission through access.py.

Offsets are Unicode code points into Document.text, half-open [start, end),
exactly Python's text[start:end]. The database refuses what must never happen:
see the constraints below and the trigger in migrations/0002.
"""
from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone

from annotator.formats import registry


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


class Project(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    guidelines = models.TextField(blank=True, help_text="Markdown, shown beside the document.")
    # [{"name": "source_type", "applies_to": "attribution", "choices": [...], "default": ...}]
    attribute_definitions = models.JSONField(default=list, blank=True)
    # e.g. {"annotators_see_each_other": false}
    settings = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Label(models.Model):
    """One entry of a project's label set (CLAIM, SOURCE, CUE by default)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="labels")
    name = models.CharField(max_length=50)
    hotkey = models.CharField(max_length=1, blank=True)
    color = models.CharField(max_length=7, default="#888888")
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["project", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="label_unique_name"),
            models.UniqueConstraint(fields=["project", "hotkey"], condition=~Q(hotkey=""),
                                    name="label_unique_hotkey"),
            models.CheckConstraint(condition=Q(name__regex=r"^[A-Za-z][A-Za-z0-9_-]*$"),
                                   name="label_name_token"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "user"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="membership_unique"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.project} ({self.role})"


class Document(models.Model):
    """A text to annotate. The text never changes once stored."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=500, blank=True)
    text = models.TextField()
    # Length in code points, kept so that the span trigger need not read the text.
    length = models.PositiveIntegerField()
    text_sha256 = models.CharField(max_length=64)
    source_url = models.URLField(max_length=2000, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "text_sha256"], name="document_unique_text"),
            models.CheckConstraint(condition=Exact(Length("text"), F("length")),
                                   name="document_length_matches_text"),
            models.CheckConstraint(condition=Q(length__gt=0), name="document_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title or f"Document {self.pk}"


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


class DocumentStatus(models.Model):
    """Where one annotator stands with one document. No row means not started."""

    Status = DocStatus

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="statuses")
    annotator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="document_statuses")
    status = models.CharField(max_length=20, choices=DocStatus.choices, default=DocStatus.NOT_STARTED)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "document statuses"
        constraints = [
            models.UniqueConstraint(fields=["document", "annotator"], name="docstatus_unique"),
            models.CheckConstraint(condition=Q(status__in=DocStatus.values), name="docstatus_valid"),
        ]
        indexes = [models.Index(fields=["annotator", "status"], name="docstatus_by_annotator")]


class Provenance(models.Model):
    """What spans and attributions share: where from, review state, version.

    Each subclass has `document` and `annotator` (null: a pre-tagger's
    suggestion, not yet anyone's).
    """

    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.HUMAN)
    tagger_name = models.CharField(max_length=100, blank=True)
    tagger_version = models.CharField(max_length=50, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=LabelStatus.choices,
                              default=LabelStatus.ACCEPTED)
    review_state = models.CharField(max_length=10, choices=ReviewState.choices,
                                    default=ReviewState.PENDING)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_suggestion(self) -> bool:
        return self.annotator_id is None


def _provenance_constraints(prefix: str) -> list:
    return [
        # A suggestion belongs to nobody; an annotator's row is never "suggested".
        models.CheckConstraint(
            condition=(Q(annotator__isnull=True, status=LabelStatus.SUGGESTED, origin=Origin.PRETAG)
                       | Q(annotator__isnull=False,
                           status__in=[LabelStatus.ACCEPTED, LabelStatus.REJECTED])),
            name=f"{prefix}_owner_matches_status"),
        models.CheckConstraint(condition=~Q(origin=Origin.PRETAG) | ~Q(tagger_name=""),
                               name=f"{prefix}_pretag_has_tagger"),
        models.CheckConstraint(condition=Q(review_state__in=ReviewState.values),
                               name=f"{prefix}_review_state_valid"),
        models.CheckConstraint(condition=Q(confidence__isnull=True)
                               | Q(confidence__gte=0, confidence__lte=1),
                               name=f"{prefix}_confidence_range"),
        models.CheckConstraint(condition=Q(version__gte=1), name=f"{prefix}_version_positive"),
    ]


class Span(Provenance):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="spans")
    annotator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="spans")
    label = models.ForeignKey(Label, on_delete=models.PROTECT, related_name="spans")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField(help_text="A copy of text[start:end].")
    # The suggestion an annotator accepted or rejected to make this row.
    suggestion = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="decisions")

    class Meta:
        ordering = ["document", "start", "-end", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(start__gte=0) & Q(end__gt=F("start")),
                                   name="span_offsets_ordered"),
            models.CheckConstraint(condition=Exact(Length("quote"), F("end") - F("start")),
                                   name="span_quote_length"),
            models.UniqueConstraint(
                fields=["document", "tagger_name", "tagger_version", "label", "start", "end"],
                condition=Q(annotator__isnull=True), name="span_unique_suggestion"),
            models.UniqueConstraint(
                fields=["document", "annotator", "label", "start", "end"],
                condition=Q(annotator__isnull=False, status=LabelStatus.ACCEPTED),
                name="span_unique_per_annotator"),
            models.UniqueConstraint(fields=["annotator", "suggestion"],
                                    condition=Q(suggestion__isnull=False),
                                    name="span_one_decision_per_suggestion"),
            *_provenance_constraints("span"),
        ]
        indexes = [
            models.Index(fields=["document", "annotator", "start"], name="span_doc_annotator"),
            models.Index(fields=["document", "status"], name="span_doc_status"),
        ]

    def __str__(self) -> str:
        return f"{self.label_id}[{self.start}:{self.end}]"


DEDUP_KEY_LENGTH = 200


def attribution_dedup_key(claims, source, cue) -> str:
    """What makes two attributions of one layer the same: claim fragments in order, source, cue.

    Ids of spans (or None). Readable ("12,13|14|-") while it fits the column; a claim in
    very many fragments gets the SHA-256 of that text instead.
    """
    key = f"{','.join(map(str, claims))}|{source or '-'}|{cue or '-'}"
    if len(key) > DEDUP_KEY_LENGTH:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key


class Attribution(Provenance):
    """Claim (required, maybe in fragments) ← cue ← source (both optional)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="attributions")
    annotator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="attributions")
    # The claim's first fragment: required, so the database refuses a claimless attribution.
    claim = models.ForeignKey(Span, on_delete=models.CASCADE, related_name="claim_of")
    source = models.ForeignKey(Span, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="source_of")
    cue = models.ForeignKey(Span, null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="cue_of")
    attributes = models.JSONField(default=dict, blank=True)
    # attribution_dedup_key(claim ids, source id, cue id), kept by every write: the same
    # proposal is stored once, and an annotator holds an attribution once, even when
    # source or cue is null (NULLs are never equal in a unique index).
    dedup_key = models.CharField(max_length=DEDUP_KEY_LENGTH)
    suggestion = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="decisions")

    class Meta:
        ordering = ["document", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "tagger_name", "tagger_version", "dedup_key"],
                condition=Q(annotator__isnull=True), name="attribution_unique_suggestion"),
            models.UniqueConstraint(
                fields=["document", "annotator", "dedup_key"],
                condition=Q(annotator__isnull=False, status=LabelStatus.ACCEPTED),
                name="attribution_unique_per_annotator"),
            models.UniqueConstraint(fields=["annotator", "suggestion"],
                                    condition=Q(suggestion__isnull=False),
                                    name="attribution_one_decision_per_suggestion"),
            models.CheckConstraint(condition=~Q(source=F("claim")) & ~Q(cue=F("claim")),
                                   name="attribution_roles_distinct"),
            models.CheckConstraint(condition=~Q(dedup_key=""), name="attribution_has_dedup_key"),
            *_provenance_constraints("attribution"),
        ]
        indexes = [
            models.Index(fields=["document", "annotator"], name="attribution_doc_annotator"),
        ]


class ClaimFragment(models.Model):
    """Further fragments of a claim split by the cue ("…," he said, "…")."""

    attribution = models.ForeignKey(Attribution, on_delete=models.CASCADE,
                                    related_name="fragments")
    span = models.ForeignKey(Span, on_delete=models.CASCADE, related_name="fragment_of")
    position = models.PositiveSmallIntegerField(help_text="1 is the fragment after the claim.")

    class Meta:
        ordering = ["attribution", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attribution", "position"], name="fragment_unique_pos"),
            models.UniqueConstraint(fields=["attribution", "span"], name="fragment_unique_span"),
            models.CheckConstraint(condition=Q(position__gte=1), name="fragment_position_positive"),
        ]


class ReviewDecision(models.Model):
    """Append-only: a newer decision on the same target supersedes an older one."""

    Decision = Decision

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="review_decisions")
    span = models.ForeignKey(Span, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="reviews")
    attribution = models.ForeignKey(Attribution, null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="reviews")
    # For document decisions: whose work is approved or returned.
    annotator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(span__isnull=True) | Q(attribution__isnull=True),
                                   name="review_one_target"),
            models.CheckConstraint(condition=Q(decision__in=Decision.values),
                                   name="review_decision_valid"),
            models.CheckConstraint(
                condition=~Q(decision="return") | Q(span__isnull=True, attribution__isnull=True),
                name="review_return_is_for_documents"),
        ]
        indexes = [
            models.Index(fields=["document", "created_at"], name="review_doc_time"),
            models.Index(fields=["span", "created_at"], name="review_span_time"),
            models.Index(fields=["attribution", "created_at"], name="review_attr_time"),
        ]


class Job(models.Model):
    """What every background job shares; annotator/services/jobs.py sends, resumes and fails
    them. A kind of job is a subclass (its project, its own fields) and a run function."""

    State = JobState

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # Runs started: how many times a worker took the job up from the queue. A kind whose
    # resumed job starts over (export) numbers its runs with it: the latest is current.
    attempts = models.PositiveSmallIntegerField(default=0)
    # The resume state: resumes in a row that found the job no further than
    # `progress_at_resume` (its `done` at the last resume). The watchdog fails the job
    # once that reaches services/jobs.MAX_RESUMES.
    resumes = models.PositiveSmallIntegerField(default=0)
    progress_at_resume = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # When it was last sent (queued) or last made progress (running): the watchdog
    # sends again a job whose heartbeat is older than settings.JOB_STALE_SECONDS.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @staticmethod
    def constraints_named(prefix: str) -> list:
        """The constraints every kind has (a subclass's Meta lists them with its own)."""
        return [
            models.CheckConstraint(condition=Q(done__lte=F("total")),
                                   name=f"{prefix}_done_le_total"),
            models.CheckConstraint(condition=Q(state__in=JobState.values),
                                   name=f"{prefix}_state_valid"),
        ]


class PretagJob(Job):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="pretag_jobs")
    tagger_name = models.CharField(max_length=100)
    tagger_version = models.CharField(max_length=50)
    suggestions_made = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, help_text="Why the job failed, in words.")

    class Meta(Job.Meta):
        ordering = ["-created_at"]
        constraints = Job.constraints_named("job")
        indexes = [models.Index(fields=["project", "state"], name="job_project_state")]


class PretagJobItem(models.Model):
    """One document of a job: the unit a resumed job skips once done."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    job = models.ForeignKey(PretagJob, on_delete=models.CASCADE, related_name="items")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="pretag_items")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    suggestions = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["job", "id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "document"], name="job_item_unique"),
        ]
        indexes = [models.Index(fields=["job", "state"], name="job_item_state")]


class Event(models.Model):
    """The history of every change: nothing a user did is silently lost."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=30)  # create, update, delete, accept, approve, ...
    target_type = models.CharField(max_length=30)  # span, attribution, document, ...
    target_id = models.BigIntegerField()
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.TextField(blank=True)
    # The event of the action that made this one happen: a span's delete, for the
    # attributions it changed or deleted (undoing the delete undoes those too).
    cause = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="effects")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "created_at"], name="event_target"),
            models.Index(fields=["document", "created_at"], name="event_document"),
        ]


class IdempotencyKey(models.Model):
    """An API write done for a client's Idempotency-Key, and the answer it got.

    A repeat of the request with the same key (a retry after a lost answer) gets this
    answer again instead of a second write (api/idempotency.py). Kept for
    settings.IDEMPOTENCY_KEY_SECONDS, then deleted by the watchdog.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    key = models.CharField(max_length=200)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=2000)
    # SHA-256 of method, path, If-Match and body: the same key for another request is refused.
    fingerprint = models.CharField(max_length=64)
    # Null only inside the transaction of the first request, which writes the answer.
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique"),
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_key_time")]


class WorkerPing(models.Model):
    """A round trip through the broker: written by the web side, answered by a worker."""

    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True)


# The formats one can export, as formats/registry.py lists them (ExportFormat.JSONL, ...).
# A format added there changes this field's choices and constraint: makemigrations.
ExportFormat = models.TextChoices("ExportFormat", [
    (name.upper().replace("-", "_"), (name, title)) for name, title in registry.export_choices()])


class ExportLayer(models.TextChoices):
    APPROVED = "approved", "Approved labels"
    ALL = "all", "Every annotator's labels"
    ANNOTATOR = "annotator", "One annotator's labels"


class ExportJob(Job):
    """An export of a project, written by a worker into a zip under settings.EXPORT_DIR.

    Each run writes the file from the start: a resumed export starts over, as a new run
    (`attempts`), and only the current run may finish it."""

    Format = ExportFormat
    Layer = ExportLayer

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="export_jobs")
    format = models.CharField(max_length=10, choices=ExportFormat.choices)
    layer = models.CharField(max_length=10, choices=ExportLayer.choices,
                             default=ExportLayer.APPROVED)
    # For layer "annotator": whose labels.
    annotator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    total = models.PositiveIntegerField(default=0, help_text="Documents to write.")
    counts = models.JSONField(default=dict, blank=True)
    # Relative to settings.EXPORT_DIR; empty until the file is complete.
    file_name = models.CharField(max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.BigIntegerField(null=True, blank=True)

    class Meta(Job.Meta):
        constraints = [
            *Job.constraints_named("export"),
            models.CheckConstraint(condition=Q(format__in=ExportFormat.values),
                                   name="export_format_valid"),
            models.CheckConstraint(condition=Q(layer__in=ExportLayer.values),
                                   name="export_layer_valid"),
        ]
        indexes = [models.Index(fields=["project", "created_at"], name="export_project_time")]


class TokenStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


class ApiToken(models.Model):
    """A named API token of a user; a user has as many as they make.

    Only a SHA-256 of the secret is stored (the secret is 32 random bytes: a hash needs
    no salt or slow work factor to resist guessing), so a copy of the database signs
    nobody in; `prefix`, the secret's first characters, tells the tokens apart in lists.
    Revoked tokens stay, as a record of what existed and when it was last used.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)  # hex SHA-256 of the secret
    # Not auto_now_add: tokens carried over from the old single token keep their date.
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)  # to the minute, not finer
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Exact(Length("digest"), 64),
                                   name="api_token_digest_length"),
        ]
        indexes = [models.Index(fields=["user", "created_at"], name="api_token_user")]

    def status_at(self, now) -> str:
        if self.revoked_at is not None:
            return TokenStatus.REVOKED
        if self.expires_at is not None and self.expires_at <= now:
            return TokenStatus.EXPIRED
        return TokenStatus.ACTIVE

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) of {self.user}"
