"""Source entities (issue #16) and the span's link to one.

On SQLite, adding a foreign key column to annotator_span may rebuild the table, and a
rebuild drops its triggers: the span-within-text triggers of 0002 are made again (as 0004).
"""
import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

_span_trigger = importlib.import_module("annotator.migrations.0002_span_within_text")


# Made again after a rebuild of annotator_span (0002 says how).
_sqlite_triggers_again = _span_trigger.sqlite_triggers_again


class Migration(migrations.Migration):

    dependencies = [
        ('annotator', '0015_assignment'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Undoing this migration rebuilds the table too: the triggers come back last.
        migrations.RunPython(migrations.RunPython.noop, _sqlite_triggers_again),
        migrations.CreateModel(
            name='SourceEntity',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=300)),
                ('type', models.CharField(choices=[('person', 'Person'), ('organisation', 'Organisation'), ('anonymous', 'Anonymous'), ('document', 'Document'), ('group', 'Group'), ('other', 'Other')], default='person', max_length=20)),
                ('aliases', models.JSONField(blank=True, default=list)),
                ('version', models.PositiveIntegerField(default=1)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='entities', to='annotator.project')),
            ],
            options={
                'verbose_name_plural': 'source entities',
                'ordering': ['project', 'name'],
            },
        ),
        migrations.AddField(
            model_name='span',
            name='entity',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='mentions', to='annotator.sourceentity'),
        ),
        migrations.AddConstraint(
            model_name='sourceentity',
            constraint=models.UniqueConstraint(fields=('project', 'name'), name='entity_unique_name'),
        ),
        migrations.AddConstraint(
            model_name='sourceentity',
            constraint=models.CheckConstraint(condition=models.Q(('type__in', ['person', 'organisation', 'anonymous', 'document', 'group', 'other'])), name='entity_type_valid'),
        ),
        migrations.AddConstraint(
            model_name='sourceentity',
            constraint=models.CheckConstraint(condition=models.Q(('name', ''), _negated=True), name='entity_name_not_empty'),
        ),
        migrations.AddConstraint(
            model_name='sourceentity',
            constraint=models.CheckConstraint(condition=models.Q(('version__gte', 1)), name='entity_version_positive'),
        ),
        migrations.RunPython(_sqlite_triggers_again, _sqlite_triggers_again),
    ]
