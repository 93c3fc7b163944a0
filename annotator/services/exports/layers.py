"""Which labels an export takes: the layer ("approved", "all" or one annotator's)."""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from annotator.models import ExportLayer, Membership, Project


@dataclass(frozen=True)
class Layer:
    kind: str                   # an ExportLayer value
    annotator_id: int | None = None
    annotator_name: str = ""

    def describe(self) -> dict:
        if self.kind == ExportLayer.ANNOTATOR:
            return {"layer": self.kind, "annotator": self.annotator_name}
        return {"layer": self.kind}


def layer_parse(*, project: Project, value: str) -> Layer:
    """"approved", "all" or "annotator:NAME" (a member of the project) → Layer."""
    if not isinstance(value, str):
        raise ValidationError({"layer": "must be approved, all or annotator:NAME."})
    if value in (ExportLayer.APPROVED, ExportLayer.ALL):
        return Layer(kind=value)
    kind, _, name = value.partition(":")
    if kind != ExportLayer.ANNOTATOR or not name:
        raise ValidationError({"layer": f"{value!r} is not approved, all or annotator:NAME."})
    user = get_user_model().objects.filter(
        username=name, pk__in=Membership.objects.filter(project=project).values("user")).first()
    if user is None:
        raise ValidationError({"layer": f"{name!r} is not a member of this project."})
    return Layer(kind=ExportLayer.ANNOTATOR, annotator_id=user.pk, annotator_name=name)
