"""The explorer's read model (models/explorer.py): one row per attribution of a layer,
the approved layer's (layer 0) and each member's own (layer: the member's user id).

`explorer_rows_refresh` makes a set of documents' rows of every layer again from their
labels, in two statements whatever their number (a DELETE, and an INSERT ... SELECT that
the database computes: the entity, the claim's place, the month; both RETURNING what cells
their rows count), and then those cells (services/explorer_cells.py, two statements).
Every service that changes what a row reflects calls it in its own transaction, with the
documents it touched: review decisions and corrections, creates, edits and deletes of
labels (a member's layer holds every accepted attribution, approved or not), restores,
bulk layer writes, suggestion decisions, label merges, entity links and merges, imports.
Entity names and types are not copied (the selectors join the entity table, a few
hundred rows), so renaming an entity or changing its type changes no row (a type change
remakes some cells: services/entities.py). `explorer_rows_rebuild` makes every row and
cell of a project (or of all) again: `manage.py explorer_rows_rebuild`, and the migration
that last changed what the read model holds (0024_explorer_member_layers) for the labels
stored before it.
"""
from __future__ import annotations

from django.db import connection, transaction
from django.db.models import (BigIntegerField, BooleanField, ExpressionWrapper, F, IntegerField,
                              Min, OuterRef, Q, QuerySet, Subquery, Value, Window)
from django.db.models.functions import Coalesce, TruncMonth

from annotator import models
from annotator.services.claim_groups import claim_groups_mark, claim_groups_schedule
from annotator.services.explorer_cells import explorer_cells_rebuild, explorer_cells_remake

# The row's columns and the expression of each, over an Attribution query: the order of
# the INSERT's column list and of the SELECT's values.
ROW_COLUMNS = ("project_id", "layer", "document_id", "attribution_id", "claim_id", "claim_key",
               "claim_start", "claim_end", "source_id", "cue_id", "entity_id", "outlet",
               "published", "month", "attributes", "second_hand")


def _models(apps=None) -> tuple:
    if apps is None:  # the current models; a migration passes its own
        return models.Attribution, models.Span, models.ExplorerRow
    return (apps.get_model("annotator", "Attribution"), apps.get_model("annotator", "Span"),
            apps.get_model("annotator", "ExplorerRow"))


def _approved_entity(Span) -> Coalesce:
    """The attribution's source's own entity, else that of the first approved identical
    SOURCE span (by id) that names one (selectors/approved.py's entity_copy)."""
    copies = Span.objects.filter(
        document_id=OuterRef("document_id"), label_id=OuterRef("source__label_id"),
        start=OuterRef("source__start"), end=OuterRef("source__end"),
        annotator__isnull=False, entity__isnull=False, status="accepted",
        review_state="approved").order_by("pk")
    return Coalesce(F("source__entity_id"),
                    Subquery(copies.values("entity_id")[:1], output_field=IntegerField()))


def _select(Attribution, Span, rows_filter: dict, approved: bool) -> tuple[str, tuple]:
    """The SELECT of the rows of the approved layer (`approved`), or of every member's."""
    rows = Attribution.objects.filter(annotator__isnull=False, status="accepted", **rows_filter)
    if approved:
        rows = rows.filter(review_state="approved")
        layer, entity, place = Value(0, output_field=BigIntegerField()), _approved_entity(Span), []
    else:  # each member's accepted attributions, as they are: their own spans' entity
        layer, entity, place = F("annotator_id"), F("source__entity_id"), [F("annotator_id")]
    expressions = {
        "project_id": F("document__project_id"), "layer": layer, "document_id": F("document_id"),
        "attribution_id": F("pk"), "claim_id": F("claim_id"),
        "claim_key": Window(Min("claim_id"), partition_by=[
            F("document_id"), *place, F("claim__start"), F("claim__end")]),
        "claim_start": F("claim__start"), "claim_end": F("claim__end"),
        "source_id": F("source_id"), "cue_id": F("cue_id"), "entity_id": entity,
        "outlet": F("document__outlet"), "published": F("document__published"),
        "month": TruncMonth("document__published"), "attributes": F("attributes"),
        "second_hand": ExpressionWrapper(Q(parent__isnull=False), output_field=BooleanField())}
    # values() with expressions only names them x_<column>: no clash with the model's own.
    query = rows.values(**{f"x_{name}": expressions[name] for name in ROW_COLUMNS}).order_by()
    sql, params = query.query.sql_with_params()
    return sql, tuple(params)


# What the refresh needs of the rows deleted and written: the cells they count (the first
# five columns), the approved claims' places (claim_groups_mark: the next four), and, with
# those, every column a cell counts (to the attributes), so that a row deleted and written
# again as it was remakes no cell.
RETURNING = (" RETURNING project_id, layer, entity_id, outlet, month, "
             "claim_key, document_id, claim_start, claim_end, "
             "attribution_id, source_id, second_hand, CAST(attributes AS TEXT)")


def _write(rows_filter: dict, apps=None, returning: bool = False) -> set:
    """INSERT ... SELECT the rows of both kinds of layer (one statement, UNION ALL)."""
    Attribution, Span, ExplorerRow = _models(apps)
    approved, approved_params = _select(Attribution, Span, rows_filter, approved=True)
    members, member_params = _select(Attribution, Span, rows_filter, approved=False)
    table = connection.ops.quote_name(ExplorerRow._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in ROW_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {approved} UNION ALL {members}"
                       f"{RETURNING if returning else ''}", approved_params + member_params)
        return set(cursor.fetchall()) if returning else set()


def _delete(document_ids) -> set:
    """DELETE the rows of these documents (every layer's); the cells they counted."""
    _, _, ExplorerRow = _models()
    if isinstance(document_ids, QuerySet):
        ids, params = document_ids.query.sql_with_params()
    else:
        ids, params = ", ".join(["%s"] * len(document_ids)), document_ids
    table = connection.ops.quote_name(ExplorerRow._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE document_id IN ({ids}){RETURNING}",
                       tuple(params))
        return set(cursor.fetchall())


def _approved_places(returned: set) -> set:
    return {row[5:9] for row in returned if row[1] == models.APPROVED_LAYER}


def explorer_rows_refresh(*, document_ids) -> None:
    """Make the rows of these documents (a list of ids, or a query of them) again from
    their attributions, every layer's, then the cells that the rows deleted or written count
    (services/explorer_cells.py): four statements, DELETE ... RETURNING and INSERT ...
    RETURNING the rows, DELETE and INSERT the cells (none when no row changed). Call it
    inside the transaction that changed them. The rows of a deleted attribution are still there (models/explorer.py):
    this DELETE is what tells which cells counted them. The near-duplicate groups are
    marked only when an approved claim's place came or went (a member's edit, an entity
    link: none)."""
    if isinstance(document_ids, (list, tuple, set, frozenset)):
        document_ids = sorted(set(document_ids))
        if not document_ids:
            return
    elif not isinstance(document_ids, QuerySet):
        raise TypeError("document_ids: a list of ids or a query of them")
    with transaction.atomic(savepoint=False):  # the caller's transaction: no savepoint pair
        deleted = _delete(document_ids)
        written = _write({"document_id__in": document_ids}, returning=True)
        # the cells of the rows that changed (gone, new, or different): often one layer's
        explorer_cells_remake(keys={row[:5] for row in deleted ^ written})
    if _approved_places(deleted) != _approved_places(written):
        claim_groups_mark(document_ids=document_ids)  # the near-duplicate groups, after commit


def explorer_rows_rebuild(*, project=None, apps=None) -> int:
    """Every row of `project` (None: of every project) made again, every layer's, and its
    cells; the number of rows."""
    _, _, ExplorerRow = _models(apps)
    with transaction.atomic():
        existing = ExplorerRow.objects.all()
        if project is not None:
            existing = existing.filter(project_id=project.pk)
        existing._raw_delete(connection.alias)
        _write({} if project is None else {"document__project_id": project.pk}, apps)
        explorer_cells_rebuild(project=project, apps=apps)
        if apps is None:  # not from a migration: the groups follow, in the background
            projects = models.Project.objects.all() if project is None else [project]
            claim_groups_schedule(project_ids=[p.pk for p in projects])
        counted = ExplorerRow.objects.all()
        return (counted if project is None else counted.filter(project_id=project.pk)).count()
