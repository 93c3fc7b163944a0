"""What our PostgreSQL connections are opened with."""
from django.db import connection


def test_our_connections_run_without_postgresql_jit(db):
    # The explorer's GROUP BYs spent seconds in JIT compilation (docs/decisions.md §21).
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
    assert connection.settings_dict["OPTIONS"]["options"].endswith("-c jit=off")
