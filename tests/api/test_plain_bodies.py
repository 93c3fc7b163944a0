"""The hot writes' bodies validated without DRF (api/serializers/labels.py, `*_plain`) give
exactly the serializer's validated_data, or None, so the serializer judges the body and
answers any 400 with its own error: never a body taken that the serializer refuses."""
import itertools

import pytest

from annotator.api import serializers as s

VALUES = [None, True, False, 0, 1, 7, -1, 2**31, 2**80, 1.0, 1.5, "1", "", " ", "CLAIM",
          " CLAIM", "CLAIM ", "a\x00b", "x" * 51, "é😀", [], [1], {}, {"a": 1}]


def bodies(fields):
    yield {}
    yield []
    yield "text"
    yield None
    for name in fields:
        for value in VALUES:
            yield {name: value}
    few = [None, True, 0, 1, 7, -1, 2**80, 1.0, "1", "", "CLAIM", " CLAIM", [1], [1, 2],
           [True], ["1"], [0]]
    for values in itertools.product(few, repeat=3):
        yield dict(zip(fields[:3], values))
        yield dict(zip(fields[-3:], values))
        yield dict(zip(fields[:3], values)) | {name: 2 for name in fields[3:]}
    yield {name: 3 for name in fields} | {"label": "CLAIM", "quote": "abc"}
    yield {"label": "CLAIM", "start": 1, "end": 4, "quote": "a b", "other": [1, 2]}


@pytest.mark.parametrize("serializer, plain", [
    (s.SpanCreateIn, s.span_create_plain),
    (s.SpanUpdateIn, s.span_update_plain),
    (s.AttributionCreateIn, s.attribution_create_plain)])
def test_a_plain_body_is_validated_as_the_serializer_does_when_plain_takes_it(serializer,
                                                                             plain):
    fields = list(serializer().fields)
    taken = 0
    for body in bodies(fields):
        clean = plain(body)
        if clean is None:
            continue
        checked = serializer(data=body)
        assert checked.is_valid(), (body, checked.errors)
        assert clean == dict(checked.validated_data), body
        taken += 1
    assert taken > 3  # the fast path is taken for the usual bodies


def test_a_span_update_body_of_the_workspace_is_taken_plain():
    assert s.span_update_plain({"start": 3, "end": 9, "version": 2}) == {
        "start": 3, "end": 9, "version": 2}
    assert s.span_update_plain({"label": "SOURCE", "version": 1}) == {"label": "SOURCE",
                                                                      "version": 1}
    assert s.span_update_plain({"start": "3", "version": 1}) is None  # the serializer's
