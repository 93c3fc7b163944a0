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


def old_span_maker(old_apps, document, annotator):
    """A function making an annotator's span of `piece` (its first place in the text) with
    the historical Span model of `old_apps`: `span("the deal is dead", "CLAIM")`."""
    OldSpan = old_apps.get_model("annotator", "Span")
    labels = {label.name: label.pk for label in document.project.labels.all()}

    def span(piece, label):
        start = document.text.index(piece)
        return OldSpan.objects.create(document_id=document.pk, annotator_id=annotator.pk,
                                      label_id=labels[label], start=start,
                                      end=start + len(piece), quote=piece)
    return span
