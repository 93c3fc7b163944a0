"""Import and export over HTTP: jobs, progress, download, uploads and their errors."""
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotator.models import Document, ExportJob
from annotator.services.exports import export_job_run
from annotator.services.spans import spans_bulk_create
from tests.api.conftest import span_at

pytestmark = pytest.mark.django_db


def start(client, project, **body):
    return client.post(f"/api/projects/{project.pk}/export-jobs/", {"format": "jsonl", **body},
                       format="json")


def test_export_job_starts_at_once_is_queued_after_commit_and_downloads_a_zip(
        world, api, django_capture_on_commit_callbacks):
    spans_bulk_create(document=world.document, annotator=world.annotator,
                      items=[span_at(world.document, "The deal is dead,")])
    client = api(world.reviewer)
    with django_capture_on_commit_callbacks() as callbacks:
        response = start(client, world.project, layer="all")
    assert response.status_code == 202, response.data
    assert response.data["state"] == "queued" and response.data["download_url"] is None
    assert len(callbacks) == 1
    job_id = response.data["id"]
    export_job_run(job_id=job_id)  # what the worker does
    detail = client.get(f"/api/export-jobs/{job_id}/").data
    assert detail["state"] == "done" and detail["progress"] == 1.0
    assert detail["counts"] == {"documents": 1, "spans": 1, "attributions": 0}
    download = client.get(detail["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"].startswith('attachment; filename="main-jsonl-all-')
    data = b"".join(download.streaming_content)
    import hashlib

    assert hashlib.sha256(data).hexdigest() == detail["sha256"] == download["X-Content-SHA256"]
    archive = zipfile.ZipFile(io.BytesIO(data))
    record = json.loads(archive.read("data.jsonl"))
    assert record["spans"][0]["text"] == "The deal is dead,"
    listed = client.get(f"/api/projects/{world.project.pk}/export-jobs/").data
    assert [job["id"] for job in listed] == [job_id]


def test_download_before_the_job_is_done_is_a_409_and_bad_input_is_a_400(world, api):
    client = api(world.admin)
    job_id = start(client, world.project).data["id"]
    response = client.get(f"/api/export-jobs/{job_id}/download/", HTTP_ACCEPT="application/zip")
    assert response.status_code == 409 and response["Content-Type"] == "application/json"
    assert start(client, world.project, format="docx").status_code == 400
    bad_layer = start(client, world.project, layer="annotator:nobody")
    assert bad_layer.status_code == 400 and "layer" in bad_layer.data


def test_annotators_may_not_export_and_others_do_not_see_the_jobs(world, api):
    job_id = start(api(world.admin), world.project).data["id"]
    assert start(api(world.annotator), world.project).status_code == 403
    assert api(world.annotator).get(f"/api/export-jobs/{job_id}/").status_code == 403
    assert api(world.outsider).get(f"/api/export-jobs/{job_id}/download/").status_code == 404


def test_a_missing_file_is_a_409_not_a_500(world, api):
    client = api(world.admin)
    job = export_job_run(job_id=start(client, world.project).data["id"])
    from annotator.services.exports import export_path

    export_path(job).unlink()
    assert client.get(f"/api/export-jobs/{job.pk}/download/").status_code == 409


def upload(client, project, name, data, fmt, **extra):
    return client.post(f"/api/projects/{project.pk}/imports/",
                       {"file": SimpleUploadedFile(name, data), "format": fmt, **extra},
                       format="multipart")


def test_admin_imports_jsonl_and_the_same_file_again_adds_nothing(world, api):
    data = ('{"title": "A", "text": "Officials said talks 🇺🇦 collapsed.", "spans": '
            '[{"label": "SOURCE", "start": 0, "end": 9, "text": "Officials"}]}\n'
            '{"text": "Second."}\n').encode()
    client = api(world.admin)
    first = upload(client, world.project, "docs.jsonl", data, "jsonl")
    assert first.status_code == 201, first.data
    assert (first.data["created"], first.data["spans"]) == (2, 1)
    again = upload(client, world.project, "docs.jsonl", data, "jsonl")
    assert again.status_code == 201
    assert (again.data["created"], again.data["duplicates"]) == (0, 2)


def test_a_bad_file_is_a_400_listing_every_bad_line_and_nothing_is_stored(world, api):
    data = b'{"text": "fine"}\nnot json\n{"text": "x", "spans": [{"label": "NOPE", ' \
           b'"start": 0, "end": 1}]}\n'
    before = Document.objects.count()
    response = upload(api(world.admin), world.project, "bad.jsonl", data, "jsonl")
    assert response.status_code == 400
    assert [e["where"] for e in response.data["errors"]] == ["bad.jsonl:2", "bad.jsonl:3"]
    assert "nothing was imported" in response.data["file"][0]
    assert Document.objects.count() == before


def test_zip_slip_and_oversized_uploads_are_400s_with_the_file_field(world, api, settings):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../etc/cron.d/x.txt", "evil")
    client = api(world.admin)
    response = upload(client, world.project, "x.zip", buffer.getvalue(), "txt")
    assert response.status_code == 400 and "refused" in response.data["file"][0]
    settings.MAX_UPLOAD_MB = 0
    response = upload(client, world.project, "a.txt", b"Some text.", "txt")
    assert response.status_code == 400 and "larger than the limit" in response.data["file"][0]


def test_only_admins_import_and_a_json_body_is_a_415(world, api):
    assert upload(api(world.reviewer), world.project, "a.txt", b"Text.", "txt").status_code == 403
    assert upload(api(world.annotator), world.project, "a.txt", b"Text.",
                  "txt").status_code == 403
    response = api(world.admin).post(f"/api/projects/{world.project.pk}/imports/",
                                     {"format": "txt"}, format="json")
    assert response.status_code == 415


def test_project_page_shows_the_transfers_to_admins_and_reviewers_only(world, client):
    client.force_login(world.admin)
    page = client.get(f"/projects/{world.project.pk}/").content.decode()
    assert 'id="ann-transfers"' in page and "ann-import-form" in page
    assert "annotator/transfers.js" in page
    client.force_login(world.reviewer)
    page = client.get(f"/projects/{world.project.pk}/").content.decode()
    assert "ann-export-form" in page and "ann-import-form" not in page
    client.force_login(world.annotator)
    page = client.get(f"/projects/{world.project.pk}/").content.decode()
    assert 'id="ann-transfers"' not in page
    assert ExportJob.objects.count() == 0


def test_import_options_arrive_as_multipart_fields_and_the_report_lists_the_changes(world, api):
    text = "Cafe\u0301 owners said:\r\n“Prices will rise.”\r\n"
    start = text.index("Prices")
    data = (json.dumps({"title": "Café", "text": text, "spans": [
        {"label": "CLAIM", "start": start, "end": start + 17,
         "provenance": {"review_state": "approved", "reviewer": "elsewhere"}}]}) + "\n").encode()
    client = api(world.admin)
    response = upload(client, world.project, "n.jsonl", data, "jsonl",
                      normalize=["nfc", "lf"], keep_review_state="true")
    assert response.status_code == 201, response.data
    assert response.data["normalized"] == [{"where": "n.jsonl:1", "line_ends": 2, "nfc": 1,
                                            "removed": 3, "spans_moved": 1}]
    assert response.data["options"] == {"normalize": ["lf", "nfc"], "offsets": "auto",
                                        "keep_review_state": True, "approve_labels": False,
                                        "layers": "annotators"}
    document = Document.objects.get(project=world.project, title="Café")
    assert document.text == "Café owners said:\n“Prices will rise.”\n"
    reviews = client.get(f"/api/documents/{document.pk}/reviews/").json()
    assert [(r["decision"], "elsewhere" in r["note"]) for r in reviews] == [("approve", True)]


def test_without_options_the_text_is_kept_exactly_and_approvals_are_counted_not_kept(
        world, api):
    text = "Cafe\u0301 owners said:\r\n“Prices will rise.”\r\n"
    data = (json.dumps({"title": "Exact", "text": text, "spans": [
        {"label": "SOURCE", "start": 0, "end": 12,
         "provenance": {"review_state": "approved"}}]}) + "\n").encode()
    response = upload(api(world.admin), world.project, "e.jsonl", data, "jsonl")
    assert response.status_code == 201, response.data
    assert response.data["review_states_dropped"] == {"approved": 1}
    assert response.data["normalized"] == [] and response.data["notes"] == []
    assert Document.objects.get(project=world.project, title="Exact").text == text


@pytest.mark.parametrize("field,value", [("normalize", "nfkc"), ("offsets", "bytes"),
                                         ("layers", "everyone"), ("annotator_map", "7:alice"),
                                         ("keep_review_state", "maybe")])
def test_a_bad_option_is_a_400_naming_it(world, api, field, value):
    response = upload(api(world.admin), world.project, "a.txt", b"Text.", "txt",
                      **{field: value})
    assert response.status_code == 400 and field in response.data, response.data
    assert not Document.objects.filter(project=world.project, title="a").exists()


def test_an_annotator_map_naming_a_non_member_is_a_400(world, api):
    response = upload(api(world.admin), world.project, "a.txt", b"Text.", "txt",
                      annotator_map="7=stranger")
    assert response.status_code == 400
    assert "not a member" in response.data["annotator_map"][0]


def test_a_label_studio_export_uploaded_as_doccano_is_a_400_saying_which_format(world, api):
    data = json.dumps([{"id": 1, "data": {"text": "Officials said so."},
                        "annotations": []}]).encode()
    response = upload(api(world.admin), world.project, "project.json", data, "doccano")
    assert response.status_code == 400
    assert response.data["errors"] == [{
        "where": "project.json", "reason": "this looks like a Label Studio JSON export: choose "
                                           "the format 'labelstudio'."}]


def test_document_create_keeps_crlf_and_combining_marks_exactly(world, api):
    text = "Line one.\r\nJose\u0301 said so.\r\n"
    response = api(world.admin).post(f"/api/projects/{world.project.pk}/documents/",
                                     {"title": "Raw", "text": text}, format="json")
    assert response.status_code == 201, response.data
    document = Document.objects.get(pk=response.data["id"])
    assert document.text == text and document.length == len(text)
