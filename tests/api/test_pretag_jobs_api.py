import pytest

from annotator.models import JobState, PretagJob
from annotator.services.pretag_jobs import pretag_job_run_batch

pytestmark = pytest.mark.django_db


def test_starting_a_job_returns_at_once_with_its_id(world, api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = api(world.admin).post(f"/api/projects/{world.project.id}/pretag-jobs/", {},
                                         format="json")
    assert response.status_code == 202
    body = response.json()
    assert body["state"] == "queued" and body["total"] == 1 and body["progress"] == 0
    assert body["tagger_name"] == "rules-attribution" and body["requested_by"] == "boss"
    assert len(callbacks) == 1


def test_progress_is_readable_by_members_while_and_after_it_runs(world, api):
    job = api(world.admin).post(f"/api/projects/{world.project.id}/pretag-jobs/", {},
                                format="json").json()
    while pretag_job_run_batch(job_id=job["id"]):
        pass
    detail = api(world.annotator).get(f"/api/pretag-jobs/{job['id']}/").json()
    assert detail["state"] == "done" and detail["done"] == detail["total"] == 1
    assert detail["progress"] == 1.0 and detail["suggestions_made"] > 0
    listed = api(world.reviewer).get(f"/api/projects/{world.project.id}/pretag-jobs/").json()
    assert [j["id"] for j in listed] == [job["id"]]
    # The document now has suggestions for the annotator to accept.
    document = api(world.annotator).get(f"/api/documents/{world.document.id}/").json()
    assert document["suggestions"]["spans"]


def test_cancel_then_cancel_again_is_a_conflict(world, api):
    client = api(world.admin)
    job = client.post(f"/api/projects/{world.project.id}/pretag-jobs/", {}, format="json").json()
    cancelled = client.post(f"/api/pretag-jobs/{job['id']}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    again = client.post(f"/api/pretag-jobs/{job['id']}/cancel/")
    assert again.status_code == 409 and again.json()["current"] == {"state": "cancelled"}
    assert PretagJob.objects.get().state == JobState.CANCELLED


def test_bad_job_requests_say_what_is_wrong(world, api):
    client = api(world.admin)
    url = f"/api/projects/{world.project.id}/pretag-jobs/"
    assert "tagger" in client.post(url, {"tagger": "gpt-99"}, format="json").json()
    needs_model = client.post(url, {"tagger": "learned-attribution"}, format="json")
    assert needs_model.status_code == 400
    assert "needs a trained model" in needs_model.json()["tagger"][0]
    other = world.other_document.id
    assert "documents" in client.post(url, {"documents": [other]}, format="json").json()
    assert not PretagJob.objects.exists()


def test_taggers_lists_the_built_in_one(world, api):
    taggers = api(world.annotator).get("/api/taggers/").json()
    assert any(t["name"] == "rules-attribution" and t["version"] for t in taggers)
