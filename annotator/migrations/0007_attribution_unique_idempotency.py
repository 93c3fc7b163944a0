"""An annotator holds an attribution once; API writes remember their Idempotency-Key.

1. Every attribution gets its dedup_key (claim fragments, source, cue), which only
   suggestions had.
2. Identical accepted attributions already in one layer (two POSTs that raced, a
   retried create, a suggestion accepted over the annotator's own attribution) are
   merged before the unique constraint is added, so that the migration cannot fail on
   them and nothing is lost (docs/decisions.md, section 12): the survivor is the
   annotator's own row if there is one (not a pre-tagger's copy), else the oldest; it
   keeps its attributes, and takes a review state, a suggestion link and the review
   decisions of the others; every merged row's full state is kept in a "merge" event.
3. The constraints, and the IdempotencyKey table.

The merge is written here against the historical models, not by calling the services:
a migration must keep working when the models move on.
"""
from django.conf import settings
from django.db import migrations, models
from django.db.models import Count, F, Q
from django.utils import timezone

from annotator.models import attribution_dedup_key

BATCH = 500


def _claims(apps, attribution_ids) -> dict:
    fragments = apps.get_model("annotator", "ClaimFragment").objects.filter(
        attribution_id__in=attribution_ids).order_by("attribution_id", "position")
    claims: dict = {}
    for attribution_id, span_id in fragments.values_list("attribution_id", "span_id"):
        claims.setdefault(attribution_id, []).append(span_id)
    return claims


def fill_keys(apps, schema_editor):
    Attribution = apps.get_model("annotator", "Attribution")
    last = 0
    while True:
        rows = list(Attribution.objects.filter(pk__gt=last).order_by("pk")
                    .only("pk", "claim_id", "source_id", "cue_id", "dedup_key")[:BATCH])
        if not rows:
            return
        fragments = _claims(apps, [row.pk for row in rows])
        for row in rows:
            row.dedup_key = attribution_dedup_key([row.claim_id, *fragments.get(row.pk, [])],
                                                  row.source_id, row.cue_id)
        Attribution.objects.bulk_update(rows, ["dedup_key"])
        last = rows[-1].pk


def _snapshot(row, claims) -> dict:
    return {"id": row.pk, "document": row.document_id, "annotator": row.annotator_id,
            "claims": [row.claim_id, *claims.get(row.pk, [])], "source": row.source_id,
            "cue": row.cue_id, "attributes": row.attributes, "origin": row.origin,
            "status": row.status, "suggestion": row.suggestion_id,
            "review_state": row.review_state, "version": row.version}


def merge_duplicates(apps, schema_editor):
    Attribution = apps.get_model("annotator", "Attribution")
    ReviewDecision = apps.get_model("annotator", "ReviewDecision")
    Event = apps.get_model("annotator", "Event")
    accepted = Attribution.objects.filter(annotator__isnull=False, status="accepted")
    groups = (accepted.values("document_id", "annotator_id", "dedup_key")
              .annotate(n=Count("pk")).filter(n__gt=1).order_by())
    for group in groups:
        rows = list(accepted.filter(document_id=group["document_id"],
                                    annotator_id=group["annotator_id"],
                                    dedup_key=group["dedup_key"])
                    .select_related("document").order_by("pk"))
        # The annotator's own row before a copy made from a suggestion, then the oldest.
        rows.sort(key=lambda row: (row.origin == "pretag", row.pk))
        survivor, others = rows[0], rows[1:]
        claims = _claims(apps, [row.pk for row in rows])
        before = _snapshot(survivor, claims)
        project_id = survivor.document.project_id
        ReviewDecision.objects.filter(attribution__in=others).update(attribution=survivor)
        Attribution.objects.filter(pk__in=[row.pk for row in others]).delete()
        changes = {}
        if survivor.review_state == "pending":
            decided = [row for row in others if row.review_state != "pending"]
            if decided:
                changes["review_state"] = max(decided, key=lambda r: r.updated_at).review_state
        if survivor.suggestion_id is None:
            linked = [row for row in others if row.suggestion_id is not None]
            if linked:
                changes["suggestion_id"] = linked[0].suggestion_id
        now = timezone.now()
        note = (f"migration 0007: the same claim, source and cue as attribution {survivor.pk} "
                "in this annotator's layer; merged into it")
        events = [Event(project_id=project_id, document_id=survivor.document_id,
                        action="merge", target_type="attribution", target_id=row.pk,
                        before=_snapshot(row, claims), after={"merged_into": survivor.pk},
                        note=note) for row in others]
        if changes:
            Attribution.objects.filter(pk=survivor.pk).update(
                **changes, version=F("version") + 1, updated_at=now)
        survivor.refresh_from_db()
        events.append(Event(project_id=project_id, document_id=survivor.document_id,
                            action="merge", target_type="attribution", target_id=survivor.pk,
                            before=before, after=_snapshot(survivor, claims),
                            note=f"migration 0007: merged attributions "
                                 f"{', '.join(str(row.pk) for row in others)} into it"))
        Event.objects.bulk_create(events)
    if schema_editor.connection.vendor == "postgresql":
        # Run the deferred foreign-key checks of these deletes now: PostgreSQL refuses
        # to ALTER a table (the constraints below) with trigger events still pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):

    dependencies = [
        ("annotator", "0006_export_job_heartbeat"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.RunPython(merge_duplicates, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="attribution",
            name="dedup_key",
            field=models.CharField(max_length=200),
        ),
        migrations.AddConstraint(
            model_name="attribution",
            constraint=models.UniqueConstraint(
                condition=Q(annotator__isnull=False, status="accepted"),
                fields=("document", "annotator", "dedup_key"),
                name="attribution_unique_per_annotator"),
        ),
        migrations.AddConstraint(
            model_name="attribution",
            constraint=models.CheckConstraint(condition=~Q(dedup_key=""),
                                              name="attribution_has_dedup_key"),
        ),
        migrations.CreateModel(
            name="IdempotencyKey",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=200)),
                ("method", models.CharField(max_length=10)),
                ("path", models.CharField(max_length=2000)),
                ("fingerprint", models.CharField(max_length=64)),
                ("status_code", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("response", models.JSONField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("user", models.ForeignKey(on_delete=models.deletion.CASCADE, related_name="+",
                                           to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "indexes": [models.Index(fields=["created_at"], name="idempotency_key_time")],
                "constraints": [models.UniqueConstraint(fields=("user", "key"),
                                                        name="idempotency_key_unique")],
            },
        ),
    ]
