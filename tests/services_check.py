"""Are the integration tier's servers reachable? `python -m tests.services_check`

Prints what is missing and exits 1, so the Makefile can say so out loud.
"""
from __future__ import annotations

import os
import sys


def problems() -> list[str]:
    found = []
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        found.append(f"DATABASE_URL is not a PostgreSQL URL ({database_url or 'unset'}).")
    else:
        import psycopg2

        try:
            psycopg2.connect(database_url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
        except psycopg2.Error as exc:
            found.append(f"PostgreSQL is not reachable: {str(exc).strip().splitlines()[0]}")
    broker_url = os.environ.get("CELERY_BROKER_URL", "")
    if not broker_url.startswith("redis://"):
        found.append(f"CELERY_BROKER_URL is not a Redis URL ({broker_url or 'unset'}).")
    else:
        import redis

        try:
            redis.Redis.from_url(broker_url, socket_connect_timeout=3).ping()
        except redis.RedisError as exc:
            found.append(f"Redis is not reachable: {exc}")
    return found


if __name__ == "__main__":
    missing = problems()
    for line in missing:
        print(line, file=sys.stderr)
    sys.exit(1 if missing else 0)
