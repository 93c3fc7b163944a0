"""REST views: many writes of my layer of a document in one request, all or nothing."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator import access
from annotator.access import Need
from annotator.api import serializers as s
from annotator.api.gc_pause import gc_paused
from annotator.api.idempotency import idempotent
from annotator.api.views.common import DOCUMENT_ID
from annotator.services import bulk as bulk_services


class LayerBulkView(APIView):
    @extend_schema(
        parameters=[DOCUMENT_ID], request=s.LayerBulkIn, responses={201: s.LayerBulkOut},
        summary="Create and delete many of my spans and attributions: all or nothing",
        description="Up to 10,000 of each kind. Deletes come first, then the spans, then "
                    "the attributions, whose claims, source and cue are span ids or the "
                    "`ref` of a span of `create.spans`. A 400 names every bad item by its "
                    "path (`create.spans[3].end`); a 409 if a row to delete is at another "
                    "version (`current` by path) or the layer is locked.")
    @idempotent
    def post(self, request, document_id):
        document = access.access_document(request.user, document_id, Need.ANNOTATE, text=False)
        with gc_paused():  # 10,000 items make 200,000 objects, none in a cycle
            written = bulk_services.layer_bulk_write(document=document, annotator=request.user,
                                                     body=request.data)
            return Response(s.layer_bulk_dict(written), status=status.HTTP_201_CREATED)
