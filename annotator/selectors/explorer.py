"""The explorer (issue #16, point 3): who is quoted, how often, by which outlet, how much
rests on anonymous sources; read from one layer of a project's attributions.

A claim's source is the source entity of the SOURCE span of the attribution(s) whose
claim it is; the explorer counts claims per entity. A claim is its claim span's place
(document, start, end): two annotators' identical approved attributions are one claim,
as in the approved layer (selectors/approved.py). A source span linked to no entity
counts under "(no entity)" (`entity` None), whatever its text; an attribution without
a source span counts in the totals only.

Layers: the approved one (attributions approved by a reviewer; the entity a source stands
for is the one approved.entity_copy takes: the first approved identical SOURCE span, by
id, that names one, else the attribution's own source span's) or one annotator's
accepted attributions as they are. Who may read which layer is access.py's.

Every function here runs a fixed number of queries whatever the number of documents and
labels (tests/api/test_explorer_api.py counts them): the counting is SQL's (GROUP BY with
COUNT DISTINCT), Python only shapes the rows. Outlet and date are Document columns
(annotator/facets.py, migration 0017), not keys of its JSON metadata.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import (Case, CharField, Count, F, IntegerField, Min, OuterRef, Q,
                              QuerySet, Subquery, Value, When)
from django.db.models.functions import Cast, Concat, TruncMonth

from annotator.models import (Attribution, Document, EntityType, LabelStatus, Project,
                              ReviewState, SourceEntity, Span)

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


def _approved_entity() -> Subquery:
    """The entity the approved layer gives an attribution's source (approved.entity_copy):
    of the identical SOURCE spans that are copies of it (approved, or this one, linked),
    the first approved, by id, that names an entity."""
    copies = Span.objects.filter(
        document_id=OuterRef("document_id"), label_id=OuterRef("source__label_id"),
        start=OuterRef("source__start"), end=OuterRef("source__end"),
        annotator__isnull=False, entity__isnull=False).filter(
        Q(status=LabelStatus.ACCEPTED, review_state=ReviewState.APPROVED)
        | Q(pk=OuterRef("source_id")))
    first = copies.order_by(Case(When(review_state=ReviewState.APPROVED, then=Value(0)),
                                 default=Value(1), output_field=IntegerField()), "pk")
    return Subquery(first.values("entity_id")[:1], output_field=IntegerField())


def explorer_claims(*, project: Project, filters: ExplorerFilter) -> QuerySet:
    """The layer's attributions of the project, filtered, each with `entity_ref` (its
    source's entity id, or None) and `claim_key` (the claim's place, for COUNT DISTINCT)."""
    rows = Attribution.objects.filter(document__project=project, status=LabelStatus.ACCEPTED)
    if filters.annotator_id is None:
        rows = rows.filter(annotator__isnull=False, review_state=ReviewState.APPROVED)
        rows = rows.annotate(entity_ref=_approved_entity())
    else:
        rows = rows.filter(annotator_id=filters.annotator_id).annotate(
            entity_ref=F("source__entity_id"))
    if filters.outlet:
        rows = rows.filter(document__outlet=filters.outlet)
    if filters.date_from:
        rows = rows.filter(document__published__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(document__published__lte=filters.date_to)
    for name, value in filters.attributes.items():
        rows = rows.filter(**{f"attributes__{name}": value})
    if filters.source_type:
        rows = rows.filter(entity_ref__in=SourceEntity.objects.filter(
            project=project, type=filters.source_type).values("pk"))
    return rows.annotate(claim_key=Concat(
        Cast("document_id", CharField()), Value(":"), Cast("claim__start", CharField()),
        Value(":"), Cast("claim__end", CharField()), output_field=CharField()))


def _claims() -> Count:
    return Count("claim_key", distinct=True)


def _shares(rows: QuerySet, project: Project) -> dict:
    """The counts of a share of anonymous sources: claims, claims whose source names an
    entity, and those whose entity is anonymous."""
    anonymous = SourceEntity.objects.filter(project=project, type=EntityType.ANONYMOUS)
    return {"claims": _claims(),
            "with_entity": Count("claim_key", distinct=True,
                                 filter=Q(entity_ref__isnull=False)),
            "anonymous": Count("claim_key", distinct=True,
                               filter=Q(entity_ref__in=anonymous.values("pk")))}


def _share_row(row: dict) -> dict:
    return {"claims": row["claims"], "with_entity": row["with_entity"],
            "anonymous": row["anonymous"],
            "anonymous_share": (round(row["anonymous"] / row["with_entity"], 4)
                                if row["with_entity"] else None)}


def _ranking(project: Project, sourced: QuerySet) -> list[dict]:
    """Every source of these attributions with its claim and document counts, most claims
    first (then by name; "(no entity)" last of its count): two queries."""
    ranking = list(sourced.values("entity_ref").annotate(
        claims=_claims(), documents=Count("document_id", distinct=True)).order_by())
    entities = {e["pk"]: e for e in SourceEntity.objects.filter(
        project=project, pk__in=[r["entity_ref"] for r in ranking if r["entity_ref"]]
    ).values("pk", "name", "type")}
    sources = [{"entity": r["entity_ref"],
                "name": entities[r["entity_ref"]]["name"] if r["entity_ref"] else NO_ENTITY,
                "type": entities[r["entity_ref"]]["type"] if r["entity_ref"] else None,
                "claims": r["claims"], "documents": r["documents"]}
               for r in ranking if r["entity_ref"] is None or r["entity_ref"] in entities]
    sources.sort(key=lambda s: (-s["claims"], s["entity"] is None, s["name"].casefold(),
                                s["entity"] or 0))
    return sources


def explorer_ranking(*, project: Project, filters: ExplorerFilter) -> list[dict]:
    """Every source, ranked (the CSV download): two queries."""
    return _ranking(project, explorer_claims(project=project, filters=filters)
                    .filter(source__isnull=False))


def _month(value) -> str | None:
    return value.strftime("%Y-%m") if value else None


def explorer_summary(*, project: Project, filters: ExplorerFilter, limit: int = 50) -> dict:
    """The figures of the explorer page and of GET /api/projects/{id}/sources/.

    - sources: the first `limit` sources by claim count (then name), each with its type,
      claim and document counts; `total_sources` counts them all.
    - outlets, months: claims, claims with an entity, anonymous ones, and their share,
      per outlet ("" for none) and per month of publication (None for no date).
    - timeline: claims per month of the first sources of the ranking.
    Six queries, whatever the number of documents and labels.
    """
    rows = explorer_claims(project=project, filters=filters)
    sourced = rows.filter(source__isnull=False)
    sources = _ranking(project, sourced)
    top = sources[:limit]
    outlets = [{"outlet": r["document__outlet"], **_share_row(r)} for r in
               rows.values("document__outlet").annotate(**_shares(rows, project))
               .order_by("document__outlet")]
    months = [{"month": _month(r["month"]), **_share_row(r)} for r in
              rows.annotate(month=TruncMonth("document__published")).values("month")
              .annotate(**_shares(rows, project)).order_by(F("month").asc(nulls_last=True))]
    drawn = top[:TIMELINE_SOURCES]
    ids = [s["entity"] for s in drawn if s["entity"] is not None]
    wanted = Q(entity_ref__in=ids) | (Q(entity_ref__isnull=True)
                                      if any(s["entity"] is None for s in drawn) else Q(pk=0))
    series: dict = {s["entity"]: [] for s in drawn}
    for r in (sourced.filter(wanted).annotate(month=TruncMonth("document__published"))
              .values("entity_ref", "month").annotate(claims=_claims())
              .order_by(F("month").asc(nulls_last=True))):
        series[r["entity_ref"]].append({"month": _month(r["month"]), "claims": r["claims"]})
    totals = rows.aggregate(claims=_claims(), documents=Count("document_id", distinct=True),
                            unattributed=Count("claim_key", distinct=True,
                                               filter=Q(source__isnull=True)))
    return {"total_sources": len(sources), "sources": top, "outlets": outlets,
            "months": months, "totals": totals,
            "timeline": [{"entity": s["entity"], "name": s["name"],
                          "points": series[s["entity"]]} for s in drawn]}


def explorer_claim_list(*, project: Project, filters: ExplorerFilter, entity_id: int | None,
                        offset: int = 0, limit: int = 50) -> tuple[int, list[dict]]:
    """(count, a page of) the claims of one source (`entity_id` None: "(no entity)"), each
    once, by publication date then place: the document, the claim span (`span_id`: the
    first copy's), the source's and cue's text, the attributes of its first attribution.
    Three queries."""
    rows = explorer_claims(project=project, filters=filters).filter(source__isnull=False)
    rows = (rows.filter(entity_ref=entity_id) if entity_id is not None
            else rows.filter(entity_ref__isnull=True))
    grouped = rows.values(
        "claim_key", "document_id", "document__title", "document__outlet",
        "document__published", "claim__start", "claim__end", "claim__quote").annotate(
        span_id=Min("claim_id"), attribution_id=Min("pk"), source_quote=Min("source__quote"),
        cue_quote=Min("cue__quote")).order_by(
        F("document__published").asc(nulls_last=True), "document_id", "claim__start",
        "claim__end")
    count = grouped.count()
    page = list(grouped[offset:offset + limit])
    attributes = dict(Attribution.objects.filter(
        pk__in=[row["attribution_id"] for row in page]).values_list("pk", "attributes"))
    return count, [{
        "document": {"id": row["document_id"], "title": row["document__title"],
                     "outlet": row["document__outlet"], "published": row["document__published"]},
        "span_id": row["span_id"], "start": row["claim__start"], "end": row["claim__end"],
        "quote": row["claim__quote"], "source_quote": row["source_quote"],
        "cue_quote": row["cue_quote"], "attributes": attributes.get(row["attribution_id"], {}),
    } for row in page]


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
