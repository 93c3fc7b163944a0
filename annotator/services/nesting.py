"""Writing second-hand claims (issue #16, point 7): an attribution's parent.

The rules are annotator/nesting.py's (the child's spans inside the parent's claim, no
cycle); here they meet the database: the parent is an attribution of the same document
and the same layer (one annotator's accepted attributions, or one tagger version's
suggestions). Every write of a parent goes through parent_resolve; what a change of a
parent's claim, a delete or a merge does to its children, through the children_* below.
Each child changed is versioned and logged, with the change's event as its cause.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils import timezone

from annotator.models import (Attribution, ClaimFragment, Event, LabelStatus, ReviewState,
                              Span)
from annotator.nesting import nesting_problem, would_cycle
from annotator.services.events import event_record


def _layer(attribution) -> dict:
    if attribution.annotator_id is None:
        return {"annotator__isnull": True, "tagger_name": attribution.tagger_name,
                "tagger_version": attribution.tagger_version}
    return {"annotator_id": attribution.annotator_id, "status": LabelStatus.ACCEPTED}


def claim_offsets(attribution_ids: list[int]) -> dict[int, list[tuple[int, int]]]:
    """Each attribution's claim fragments as offsets, in order: two queries."""
    found = {row["pk"]: [(row["claim__start"], row["claim__end"])]
             for row in Attribution.objects.filter(pk__in=attribution_ids).values(
                 "pk", "claim__start", "claim__end")}
    for attribution_id, start, end in ClaimFragment.objects.filter(
            attribution_id__in=attribution_ids).order_by("attribution_id", "position") \
            .values_list("attribution_id", "span__start", "span__end"):
        found[attribution_id].append((start, end))
    return found


def spans_offsets(claims: list[Span], source: Span | None, cue: Span | None) -> list:
    return [(s.start, s.end) for s in (*claims, source, cue) if s is not None]


def parent_resolve(*, document, annotator, parent_id: int | None, child_pk: int | None,
                   child_spans: list[tuple[int, int]], field: str = "parent",
                   status: str = LabelStatus.ACCEPTED) -> Attribution | None:
    """The parent named by `parent_id` for an attribution of `annotator`'s layer whose
    spans are at `child_spans`; a ValidationError naming `field` when it cannot be."""
    if parent_id is None:
        return None
    if isinstance(parent_id, bool) or not isinstance(parent_id, int):
        raise ValidationError({field: "must be an attribution id (an integer) or null."})
    parent = Attribution.objects.filter(pk=parent_id, document=document).first()
    if parent is None:
        raise ValidationError({field: f"attribution {parent_id} is not an attribution of "
                                      "this document."})
    annotator_id = getattr(annotator, "pk", annotator)
    if parent.annotator_id != annotator_id or parent.status != status:
        raise ValidationError({field: f"attribution {parent_id} is of another layer: a parent "
                                      "is one of the same annotator's accepted attributions."})
    if child_pk is not None and parent.pk == child_pk:
        raise ValidationError({field: "an attribution cannot be its own parent."})
    problem = nesting_problem(claim_offsets([parent.pk])[parent.pk], child_spans)
    if problem:
        raise ValidationError({field: f"attribution {parent_id}: {problem}"})
    if child_pk is not None:
        parents = dict(Attribution.objects.filter(document=document, **_layer(parent))
                       .values_list("pk", "parent_id"))
        if would_cycle(parents, child_pk, parent.pk):
            raise ValidationError({field: f"attribution {parent_id} lies inside this one "
                                          "(it is its child, or a child's child): a chain of "
                                          "parents cannot loop."})
    return parent


def children_check(*, attribution: Attribution, claims: list[Span]) -> None:
    """A parent's claim changes to `claims`: its children must still lie inside it."""
    children = list(Attribution.objects.filter(parent=attribution).order_by("pk").values(
        "pk", "claim__start", "claim__end", "source__start", "source__end", "cue__start",
        "cue__end"))
    if not children:
        return
    fragments: dict[int, list] = {}
    for child_id, start, end in ClaimFragment.objects.filter(
            attribution_id__in=[c["pk"] for c in children]).values_list(
            "attribution_id", "span__start", "span__end"):
        fragments.setdefault(child_id, []).append((start, end))
    offsets = [(s.start, s.end) for s in claims]
    for child in children:
        spans = [(child[f"{role}__start"], child[f"{role}__end"])
                 for role in ("claim", "source", "cue") if child[f"{role}__start"] is not None]
        if nesting_problem(offsets, spans + fragments.get(child["pk"], [])):
            raise ValidationError({"claims": f"attribution {child['pk']} is second-hand inside "
                                             "this claim and would no longer lie within it: "
                                             "clear its parent first."})


def _rewrite_children(children, *, parent_id: int | None, actor, note: str,
                      cause: Event | None, snapshot) -> bool:
    """Point each child at parent_id (None: no parent), versioned and logged; whether an
    approved one changed (the explorer's second_hand)."""
    approved = False
    for child in children:
        before = snapshot(child)
        Attribution.objects.filter(pk=child.pk).update(
            parent_id=parent_id, version=F("version") + 1, updated_at=timezone.now())
        fresh = Attribution.objects.get(pk=child.pk)
        event_record(project_id=fresh.document.project_id, document_id=fresh.document_id,
                     actor=actor, action="update", target_type="attribution",
                     target_id=child.pk, before=before, after=snapshot(fresh), note=note,
                     cause=cause)
        approved |= fresh.review_state == ReviewState.APPROVED
    return approved


def children_release(*, attribution_id: int, actor, cause: Event | None, snapshot,
                     keep: set = frozenset()) -> bool:
    """Before a parent's delete: its children (but those in `keep`, going too) lose it."""
    children = list(Attribution.objects.filter(parent_id=attribution_id).exclude(
        pk__in=keep).order_by("pk"))
    return _rewrite_children(children, parent_id=None, actor=actor, cause=cause,
                             snapshot=snapshot, note=f"its parent attribution "
                                                     f"{attribution_id} was deleted")


def children_move(*, duplicate_id: int, survivor_id: int, actor, cause: Event | None,
                  snapshot) -> bool:
    """A merge: the duplicate's children become the survivor's (the same claim)."""
    children = list(Attribution.objects.filter(parent_id=duplicate_id).exclude(
        pk=survivor_id).order_by("pk"))
    Attribution.objects.filter(pk=survivor_id, parent_id=duplicate_id).update(parent=None)
    return _rewrite_children(children, parent_id=survivor_id, actor=actor, cause=cause,
                             snapshot=snapshot, note=f"its parent attribution {duplicate_id} "
                                                     f"was merged into {survivor_id}")


def suggested_parents_store(attributions: list, rows: list[Attribution],
                            offsets: dict[str, tuple[int, int]]) -> None:
    """A tagger's output stored (services/suggestions.py): set the parent of each suggested
    attribution that names one, by its index in `attributions` (one UPDATE each), unless
    it has one already (stored before: it keeps it, as the rest of it)."""
    parents: dict[int, int] = {}
    for index, item in enumerate(attributions):
        parent = getattr(item, "parent", None)
        if parent is None:
            continue
        where = f"attributions[{index}].parent"
        if isinstance(parent, bool) or not isinstance(parent, int) \
                or not 0 <= parent < len(attributions):
            raise ValidationError({where: f"{parent!r} is not the index of an attribution."})
        if parent == index:
            raise ValidationError({where: "an attribution cannot be its own parent."})
        child_item = attributions[index]
        spans = [offsets[k] for k in (*child_item.claims, child_item.source, child_item.cue)
                 if k is not None]
        problem = nesting_problem([offsets[k] for k in attributions[parent].claims], spans)
        if problem:
            raise ValidationError({where: problem})
        if would_cycle(parents, index, parent):
            raise ValidationError({where: "the parents loop."})
        parents[index] = parent
    if not parents:
        return
    first = rows[0]
    pk_of = dict(Attribution.objects.filter(
        document_id=first.document_id, annotator__isnull=True, tagger_name=first.tagger_name,
        tagger_version=first.tagger_version, dedup_key__in={
            rows[i].dedup_key for pair in parents.items() for i in pair}).values_list(
        "dedup_key", "pk"))
    for index, parent in parents.items():
        # A suggestion stored before without one gets it (a tagger that learned to nest).
        Attribution.objects.filter(pk=pk_of[rows[index].dedup_key], parent__isnull=True) \
            .update(parent_id=pk_of[rows[parent].dedup_key])


def accepted_parents_link(*, document, annotator, accepted: list[Attribution], events: list,
                          snapshot) -> list[Attribution]:
    """Suggestions accepted: each of the annotator's attributions made from a suggestion
    with a parent gets as parent the annotator's own acceptance of that parent, and each
    one whose suggestion is the parent of an accepted one becomes that one's parent, when
    they have none yet (whichever of the two was accepted first). Events are appended as
    suggestions_decide writes them; returns `accepted` as stored now, and after them the
    children accepted earlier that got their parent now."""
    rows = list(Attribution.objects.filter(
        document=document, annotator=annotator, status=LabelStatus.ACCEPTED,
        parent__isnull=True, suggestion__parent__isnull=False).values(
        "pk", "suggestion__parent_id"))
    if not rows:
        return accepted
    own_of = dict(Attribution.objects.filter(
        document=document, annotator=annotator, status=LabelStatus.ACCEPTED,
        suggestion_id__in=[r["suggestion__parent_id"] for r in rows]).values_list(
        "suggestion_id", "pk"))
    linked = {}
    for row in rows:
        parent = own_of.get(row["suggestion__parent_id"])
        if parent is None:
            continue
        child = Attribution.objects.select_related("claim", "source", "cue").get(pk=row["pk"])
        spans = [child.claim, child.source, child.cue,
                 *[f.span for f in child.fragments.select_related("span")]]
        try:  # the annotator may have moved its spans since: then it stays without
            parent_resolve(document=document, annotator=annotator, parent_id=parent,
                           child_pk=child.pk,
                           child_spans=[(s.start, s.end) for s in spans if s is not None])
        except ValidationError:
            continue
        before = snapshot(child)
        Attribution.objects.filter(pk=child.pk).update(parent_id=parent,
                                                       version=F("version") + 1)
        fresh = Attribution.objects.get(pk=child.pk)
        events.append(("accept", "attribution", child.pk, before, snapshot(fresh)))
        linked[child.pk] = fresh
    # Children accepted before are changed too: the answer carries them, for the page.
    given = {a.pk for a in accepted}
    return [linked.get(a.pk, a) for a in accepted] + [
        row for pk, row in linked.items() if pk not in given]


def _layout(attribution_ids) -> dict[int, dict]:
    """Each attribution's parent and spans: {"parent", "claims": [(span id, start, end)],
    "others": [...] (source, cue)}. Two queries."""
    found = {}
    for row in Attribution.objects.filter(pk__in=attribution_ids).values(
            "pk", "parent_id", "claim_id", "claim__start", "claim__end", "source_id",
            "source__start", "source__end", "cue_id", "cue__start", "cue__end"):
        found[row["pk"]] = {
            "parent": row["parent_id"],
            "claims": [(row["claim_id"], row["claim__start"], row["claim__end"])],
            "others": [(row[f"{r}_id"], row[f"{r}__start"], row[f"{r}__end"])
                       for r in ("source", "cue") if row[f"{r}_id"] is not None]}
    for attribution_id, span_id, start, end in ClaimFragment.objects.filter(
            attribution_id__in=list(found)).order_by("attribution_id", "position") \
            .values_list("attribution_id", "span_id", "span__start", "span__end"):
        found[attribution_id]["claims"].append((span_id, start, end))
    return found


def span_move_check(*, span_id: int, start: int, end: int) -> None:
    """A span moves to [start, end): each attribution that uses it must still lie inside
    its parent's claim, and its children inside its own (a ValidationError on `start`
    naming them). One query when none of its attributions nests, three when some do."""
    using = list(Attribution.objects.filter(
        Q(claim_id=span_id) | Q(source_id=span_id) | Q(cue_id=span_id)
        | Q(fragments__span_id=span_id)).filter(
        Q(parent__isnull=False) | Q(children__isnull=False)).values_list("pk", flat=True)
        .distinct())
    if not using:
        return
    related = set(using) | set(Attribution.objects.filter(
        Q(children__in=using) | Q(parent__in=using)).values_list("pk", flat=True))
    layout = _layout(related)

    def moved(spans):
        return [(start, end) if sid == span_id else (s, e) for sid, s, e in spans]
    for pk in using:
        own = layout[pk]
        parent = layout.get(own["parent"])
        if parent and nesting_problem(moved(parent["claims"]),
                                      moved(own["claims"] + own["others"])):
            raise ValidationError({"start": f"attribution {pk} is second-hand inside "
                                            f"attribution {own['parent']}, and this span "
                                            "would take it outside that claim: clear its "
                                            "parent first."})
        for child_pk, child in layout.items():
            if child["parent"] == pk and nesting_problem(
                    moved(own["claims"]), moved(child["claims"] + child["others"])):
                raise ValidationError({"start": f"attribution {child_pk} is second-hand "
                                                f"inside attribution {pk}, and would no "
                                                "longer lie within its claim: clear its "
                                                "parent first."})


def children_refit(*, attribution_id: int, actor, cause: Event | None, snapshot) -> bool:
    """The attribution lost a claim fragment (its span was deleted): its children that no
    longer lie inside its claim lose it as parent, logged. One query when it has none."""
    children = list(Attribution.objects.filter(parent_id=attribution_id).values_list(
        "pk", flat=True))
    if not children:
        return False
    layout = _layout([attribution_id, *children])
    claims = [(s, e) for _, s, e in layout[attribution_id]["claims"]]
    outside = [pk for pk in children if nesting_problem(
        claims, [(s, e) for _, s, e in layout[pk]["claims"] + layout[pk]["others"]])]
    return _rewrite_children(
        list(Attribution.objects.filter(pk__in=outside).order_by("pk")), parent_id=None,
        actor=actor, cause=cause, snapshot=snapshot,
        note=f"the claim of its parent attribution {attribution_id} lost the fragment it "
             "lay in")
