"""The explorer's read model (issue #16, point 5; docs/decisions.md §21): one row per
attribution of a layer (the approved layer, and each member's own), with what the explorer
filters and groups by, so that its figures read one narrow table instead of joining spans
twice and the document for every claim.

Derived data only: annotator/services/explorer_rows.py writes it, in the transaction of
every service that changes what a row reflects, and `manage.py explorer_rows_rebuild`
makes it again from the labels. Nothing else writes it; nothing reads it but
selectors/explorer*.py and services/explorer_cells.py, which counts each month's figures
from it into ExplorerCell (below). A later column is one more field here and one more
expression in explorer_rows.ROW_COLUMNS, as `second_hand` is (the attribution's parent;
migration 0023 adds it), and `layer` (migration 0024 adds it and fills the rows).
"""
from __future__ import annotations

from django.db import models

from annotator.facets import OUTLET_LENGTH
from annotator.models.entities import SourceEntity
from annotator.models.labels import Attribution, Span
from annotator.models.projects import Document, Project


def _reference(model, **options) -> models.ForeignKey:
    # A join for the selectors, no constraint and no cascade: the spans and the entity a
    # row names are the attribution's, and the row goes with its attribution or document.
    return models.ForeignKey(model, on_delete=models.DO_NOTHING, db_constraint=False,
                             db_index=False, related_name="+", **options)


# ExplorerRow.layer and ExplorerCell.layer of the approved layer; any other value is the
# user id of the member whose own layer (their accepted attributions) the row is of.
APPROVED_LAYER = 0


def _layer() -> models.BigIntegerField:
    # An integer, not a foreign key to the user: no NULL for the approved layer, so that
    # (attribution, layer) is unique on every database and the indexes start with equality.
    return models.BigIntegerField(default=APPROVED_LAYER)


class ExplorerRow(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+",
                                db_index=False)   # the indexes below start with it
    # Whose figures: 0 the approved layer (attributions approved by a reviewer), else the
    # user id of a member, whose accepted attributions are all in their layer, as they are
    # (the entity their own SOURCE span's; decisions §21).
    layer = _layer()
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    # One row per attribution and layer: an approved attribution has two (the approved
    # layer's and its annotator's). Deleting the attribution leaves its rows to the
    # refresh that every service deleting one runs (the consistency test checks them): its
    # DELETE ... RETURNING tells which cells (ExplorerCell) counted the row.
    attribution = models.ForeignKey(Attribution, on_delete=models.DO_NOTHING,
                                    db_constraint=False, db_index=False, related_name="+")
    claim = _reference(Span)
    # The claim's place as one integer: the smallest claim span id among the document's
    # attributions of the layer whose claim has this (start, end), so that COUNT(DISTINCT
    # claim_key) counts places (two annotators' identical claims are one claim).
    claim_key = models.BigIntegerField()
    claim_start = models.PositiveIntegerField()
    claim_end = models.PositiveIntegerField()
    source = _reference(Span, null=True)
    cue = _reference(Span, null=True)
    # The entity of the source (selectors/explorer.py's rule: the approved layer's copies
    # the entity of an approved identical SOURCE span; a member's is their span's); null: none.
    entity = _reference(SourceEntity, null=True)
    outlet = models.CharField(max_length=OUTLET_LENGTH, blank=True, default="")
    published = models.DateField(null=True)
    month = models.DateField(null=True)        # the first day of published's month
    attributes = models.JSONField(default=dict)
    # The attribution has a parent (issue #16, point 7): the source says it at second hand,
    # inside another's claim (X said that Y claimed Z: Y's row is second-hand).
    second_hand = models.BooleanField(default=False)

    class Meta:
        # On PostgreSQL each of the explorer's GROUP BYs reads one of these in its order,
        # index only (the other columns it filters or counts are INCLUDEd): no sort of the
        # rows, no heap (once VACUUM has marked the pages visible, which autovacuum does).
        # SQLite makes them without INCLUDE.
        indexes = [
            # The sources per month, a source's claims; the claims per outlet and month.
            models.Index(fields=["project", "layer", "entity", "month", "claim_key"],
                         name="xrow_entity",
                         include=["document", "source", "outlet", "published", "attributes",
                                  "second_hand"]),
            models.Index(fields=["project", "layer", "outlet", "month", "claim_key"],
                         name="xrow_outlet",
                         include=["document", "source", "entity", "published", "attributes"]),
            # A month's rows: the cells made again (ExplorerCell), a date range's edge months.
            models.Index(fields=["project", "layer", "month", "published"], name="xrow_month"),
            # A refresh deletes a document's rows of every layer (the document_id index).
        ]
        constraints = [models.UniqueConstraint(fields=["attribution", "layer"],
                                               name="xrow_one_per_layer")]

    def __str__(self) -> str:
        return f"explorer row of attribution {self.attribution_id}, layer {self.layer}"


class CellKind(models.TextChoices):
    SOURCE = "s", "a source's claims in a month"
    OUTLET = "o", "an outlet's claims in a month"


class ExplorerCell(models.Model):
    """The explorer's figures of one month, pre-counted from the rows (decisions §21):
    a source's claims (and those it makes at second hand) and documents in a month (kind
    "s", the rows with a source span),
    or an outlet's claims, claims with an entity, anonymous claims, documents and claims
    without a source span in a month (kind "o"); over all the month's rows
    (`attribute` and `value` ""), or over those whose attribute `attribute` is the string
    `value`. A claim and a document have one month and one outlet, so a month's figures
    are sums over documents, and a figure over several months the sum of theirs: the
    unfiltered and the date-range figures read a few thousand cells, not every row.

    Derived from ExplorerRow only: services/explorer_cells.py makes cells again from their
    rows, those that the rows explorer_rows_refresh deleted and wrote count (and an
    entity's when its type changes or it is merged: `anonymous` counts the types)."""
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+",
                                db_index=False)   # the index below starts with it
    layer = _layer()                                      # the rows' (ExplorerRow.layer)
    kind = models.CharField(max_length=1, choices=CellKind.choices)
    entity = _reference(SourceEntity, null=True)          # kind "s"; null: "(no entity)"
    outlet = models.CharField(max_length=OUTLET_LENGTH, blank=True, default="")  # kind "o"
    month = models.DateField(null=True)                   # null: no date
    attribute = models.CharField(max_length=200, blank=True, default="")
    value = models.CharField(max_length=200, blank=True, default="")
    claims = models.PositiveIntegerField()
    documents = models.PositiveIntegerField()
    with_entity = models.PositiveIntegerField(default=0)
    anonymous = models.PositiveIntegerField(default=0)
    unattributed = models.PositiveIntegerField(default=0)
    second_hand = models.PositiveIntegerField(default=0)   # kind "s": claims at second hand

    class Meta:
        indexes = [models.Index(fields=["project", "layer", "kind", "attribute", "value",
                                        "month"], name="xcell_read")]

    def __str__(self) -> str:
        return f"explorer cell {self.kind} {self.month} of project {self.project_id}"
