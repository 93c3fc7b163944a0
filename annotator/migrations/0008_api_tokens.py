"""API tokens of our own (several per user, hashed), replacing DRF's single authtoken.

Existing DRF tokens are carried over, so scripts keep working with the key they
have: each becomes an ApiToken named "token from before 0008" whose digest is
the SHA-256 of the old key. The old table then loses its rows (it held the keys
in clear); it stays, empty, because Django's migration records of the
authtoken app still say it exists. Going back drops the new tokens: their
secrets were never stored, so nothing can be put back.
"""
import hashlib
from datetime import datetime
from datetime import timezone as dt_timezone

import django.db.models.deletion
import django.db.models.functions.text
import django.db.models.lookups
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone
from django.utils.dateparse import parse_datetime


OLD_TABLE = "authtoken_token"
CARRIED_OVER_NAME = "token from before 0008"


def _aware(value) -> datetime:
    """A raw cursor gives SQLite's datetimes naive (stored in UTC), PostgreSQL's aware."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, dt_timezone.utc)


def copy_drf_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return  # a database made after rest_framework.authtoken left INSTALLED_APPS
    ApiToken = apps.get_model("annotator", "ApiToken")
    table = connection.ops.quote_name(OLD_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "key", user_id, created FROM {table}')
        rows = cursor.fetchall()
        ApiToken.objects.using(connection.alias).bulk_create([
            ApiToken(user_id=user_id, name=CARRIED_OVER_NAME, prefix=key[:8],
                     digest=hashlib.sha256(key.encode()).hexdigest(), created_at=_aware(created))
            for key, user_id, created in rows])
        cursor.execute(f"DELETE FROM {table}")


class Migration(migrations.Migration):

    dependencies = [
        ('annotator', '0011_history'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100)),
                ('prefix', models.CharField(max_length=8)),
                ('digest', models.CharField(max_length=64, unique=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('last_used_at', models.DateTimeField(blank=True, null=True)),
                ('expires_at', models.DateTimeField(blank=True, null=True)),
                ('revoked_at', models.DateTimeField(blank=True, null=True)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['user', 'created_at'], name='api_token_user')],
                'constraints': [models.CheckConstraint(condition=django.db.models.lookups.Exact(django.db.models.functions.text.Length('digest'), 64), name='api_token_digest_length')],
            },
        ),
        migrations.RunPython(copy_drf_tokens, migrations.RunPython.noop),
    ]
