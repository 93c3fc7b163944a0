"""The integration tier: real PostgreSQL, a real Redis broker, real worker processes.

These tests never skip: on the wrong stack they fail, saying why. The
Makefile runs them with DATABASE_URL and CELERY_BROKER_URL set.
"""
import pytest


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(autouse=True)
def _real_services(request):
    from django.conf import settings
    from django.db import connection

    problems = []
    if connection.vendor != "postgresql":
        problems.append(f"the database is {connection.vendor}, not PostgreSQL")
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        problems.append(f"the broker is {settings.CELERY_BROKER_URL}, not Redis")
    if problems:
        pytest.fail("integration tier on the wrong stack: " + "; ".join(problems)
                    + " (run `make test`, or set DATABASE_URL and CELERY_BROKER_URL)")
