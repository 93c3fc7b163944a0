"""What every REST view shares: parsing, the expected version, path parameters."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import APIException
from rest_framework.exceptions import ValidationError as ApiValidationError

from annotator import access
from annotator.api.errors import PreconditionRequired
from annotator.api.serializers.common import MAX_VERSION
from annotator.models import Membership

PROJECT_ID = OpenApiParameter("project_id", OpenApiTypes.INT, OpenApiParameter.PATH)
DOCUMENT_ID = OpenApiParameter("document_id", OpenApiTypes.INT, OpenApiParameter.PATH)
IF_MATCH = OpenApiParameter("If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER,
                            description="The version you edited (or send `version`).")
VERSION_QUERY = OpenApiParameter("version", OpenApiTypes.INT, OpenApiParameter.QUERY,
                                 description="The version you delete (or an If-Match header).")


def parse(serializer_class, data, plain=None):
    """The serializer's validated_data, or raises its 400. `plain(data)`: the same
    validated_data computed without DRF for the bodies it takes as they are (None for
    any other, which the serializer then judges): the hot writes' fast path."""
    if plain is not None:
        clean = plain(data)
        if clean is not None:
            return clean
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def request_body(request) -> tuple[object, APIException | None]:
    """(the parsed body, None) or (None, the error reading it), for a view that reads the
    body before its access check yet must answer 404 and 403 before a 400."""
    try:
        return request.data, None
    except APIException as exc:
        return None, exc


def expected_version(request, data=None) -> int:
    """The version the client's change is based on: If-Match, a `version` field or query."""
    raw = request.META.get("HTTP_IF_MATCH")  # request.headers, without building it
    if raw is not None:
        raw = raw.strip().removeprefix("W/").strip('"')
    elif data is not None and data.get("version") is not None:
        return data["version"]
    else:
        raw = request.query_params.get("version")
    if raw is None:
        raise PreconditionRequired("send the version you edited: an If-Match header or a "
                                   "`version` field.")
    try:
        value = int(raw)
    except ValueError:
        raise ApiValidationError({"version": ["must be an integer."]}) from None
    if not 1 <= value <= MAX_VERSION:
        raise ApiValidationError({"version": ["must be a positive integer."]})
    return value


def membership(request, project) -> Membership:
    return access.membership_for(request.user, project)
