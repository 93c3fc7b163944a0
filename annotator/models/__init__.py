"""The data model (DESIGN.md). Fields, constraints and trivial properties only:
every write goes through annotator/services, every permission through access.py.

One module per part (choices, projects, labels, jobs, events, accounts, assignments,
entities, explorer: the explorer's read model, changes: what a read's cache
is keyed by); every name is
imported here, so `from annotator.models import Span` and the migrations keep working.
"""
from annotator.models.choices import (Decision, DocStatus, EntityType, JobState, LabelStatus,
                                      Origin, ReviewState, Role, TokenStatus)
from annotator.models.projects import Document, DocumentStatus, Label, Membership, Project
from annotator.models.labels import (DEDUP_KEY_LENGTH, Attribution, ClaimFragment, Provenance,
                                     ReviewDecision, Span, attribution_dedup_key)
from annotator.models.jobs import (ExportFormat, ExportJob, ExportLayer, Job, PretagJob,
                                   PretagJobItem, TaggerModel, TrainingJob)
from annotator.models.events import Event, IdempotencyKey, WorkerPing
from annotator.models.accounts import ApiToken, PasswordChangeRequired
from annotator.models.assignments import Assignment
from annotator.models.entities import ENTITY_NAME_LENGTH, SourceEntity
from annotator.models.explorer import (APPROVED_LAYER, CellKind, ExplorerCell, ExplorerRow,
                                       ExplorerStale)
from annotator.models.claim_groups import ClaimGroupJob, ClaimGroupMember
from annotator.models.changes import DocumentChange

__all__ = [
    "APPROVED_LAYER", "ApiToken", "Assignment", "Attribution", "ClaimFragment", "ClaimGroupJob", "ClaimGroupMember", "DEDUP_KEY_LENGTH", "Decision", "DocStatus",
    "ENTITY_NAME_LENGTH", "EntityType", "SourceEntity",
    "CellKind", "Document", "DocumentChange", "DocumentStatus", "Event", "ExplorerCell", "ExplorerRow", "ExplorerStale",
    "ExportFormat", "ExportJob", "ExportLayer",
    "IdempotencyKey", "Job", "JobState", "Label", "LabelStatus", "Membership", "Origin",
    "PasswordChangeRequired",
    "PretagJob", "PretagJobItem", "Project", "Provenance", "ReviewDecision", "ReviewState",
    "Role", "Span", "TaggerModel", "TokenStatus", "TrainingJob", "WorkerPing",
    "attribution_dedup_key",
]
