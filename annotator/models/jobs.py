"""Background jobs: the abstract Job and its kinds (pre-tagging, export, training), and
the trained tagger models (services/jobs.py runs them; docs/decisions.md section 15)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from annotator.formats import registry
from annotator.models.choices import JobState
from annotator.models.projects import Document, Project


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
    # The trained model the tagger runs with (a tagger that learns); its suggestions'
    # tagger_version names it (TaggerModel.tagger_version).
    tagger_model = models.ForeignKey("TaggerModel", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="pretag_jobs")

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


# --- Training: models learned from a project's approved labels ---------------------------

class TaggerModel(models.Model):
    """A model trained from a project's approved labels (annotator/services/training.py).

    Its files are under settings.MODEL_DIR (`path`, relative). Models are never deleted:
    the project's pre-tagging uses the one `in_use` (at most one per project; none means
    the rules tagger), and an older one can be chosen again.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tagger_models")
    version = models.PositiveIntegerField(help_text="1, 2, ... within the project.")
    tagger_name = models.CharField(max_length=100)
    # The tagger's version with the model's id: what its suggestions record.
    tagger_version = models.CharField(max_length=50)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    path = models.CharField(max_length=300, help_text="Relative to settings.MODEL_DIR.")
    training_sha256 = models.CharField(max_length=64)
    # {"documents", "training", "held_out", "spans": {...}, "attributions", ...}
    counts = models.JSONField(default=dict, blank=True)
    # On the held-out documents: {"exact"|"overlap": {label: {precision, recall, f1, ...}}}
    scores = models.JSONField(default=dict, blank=True)
    # [{"fraction", "documents", "overlap": {label: f1}, "exact": {label: f1}}, ...]
    curve = models.JSONField(default=list, blank=True)
    in_use = models.BooleanField(default=False)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["project", "version"], name="tagger_model_version"),
            models.UniqueConstraint(fields=["project"], condition=Q(in_use=True),
                                    name="tagger_model_one_in_use"),
        ]

    def __str__(self) -> str:
        return f"{self.tagger_name} model {self.version} of {self.project}"


class TrainingJob(Job):
    """Training a TaggerModel from the project's approved labels, with its learning curve.

    A resumed job starts over, as a new run (`attempts`); only the current run makes
    the model."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="training_jobs")
    tagger_name = models.CharField(max_length=100)
    # What the run is doing, in words ("learning curve, 50 %: reading documents").
    stage = models.CharField(max_length=200, blank=True)
    params = models.JSONField(default=dict, blank=True)  # {"seed", "max_iterations"}
    counts = models.JSONField(default=dict, blank=True)  # {"training", "held_out"}
    model = models.OneToOneField(TaggerModel, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="training_job")

    class Meta(Job.Meta):
        constraints = Job.constraints_named("training")
        indexes = [models.Index(fields=["project", "state"], name="training_project_state")]
