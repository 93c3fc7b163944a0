"""The explorer (issue #16, point 3): who is quoted, how often, by which outlet, how much
rests on anonymous sources; read from one layer of a project's attributions.

A claim's source is the source entity of the SOURCE span of the attribution(s) whose
claim it is; the explorer counts claims per entity. A claim is its claim span's place
(document, start, end): two annotators' identical approved attributions are one claim,
as in the approved layer (selectors/approved.py). A source span linked to no entity
counts under "(no entity)" (`entity` None), whatever its text; an attribution without
a source span counts in the totals and the per-outlet and per-month figures, not in the
ranking.

Layers: the approved one (attributions approved by a reviewer; the entity a source stands
for is its own SOURCE span's, else that of an approved identical SOURCE span, as
approved.entity_copy would find it), read from the read model ExplorerRow
(services/explorer_rows.py keeps it, decisions §21), or one annotator's accepted
attributions as they are, read from the label tables. Who may read which layer is
access.py's.

Every function here runs a fixed number of queries whatever the number of documents and
labels (tests/api/test_explorer_api.py counts them): the counting is SQL's (GROUP BY with
COUNT DISTINCT), Python only shapes the rows. Outlet and date are Document columns
(annotator/facets.py, migration 0017), copied into the rows, not keys of its JSON
metadata.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import (BooleanField, CharField, Count, ExpressionWrapper, F, Min, Q,
                              QuerySet, Value)
from django.db.models.functions import Cast, Coalesce, Concat, TruncMonth

from annotator.models import (Attribution, Document, EntityType, ExplorerRow, LabelStatus,
                              Project, SourceEntity)

APPROVED = "approved"
NO_ENTITY = "(no entity)"
TIMELINE_SOURCES = 8   # sources drawn over time: the first of the ranking
MAX_LIMIT = 500


@dataclass(frozen=True)
class ExplorerFilter:
    """What the explorer reads: a layer (None: the approved one) and the filters."""
    annotator_id: int | None = None
    outlet: str | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    source_type: str = ""
    attributes: dict = field(default_factory=dict)   # attribute name → value


def explorer_filter_check(*, project: Project, outlet: str | None = None,
                          date_from=None, date_to=None, source_type: str = "",
                          attributes: list[str] = (), annotator_id: int | None = None
                          ) -> ExplorerFilter:
    """The filters of a request, checked against the project: an outlet none of its
    documents has, a type that is not an entity type, an attribute or value its
    definitions do not know, or a date range that ends before it starts: a 400 naming the
    parameter. One query (the outlet's), when an outlet is given."""
    if date_from and date_to and date_to < date_from:
        raise ValidationError({"date_to": [f"{date_to} is before date_from ({date_from})."]})
    if source_type and source_type not in EntityType.values:
        raise ValidationError({"type": [f"{source_type!r} is not one of "
                                        f"{', '.join(EntityType.values)}."]})
    choices = {d["name"]: [str(c) for c in d.get("choices", [])]
               for d in project.attribute_definitions or []
               if d.get("applies_to", "attribution") == "attribution"}
    wanted = {}
    for item in attributes:
        name, sep, value = item.partition(":")
        if not sep:
            raise ValidationError({"attribute": [f"{item!r} is not NAME:VALUE."]})
        if name not in choices:
            raise ValidationError({"attribute": [f"{name!r} is not an attribute of this "
                                                 "project."]})
        if value not in choices[name]:
            raise ValidationError({"attribute": [f"{value!r} is not a value of {name} "
                                                 f"({', '.join(choices[name])})."]})
        if wanted.get(name, value) != value:
            raise ValidationError({"attribute": [f"{name} is given twice."]})
        wanted[name] = value
    if outlet and not Document.objects.filter(project=project, outlet=outlet).exists():
        raise ValidationError({"outlet": [f"{outlet!r} is the outlet of no document of "
                                          "this project."]})
    return ExplorerFilter(annotator_id=annotator_id, outlet=outlet, date_from=date_from,
                          date_to=date_to, source_type=source_type, attributes=wanted)


def _attribute_is(name: str, value: str) -> Coalesce:
    """attributes[name] == value, as COALESCE(attributes -> name = value, false): the same
    rows, but PostgreSQL, which has no statistics of a JSON key, estimates this at half of
    them, not at 0.5 %: with the plain equality it planned a sort of every row instead of
    the ordered index-only scan of the unfiltered figures (three times slower)."""
    return Coalesce(ExpressionWrapper(Q(**{f"attributes__{name}": value}),
                                      output_field=BooleanField()), Value(False),
                    output_field=BooleanField())


def explorer_claims(*, project: Project, filters: ExplorerFilter) -> QuerySet:
    """The layer's attributions of the project, filtered: for the approved layer, their
    rows of the read model (ExplorerRow: the approved entity, the claim's place, outlet
    and month, written when labels change); for one annotator's layer, their accepted
    Attributions as they are, each with `entity_ref` (its source's entity id, or None)
    and `claim_key` (the claim's place, for COUNT DISTINCT). A member's own layer is
    read seldom and is one person's labels: it stays on the label tables."""
    if filters.annotator_id is None:
        rows = ExplorerRow.objects.filter(project=project)
        document, entity = "", "entity_id"
    else:
        rows = Attribution.objects.filter(
            document__project=project, status=LabelStatus.ACCEPTED,
            annotator_id=filters.annotator_id).annotate(
            entity_ref=F("source__entity_id"), claim_key=Concat(
                Cast("document_id", CharField()), Value(":"), Cast("claim__start", CharField()),
                Value(":"), Cast("claim__end", CharField()), output_field=CharField()))
        document, entity = "document__", "entity_ref"
    if filters.outlet:
        rows = rows.filter(**{f"{document}outlet": filters.outlet})
    if filters.date_from:
        rows = rows.filter(**{f"{document}published__gte": filters.date_from})
    if filters.date_to:
        rows = rows.filter(**{f"{document}published__lte": filters.date_to})
    for name, value in filters.attributes.items():
        rows = rows.filter(_attribute_is(name, value))
    if filters.source_type:
        rows = rows.filter(**{f"{entity}__in": SourceEntity.objects.filter(
            project=project, type=filters.source_type).values("pk")})
    return rows


# The figures are GROUP BYs over one inner SELECT (Django writes it, for the database at
# hand), in SQL of our own around it: written with the ORM, each aggregate's FILTER
# would evaluate the entity expression (a subquery) again, row by row. The outer SQL is
# what SQLite and PostgreSQL share (COUNT(DISTINCT CASE ...), LEFT JOIN, GROUP BY).
_INNER_COLUMNS = {"x_entity": F("entity_ref"), "x_claim": F("claim_key"),
                  "x_document": F("document_id"), "x_source": F("source_id"),
                  "x_outlet": F("document__outlet"),
                  "x_month": TruncMonth("document__published"),
                  "x_second": ExpressionWrapper(Q(parent__isnull=False),
                                                output_field=BooleanField())}
_ROW_COLUMNS = {"x_entity": F("entity_id"), "x_claim": F("claim_key"),
                "x_document": F("document_id"), "x_source": F("source_id"),
                "x_outlet": F("outlet"), "x_month": F("month"), "x_second": F("second_hand")}


def _inner(rows: QuerySet) -> tuple[str, tuple]:
    columns = _ROW_COLUMNS if rows.model is ExplorerRow else _INNER_COLUMNS
    sql, params = rows.values(**columns).order_by().query.sql_with_params()
    return sql, tuple(params)


def _select(inner: tuple[str, tuple], columns: str, where: str = "", group: str = "",
            params: tuple = ()) -> list[dict]:
    """SELECT columns FROM (inner) t [WHERE where] [GROUP BY group]; `params` are the
    WHERE's (the columns take none). No join: on PostgreSQL each GROUP BY reads an index
    of the rows in its order (models/explorer.py), which a join would lose."""
    sql = (f"SELECT {columns} FROM ({inner[0]}) t{f' WHERE {where}' if where else ''}"
           f"{f' GROUP BY {group}' if group else ''}")
    return _fetch(sql, inner[1] + params)


def _fetch(sql: str, params: tuple) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def _share_columns(project: Project) -> str:
    """Claims, claims with an entity, anonymous claims. The type is a constant of ours and
    the project's id an integer, written into the SQL as they are; the anonymous entities
    are a hashed subquery (a few hundred ids), not a join."""
    anonymous = (f"SELECT id FROM {connection.ops.quote_name(SourceEntity._meta.db_table)} "
                 f"WHERE project_id = {int(project.pk)} "
                 f"AND type = '{EntityType.ANONYMOUS.value}'")
    return ("COUNT(DISTINCT t.x_claim) AS claims, "
            "COUNT(DISTINCT CASE WHEN t.x_entity IS NOT NULL THEN t.x_claim END) "
            "AS with_entity, "
            f"COUNT(DISTINCT CASE WHEN t.x_entity IN ({anonymous}) THEN t.x_claim END) "
            "AS anonymous")


def _share_row(row: dict) -> dict:
    return {"claims": row["claims"], "with_entity": row["with_entity"],
            "anonymous": row["anonymous"],
            "anonymous_share": (round(row["anonymous"] / row["with_entity"], 4)
                                if row["with_entity"] else None)}


def _month(value) -> str | None:
    """A month as TruncMonth gives it (a date; a string on SQLite) → "YYYY-MM"."""
    return str(value)[:7] if value else None


def _ranked(rows: list[dict]) -> list[dict]:
    sources = [{"entity": r["entity"], "name": r["name"] if r["entity"] else NO_ENTITY,
                "type": r["type"] if r["entity"] else None, "claims": r["claims"],
                "first_hand": r["claims"] - r["second_hand"], "second_hand": r["second_hand"],
                "documents": r["documents"]} for r in rows]
    sources.sort(key=lambda s: (-s["claims"], s["entity"] is None, s["name"].casefold(),
                                s["entity"] or 0))
    return sources


def _source_counts(inner: tuple[str, tuple], by_month: bool) -> list[dict]:
    """Claims and documents of each source (and month: a claim and a document have one
    month each, so a source's figures are the sums of its months'), with the entity's name
    and type joined after the counting: one query. `second_hand`: the claims the source
    makes at second hand, inside another's claim (an attribution with a parent: X said
    that Y claimed Z counts Z under Y as second-hand); a claim the source also makes at
    first hand in another copy counts as second-hand, so first-hand is the rest."""
    entity_table = connection.ops.quote_name(SourceEntity._meta.db_table)
    group = "t.x_entity, t.x_month" if by_month else "t.x_entity"
    return _fetch(
        f"SELECT r.*, e.name AS name, e.type AS type FROM (SELECT {group}"
        ", COUNT(DISTINCT t.x_claim) AS claims, COUNT(DISTINCT t.x_document) AS documents"
        ", COUNT(DISTINCT CASE WHEN t.x_second THEN t.x_claim END) AS second_hand "
        f"FROM ({inner[0]}) t WHERE t.x_source IS NOT NULL GROUP BY {group}) r "
        f"LEFT JOIN {entity_table} e ON e.id = r.x_entity", inner[1])


def _ranking(inner: tuple[str, tuple]) -> list[dict]:
    """Every source with its claim and document counts, most claims first (then by name;
    "(no entity)" last of its count): one query."""
    return _ranked([{**r, "entity": r["x_entity"]} for r in _source_counts(inner, False)])


def explorer_ranking(*, project: Project, filters: ExplorerFilter) -> list[dict]:
    """Every source, ranked (the CSV download): one query."""
    return _ranking(_inner(explorer_claims(project=project, filters=filters)))


def _summed(cells: list[dict], key, keys: tuple) -> dict:
    sums: dict = {}
    for cell in cells:
        into = sums.setdefault(key(cell), dict.fromkeys(keys, 0))
        for name in keys:
            into[name] += cell[name]
    return sums


def explorer_summary(*, project: Project, filters: ExplorerFilter, limit: int = 50) -> dict:
    """The figures of the explorer page and of GET /api/projects/{id}/sources/.

    - sources: the first `limit` sources by claim count (then name), each with its type,
      claim and document counts, and its claims at first and at second hand;
      `total_sources` counts them all.
    - outlets, months: claims, claims with an entity, anonymous ones, and their share,
      per outlet ("" for none) and per month of publication (None for no date).
    - timeline: claims per month of the first sources of the ranking.
    - totals: claims, documents, claims without a source span.
    Two queries, whatever the number of documents and labels: the sources per month, and
    the claims per outlet and month; a claim and a document have one outlet and one month,
    so each figure is a sum of those cells (Python adds them up).
    """
    inner = _inner(explorer_claims(project=project, filters=filters))
    by_source = _source_counts(inner, True)
    names = {r["x_entity"]: (r["name"], r["type"]) for r in by_source}
    sources = _ranked([{"entity": entity, "name": names[entity][0], "type": names[entity][1],
                        **sums} for entity, sums in _summed(
        by_source, lambda r: r["x_entity"], ("claims", "documents", "second_hand")).items()])
    top = sources[:limit]
    cells = _select(inner, f"t.x_outlet AS outlet, t.x_month AS month, "
                           f"{_share_columns(project)}, "
                           "COUNT(DISTINCT t.x_document) AS documents, "
                           "COUNT(DISTINCT CASE WHEN t.x_source IS NULL THEN t.x_claim END) "
                           "AS unattributed", group="t.x_outlet, t.x_month")
    shares = ("claims", "with_entity", "anonymous")
    outlets = sorted(({"outlet": outlet, **_share_row(row)} for outlet, row in _summed(
        cells, lambda r: r["outlet"], shares).items()), key=lambda r: r["outlet"])
    months = sorted(({"month": month, **_share_row(row)} for month, row in _summed(
        cells, lambda r: _month(r["month"]), shares).items()),
        key=lambda r: (r["month"] is None, r["month"] or ""))
    totals = _summed(cells, lambda r: None, ("claims", "documents", "unattributed")).get(
        None, {"claims": 0, "documents": 0, "unattributed": 0})
    drawn = top[:TIMELINE_SOURCES]
    series: dict = {s["entity"]: [] for s in drawn}
    for r in sorted((r for r in by_source if r["x_entity"] in series),
                    key=lambda r: (r["x_month"] is None, _month(r["x_month"]) or "")):
        series[r["x_entity"]].append({"month": _month(r["x_month"]), "claims": r["claims"]})
    return {"total_sources": len(sources), "sources": top, "outlets": outlets,
            "months": months, "totals": totals,
            "timeline": [{"entity": s["entity"], "name": s["name"],
                          "points": series[s["entity"]]} for s in drawn]}


def explorer_claim_list(*, project: Project, filters: ExplorerFilter, entity_id: int | None,
                        offset: int = 0, limit: int = 50) -> tuple[int, list[dict]]:
    """(count, a page of) the claims of one source (`entity_id` None: "(no entity)"), each
    once, by publication date then place: the document, the claim span (`span_id`: the
    first copy's), the source's and cue's text, the attributes of its first attribution.
    Three queries (four from the read model)."""
    rows = explorer_claims(project=project, filters=filters).filter(source__isnull=False)
    if rows.model is ExplorerRow:
        return _claim_page_of_rows(rows.filter(entity_id=entity_id) if entity_id is not None
                                   else rows.filter(entity_id__isnull=True), offset, limit)
    rows = (rows.filter(entity_ref=entity_id) if entity_id is not None
            else rows.filter(entity_ref__isnull=True))
    grouped = rows.values(
        x_key=F("claim_key"), x_document=F("document_id"), x_title=F("document__title"),
        x_outlet=F("document__outlet"), x_published=F("document__published"),
        x_start=F("claim__start"), x_end=F("claim__end"), x_quote=F("claim__quote")).annotate(
        span_id=Min("claim_id"), attribution_id=Min("pk"), source_quote=Min("source__quote"),
        cue_quote=Min("cue__quote")).order_by(*CLAIM_ORDER)
    count = grouped.count()
    page = list(grouped[offset:offset + limit])
    attributes = dict(Attribution.objects.filter(
        pk__in=[row["attribution_id"] for row in page]).values_list("pk", "attributes"))
    return count, [_claim(row, row, attributes) for row in page]


CLAIM_ORDER = (F("x_published").asc(nulls_last=True), "x_document", "x_start", "x_end")


def _claim(row: dict, texts: dict, attributes: dict) -> dict:
    return {
        "document": {"id": row["x_document"], "title": texts["x_title"],
                     "outlet": row["x_outlet"], "published": row["x_published"]},
        "span_id": row["span_id"], "start": row["x_start"], "end": row["x_end"],
        "quote": texts["x_quote"], "source_quote": texts["source_quote"],
        "cue_quote": texts["cue_quote"], "attributes": attributes.get(row["attribution_id"], {})}


def _claim_page_of_rows(rows: QuerySet, offset: int, limit: int) -> tuple[int, list[dict]]:
    """The claims list from the read model: the count and the page from the rows alone (the
    source's rows, by index), then the texts (spans, title) of the page's claims only.
    Four queries."""
    count = rows.aggregate(n=Count("claim_key", distinct=True))["n"]
    page = list(rows.values(
        x_key=F("claim_key"), x_document=F("document_id"), x_outlet=F("outlet"),
        x_published=F("published"), x_start=F("claim_start"), x_end=F("claim_end")).annotate(
        span_id=Min("claim_id"), attribution_id=Min("attribution_id")).order_by(
        *CLAIM_ORDER)[offset:offset + limit])
    keys = [row["x_key"] for row in page]
    texts = {row["x_key"]: row for row in rows.filter(claim_key__in=keys).values(
        x_key=F("claim_key")).annotate(
        x_title=Min("document__title"), x_quote=Min("claim__quote"),
        source_quote=Min("source__quote"), cue_quote=Min("cue__quote")).order_by()}
    attributes = dict(ExplorerRow.objects.filter(
        attribution_id__in=[row["attribution_id"] for row in page]).values_list(
        "attribution_id", "attributes"))
    return count, [_claim(row, texts[row["x_key"]], attributes) for row in page]


def explorer_choices(*, project: Project, layers_of_all: bool) -> dict:
    """What the explorer page offers to filter by: the project's outlets (those of its
    documents, by name), the usernames of the members whose layers one may read when
    `layers_of_all` (else none: the caller adds their own), the entity types and the
    attributes with their choices. Two queries."""
    outlets = list(Document.objects.filter(project=project).exclude(outlet="")
                   .order_by("outlet").values_list("outlet", flat=True).distinct())
    members = (list(project.memberships.order_by("user__username")
                    .values_list("user__username", flat=True)) if layers_of_all else [])
    return {"outlets": outlets, "members": members, "types": list(EntityType.values),
            "attributes": [{"name": d["name"], "choices": [str(c) for c in d["choices"]]}
                           for d in project.attribute_definitions or []
                           if d.get("applies_to", "attribution") == "attribution"]}
