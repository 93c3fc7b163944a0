"""What the serializers share: id and offset limits, lists of ids."""
from __future__ import annotations

from rest_framework import serializers


MAX_ID = 2**63 - 1
MAX_OFFSET = 2**31 - 1


def ids(max_length=1000, **kwargs):
    return serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
                                 max_length=max_length, **kwargs)
