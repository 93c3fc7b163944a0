"""The marks of the members' layers whose explorer rows are behind their labels
(ExplorerStale; decisions §21, "Member layers: settled on read"): a single write of a
member's own pending labels marks (document, layer) instead of refreshing the rows, and the
next read of that layer settles it. None to fill: the rows of every layer are whole after
0024."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('annotator', '0024_explorer_member_layers'),
    ]

    operations = [
        migrations.CreateModel(
            name='ExplorerStale',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('layer', models.BigIntegerField()),
                ('seq', models.BigIntegerField(default=1)),
                ('document', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='annotator.document')),
                ('project', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='annotator.project')),
            ],
            options={
                'indexes': [models.Index(fields=['project', 'layer'], name='xstale_layer')],
                'constraints': [models.UniqueConstraint(fields=('document', 'layer'), name='xstale_one_per_layer')],
            },
        ),
    ]
