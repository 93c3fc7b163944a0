"""Training on the project page, in Chromium: the button says what is missing, then the admin
trains, watches the progress, reads the scores and the learning curve, and picks the model."""
import threading

import pytest

from annotator.models import TaggerModel, TrainingJob
from annotator.services.training import training_job_run
from tests.e2e.conftest import login, text_of
from tests.pretag.learned_data import documents
from tests.services.test_training import FAST, jsonl

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_trains_sees_progress_scores_and_curve_and_picks_the_model(
        page, live_server, world, settings, tmp_path, shot):
    settings.TRAINING_MIN_DOCUMENTS = 6
    settings.TRAINING_MAX_ITERATIONS = FAST
    settings.MODEL_DIR = tmp_path / "models"
    project = world.project
    login(page, live_server, "boss", next_path=f"/projects/{project.pk}/")
    page.wait_for_function("() => document.querySelector('.ann-training-needs')"
                           ".textContent.includes('at least 6')")
    assert page.locator(".ann-training-start").is_disabled()
    assert "this project has 0" in text_of(page, ".ann-training-needs")
    assert "rules-attribution" in text_of(page, ".ann-training-tagger")

    # Bootstrapping through the page: an annotated file taken as approved; the card counts
    # the new documents at once, without a reload.
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(jsonl(documents(10)).getvalue())
    page.set_input_files("#ann-import-file", str(gold))
    page.select_option("#ann-import-format", "jsonl")
    page.click(".ann-import-options summary")
    page.check("#ann-import-approve")
    page.click(".ann-import-form button[type=submit]")
    page.wait_for_selector(".ann-training-start:not([disabled])")
    assert "10 approved documents" in text_of(page, ".ann-training-needs")
    page.click(".ann-training-start")
    page.wait_for_selector(".ann-training-progress .ann-job progress")   # queued, polled
    job = TrainingJob.objects.get(project=project)
    worker = threading.Thread(target=training_job_run, kwargs={"job_id": job.pk})
    worker.start()   # what the worker does, while the page polls
    try:
        page.wait_for_selector(".ann-training-detail svg .ann-curve-line", state="attached",
                               timeout=90_000)
    finally:
        worker.join(timeout=90)
    progress = text_of(page, ".ann-training-progress").lower()
    assert "done" in progress and "done done" not in " ".join(progress.split())
    assert page.locator(".ann-training-scores tbody tr").count() >= 3
    assert page.locator(".ann-training-detail svg .ann-curve-point").count() >= 3
    assert "Model 1" in text_of(page, ".ann-training-detail")
    shot(page, "training-done")

    page.click(".ann-training-models .ann-model-use")
    page.wait_for_function("() => document.querySelector('.ann-training-tagger')"
                           ".textContent.includes('model 1')")
    assert TaggerModel.objects.get(project=project).in_use
    page.click(".ann-use-rules")
    page.wait_for_function("() => document.querySelector('.ann-training-tagger')"
                           ".textContent.includes('rules-attribution')")
    assert not TaggerModel.objects.get(project=project).in_use

    # A second training, cancelled from the page while it waits: no model, and the
    # button is back.
    page.click(".ann-training-start")
    page.wait_for_selector(".ann-training-progress .ann-training-cancel")
    page.click(".ann-training-cancel")
    page.wait_for_function("() => document.querySelector('.ann-training-message')"
                           ".textContent.includes('cancelled')")
    page.wait_for_selector(".ann-training-start:not([disabled])")
    second = TrainingJob.objects.filter(project=project).latest("pk")
    assert second.state == "cancelled" and second.model_id is None
    assert TaggerModel.objects.filter(project=project).count() == 1
    assert page.js_errors == []
