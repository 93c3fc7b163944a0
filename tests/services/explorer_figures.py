"""The explorer's figures counted again in Python from the read model's rows, for the tests
that compare them with what the explorer shows (from the cells and the edge months' rows,
or from the rows)."""
from __future__ import annotations

import datetime

from annotator.models import ExplorerRow, SourceEntity
from annotator.selectors.explorer import ExplorerFilter, explorer_ranking, explorer_summary

DAY = datetime.date
# The documents of the tests are dated in January to March 2026: whole months, months cut
# at either edge or both, open ranges, one attribute (the cells') and filters the rows
# answer (an outlet, a type, two attributes).
FILTERS = (
    ExplorerFilter(),
    ExplorerFilter(date_from=DAY(2026, 1, 15)),
    ExplorerFilter(date_to=DAY(2026, 2, 10)),
    ExplorerFilter(date_from=DAY(2026, 2, 1), date_to=DAY(2026, 3, 31)),
    ExplorerFilter(date_from=DAY(2026, 1, 3), date_to=DAY(2026, 3, 2)),
    ExplorerFilter(date_from=DAY(2026, 2, 2), date_to=DAY(2026, 2, 20)),
    ExplorerFilter(attributes={"quote_type": "direct"}),
    ExplorerFilter(attributes={"quote_type": "indirect"}, date_from=DAY(2026, 1, 10)),
    ExplorerFilter(outlet="Outlet 1", date_to=DAY(2026, 2, 28)),
    ExplorerFilter(source_type="anonymous"),
)


def layer_filters(*members) -> list[ExplorerFilter]:
    """FILTERS on the approved layer and on each member's own."""
    return [*FILTERS, *(ExplorerFilter(**{**vars(f), "annotator_id": member.pk})
                        for member in members for f in FILTERS)]


def _counted(rows, key) -> dict:
    sets: dict = {}
    for row in rows:
        claims, documents, with_entity, anonymous = sets.setdefault(
            key(row), (set(), set(), set(), set()))
        claims.add(row["claim_key"])
        documents.add(row["document_id"])
        if row["entity_id"] is not None:
            with_entity.add(row["claim_key"])
        if row["anonymous"]:
            anonymous.add(row["claim_key"])
    return {k: tuple(len(s) for s in v) for k, v in sets.items()}


def _kept(row, filters: ExplorerFilter, typed: set) -> bool:
    day = row["published"]
    if (filters.date_from or filters.date_to) and day is None:
        return False
    return ((not filters.date_from or day >= filters.date_from)
            and (not filters.date_to or day <= filters.date_to)
            and (not filters.outlet or row["outlet"] == filters.outlet)
            and (not filters.source_type or row["entity_id"] in typed)
            and all(row["attributes"].get(name) == value
                    for name, value in filters.attributes.items()))


def figures_of_the_rows(project, filters: ExplorerFilter) -> dict:
    types = dict(SourceEntity.objects.filter(project=project).values_list("pk", "type"))
    typed = {pk for pk, kind in types.items() if kind == filters.source_type}
    rows = [{**row, "anonymous": types.get(row["entity_id"]) == "anonymous",
             "month": str(row["month"])[:7] if row["month"] else None}
            for row in ExplorerRow.objects.filter(project=project, layer=filters.layer).values(
                "entity_id", "claim_key", "document_id", "source_id", "outlet", "published",
                "month", "attributes")]
    rows = [row for row in rows if _kept(row, filters, typed)]
    sourced = [row for row in rows if row["source_id"] is not None]
    totals = _counted(rows, lambda row: None).get(None, (0, 0, 0, 0))
    return {
        "sources": {k: v[:2] for k, v in _counted(sourced, lambda r: r["entity_id"]).items()},
        "series": {k: v[0] for k, v in _counted(
            sourced, lambda r: (r["entity_id"], r["month"])).items()},
        "outlets": {k: (v[0], v[2], v[3]) for k, v in _counted(
            rows, lambda r: r["outlet"]).items()},
        "months": {k: (v[0], v[2], v[3]) for k, v in _counted(
            rows, lambda r: r["month"]).items()},
        "totals": {"claims": totals[0], "documents": totals[1], "unattributed": len(
            {row["claim_key"] for row in rows if row["source_id"] is None})}}


def figures_shown(project, filters: ExplorerFilter) -> dict:
    """The summary's figures in the shape of figures_of_the_rows (the timeline's points of
    the sources it draws, each month of each); the CSV's ranking must be the summary's."""
    summary = explorer_summary(project=project, filters=filters, limit=500)
    ranking = explorer_ranking(project=project, filters=filters)
    assert ranking == summary["sources"], (ranking, summary["sources"])
    expected = figures_of_the_rows(project, filters)
    drawn = {line["entity"] for line in summary["timeline"]}
    return {
        "sources": {s["entity"]: (s["claims"], s["documents"]) for s in summary["sources"]},
        "series": {**{k: v for k, v in expected["series"].items() if k[0] not in drawn},
                   **{(line["entity"], point["month"]): point["claims"]
                      for line in summary["timeline"] for point in line["points"]}},
        "outlets": {o["outlet"]: (o["claims"], o["with_entity"], o["anonymous"])
                    for o in summary["outlets"]},
        "months": {m["month"]: (m["claims"], m["with_entity"], m["anonymous"])
                   for m in summary["months"]},
        "totals": summary["totals"]}
