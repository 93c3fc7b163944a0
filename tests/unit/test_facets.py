"""A document's outlet and date as the explorer reads them (annotator/facets.py)."""
import datetime

import pytest

from annotator.facets import document_outlet, document_published


@pytest.mark.parametrize("metadata, url, outlet", [
    ({"outlet": "  The   Guardian "}, "https://example.org/x", "The Guardian"),
    ({}, "https://www.theguardian.com/world/1", "theguardian.com"),
    ({"outlet": 7}, "", ""),
    ({}, "http://[::1", ""),  # malformed: no outlet rather than an error
    (None, "", ""),
])
def test_outlet_is_the_metadata_one_else_the_host_when_read(metadata, url, outlet):
    assert document_outlet(metadata, url) == outlet


@pytest.mark.parametrize("metadata, published", [
    ({"date": "2026-03-01"}, datetime.date(2026, 3, 1)),
    ({"published": "2026-03-01T10:00:00Z"}, datetime.date(2026, 3, 1)),
    ({"date": "2026-02-30"}, None),
    ({"date": "March 2026"}, None),
    ({"date": 20260301}, None),
    ({}, None),
])
def test_published_is_an_iso_date_or_none_when_read(metadata, published):
    assert document_published(metadata) == published
