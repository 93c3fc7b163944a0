"""Moving the test database between migrations, for the tests of a migration's data step."""
from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def latest():
    """The newest migration of every app (the state the other tests expect)."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def migrate(targets):
    """Migrate to `targets`; the apps (historical models) of that state."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps
