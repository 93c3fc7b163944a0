"""A project's label set and attribute definitions as a whole: replace, guard, merge.

What is in use is never removed silently. Removing a label that spans use, an
attribute that attributions carry, or one of its choices that they hold is a 409
that says how many use it (and the field); the settings page then offers to
rename the label (an update keeps its spans) or to merge it into another.

Merging moves every span of one label to another, each move an event, then deletes
the emptied label. A span can only move where the database's uniqueness allows: the
same annotator's accepted span of the target label at the same offsets (or the same
tagger's suggestion) already exists, so the moved one is a duplicate. It is folded
into that span: the attributions using it use the survivor (an attribution that then
repeats another of its layer is merged into it, services/attributions.py), its review
decisions move too, and it is deleted, its delete event keeping all of it.
"""
from __future__ import annotations

import re
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from annotator.errors import Conflict
from annotator.models import (Attribution, ClaimFragment, Event, Label, LabelStatus, Project,
                              ReviewDecision, Span, attribution_dedup_key)
from annotator.selectors.project_admin import (attribute_values_for_project,
                                               attributions_using_labels)
from annotator.services.attributions import (attribution_same, attribution_snapshot,
                                             attributions_merge)
from annotator.services.events import event_record
from annotator.services.explorer_rows import explorer_rows_refresh
from annotator.services.spans import span_snapshot

NAME_RULE = r"[A-Za-z][A-Za-z0-9_-]{0,49}"
ROLES = ("claim", "source", "cue")
DEFAULT_ROLE_LABELS = {"claim": "CLAIM", "source": "SOURCE", "cue": "CUE"}
MAX_LABELS = 100
# Keys the workspace already uses (static/annotator/workspace-keys.js): a label's key
# would shadow them, and the annotator lose the action.
WORKSPACE_KEYS = {"a": "link", "y": "accept", "n": "reject", "h": "history",
                  "l": "arcs on and off", "w": "snap to words", "]": "next document",
                  "@": "source entity", "?": "help"}


def label_fields_check(data: dict, *, where: str = "", need_name: bool = False) -> dict:
    """The writable fields of a label, checked; errors name `where` + the field."""
    clean = {}
    if need_name and "name" not in data:
        raise ValidationError({f"{where}name": "is required."})
    if "name" in data:
        if not isinstance(data["name"], str) or not re.fullmatch(NAME_RULE, data["name"]):
            raise ValidationError({f"{where}name": "must start with a letter and hold only "
                                                   "letters, digits, - and _ (50 at most)."})
        clean["name"] = data["name"]
    if "hotkey" in data:
        if not isinstance(data["hotkey"], str) or len(data["hotkey"]) > 1 or \
                data["hotkey"].isspace():
            raise ValidationError({f"{where}hotkey": "must be one character or empty."})
        if data["hotkey"] in WORKSPACE_KEYS:
            raise ValidationError({f"{where}hotkey": f"{data['hotkey']!r} is the workspace's key "
                                                     f"for {WORKSPACE_KEYS[data['hotkey']]}: "
                                                     "pick another."})
        clean["hotkey"] = data["hotkey"]
    if "color" in data:
        if not isinstance(data["color"], str) or not re.fullmatch(r"#[0-9a-fA-F]{6}",
                                                                  data["color"]):
            raise ValidationError({f"{where}color": "must look like #1d4ed8."})
        clean["color"] = data["color"]
    if "description" in data:
        if not isinstance(data["description"], str) or len(data["description"]) > 2000:
            raise ValidationError({f"{where}description": "must be text of 2000 characters "
                                                          "at most."})
        clean["description"] = data["description"]
    return clean


def label_snapshot(label: Label) -> dict:
    return {"id": label.pk, "name": label.name, "hotkey": label.hotkey, "color": label.color,
            "description": label.description, "position": label.position}


# --- What uses what -------------------------------------------------------------------

def _in_use_conflict(label: Label, spans: int, attributions: int, field: str) -> Conflict:
    return Conflict(
        f"{field}: the label {label.name} is used by {spans} span(s) and {attributions} "
        "attribution(s): it cannot be removed. Rename it, or merge it into another label.",
        code="label_in_use",
        current={"field": field, "label": label_snapshot(label), "spans": spans,
                 "attributions": attributions})


def label_delete_check(label: Label, field: str = "label") -> None:
    spans = label.spans.count()
    if spans:
        attributions = Attribution.objects.filter(attributions_using_labels([label.pk])).distinct(
        ).count()
        raise _in_use_conflict(label, spans, attributions, field)


def attribute_definitions_guard(*, project: Project, new: list[dict]) -> None:
    """409 when the new definitions drop an attribute, or a choice, that attributions hold."""
    after = {d["name"]: d for d in new if d.get("applies_to", "attribution") == "attribution"}
    for d in project.attribute_definitions or []:
        if not isinstance(d, dict) or d.get("applies_to", "attribution") != "attribution":
            continue
        name = d.get("name")
        rows = attribute_values_for_project(project=project, name=name)
        if name not in after:
            used = rows.filter(_value__isnull=False).count()
            if used:
                raise Conflict(f"attribute_definitions: {used} attribution(s) set the "
                               f"attribute {name}: it cannot be removed.",
                               code="attribute_in_use",
                               current={"field": "attribute_definitions", "attribute": name,
                                        "attributions": used})
            continue
        index = next(i for i, item in enumerate(new) if item["name"] == name)
        for choice in d.get("choices", []):
            if choice in after[name]["choices"]:
                continue
            used = rows.filter(_json=choice).count()
            if used:
                field = f"attribute_definitions[{index}].choices"
                raise Conflict(f"{field}: {used} attribution(s) set {name} to {choice!r}: "
                               "the choice cannot be removed.", code="choice_in_use",
                               current={"field": field, "attribute": name, "choice": choice,
                                        "attributions": used})


# --- Replacing the label set -----------------------------------------------------------

def _check_items(project: Project, items) -> tuple[list[dict], dict[int, Label]]:
    if not isinstance(items, list) or not items:
        raise ValidationError({"labels": "must be a non-empty list of labels."})
    if len(items) > MAX_LABELS:
        raise ValidationError({"labels": f"a project has at most {MAX_LABELS} labels."})
    existing = {label.pk: label for label in project.labels.all()} if project.pk else {}
    clean, names, keys, ids = [], {}, {}, set()
    for i, item in enumerate(items):
        where = f"labels[{i}]."
        if not isinstance(item, dict):
            raise ValidationError({f"labels[{i}]": "must be an object."})
        label_id = item.get("id")
        if label_id is not None:
            if isinstance(label_id, bool) or label_id not in existing:
                raise ValidationError({f"{where}id": f"{label_id!r} is not a label of this "
                                                     "project."})
            if label_id in ids:
                raise ValidationError({f"{where}id": "lists a label twice."})
            ids.add(label_id)
        fields = label_fields_check(item, where=where, need_name=True)
        if "hotkey" not in fields:  # left out: a label keeps its key, a new one has none
            fields["hotkey"] = existing[label_id].hotkey if label_id is not None else ""
        if fields["name"] in names:
            raise ValidationError({f"{where}name": f"repeats the name of labels"
                                                   f"[{names[fields['name']]}]."})
        names[fields["name"]] = i
        key = fields.get("hotkey", "")
        if key and key in keys:
            raise ValidationError({f"{where}hotkey": f"is also the key of labels[{keys[key]}]."})
        if key:
            keys[key] = i
        clean.append({"id": label_id, **fields})
    return clean, existing


@transaction.atomic
def labels_replace(*, project: Project, actor, items, record: bool = True) -> list[Label]:
    """Make the project's label set exactly `items`, in this order.

    Items with an id change that label (a rename keeps its spans), items without one
    are new labels, and labels left out are deleted: refused (409) if spans use them.
    Names and keys may be swapped between labels: the rows are first given names
    nobody types, so no unique constraint sees a passing clash.
    """
    clean, existing = _check_items(project, items)
    kept = {item["id"] for item in clean if item["id"] is not None}
    gone = [label for pk, label in existing.items() if pk not in kept]
    for label in gone:
        label_delete_check(label, field="labels")
    renamed = {}
    for label in gone:
        if record:
            event_record(project_id=project.pk, actor=actor, action="delete",
                         target_type="label", target_id=label.pk, before=label_snapshot(label))
        label.delete()
    befores = {pk: label_snapshot(existing[pk]) for pk in kept}
    for pk in kept:  # out of the way of every name and key of the new set
        Label.objects.filter(pk=pk).update(name=f"x{secrets.token_hex(12)}", hotkey="")
    result = []
    for position, item in enumerate(clean):
        fields = {k: v for k, v in item.items() if k != "id"}
        fields["position"] = position
        if item["id"] is None:
            label = Label.objects.create(project=project, **fields)
            if record:
                event_record(project_id=project.pk, actor=actor, action="create",
                             target_type="label", target_id=label.pk,
                             after=label_snapshot(label))
        else:
            label = existing[item["id"]]
            for key, value in fields.items():
                setattr(label, key, value)
            label.save()
            if befores[label.pk]["name"] != label.name:
                renamed[befores[label.pk]["name"]] = label.name
            after = label_snapshot(label)
            if record and after != befores[label.pk]:
                event_record(project_id=project.pk, actor=actor, action="update",
                             target_type="label", target_id=label.pk,
                             before=befores[label.pk], after=after)
        result.append(label)
    if renamed:
        role_labels_follow(project=project, renamed=renamed)
    return result


def role_labels_follow(*, project: Project, renamed: dict[str, str]) -> None:
    """A renamed label keeps the role it plays in attributions (settings.role_labels)."""
    roles = {**DEFAULT_ROLE_LABELS, **(project.settings or {}).get("role_labels", {})}
    changed = {role: renamed[name] for role, name in roles.items() if name in renamed}
    if changed:
        project.settings = {**(project.settings or {}),
                            "role_labels": {**roles, **changed}}
        Project.objects.filter(pk=project.pk).update(settings=project.settings)


# --- Merging a label into another ----------------------------------------------------

def _role_of(project: Project, name: str) -> str | None:
    roles = {**DEFAULT_ROLE_LABELS, **(project.settings or {}).get("role_labels", {})}
    return next((role for role, label in roles.items() if label == name), None)


def _twin_key(span) -> tuple:
    if span.annotator_id is None:
        return (span.document_id, None, span.tagger_name, span.tagger_version, span.start,
                span.end)
    return (span.document_id, span.annotator_id, "", "", span.start, span.end)


def _constrained(span) -> bool:
    """Is this span under one of the unique constraints that include the label?"""
    return span.annotator_id is None or span.status == LabelStatus.ACCEPTED


@transaction.atomic
def label_merge(*, label: Label, into_id: int, actor) -> dict:
    """Move every span of `label` to label `into_id` of its project, then delete `label`;
    return the counts and the label that took the spans."""
    into = Label.objects.filter(project_id=label.project_id, pk=into_id).first()
    if into is None:
        raise ValidationError({"into": f"{into_id} is not a label of this project."})
    if into.pk == label.pk:
        raise ValidationError({"into": "is the label being merged: pick another one."})
    project = Project.objects.select_for_update().get(pk=label.project_id)
    role, into_role = _role_of(project, label.name), _role_of(project, into.name)
    if role and into_role and role != into_role:
        raise ValidationError({"into": f"{label.name} marks the {role} of attributions and "
                                       f"{into.name} the {into_role}: merging them would "
                                       "break attributions."})
    moving = list(Span.objects.select_for_update().select_related("label").filter(label=label))
    doc_ids = {span.document_id for span in moving}
    twins = {_twin_key(s): s for s in Span.objects.select_for_update().filter(
        label=into, document_id__in=doc_ids) if _constrained(s)}
    merge_event = event_record(project_id=project.pk, actor=actor, action="merge",
                               target_type="label", target_id=label.pk,
                               before=label_snapshot(label),
                               after={"merged_into": into.pk, "name": into.name,
                                      "spans": len(moving)})
    folded, moved, events = 0, [], []
    for span in moving:
        twin = twins.get(_twin_key(span)) if _constrained(span) else None
        if twin is not None:
            _fold_span(span, twin, actor=actor, cause=merge_event)
            folded += 1
            continue
        before = span_snapshot(span)
        span.label, span.version = into, span.version + 1
        moved.append(span)
        events.append(Event(project_id=project.pk, document_id=span.document_id, actor=actor,
                            action="update", target_type="span", target_id=span.pk,
                            before=before, after=span_snapshot(span), cause=merge_event,
                            note=f"label {label.name} merged into {into.name}"))
    if moved:
        Span.objects.filter(pk__in=[s.pk for s in moved]).update(
            label=into, version=F("version") + 1, updated_at=timezone.now())
        Event.objects.bulk_create(events)
    label.delete()
    # The approved entity of a source is matched by label: the documents' rows again.
    explorer_rows_refresh(document_ids=doc_ids)
    if role and not into_role:
        roles = {**DEFAULT_ROLE_LABELS, **(project.settings or {}).get("role_labels", {})}
        project.settings = {**(project.settings or {}), "role_labels": {**roles,
                                                                       role: into.name}}
        project.save(update_fields=["settings", "updated_at"])
    return {"moved": len(moved), "folded": folded, "into": into}


def _fold_span(span: Span, twin: Span, *, actor, cause: Event) -> None:
    """`span` repeats `twin` once relabelled: attributions and reviews use twin instead."""
    note = f"span {span.pk} repeated span {twin.pk} once its label was merged"
    touched = Attribution.objects.filter(Q(claim=span) | Q(source=span) | Q(cue=span)
                                         | Q(fragments__span=span)).distinct()
    for attribution in touched:
        before = attribution_snapshot(attribution)
        claims = list(dict.fromkeys(twin.pk if i == span.pk else i for i in before["claims"]))
        source = twin.pk if attribution.source_id == span.pk else attribution.source_id
        cue = twin.pk if attribution.cue_id == span.pk else attribution.cue_id
        source = None if source in claims else source   # one span, one role
        cue = None if cue in claims or cue == source else cue
        key = attribution_dedup_key(claims, source, cue)
        try:
            with transaction.atomic():
                Attribution.objects.filter(pk=attribution.pk).update(
                    claim_id=claims[0], source_id=source, cue_id=cue, dedup_key=key,
                    version=F("version") + 1, updated_at=timezone.now())
                ClaimFragment.objects.filter(attribution=attribution).delete()
                ClaimFragment.objects.bulk_create([
                    ClaimFragment(attribution_id=attribution.pk, span_id=i, position=n)
                    for n, i in enumerate(claims[1:], start=1)])
        except IntegrityError:
            same = attribution_same(document=span.document, annotator=attribution.annotator_id,
                                    key=key, exclude=attribution.pk)
            if same is None:
                raise
            attributions_merge(survivor=same, duplicate=attribution, actor=actor, note=note,
                               cause=cause)
            continue
        fresh = Attribution.objects.get(pk=attribution.pk)
        event_record(project_id=span.document.project_id, document_id=span.document_id,
                     actor=actor, action="update", target_type="attribution",
                     target_id=attribution.pk, before=before,
                     after=attribution_snapshot(fresh), note=note, cause=cause)
    ReviewDecision.objects.filter(span=span).update(span=twin)
    event_record(project_id=span.document.project_id, document_id=span.document_id,
                 actor=actor, action="merge", target_type="span", target_id=span.pk,
                 before=span_snapshot(span), after={"merged_into": twin.pk}, note=note,
                 cause=cause)
    Span.objects.filter(pk=span.pk).delete()
