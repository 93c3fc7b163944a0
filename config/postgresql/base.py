"""Django's PostgreSQL backend, with a health check that costs no round trip when it can.

With CONN_HEALTH_CHECKS, Django sends `SELECT 1` before a request's first query on a kept
connection: one more message to the database process and back on every request (on a
busy machine the wait for that process to be scheduled is most of a cached read's time,
docs/benchmarks.md). What that check catches is a connection the server has ended: a
restart, pg_terminate_backend, a pooler closing idle clients. The server then says so on
the socket (an error message, then the end of the stream), which a poll of the socket
sees without sending anything.

So a connection that is idle (autocommit, no transaction open), whose socket has nothing
to read, and that served a request less than QUIET_SECONDS ago, passes without a query.
Any other (something arrived on the socket, a transaction left open, a connection that sat
idle longer, when a peer may have vanished without a word) gets Django's `SELECT 1` as
before. After an error in a request Django still checks with `SELECT 1` (is_usable).
"""
from __future__ import annotations

import select
import time

from django.db.backends.postgresql import base
from psycopg2 import extensions

QUIET_SECONDS = 5.0
_TROUBLE = select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP | select.POLLNVAL


def socket_quiet(connection) -> bool:
    """Whether a psycopg2 connection is open, idle and has nothing waiting on its socket."""
    if connection.closed or (connection.info.transaction_status
                             != extensions.TRANSACTION_STATUS_IDLE):
        return False
    poller = select.poll()
    poller.register(connection.fileno(), _TROUBLE)
    return not poller.poll(0)


class DatabaseWrapper(base.DatabaseWrapper):
    checked_at = None  # time.monotonic() of this connection's last passed check

    def close_if_health_check_failed(self):
        if (self.connection is None or not self.health_check_enabled
                or self.health_check_done or self.pool):
            return super().close_if_health_check_failed()
        now = time.monotonic()
        if (self.checked_at is not None and now - self.checked_at < QUIET_SECONDS
                and socket_quiet(self.connection)):
            self.health_check_done = True
        else:
            super().close_if_health_check_failed()
        self.checked_at = now if self.connection is not None else None

    def connect(self):
        super().connect()
        self.checked_at = time.monotonic()  # just opened: as good as checked
