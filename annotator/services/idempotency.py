"""Idempotency keys: a write the API did once for a client's key is not done twice.

A browser that lost an answer (a dropped connection, a 502 from a proxy while the
server went on) sends the same request again; with the same Idempotency-Key it
gets the first answer back instead of a second write (api/idempotency.py). Keys
are per user and kept for settings.IDEMPOTENCY_KEY_SECONDS.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable, TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from annotator.errors import IdempotencyKeyReused
from annotator.models import IdempotencyKey

T = TypeVar("T")


@dataclass(frozen=True)
class Replay:
    """The stored answer to the first request made with a key."""
    status: int
    body: Any


def _cutoff():
    return timezone.now() - timedelta(seconds=settings.IDEMPOTENCY_KEY_SECONDS)


def _claim(*, user, key: str, method: str, path: str,
           fingerprint: str) -> tuple[IdempotencyKey | None, IdempotencyKey | None]:
    """(the new row for this key, None), or (None, the row of an earlier request)."""
    for _ in range(2):
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(user=user, key=key, method=method,
                                                     path=path, fingerprint=fingerprint), None
        except IntegrityError:
            # On PostgreSQL the insert waited here for a first request still running
            # with this key, and fails once that one committed (SQLite writers queue
            # at BEGIN instead): either way the earlier answer is stored by now.
            stored = IdempotencyKey.objects.filter(user=user, key=key).first()
            if stored is None:
                continue
            if stored.created_at >= _cutoff():
                return None, stored
            stored.delete()  # expired and not yet cleaned up: the key is free again
    raise IntegrityError(f"idempotency key {key!r} could not be claimed")


def idempotent_write(*, user, key: str, method: str, path: str, fingerprint: str,
                     write: Callable[[], tuple[int, Any, T]]) -> T | Replay:
    """Do `write` once per (user, key); a repeat gets Replay of its stored answer.

    `write()` returns (status, JSON body, result) and this returns its result. The key
    is claimed in the transaction of the write, so the two commit together or not at
    all: a write that raises (a refusal, a conflict) stores no key, and its repeat is
    simply done again. A key used again for another request (method, path, version or
    body differ: `fingerprint`) is IdempotencyKeyReused.
    """
    with transaction.atomic():
        record, stored = _claim(user=user, key=key, method=method, path=path,
                                fingerprint=fingerprint)
        if stored is not None:
            if stored.fingerprint != fingerprint:
                raise IdempotencyKeyReused(
                    f"This Idempotency-Key was already used for another request "
                    f"({stored.method} {stored.path}, or another body): send a new key "
                    "with every new action.")
            return Replay(status=stored.status_code, body=stored.response)
        status, body, result = write()
        IdempotencyKey.objects.filter(pk=record.pk).update(status_code=status, response=body)
        return result


def idempotency_keys_expire(*, older_than_seconds: float | None = None) -> int:
    """Delete the keys past their time (the watchdog calls this); returns how many."""
    seconds = settings.IDEMPOTENCY_KEY_SECONDS if older_than_seconds is None \
        else older_than_seconds
    deleted, _ = IdempotencyKey.objects.filter(
        created_at__lt=timezone.now() - timedelta(seconds=seconds)).delete()
    return deleted
