"""Whose layer each label of a file goes to."""
from __future__ import annotations

from django.core.exceptions import ValidationError

from annotator.formats.records import DocumentRecord
from annotator.models import Membership, Project
from annotator.services.imports.options import ImportOptions


def _is_prediction(item) -> bool:
    return bool(item.provenance.get("prediction"))


def _stranger_reason(name: str, places: list[str]) -> str:
    """One error per annotator who is not a member, however many documents they labelled."""
    shown = ", ".join(places[:5]) + (f" and {len(places) - 5} more" if len(places) > 5 else "")
    return (f"the annotator {name!r} is not a member of this project (by e-mail or username; "
            f"labels in {len(places)} document(s): {shown}): add them as members, map them "
            f"(annotator_map={name}=USERNAME; on the project page: Options, Annotator map) or "
            "put every label into your own layer (layers=mine; on the project page: Options, "
            "Annotators, all into my layer).")


def _layer_name(item) -> str | None:
    names = item.provenance.get("annotators")
    return names[0] if isinstance(names, list) and names and isinstance(names[0], str) else None


class _Layers:
    """Whose layer each label of a file goes to: the importing user's, or (for files with
    several annotators' layers, unless layers="mine") the project member the file names."""

    def __init__(self, project: Project, user, options: ImportOptions):
        self.user = user
        self.by_file = options.layers == "annotators"
        members = [m.user for m in Membership.objects.filter(project=project)
                   .select_related("user")]
        by_username = {u.get_username(): u for u in members}
        self.known: dict[str, object] = {}
        for member in members:
            if member.email:
                self.known.setdefault(member.email.lower(), member)
        for username, member in by_username.items():
            self.known.setdefault(username.lower(), member)
        for name, username in options.annotator_map.items():
            if username not in by_username:
                raise ValidationError({"annotator_map": f"{username!r} is not a member of this "
                                                        "project."})
            self.known[name.lower()] = by_username[username]

    def missing(self, document: DocumentRecord) -> list[str]:
        if not (document.layered and self.by_file):
            return []
        names = {_layer_name(item) for item in [*document.spans, *document.attributions]
                 if not _is_prediction(item)}
        return sorted(n for n in names if n is not None and n.lower() not in self.known)

    def owner(self, document: DocumentRecord, item):
        if document.layered and self.by_file:
            name = _layer_name(item)
            if name is not None:
                return self.known[name.lower()]
        return self.user
