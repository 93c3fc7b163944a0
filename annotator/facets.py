"""A document's outlet and publication date, read from what its import said (pure).

The explorer (selectors/explorer.py) filters and groups by them, so they are columns of
Document (indexed), filled when a document is stored (services/documents.py, the import's
writing) and, for documents stored before, by migration 0017 from their metadata:

- outlet: metadata "outlet" (a string: "The Guardian"), else the host of the document's
  source_url without "www." ("theguardian.com"), else "".
- published: metadata "date" (else "published"), read as an ISO date; a date and time
  ("2026-03-01T10:00:00Z") gives its date. Anything else: None (the explorer's "no date").
"""
from __future__ import annotations

import datetime
from urllib.parse import urlsplit

OUTLET_LENGTH = 200  # Document.outlet's max_length


def document_outlet(metadata: dict, source_url: str = "") -> str:
    value = (metadata or {}).get("outlet")
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())[:OUTLET_LENGTH]
    try:
        host = urlsplit(source_url or "").hostname or ""
    except ValueError:  # a malformed URL (an unclosed "[" of an IPv6 host): no outlet
        host = ""
    return host.removeprefix("www.")[:OUTLET_LENGTH]


def document_published(metadata: dict) -> datetime.date | None:
    for key in ("date", "published"):
        value = (metadata or {}).get(key)
        if isinstance(value, str) and len(value) >= 10:
            try:
                return datetime.date.fromisoformat(value[:10])
            except ValueError:
                return None
    return None
