"""Optimistic concurrency: compare-and-swap on a row's version."""
from __future__ import annotations

from django.db.models import F, Model
from django.utils import timezone

from annotator.errors import Conflict


def versioned_update(row: Model, *, expected_version, snapshot, **changes) -> Model:
    """Write `changes` only if the stored version is still `expected_version`.

    One UPDATE ... WHERE version = expected: of two clients holding the same
    version exactly one wins; the other gets Conflict with the current state.
    """
    model = type(row)
    updated = model.objects.filter(pk=row.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now(), **changes)
    if not updated:
        raise stale(row, snapshot)
    fresh = model.objects.get(pk=row.pk)
    return fresh


def versioned_delete_check(row: Model, *, expected_version, snapshot) -> None:
    """Lock the row and check its version before a delete with side effects."""
    model = type(row)
    locked = model.objects.select_for_update().filter(pk=row.pk).first()
    if locked is None or locked.version != expected_version:
        raise stale(row, snapshot)


def stale(row: Model, snapshot) -> Conflict:
    current = type(row).objects.filter(pk=row.pk).first()
    return stale_conflict(current, None if current is None else snapshot(current))


def stale_conflict(current: Model | None, current_snapshot: dict | None) -> Conflict:
    """The 409 for a write at the wrong version, given the row as stored now (or None)."""
    if current is None:
        return Conflict("It was deleted by someone else in the meantime.", current=None,
                        code="deleted")
    return Conflict(f"It was changed in the meantime (it is now at version {current.version}, "
                    "shown in `current`).", current=current_snapshot, code="stale_version")
