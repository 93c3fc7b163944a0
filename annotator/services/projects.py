from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from annotator.errors import Conflict
from annotator.models import Label, Membership, Project, Role
from annotator.services.events import event_record

DEFAULT_LABELS = [
    {"name": "CLAIM", "hotkey": "1", "color": "#c2410c",
     "description": "What is claimed: the content attributed to a source."},
    {"name": "SOURCE", "hotkey": "2", "color": "#1d4ed8",
     "description": "Who or what the claim is attributed to."},
    {"name": "CUE", "hotkey": "3", "color": "#15803d",
     "description": "The words that link them: said, told, according to, warned."},
]

DEFAULT_ATTRIBUTES = [
    {"name": "source_type", "applies_to": "attribution",
     "choices": ["named person", "organisation", "anonymous", "document", "other"]},
    {"name": "claim_type", "applies_to": "attribution",
     "choices": ["fact", "prediction", "opinion", "other"]},
    {"name": "quote_type", "applies_to": "attribution", "choices": ["direct", "indirect"]},
]


def attribute_definitions_check(definitions) -> None:
    """Raise ValidationError unless definitions is a list of {name, applies_to, choices}."""
    if not isinstance(definitions, list):
        raise ValidationError({"attribute_definitions": "must be a list."})
    names = set()
    for i, item in enumerate(definitions):
        where = f"attribute_definitions[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"]:
            raise ValidationError({where: "needs a non-empty string 'name'."})
        if item["name"] in names:
            raise ValidationError({where: f"repeats the name {item['name']!r}."})
        names.add(item["name"])
        choices = item.get("choices")
        if not isinstance(choices, list) or not choices or not all(
                isinstance(c, str) and c for c in choices):
            raise ValidationError({where: "needs 'choices', a non-empty list of strings."})
        if len(set(choices)) != len(choices):
            raise ValidationError({where: "has a choice twice."})
        if item.get("applies_to", "attribution") not in ("attribution", "span"):
            raise ValidationError({where: "'applies_to' must be 'attribution' or 'span'."})


DUPLICATE_NAME = "another project has this name."


@transaction.atomic
def project_create(*, name: str, guidelines: str = "", description: str = "",
                   labels: list[dict] | None = None,
                   attribute_definitions: list[dict] | None = None,
                   creator: AbstractBaseUser | None = None) -> Project:
    """A project with its labels and attributes (the defaults unless given), and its creator
    as admin. Project names are unique: another project's name is a 400 on `name`."""
    if Project.objects.filter(name=name).exists():
        raise ValidationError({"name": DUPLICATE_NAME})
    definitions = DEFAULT_ATTRIBUTES if attribute_definitions is None else attribute_definitions
    attribute_definitions_check(definitions)
    try:
        with transaction.atomic():
            project = Project.objects.create(name=name, guidelines=guidelines,
                                             description=description,
                                             attribute_definitions=definitions)
    except IntegrityError:  # the same name, stored meanwhile by a concurrent request
        raise ValidationError({"name": DUPLICATE_NAME}) from None
    for position, spec in enumerate(DEFAULT_LABELS if labels is None else labels):
        Label.objects.create(project=project, position=position, **spec)
    if creator is not None:
        Membership.objects.create(project=project, user=creator, role=Role.ADMIN)
    return project


def membership_set(*, project: Project, user: AbstractBaseUser, role: str) -> Membership:
    """Give user this role in project (creating the membership if needed)."""
    if role not in Role.values:
        raise ValidationError({"role": f"must be one of {', '.join(Role.values)}."})
    membership, _ = Membership.objects.update_or_create(project=project, user=user,
                                                        defaults={"role": role})
    return membership


def membership_add(*, project: Project, actor, username: str, role: str) -> Membership:
    """Give the user of this name a role in the project: a new member, or a member's new
    role (through membership_change, so the last admin stays one)."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationError({"username": "no user has this name."})
    existing = Membership.objects.filter(project=project, user=user).first()
    if existing is not None:
        return membership_change(membership=existing, actor=actor, role=role)
    return membership_set(project=project, user=user, role=role)


# --- Managing a project (admins) -----------------------------------------------

PROJECT_FIELDS = {"name", "description", "guidelines", "attribute_definitions", "settings"}


def settings_check(settings) -> None:
    """The settings the app reads must have the shape it reads; other keys are free."""
    if not isinstance(settings, dict):
        raise ValidationError({"settings": "must be an object."})
    for flag, default in (("annotators_see_each_other", False), ("review_own_labels", False),
                          ("unassigned_open", True)):
        if not isinstance(settings.get(flag, default), bool):
            raise ValidationError({"settings": f"'{flag}' must be true or false."})
    needed = settings.get("annotators_per_document", 1)
    if isinstance(needed, bool) or not isinstance(needed, int) or not 1 <= needed <= 20:
        raise ValidationError({"settings": "'annotators_per_document' must be a whole number "
                                           "from 1 to 20."})
    roles = settings.get("role_labels", {})
    if not isinstance(roles, dict) or not all(
            role in ("claim", "source", "cue") and isinstance(name, str) and name
            for role, name in roles.items()):
        raise ValidationError({"settings": "'role_labels' must map claim, source or cue to a "
                                           "label name."})


@transaction.atomic
def project_update(*, project: Project, actor, **changes) -> Project:
    unknown = set(changes) - PROJECT_FIELDS
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "cannot be changed here."})
    if "attribute_definitions" in changes:
        attribute_definitions_check(changes["attribute_definitions"])
    if "settings" in changes:
        settings_check(changes["settings"])
    before = {k: getattr(project, k) for k in changes}
    for key, value in changes.items():
        setattr(project, key, value)
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError:
        raise ValidationError({"name": DUPLICATE_NAME}) from None
    event_record(project_id=project.pk, actor=actor, action="update", target_type="project",
                 target_id=project.pk, before=before, after=changes)
    return project


def _label_fields(project: Project, data: dict, label: Label | None = None) -> dict:
    clean = {}
    if "name" in data:
        if not isinstance(data["name"], str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]{0,49}",
                                                                 data["name"]):
            raise ValidationError({"name": "must start with a letter and hold only letters, "
                                           "digits, - and _ (50 at most)."})
        clean["name"] = data["name"]
    if "hotkey" in data:
        if not isinstance(data["hotkey"], str) or len(data["hotkey"]) > 1:
            raise ValidationError({"hotkey": "must be one character or empty."})
        clean["hotkey"] = data["hotkey"]
    if "color" in data:
        if not isinstance(data["color"], str) or not re.fullmatch(r"#[0-9a-fA-F]{6}",
                                                                  data["color"]):
            raise ValidationError({"color": "must look like #1d4ed8."})
        clean["color"] = data["color"]
    for key in ("description",):
        if key in data:
            clean[key] = str(data[key])
    return clean


@transaction.atomic
def label_create(*, project: Project, actor, data: dict) -> Label:
    if "name" not in data:
        raise ValidationError({"name": "is required."})
    fields = _label_fields(project, data)
    position = project.labels.count()
    try:
        with transaction.atomic():
            label = Label.objects.create(project=project, position=position, **fields)
    except IntegrityError:
        raise ValidationError({"name": "this project already has a label with this name or "
                                       "hotkey."}) from None
    event_record(project_id=project.pk, actor=actor, action="create", target_type="label",
                 target_id=label.pk, after=fields)
    return label


@transaction.atomic
def label_update(*, label: Label, actor, data: dict) -> Label:
    fields = _label_fields(label.project, data, label)
    before = {k: getattr(label, k) for k in fields}
    for key, value in fields.items():
        setattr(label, key, value)
    try:
        with transaction.atomic():
            label.save()
    except IntegrityError:
        raise ValidationError({"name": "this project already has a label with this name or "
                                       "hotkey."}) from None
    event_record(project_id=label.project_id, actor=actor, action="update",
                 target_type="label", target_id=label.pk, before=before, after=fields)
    return label


@transaction.atomic
def label_delete(*, label: Label, actor) -> None:
    used = label.spans.count()
    if used:
        raise Conflict(f"{used} span(s) use the label {label.name}: it cannot be deleted.",
                       code="label_in_use")
    event_record(project_id=label.project_id, actor=actor, action="delete",
                 target_type="label", target_id=label.pk, before={"name": label.name})
    label.delete()


def _lock_admins(membership: Membership, actor) -> tuple[Membership, int]:
    """Lock the project's admin memberships; return the target membership as stored now
    and how many admins the project has besides it.

    Two admins demoting (or removing) each other at once both saw the other one as
    admin before either wrote: checked on rows read without a lock, both changes
    pass and the project is left without an admin. So the admin rows are locked
    (in id order, the same in every transaction: no deadlock) and everything is
    read again under the lock: the one who waited sees the first change. On SQLite,
    where FOR UPDATE does not exist, the IMMEDIATE transactions run one at a time.
    """
    admins = dict(Membership.objects.select_for_update().filter(
        project_id=membership.project_id, role=Role.ADMIN).order_by("pk").values_list(
        "pk", "user_id"))
    # The actor's authority is checked again too: it may have been taken away meanwhile.
    if getattr(actor, "pk", None) not in admins.values():
        raise Conflict("You are no longer an admin of this project: another admin changed "
                       "your role in the meantime.", code="not_admin")
    current = Membership.objects.select_for_update(of=("self",)).select_related(
        "user").filter(pk=membership.pk).first()
    if current is None:
        raise Conflict("This member was removed in the meantime.", code="deleted")
    return current, len(admins) - (current.pk in admins)


LAST_ADMIN = "This is the project's last admin: make someone else admin first."


@transaction.atomic
def membership_remove(*, membership: Membership, actor) -> None:
    current, other_admins = _lock_admins(membership, actor)
    if current.role == Role.ADMIN and not other_admins:
        raise Conflict(LAST_ADMIN, code="last_admin")
    event_record(project_id=current.project_id, actor=actor, action="delete",
                 target_type="membership", target_id=current.pk,
                 before={"user": current.user_id, "role": current.role})
    current.delete()


@transaction.atomic
def membership_change(*, membership: Membership, actor, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": f"must be one of {', '.join(Role.values)}."})
    current, other_admins = _lock_admins(membership, actor)
    if current.role == Role.ADMIN and role != Role.ADMIN and not other_admins:
        raise Conflict(LAST_ADMIN, code="last_admin")
    before = current.role
    current.role = role
    current.save(update_fields=["role"])
    event_record(project_id=current.project_id, actor=actor, action="update",
                 target_type="membership", target_id=current.pk,
                 before={"role": before}, after={"role": role})
    return current
