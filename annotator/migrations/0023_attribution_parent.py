"""Second-hand claims (issue #16, point 7): an attribution's parent, and the explorer
row's `second_hand`. The explorer's rows and cells are made from the labels stored before
by 0024_explorer_member_layers (the fill moved there from here, as it writes its column)."""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('annotator', '0022_claim_groups'),
    ]

    operations = [
        migrations.AddField(
            model_name='attribution',
            name='parent',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='children', to='annotator.attribution'),
        ),
        migrations.AddField(
            model_name='explorerrow',
            name='second_hand',
            field=models.BooleanField(default=False),
        ),
        # The sources' GROUP BY counts second-hand claims: its covering index and the
        # source cells hold the column too.
        migrations.RemoveIndex(
            model_name='explorerrow',
            name='xrow_entity',
        ),
        migrations.AddIndex(
            model_name='explorerrow',
            index=models.Index(fields=['project', 'entity', 'month', 'claim_key'], include=('document', 'source', 'outlet', 'published', 'attributes', 'second_hand'), name='xrow_entity'),
        ),
        migrations.AddField(
            model_name='explorercell',
            name='second_hand',
            field=models.PositiveIntegerField(default=0),
        ),
    ]
