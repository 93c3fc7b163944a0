"""Labels: spans, attributions and their claim fragments, and review decisions.

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

from annotator.formats.records import ENTITY_NAME_LENGTH
from annotator.models.choices import Decision, LabelStatus, Origin, ReviewState
from annotator.models.projects import Document, Label


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
    # The source entity a SOURCE span mentions (coreference within and across documents);
    # an entity with mentions is merged, never deleted from under them.
    entity = models.ForeignKey("annotator.SourceEntity", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="mentions")
    # A suggestion's proposed entity (the resolver of annotator/pretag/coref/): an entity of
    # the project, or (suggested_entity null) a new one by this name and type, made when an
    # annotator accepts. Null on annotators' rows; kept apart from `entity` so that a
    # proposal is not a mention (counts, explorer, deleting an entity) until accepted.
    # Nullable, no default: SQLite adds them without rebuilding the table (and its triggers).
    suggested_entity = models.ForeignKey("annotator.SourceEntity", null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="+")
    suggested_entity_name = models.CharField(max_length=ENTITY_NAME_LENGTH, null=True,
                                             blank=True)
    suggested_entity_type = models.CharField(max_length=20, null=True, blank=True)
    # Which resolver proposed it and how it matched: "coref-rules 1.0 alias".
    suggested_entity_by = models.CharField(max_length=60, null=True, blank=True)

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
    # Second-hand claims (issue #16, point 7): the attribution whose claim this one lies in
    # (X said that Y claimed Z: "Y claimed Z" is the parent's claim). Same document and
    # layer, no cycle, and every span of this one inside the parent's claim
    # (annotator/nesting.py); services check it. A deleted parent leaves its children
    # without one (the services log it; SET_NULL is the database's safety net).
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="children")

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
