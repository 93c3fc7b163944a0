"""A member's explorer layer settled while a write of theirs is still open (PostgreSQL,
services/explorer_stale.py): the write's mark survives the settling, and the next read
shows the write."""
import threading
import time

import pytest
from django.db import connection, transaction

from annotator.models import Attribution, ExplorerRow, ExplorerStale
from annotator.services.explorer_stale import explorer_layer_settle
from tests.api.conftest import world  # noqa: F401 (the fixture)
from tests.api.explorer_world import article, label
from tests.integration.test_concurrency import waiting_on_locks


@pytest.mark.django_db(transaction=True)
def test_a_write_that_commits_during_the_settling_keeps_its_mark(world):  # noqa: F811
    document = article(world, 1, "Daily Bugle", "2026-01-05", {0: None}, approve=False)
    layer = world.annotator.pk
    written, release, settled = threading.Event(), threading.Event(), []

    def writer():   # a second pending attribution: its mark's seq 1 → 2, not committed yet
        try:
            with transaction.atomic():
                label(world, document, {1: None}, approve=False)
                written.set()
                release.wait(timeout=60)
        finally:
            connection.close()

    def reader():   # reads seq 1, refreshes, then waits on the writer's mark to delete it
        try:
            settled.append(explorer_layer_settle(project_id=world.project.pk, layer=layer))
        finally:
            connection.close()

    threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
    threads[0].start()
    assert written.wait(timeout=60)
    threads[1].start()
    for _ in range(600):   # until the settling's DELETE of the mark waits for the writer
        if waiting_on_locks() or not threads[1].is_alive():
            break
        time.sleep(0.05)
    release.set()
    for thread in threads:
        thread.join(timeout=60)
    assert settled == [1]
    # the writer's mark is kept (its seq is not the one the settling read) ...
    assert list(ExplorerStale.objects.values_list("document_id", "layer", "seq")) == [
        (document.pk, layer, 2)]
    second = Attribution.objects.filter(annotator=world.annotator).latest("pk")
    assert not ExplorerRow.objects.filter(layer=layer, attribution_id=second.pk).exists()
    # ... and the next read settles it
    assert explorer_layer_settle(project_id=world.project.pk, layer=layer) == 1
    assert ExplorerRow.objects.filter(layer=layer, attribution_id=second.pk).exists()
    assert not ExplorerStale.objects.exists()
