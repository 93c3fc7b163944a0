"""What a document's read depends on, stamped by the database on every change.

A row per (document, layer): `layer` is the annotator's user id, 0 for the suggestions and
the document itself. The database's triggers (migration 0026) give it a new `stamp` on
every insert, update or delete of the document's spans, attributions, claim fragments and
annotators' statuses, of the document row, and of the name of a label its spans use: no
write path of the app (services, bulk SQL, the admin, a cascade) can change what a read of
the document shows without changing the set of its stamps. A stamp is never given twice
(PostgreSQL: a sequence, which a rollback does not take back; SQLite: random()), so the
set of a document's stamps names one committed state of it: the key of the cached
responses of selectors/detail_cache.py. Rows per layer, not one per document, so that two
annotators writing in one document do not queue on one row (PostgreSQL's row locks)."""
from __future__ import annotations

from django.db import models


class DocumentChange(models.Model):
    # No foreign key: the triggers write here while Django's delete of a document removes
    # its spans first; the document's own delete trigger removes its rows.
    document_id = models.BigIntegerField()
    layer = models.BigIntegerField()   # an annotator's user id, or 0
    stamp = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document_id", "layer"],
                                               name="docchange_one_per_layer")]

    def __str__(self) -> str:
        return f"document {self.document_id} layer {self.layer}: {self.stamp}"
