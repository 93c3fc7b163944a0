"""The training API: start (409 with too few approved documents), progress, models with
their scores and curve, the project's choice of tagger. Who may do what: the permission
matrix (tests/api/test_permission_matrix.py)."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotator.services import training
from annotator.services.training import training_job_run
from tests.services.test_training import FAST, jsonl
from tests.pretag.learned_data import documents


@pytest.fixture
def team(world, settings, tmp_path):
    settings.TRAINING_MIN_DOCUMENTS = 5
    settings.MODEL_DIR = tmp_path / "models"
    world.settings_model_dir = settings.MODEL_DIR
    return world


def upload(api, w, count):
    data = jsonl(documents(count)).getvalue()
    return api(w.admin).post(f"/api/projects/{w.project.pk}/imports/", {
        "file": SimpleUploadedFile("gold.jsonl", data), "format": "jsonl",
        "approve_labels": "true"}, format="multipart")


def test_training_with_too_few_approved_documents_says_how_many_are_needed(team, api):
    w = team
    response = api(w.admin).post(f"/api/projects/{w.project.pk}/models/", {}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "too_few_documents"
    assert body["current"] == {"approved": 0, "needed": 5}
    tagger = api(w.annotator).get(f"/api/projects/{w.project.pk}/tagger/").json()
    assert tagger == {"tagger": "rules-attribution", "model": None, "approved": 0, "needed": 5}


def test_an_admin_trains_sees_progress_scores_and_curve_and_picks_the_model(
        team, api, django_capture_on_commit_callbacks):
    w = team
    assert upload(api, w, 10).status_code == 201
    base = f"/api/projects/{w.project.pk}"
    with django_capture_on_commit_callbacks(execute=False):
        started = api(w.admin).post(f"{base}/models/", {"max_iterations": FAST}, format="json")
    assert started.status_code == 202, started.json()
    job = started.json()
    assert (job["state"], job["progress"], job["params"]["max_iterations"]) == ("queued", 0.0,
                                                                                  FAST)
    training_job_run(job_id=job["id"])
    job = api(w.annotator).get(f"{base}/training-jobs/{job['id']}/").json()
    assert (job["state"], job["progress"], job["stage"]) == ("done", 1.0, "done")
    listed = api(w.reviewer).get(f"{base}/models/").json()
    assert [m["id"] for m in listed] == [job["model"]] and listed[0]["in_use"] is False
    detail = api(w.annotator).get(f"{base}/models/{job['model']}/").json()
    assert detail["version"] == 1 and detail["created_by"] == w.admin.username
    assert detail["scores"]["overlap"]["CLAIM"]["f1"] is not None
    assert [p["fraction"] for p in detail["curve"]] == [0.25, 0.5, 1.0]
    chosen = api(w.admin).post(f"{base}/tagger/", {"model": detail["id"]}, format="json")
    assert chosen.status_code == 200
    assert chosen.json()["tagger"] == "learned-attribution"
    assert chosen.json()["model"]["id"] == detail["id"]
    back = api(w.admin).post(f"{base}/tagger/", {"tagger": "rules-attribution"}, format="json")
    assert back.json()["tagger"] == "rules-attribution" and back.json()["model"] is None
    assert api(w.admin).get(f"{base}/models/").json()[0]["in_use"] is False


@pytest.mark.parametrize("body", [{}, {"tagger": "rules-attribution", "model": 1},
                                  {"tagger": "learned-attribution"}, {"model": "x"},
                                  {"model": 10**30}])
def test_a_bad_choice_of_tagger_is_a_400(team, api, body):
    w = team
    response = api(w.admin).post(f"/api/projects/{w.project.pk}/tagger/", body, format="json")
    assert response.status_code == 400, response.json()


def test_a_model_of_another_project_is_not_found(team, api):
    from annotator.models import TaggerModel

    w = team
    theirs = TaggerModel.objects.create(project=w.other_project, version=1,
                                        tagger_name="learned-attribution", tagger_version="1",
                                        path="p", training_sha256="0" * 64)
    base = f"/api/projects/{w.project.pk}"
    assert api(w.admin).get(f"{base}/models/{theirs.pk}/").status_code == 404
    assert api(w.admin).post(f"{base}/tagger/", {"model": theirs.pk},
                             format="json").status_code == 404
    assert not TaggerModel.objects.filter(in_use=True).exists()


@pytest.mark.parametrize("body", [{"max_iterations": 0}, {"seed": -1}, {"max_iterations": "x"}])
def test_bad_training_options_are_a_400(team, api, body):
    w = team
    response = api(w.admin).post(f"/api/projects/{w.project.pk}/models/", body, format="json")
    assert response.status_code == 400


def test_an_admin_cancels_a_training_job_and_no_model_is_made(
        team, api, django_capture_on_commit_callbacks, monkeypatch):
    w = team
    assert upload(api, w, 10).status_code == 201
    base = f"/api/projects/{w.project.pk}"

    def start():
        with django_capture_on_commit_callbacks(execute=False):
            return api(w.admin).post(f"{base}/models/", {"max_iterations": FAST},
                                     format="json").json()

    # Queued: cancelled before a worker takes it up, the worker then does nothing.
    queued = start()
    assert api(w.annotator).post(f"{base}/training-jobs/{queued['id']}/cancel/").status_code == 403
    cancelled = api(w.admin).post(f"{base}/training-jobs/{queued['id']}/cancel/")
    assert cancelled.status_code == 200, cancelled.content
    assert (cancelled.json()["state"], cancelled.json()["error"]) == ("cancelled",
                                                                        "Cancelled by boss.")
    training_job_run(job_id=queued["id"])
    again = api(w.admin).post(f"{base}/training-jobs/{queued['id']}/cancel/")
    assert again.status_code == 409 and again.json()["current"] == {"state": "cancelled"}

    # Running: the admin cancels while the first point of the curve is scored; the run
    # stops at its next progress report, deletes its folder and makes no model.
    running = start()
    real = training.dev_scores

    def cancelled_meanwhile(*args, **kwargs):
        assert api(w.admin).post(
            f"{base}/training-jobs/{running['id']}/cancel/").status_code == 200
        return real(*args, **kwargs)

    monkeypatch.setattr(training, "dev_scores", cancelled_meanwhile)
    training_job_run(job_id=running["id"])
    job = api(w.admin).get(f"{base}/training-jobs/{running['id']}/").json()
    assert job["state"] == "cancelled" and job["model"] is None
    assert api(w.admin).get(f"{base}/models/").json() == []
    assert not any(p.is_dir() for p in team.settings_model_dir.rglob("job-*"))
    # Another training can start at once.
    assert start()["state"] == "queued"
