"""Reads of the pages that run a project: members, user search, what labels and
attributes are used by (the settings page's counts)."""
from __future__ import annotations

from collections import Counter

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.db.models.fields.json import KeyTextTransform, KeyTransform

from annotator.models import Attribution, Membership, Project, Span

USER_SEARCH_LIMIT = 20


def attributions_using_labels(label_ids) -> Q:
    """Attributions with a span of one of these labels in any role (claim fragments too)."""
    return (Q(claim__label__in=label_ids) | Q(source__label__in=label_ids)
            | Q(cue__label__in=label_ids) | Q(fragments__span__label__in=label_ids))


def attribute_values_for_project(*, project: Project, name: str):
    """The project's attributions, each annotated with its value of attribute `name`:
    `_value` as text (to group by), `_json` as JSON (to compare: SQLite's JSON functions
    refuse a text compared to a JSON path)."""
    return Attribution.objects.filter(document__project=project).annotate(
        _value=KeyTextTransform(name, "attributes"), _json=KeyTransform(name, "attributes"))


def label_usage_for_project(*, project: Project) -> list[dict]:
    """Each label with the spans (every layer, suggestions too) and attributions using it.

    Six queries whatever the number of labels: the labels, the span counts, and the
    (label, attribution) pairs of each role, joined here so that an attribution using a
    label in two roles (two claim fragments) counts once.
    """
    spans = dict(Span.objects.filter(label__project=project).values("label").annotate(
        n=Count("id")).values_list("label", "n"))
    pairs = set()
    of_project = Attribution.objects.filter(document__project=project)
    for path in ("claim__label", "source__label", "cue__label", "fragments__span__label"):
        pairs.update(of_project.filter(**{f"{path}__isnull": False}).values_list(
            path, "pk").distinct())
    attributions = Counter(label_id for label_id, _ in pairs)
    return [{"id": label.pk, "name": label.name, "spans": spans.get(label.pk, 0),
             "attributions": attributions.get(label.pk, 0)} for label in project.labels.all()]


def attribute_usage_for_project(*, project: Project) -> list[dict]:
    """Each attribute of attributions with how many set it, and how many set each choice:
    one query per attribute."""
    rows = []
    for definition in project.attribute_definitions or []:
        if definition.get("applies_to", "attribution") != "attribution":
            continue
        counts = dict(attribute_values_for_project(project=project, name=definition["name"])
                      .filter(_value__isnull=False).values("_value").annotate(n=Count("id"))
                      .values_list("_value", "n"))
        rows.append({"name": definition["name"], "attributions": sum(counts.values()),
                     "choices": {c: counts.get(c, 0) for c in definition["choices"]}})
    return rows


def member_list_for_project(*, project: Project):
    return project.memberships.select_related("user").order_by("user__username")


def _masked(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else ""


def user_list_for_member_search(*, project: Project, query: str) -> list[dict]:
    """Accounts whose user name holds `query` (2 characters at least), or whose e-mail
    address is `query`.

    An admin finds people to add, not the site's address book: an address is found
    only whole, and comes back masked unless it is the one asked for.
    """
    query = query.strip()
    if len(query) < 2:
        return []
    users = (get_user_model().objects.filter(is_active=True)
             .filter(Q(username__icontains=query) | Q(email__iexact=query))
             .order_by("username")[:USER_SEARCH_LIMIT])
    roles = dict(Membership.objects.filter(project=project).values_list("user_id", "role"))
    return [{"id": user.pk, "username": user.get_username(),
             "email": user.email if user.email.lower() == query.lower() else _masked(user.email),
             "member_role": roles.get(user.pk)} for user in users]
