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
approved.entity_copy would find it), or one annotator's accepted attributions as they are;
both read from the read model (ExplorerRow and its month cells ExplorerCell, each row and
cell of one layer; services/explorer_rows.py keeps them, decisions §21). The SQL of the
counting is selectors/explorer_counts.py's. Who may read which layer is access.py's.

Every function here runs a fixed number of queries whatever the number of documents and
labels (tests/api/test_explorer_api.py counts them): the counting is SQL's (GROUP BY with
COUNT DISTINCT), Python only shapes the rows. Outlet and date are Document columns
(annotator/facets.py, migration 0017), copied into the rows, not keys of its JSON
metadata.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Min, QuerySet

from annotator.models import Document, EntityType, Project
from annotator.selectors.explorer_counts import (ExplorerFilter, explorer_claims,
                                                 outlet_counts, source_counts)

APPROVED = "approved"
NO_ENTITY = "(no entity)"
TIMELINE_SOURCES = 8   # sources drawn over time: the first of the ranking
MAX_LIMIT = 500


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


def _sources(by_source: list[dict]) -> list[dict]:
    """Every source ranked, from its cells per month."""
    names = {r["x_entity"]: (r["name"], r["type"]) for r in by_source}
    return _ranked([
        {"entity": entity, "name": names[entity][0], "type": names[entity][1], **sums}
        for entity, sums in _summed(by_source, lambda r: r["x_entity"],
                                    ("claims", "documents", "second_hand")).items()])


def explorer_ranking(*, project: Project, filters: ExplorerFilter) -> list[dict]:
    """Every source, ranked (the CSV download): one query."""
    return _sources(source_counts(project, filters))


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
    by_source, cells = source_counts(project, filters), outlet_counts(project, filters)
    sources = _sources(by_source)
    top = sources[:limit]
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
    Four queries."""
    rows = explorer_claims(project=project, filters=filters).filter(source__isnull=False)
    return _claim_page_of_rows(rows.filter(entity_id=entity_id) if entity_id is not None
                               else rows.filter(entity_id__isnull=True), offset, limit)


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
    # by the page's documents too: their index finds the rows (no index starts with
    # claim_key, and the rows of every layer are twice the approved ones)
    texts = {row["x_key"]: row for row in rows.filter(
        document_id__in={row["x_document"] for row in page}, claim_key__in=keys).values(
        x_key=F("claim_key")).annotate(
        x_title=Min("document__title"), x_quote=Min("claim__quote"),
        source_quote=Min("source__quote"), cue_quote=Min("cue__quote")).order_by()}
    attributes = dict(rows.filter(  # the layer's rows: one per attribution
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
