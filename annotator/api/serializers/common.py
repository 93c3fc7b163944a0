"""What the serializers share: id, offset and version limits, lists of ids."""
from __future__ import annotations

from rest_framework import serializers

MAX_ID = 2**63 - 1           # a bigint primary key
MAX_OFFSET = 2**31 - 1       # start and end: integer columns
MAX_VERSION = 2**31 - 1      # a label's version: an integer column too


def ids(max_length=1000, **kwargs):
    return serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
                                 max_length=max_length, **kwargs)
