"""Reads of the claim groups (models/claim_groups.py): which group a claim is in, and a
group's appearances across the project's documents, first reported first. The groups are
of the approved layer, kept by a worker (services/claim_groups.py): a claim approved a
moment ago may not be in one yet, and an appearance no longer approved is left out."""
from __future__ import annotations

from django.db.models import F

from annotator.models import APPROVED_LAYER, ClaimGroupMember, ExplorerRow, Project


def claim_group_for_places(*, project: Project, places) -> dict[tuple, dict]:
    """(document id, start, end) → {"key", "size"} of the claims at these places that are
    said in several places of the project. One query."""
    places = set(places)
    if not places:
        return {}
    members = ClaimGroupMember.objects.filter(
        project=project, document_id__in={p[0] for p in places}, group_size__gt=1).values_list(
        "document_id", "claim_start", "claim_end", "group_key", "group_size")
    return {(d, s, e): {"key": key, "size": size} for d, s, e, key, size in members
            if (d, s, e) in places}


def claim_group_appearances(*, project: Project, group_key: int) -> dict | None:
    """The group's claims, each with its document (title, outlet, date, source URL) and its
    sources (entity, the source span's and the cue's text), by publication date (undated
    last), then document and place: the first is who reported it first. None: no such
    group in the project. Two queries, whatever the group's size."""
    members = list(ClaimGroupMember.objects.filter(project=project, group_key=group_key).values(
        "claim_key", "claim_start", "claim_end", document_key=F("document_id"),
        title=F("document__title"), outlet=F("document__outlet"),
        published=F("document__published"), source_url=F("document__source_url")).order_by(
        F("published").asc(nulls_last=True), "document_key", "claim_start", "claim_end"))
    if not members:
        return None
    rows = ExplorerRow.objects.filter(
        project=project, layer=APPROVED_LAYER,
        claim_key__in=[m["claim_key"] for m in members]).values_list(
        "claim_key", "claim__quote", "entity_id", "entity__name", "entity__type",
        "source__quote", "cue__quote").order_by("claim_key", "attribution_id")
    quotes, sources = {}, {}
    for key, quote, entity, name, kind, source_quote, cue_quote in rows:
        quotes.setdefault(key, quote)
        source = {"entity": entity, "name": name, "type": kind, "quote": source_quote,
                  "cue_quote": cue_quote}
        if source not in sources.setdefault(key, []):
            sources[key].append(source)
    appearances = [{
        "document": {"id": m["document_key"], "title": m["title"], "outlet": m["outlet"],
                     "published": m["published"], "source_url": m["source_url"]},
        "span_id": m["claim_key"], "start": m["claim_start"], "end": m["claim_end"],
        "quote": quotes[m["claim_key"]], "sources": sources[m["claim_key"]]}
        for m in members if m["claim_key"] in quotes]  # still approved
    dated = [a["document"]["published"] for a in appearances if a["document"]["published"]]
    return {"key": group_key, "size": len(appearances),
            "documents": len({a["document"]["id"] for a in appearances}),
            "first_published": min(dated) if dated else None, "appearances": appearances}
