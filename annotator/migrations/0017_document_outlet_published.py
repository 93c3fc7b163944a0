"""A document's outlet and publication date as indexed columns, for the explorer (issue #16):
filtering and grouping 10,000 documents by a key of their JSON metadata would read every
row's JSON. Filled here from the metadata of the documents stored before
(annotator/facets.py says how; new documents get them when stored).

On SQLite, adding a column with a default rebuilds annotator_document, which the span
triggers of 0002 read: a rebuild under them fails ("no such table"), so they are dropped
first and made again afterwards.
"""
import importlib

from django.db import migrations, models

from annotator.facets import document_outlet, document_published

_span_trigger = importlib.import_module("annotator.migrations.0002_span_within_text")
_sqlite_triggers_again = _span_trigger.sqlite_triggers_again


def _sqlite_triggers_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in _span_trigger.SQLITE_DOWN:
        schema_editor.execute(statement, params=None)

BATCH = 2000


def _fill(apps, schema_editor):
    Document = apps.get_model("annotator", "Document")
    last = 0
    while True:
        batch = list(Document.objects.filter(pk__gt=last).order_by("pk")
                     .only("pk", "metadata", "source_url")[:BATCH])
        if not batch:
            return
        last = batch[-1].pk
        for document in batch:
            document.outlet = document_outlet(document.metadata, document.source_url)
            document.published = document_published(document.metadata)
        Document.objects.bulk_update(batch, ["outlet", "published"])


class Migration(migrations.Migration):

    dependencies = [
        ('annotator', '0016_entities'),
    ]

    operations = [
        migrations.RunPython(_sqlite_triggers_drop, _sqlite_triggers_again),
        migrations.AddField(
            model_name='document',
            name='outlet',
            field=models.CharField(blank=True, default='', max_length=200),
        ),
        migrations.AddField(
            model_name='document',
            name='published',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name='document',
            index=models.Index(fields=['project', 'outlet'], name='document_outlet'),
        ),
        migrations.AddIndex(
            model_name='document',
            index=models.Index(fields=['project', 'published'], name='document_published'),
        ),
        migrations.RunPython(_sqlite_triggers_again, _sqlite_triggers_drop),
        migrations.RunPython(_fill, migrations.RunPython.noop),
    ]
