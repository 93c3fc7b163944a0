"""The span-within-text trigger survives every migration (on SQLite a migration that adds a
column to annotator_span may rebuild the table, and a rebuild drops its triggers: 0004 and
0016 make them again). The test database is built by the migrations, on SQLite in the core
tier and on PostgreSQL in the integration tier."""
from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from annotator.models import Span

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_span_past_the_text_after_all_migrations(document,
                                                                        annotator_user):
    claim = document.project.labels.get(name="CLAIM")
    end = len(document.text)
    with pytest.raises(IntegrityError), transaction.atomic():
        Span.objects.create(document=document, annotator=annotator_user, label=claim,
                            start=end - 1, end=end + 1, quote="xx")
    span = Span.objects.create(document=document, annotator=annotator_user, label=claim,
                               start=end - 1, end=end, quote=document.text[-1])
    with pytest.raises(IntegrityError), transaction.atomic():  # the update trigger too
        Span.objects.filter(pk=span.pk).update(end=end + 1, quote="xx")
