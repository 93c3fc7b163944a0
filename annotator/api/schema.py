"""The OpenAPI schema: every operation also documents the errors it can answer."""
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from annotator.api.idempotency import PARAMETER

ERROR = inline_serializer("Error", fields={
    "detail": serializers.CharField(required=False),
    "code": serializers.CharField(required=False),
    "current": serializers.JSONField(required=False, allow_null=True),
})
# 400 bodies name the field: {"field": ["reason"], ...}
FIELD_ERRORS = inline_serializer("FieldErrors", fields={
    "non_field_errors": serializers.ListField(child=serializers.CharField(), required=False),
})


class AnnotatorAutoSchema(AutoSchema):
    def _idempotent(self) -> bool:
        """The view method takes an Idempotency-Key (@idempotent, api/idempotency.py)."""
        return getattr(getattr(self.view, self.method.lower(), None), "idempotent", False)

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        return [*parameters, PARAMETER] if self._idempotent() else parameters

    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        # 503: the database is down (Retry-After says when to try again).
        errors = {"401": ERROR, "403": ERROR, "404": ERROR, "503": ERROR}
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            errors.update({"400": FIELD_ERRORS, "409": ERROR})
        if self._idempotent():
            errors["422"] = ERROR  # an Idempotency-Key used again for another request
        if self.method in ("PATCH", "DELETE", "PUT"):
            errors["428"] = FIELD_ERRORS
        if self.method == "GET":
            errors["400"] = FIELD_ERRORS
        for code, serializer in errors.items():
            if code not in bodies:
                bodies[code] = self._get_response_for_code(serializer, code)
        return bodies
