"""An export job on a real worker process, Redis and PostgreSQL; the web side serves its zip."""
import io
import json
import zipfile

import pytest
from rest_framework.test import APIClient

from annotator.models import ExportJob, JobState
from annotator.services.exports import export_job_start
from annotator.services.spans import spans_bulk_create
from tests.pretag_corpus import make_articles


@pytest.mark.django_db(transaction=True)
def test_export_runs_on_the_worker_and_the_web_side_downloads_its_zip(
        celery_worker_process, wait_for, make_user, make_project, make_document):
    admin = make_user()
    project = make_project(admin=admin)
    for i, text in enumerate(make_articles(12)):
        document = make_document(project, text=text, title=f"E{i}")
        spans_bulk_create(document=document, annotator=admin, items=[
            {"label": "CLAIM", "start": 0, "end": 10}])
    job = export_job_start(project=project, requested_by=admin, fmt="jsonl", layer="all")
    done = wait_for(lambda: ExportJob.objects.filter(pk=job.pk, state=JobState.DONE).first(),
                    message=f"the export to finish (log: {celery_worker_process.log})")
    assert (done.done, done.total, done.counts["spans"]) == (12, 12, 12)
    client = APIClient()
    client.force_authenticate(admin)
    response = client.get(f"/api/export-jobs/{job.pk}/download/")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert len(archive.read("data.jsonl").splitlines()) == 12
    assert json.loads(archive.read("manifest.json"))["counts"]["documents"] == 12
