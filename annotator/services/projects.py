from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from annotator.models import Label, Membership, Project, Role

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


@transaction.atomic
def project_create(*, name: str, guidelines: str = "", description: str = "",
                   labels: list[dict] | None = None,
                   attribute_definitions: list[dict] | None = None,
                   creator: AbstractBaseUser | None = None) -> Project:
    definitions = DEFAULT_ATTRIBUTES if attribute_definitions is None else attribute_definitions
    attribute_definitions_check(definitions)
    project = Project.objects.create(name=name, guidelines=guidelines, description=description,
                                     attribute_definitions=definitions)
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
