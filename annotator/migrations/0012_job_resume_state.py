"""Jobs keep their resume state in fields (`resumes`, `progress_at_resume`) instead of
reading it back from the event log, and `attempts` means the same for every kind.

Before, a pre-tagging job's `attempts` counted its resumes in a row without progress,
and an export job worked that count out from its "resume" events; both compared with
the `done` of the last "resume" event. Here every job still queued or running gets
the state it would have had: `resumes` is that count, `progress_at_resume` the `done`
of its last "resume" event. Finished jobs are never resumed again: only a pre-tagging
job's old count moves. A pre-tagging job's `attempts` becomes the runs started (1 once
a worker took it up), as it is for an export. Going back puts the old count back.
"""
from django.db import migrations, models

ACTIVE = ("queued", "running")


def _resume_dones(Event, target_type, job_id):
    """The `done` of the job's "resume" events, newest first."""
    return [(after or {}).get("done", -1) for after in Event.objects.filter(
        target_type=target_type, target_id=job_id, action="resume").order_by(
        "-created_at", "-pk").values_list("after", flat=True)]


def _streak(dones):
    """Resumes in a row (the newest included) that got no further than the one before."""
    count = 1
    for newer, older in zip(dones, dones[1:]):
        if newer > older:
            break
        count += 1
    return count


def forward(apps, schema_editor):
    Event = apps.get_model("annotator", "Event")
    PretagJob = apps.get_model("annotator", "PretagJob")
    ExportJob = apps.get_model("annotator", "ExportJob")
    for job in PretagJob.objects.all().iterator():
        job.resumes = job.attempts
        job.attempts = 1 if job.started_at else 0
        if job.state in ACTIVE and job.resumes:
            dones = _resume_dones(Event, "pretag_job", job.pk)
            job.progress_at_resume = dones[0] if dones else job.done
        job.save(update_fields=["resumes", "attempts", "progress_at_resume"])
    for job in ExportJob.objects.filter(state__in=ACTIVE).iterator():
        dones = _resume_dones(Event, "export_job", job.pk)
        if dones:
            ExportJob.objects.filter(pk=job.pk).update(resumes=_streak(dones),
                                                       progress_at_resume=max(dones[0], 0))


def backward(apps, schema_editor):
    PretagJob = apps.get_model("annotator", "PretagJob")
    PretagJob.objects.update(attempts=models.F("resumes"))


class Migration(migrations.Migration):

    dependencies = [
        ("annotator", "0008_api_tokens"),
    ]

    operations = [
        migrations.AddField(
            model_name="exportjob",
            name="progress_at_resume",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="exportjob",
            name="resumes",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="pretagjob",
            name="progress_at_resume",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="pretagjob",
            name="resumes",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.RunPython(forward, backward),
    ]
