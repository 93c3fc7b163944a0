"""A document's detail as rendered bytes, kept per process and checked on every read.

A document fetch that nothing changed since is one small query (the document's stamps,
models/changes.py) and the bytes of the response rendered last time: the labels' JSON is
neither built by the database nor written again (issue #17). The same stamps make the
response's ETag, so a client that sends it back in If-None-Match gets a 304 without a body.

What a detail shows depends on the document, the layer asked for, the reader (their own
layer, status and decided suggestions) and, through the permission checks, their role;
the key is all of these. The permission checks themselves run on every request before
this cache is asked (access.access_document, access.access_layer): a member removed or
demoted is refused as before. The stamps are read before the labels: a write that commits
between the two leaves a body newer than its stamps, kept under stamps that no later read
sees again (stamps are never given twice), never an older body under newer stamps.
"""
from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from annotator.models import DocumentChange

MIB = 1024 * 1024


def _format() -> str:
    """A digest of the code that writes a detail, part of every ETag: a client's copy from
    before a deploy that changed it is not taken for the new one."""
    here = Path(__file__).resolve().parent
    digest = hashlib.blake2b(b"detail", digest_size=8)
    for path in (here / "documents.py", here / "label_json.py", here / "detail_cache.py",
                 here.parent / "api" / "serializers" / "output.py",
                 here.parent / "api" / "renderers.py"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


FORMAT = _format()


def _env_mb() -> int:
    """Megabytes of rendered details each process keeps: READ_CACHE_MB (0: none; 64 when
    unset); a setting of that name (tests) comes first."""
    raw = os.environ.get("READ_CACHE_MB", "").strip()
    if not raw:
        return 64
    if not raw.isdigit():
        raise ImproperlyConfigured(f"READ_CACHE_MB={raw!r}: a whole number of megabytes "
                                   "(0: no cache).")
    return int(raw)


_ENV_MB = _env_mb()

_bodies: OrderedDict[tuple, tuple[tuple, str, bytes]] = OrderedDict()
_lock = threading.Lock()
_held = [0]  # bytes of the bodies kept


def document_stamps(document_id: int) -> tuple:
    """((layer, stamp), ...) of the document, by layer: one query."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote('layer')}, {quote('stamp')} FROM "
                       f"{quote(DocumentChange._meta.db_table)} WHERE "
                       f"{quote('document_id')} = %s ORDER BY {quote('layer')}",
                       [document_id])
        return tuple(cursor.fetchall())


class DetailEntry:
    """A reader's view of a document as of its current stamps: `etag`, and `body` (the
    rendered bytes) if this process holds them."""

    __slots__ = ("view", "stamps", "etag", "body")

    def __init__(self, *, document_id: int, user_id: int, layer: str, role: str,
                 stamps: tuple | None = None):
        """`stamps`: document_stamps(document_id) when the caller read them already (in
        the access check's query, access_document(stamps=True))."""
        self.view = (document_id, user_id, layer, role)
        self.stamps = document_stamps(document_id) if stamps is None else stamps
        digest = hashlib.blake2b(repr((FORMAT, self.view, self.stamps)).encode(),
                                 digest_size=16)
        self.etag = f'"{digest.hexdigest()}"'
        self.body = None
        with _lock:
            found = _bodies.get(self.view)
            if found is not None and found[0] == self.stamps:
                _bodies.move_to_end(self.view)
                self.body = found[2]

    def matches(self, if_none_match: str) -> bool:
        """Whether an If-None-Match header names this entry's ETag (or is "*")."""
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return self.etag in tags or "*" in tags

    def keep(self, body: bytes) -> None:
        """Keep the body rendered for these stamps (not one larger than a quarter of the
        budget: a few views of the largest documents, not one)."""
        self.body = body
        budget = getattr(settings, "READ_CACHE_MB", _ENV_MB) * MIB
        if len(body) > budget // 4:
            return
        with _lock:
            old = _bodies.pop(self.view, None)
            if old is not None:
                _held[0] -= len(old[2])
            _bodies[self.view] = (self.stamps, self.etag, body)
            _held[0] += len(body)
            while _held[0] > budget:
                _, (_, _, gone) = _bodies.popitem(last=False)
                _held[0] -= len(gone)


def detail_cache_clear() -> None:
    """Forget every kept body (tests, and the benchmarks' uncached figures)."""
    with _lock:
        _bodies.clear()
        _held[0] = 0
