"""The explorer's read model for every layer (issue #16, point 5): ExplorerRow and
ExplorerCell gain `layer` (0: the approved layer; a member's user id: that member's own,
their accepted attributions), the indexes start with (project, layer), and a row is one per
(attribution, layer); then the explorer's rows and cells of every layer made from the
labels stored before (the fill moved here from 0023_attribution_parent, as it writes the
new column).

The fill calls the service with this migration's models: should a later change make
explorer_rows read a column that did not exist yet here, move the fill again."""
import django.db.models.deletion
from django.db import migrations, models

from annotator.services.explorer_rows import explorer_rows_rebuild


def _fill(apps, schema_editor):
    explorer_rows_rebuild(apps=apps)


class Migration(migrations.Migration):

    dependencies = [
        ('annotator', '0023_attribution_parent'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='explorercell',
            name='xcell_read',
        ),
        migrations.RemoveIndex(
            model_name='explorerrow',
            name='xrow_outlet',
        ),
        migrations.RemoveIndex(
            model_name='explorerrow',
            name='xrow_month',
        ),
        migrations.RemoveIndex(
            model_name='explorerrow',
            name='xrow_entity',
        ),
        migrations.AddField(
            model_name='explorercell',
            name='layer',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='explorerrow',
            name='layer',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name='explorerrow',
            name='attribution',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='annotator.attribution'),
        ),
        migrations.AddIndex(
            model_name='explorercell',
            index=models.Index(fields=['project', 'layer', 'kind', 'attribute', 'value', 'month'], name='xcell_read'),
        ),
        migrations.AddIndex(
            model_name='explorerrow',
            index=models.Index(fields=['project', 'layer', 'entity', 'month', 'claim_key'], include=('document', 'source', 'outlet', 'published', 'attributes', 'second_hand'), name='xrow_entity'),
        ),
        migrations.AddIndex(
            model_name='explorerrow',
            index=models.Index(fields=['project', 'layer', 'outlet', 'month', 'claim_key'], include=('document', 'source', 'entity', 'published', 'attributes'), name='xrow_outlet'),
        ),
        migrations.AddIndex(
            model_name='explorerrow',
            index=models.Index(fields=['project', 'layer', 'month', 'published'], name='xrow_month'),
        ),
        migrations.AddConstraint(
            model_name='explorerrow',
            constraint=models.UniqueConstraint(fields=('attribution', 'layer'), name='xrow_one_per_layer'),
        ),
        migrations.RunPython(_fill, migrations.RunPython.noop),
    ]
