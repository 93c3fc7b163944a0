"""Reviewers' corrections: a third origin, "review", with no tagger name.

On SQLite, changing a constraint of annotator_span rebuilds the table, and the
rebuild drops its triggers: the span-within-text triggers of 0002 are made again.
"""
import importlib

from django.conf import settings
from django.db import migrations, models

_span_trigger = importlib.import_module("annotator.migrations.0002_span_within_text")


# Made again after a rebuild of annotator_span (0002 says how).
_sqlite_triggers_again = _span_trigger.sqlite_triggers_again


class Migration(migrations.Migration):

    dependencies = [
        ('annotator', '0003_pretag_job_items'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Undoing this migration rebuilds the table too: the triggers come back last.
        migrations.RunPython(migrations.RunPython.noop, _sqlite_triggers_again),
        migrations.RemoveConstraint(
            model_name='attribution',
            name='attribution_pretag_has_tagger',
        ),
        migrations.RemoveConstraint(
            model_name='span',
            name='span_pretag_has_tagger',
        ),
        migrations.AlterField(
            model_name='attribution',
            name='origin',
            field=models.CharField(choices=[('human', 'Human'), ('pretag', 'Pre-tagger'), ('review', "Reviewer's correction")], default='human', max_length=10),
        ),
        migrations.AlterField(
            model_name='span',
            name='origin',
            field=models.CharField(choices=[('human', 'Human'), ('pretag', 'Pre-tagger'), ('review', "Reviewer's correction")], default='human', max_length=10),
        ),
        migrations.AddConstraint(
            model_name='attribution',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('origin', 'pretag'), _negated=True), models.Q(('tagger_name', ''), _negated=True), _connector='OR'), name='attribution_pretag_has_tagger'),
        ),
        migrations.AddConstraint(
            model_name='span',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('origin', 'pretag'), _negated=True), models.Q(('tagger_name', ''), _negated=True), _connector='OR'), name='span_pretag_has_tagger'),
        ),
        migrations.RunPython(_sqlite_triggers_again, _sqlite_triggers_again),
    ]
