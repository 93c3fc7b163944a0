from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from annotator.errors import Conflict
from annotator.models import Assignment, Label, Membership, Project, Role
from annotator.services.accounts import (Invitation, account_create_with_password,
                                         account_invite)
from annotator.services.events import event_record
from annotator.services.label_sets import (attribute_definitions_guard, label_delete_check,
                                             label_fields_check, label_snapshot,
                                             labels_replace)

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
                   settings: dict | None = None,
                   creator: AbstractBaseUser | None = None) -> Project:
    """A project with its labels and attributes (the defaults unless given), and its creator
    as admin. Project names are unique: another project's name is a 400 on `name`."""
    if Project.objects.filter(name=name).exists():
        raise ValidationError({"name": DUPLICATE_NAME})
    definitions = DEFAULT_ATTRIBUTES if attribute_definitions is None else attribute_definitions
    attribute_definitions_check(definitions)
    settings_check(settings or {})
    try:
        with transaction.atomic():
            project = Project.objects.create(name=name, guidelines=guidelines,
                                             description=description,
                                             attribute_definitions=definitions,
                                             settings=settings or {})
    except IntegrityError:  # the same name, stored meanwhile by a concurrent request
        raise ValidationError({"name": DUPLICATE_NAME}) from None
    made = labels_replace(project=project, actor=creator, items=DEFAULT_LABELS if labels is None
                          else labels, record=False)  # in the project's create event instead
    if creator is not None:
        membership = Membership.objects.create(project=project, user=creator, role=Role.ADMIN)
        event_record(project_id=project.pk, actor=creator, action="create",
                     target_type="project", target_id=project.pk,
                     after={"name": name, "admin": creator.pk, "membership": membership.pk,
                            "labels": [label_snapshot(label) for label in made],
                            "attribute_definitions": definitions, "settings": settings or {}})
    return project


def membership_set(*, project: Project, user: AbstractBaseUser, role: str) -> Membership:
    """Give user this role in project (creating the membership if needed)."""
    if role not in Role.values:
        raise ValidationError({"role": f"must be one of {', '.join(Role.values)}."})
    membership, _ = Membership.objects.update_or_create(project=project, user=user,
                                                        defaults={"role": role})
    return membership


@transaction.atomic
def membership_add(*, project: Project, actor, username: str | None = None, role: str,
                   user: AbstractBaseUser | None = None, note: str = "") -> Membership:
    """Give a user (or the user of this name) a role in the project: a new member, or a
    member's new role (through membership_change, so the last admin stays one)."""
    if role not in Role.values:
        raise ValidationError({"role": f"must be one of {', '.join(Role.values)}."})
    if user is None:
        user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationError({"username": "no user has this name."})
    existing = Membership.objects.filter(project=project, user=user).first()
    if existing is not None:
        if existing.role == role:
            return existing
        return membership_change(membership=existing, actor=actor, role=role)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(project=project, user=user, role=role)
    except IntegrityError:  # added meanwhile by another admin: the role is theirs to change
        raise Conflict(f"{user.get_username()} was added meanwhile by someone else.",
                       code="duplicate") from None
    event_record(project_id=project.pk, actor=actor, action="create",
                 target_type="membership", target_id=membership.pk,
                 after={"user": user.pk, "username": user.get_username(), "role": role},
                 note=note)
    membership.user = user
    return membership


@transaction.atomic
def member_invite(*, project: Project, actor, email: str, role: str,
                  base_url: str) -> tuple[Membership, Invitation]:
    """Invite an address: its account (made if none exists) becomes a member."""
    if role not in Role.values:
        raise ValidationError({"role": f"must be one of {', '.join(Role.values)}."})
    invitation = account_invite(email=email, invited_by=actor, project_name=project.name,
                                base_url=base_url)
    note = "invited; account made" if invitation.created else "invited"
    membership = membership_add(project=project, actor=actor, user=invitation.user, role=role,
                                note=note)
    return membership, invitation


@transaction.atomic
def member_create_with_password(*, project: Project, actor, username: str, role: str,
                                email: str = "") -> Membership:
    """A new account with a one-time password (on `membership.user.one_time_password`)."""
    if role not in Role.values:
        raise ValidationError({"role": f"must be one of {', '.join(Role.values)}."})
    user = account_create_with_password(username=username, email=email)
    membership = membership_add(project=project, actor=actor, user=user, role=role,
                                note="account made with a one-time password")
    membership.user = user
    return membership


# --- Managing a project (admins) -----------------------------------------------

PROJECT_FIELDS = {"name", "description", "guidelines", "attribute_definitions", "settings",
                  "labels"}


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
    """Change a project; `labels` replaces its label set (label_sets.labels_replace), and
    nothing in use is removed: a label, an attribute or a choice that labels use is a 409."""
    unknown = set(changes) - PROJECT_FIELDS
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "cannot be changed here."})
    given = project
    project = Project.objects.select_for_update().get(pk=project.pk)
    labels = changes.pop("labels", None)
    if "attribute_definitions" in changes:
        attribute_definitions_check(changes["attribute_definitions"])
        attribute_definitions_guard(project=project, new=changes["attribute_definitions"])
    if "settings" in changes:
        settings_check(changes["settings"])
    if labels is not None:
        labels_replace(project=project, actor=actor, items=labels)
        project.refresh_from_db(fields=["settings"])
        if "settings" in changes and "role_labels" not in changes["settings"] and \
                "role_labels" in project.settings:  # a rename moved a role: keep it
            changes["settings"] = {**changes["settings"],
                                   "role_labels": project.settings["role_labels"]}
    before = {k: getattr(project, k) for k in changes}
    for key, value in changes.items():
        setattr(project, key, value)
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError:
        raise ValidationError({"name": DUPLICATE_NAME}) from None
    if changes:
        event_record(project_id=project.pk, actor=actor, action="update",
                     target_type="project", target_id=project.pk, before=before, after=changes)
    given.refresh_from_db()  # the caller's object shows what is stored, as before the lock
    return project


def _label_fields(project: Project, data: dict, label: Label | None = None) -> dict:
    return label_fields_check(data)


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
    label_delete_check(label)
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
    # The documents given to them go back to the pool: an assignment of someone who can no
    # longer open the project would count as work in progress on the dashboard for ever.
    assigned = Assignment.objects.filter(document__project_id=current.project_id,
                                         annotator_id=current.user_id)
    unassigned = sorted(assigned.values_list("document_id", flat=True))
    event_record(project_id=current.project_id, actor=actor, action="delete",
                 target_type="membership", target_id=current.pk,
                 before={"user": current.user_id, "username": current.user.get_username(),
                         "role": current.role, "assigned_documents": unassigned},
                 note="their labels stay, attributed to them; their assignments go")
    assigned.delete()
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
                 before={"role": before}, after={"role": role},
                 note=f"user {current.user.get_username()}")
    return current
