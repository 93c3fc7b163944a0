"""Domain errors that the API turns into status codes (api/errors.py)."""
from __future__ import annotations


class Conflict(Exception):
    """The request was understood but clashes with the current state (HTTP 409).

    `current` is the stored state the client should reload (a snapshot dict).
    """

    def __init__(self, message: str, *, current=None, code: str = "conflict"):
        super().__init__(message)
        self.message = message
        self.current = current
        self.code = code


class Gone(Exception):
    """It existed, and was removed on purpose (HTTP 410): the message says what to do."""

    def __init__(self, message: str, *, code: str = "gone"):
        super().__init__(message)
        self.message = message
        self.code = code


class IdempotencyKeyReused(Exception):
    """An Idempotency-Key sent again with another request than its first (HTTP 422)."""
