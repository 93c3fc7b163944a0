"""Training in the app (services/training.py): from approved labels to a model the project uses.

The data is generated (tests/pretag/learned_data.py, our own texts) and imported with
"take the file's labels as approved", as a team bootstrapping from an annotated file
would; training runs with few iterations, so each job takes a few seconds.
"""
from __future__ import annotations

import io
import json
import shutil

import pytest
from django.core.exceptions import ValidationError

from annotator.errors import Conflict
from annotator.models import (JobState, PretagJob, ReviewDecision, ReviewState, Span,
                              TaggerModel, TrainingJob)
from annotator.pretag.learned import TAGGER_VERSION
from annotator.services.imports import import_file
from annotator.services.pretag_jobs import pretag_job_run_batch, pretag_job_start
from annotator.services.training import (approved_documents, model_path, project_tagger_choose,
                                         project_tagger_in_use, split, training_job_run,
                                         training_job_start)
from tests.pretag.learned_data import documents

FAST = 15  # CRF iterations: seconds, not minutes


def jsonl(records) -> io.BytesIO:
    return io.BytesIO("".join(json.dumps({k: v for k, v in r.items() if k != "id"},
                                         ensure_ascii=False) + "\n"
                              for r in records).encode())


@pytest.fixture
def admin(make_user):
    return make_user("trainer")


@pytest.fixture
def team(make_project, admin, settings, tmp_path):
    settings.TRAINING_MIN_DOCUMENTS = 5
    settings.MODEL_DIR = tmp_path / "models"
    return make_project(admin=admin)


def bootstrap(project, admin, count=12, seed=1):
    return import_file(project=project, user=admin, stream=jsonl(documents(count, seed=seed)),
                       file_name="gold.jsonl", fmt="jsonl", approve_labels=True)


def trained(project, admin, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=False):
        job = training_job_start(project=project, requested_by=admin, max_iterations=FAST,
                                 **kwargs)
    return training_job_run(job_id=job.pk)


def test_an_import_can_take_the_files_labels_as_approved_naming_importer_and_file(team, admin):
    report = bootstrap(team, admin, count=3)
    spans = Span.objects.filter(document__project=team)
    assert spans.exists() and not spans.exclude(review_state=ReviewState.APPROVED).exists()
    decisions = ReviewDecision.objects.filter(span__in=spans)
    assert decisions.count() == spans.count()
    assert {d.reviewer_id for d in decisions} == {admin.pk}
    assert "gold.jsonl" in decisions[0].note and "trainer" in decisions[0].note
    assert report.options["approve_labels"] is True
    assert approved_documents(project=team).count() == 3


def test_approving_labels_on_import_does_not_apply_to_suggestions(team, admin):
    with pytest.raises(ValidationError) as info:
        import_file(project=team, user=admin, stream=jsonl(documents(1)), file_name="x.jsonl",
                    fmt="jsonl", mode="suggestions", approve_labels=True)
    assert list(info.value.message_dict) == ["approve_labels"]


def test_training_is_refused_plainly_when_too_few_documents_are_approved(team, admin):
    bootstrap(team, admin, count=3)
    with pytest.raises(Conflict) as info:
        training_job_start(project=team, requested_by=admin)
    assert info.value.code == "too_few_documents"
    assert info.value.current == {"approved": 3, "needed": 5}
    assert "at least 5 approved documents" in info.value.message and "has 3" in info.value.message
    assert not TrainingJob.objects.exists()


def test_the_split_is_deterministic_holds_one_out_at_least_and_keeps_held_documents_held():
    training, held = split(list(range(1, 11)))
    assert split(list(range(10, 0, -1))) == (training, held)
    assert held and training and not set(training) & set(held)
    assert set(training) | set(held) == set(range(1, 11))
    more_training, more_held = split(list(range(1, 200)))
    assert set(held) <= set(more_held)     # more documents never move a held-out one
    assert 0.1 < len(more_held) / 199 < 0.3
    assert split([5]) == ([5], [])          # a single document: nothing to score on
    assert len(split([4, 5])[1]) == 1


def test_a_training_job_makes_a_model_with_scores_curve_counts_and_its_data_hash(
        team, admin, django_capture_on_commit_callbacks):
    bootstrap(team, admin)
    job = trained(team, admin, django_capture_on_commit_callbacks)
    assert job.state == JobState.DONE, job.error
    assert job.done == job.total and job.attempts == 1
    model = job.model
    assert model.version == 1 and model.created_by == admin and not model.in_use
    assert model.tagger_name == "learned-attribution"
    assert model.tagger_version.startswith(f"{TAGGER_VERSION}+")
    assert len(model.training_sha256) == 64
    assert model.counts["training"] + model.counts["held_out"] == 12
    assert model.counts["held_out"] >= 1
    assert (model_path(model) / "manifest.json").is_file()
    for mode in ("exact", "overlap"):
        assert set(model.scores[mode]) >= {"CLAIM", "SOURCE", "CUE"}
        assert set(model.scores[mode]["CLAIM"]) >= {"precision", "recall", "f1"}
    assert [p["fraction"] for p in model.curve] == [0.25, 0.5, 1.0]
    sizes = [p["documents"] for p in model.curve]
    assert sizes == sorted(sizes) and sizes[-1] == model.counts["training"]
    assert model.curve[-1]["overlap"]["CLAIM"] == model.scores["overlap"]["CLAIM"]["f1"]
    # Generated text the CRF learns easily: the model finds the quotes.
    assert model.scores["overlap"]["CLAIM"]["f1"] > 0.5


def test_training_again_on_the_same_approved_labels_gives_the_same_data_hash_and_a_new_number(
        team, admin, django_capture_on_commit_callbacks):
    bootstrap(team, admin)
    first = trained(team, admin, django_capture_on_commit_callbacks).model
    second = trained(team, admin, django_capture_on_commit_callbacks).model
    assert (second.version, first.version) == (2, 1)
    assert second.training_sha256 == first.training_sha256
    assert list(TaggerModel.objects.values_list("version", flat=True)) == [2, 1]


def test_a_second_training_job_waits_for_the_first(team, admin,
                                                   django_capture_on_commit_callbacks):
    bootstrap(team, admin)
    with django_capture_on_commit_callbacks(execute=False):
        training_job_start(project=team, requested_by=admin)
        with pytest.raises(Conflict) as info:
            training_job_start(project=team, requested_by=admin)
    assert info.value.code == "training_running"


def test_pre_tagging_uses_the_chosen_model_and_its_suggestions_name_the_model_version(
        team, admin, django_capture_on_commit_callbacks):
    bootstrap(team, admin)
    old = trained(team, admin, django_capture_on_commit_callbacks).model
    new = trained(team, admin, django_capture_on_commit_callbacks, seed=7).model
    assert project_tagger_in_use(project=team) is None          # the rules tagger
    project_tagger_choose(project=team, actor=admin, model=new)
    project_tagger_choose(project=team, actor=admin, model=old)  # switched back
    assert list(TaggerModel.objects.filter(in_use=True)) == [old]
    with django_capture_on_commit_callbacks(execute=False):
        job = pretag_job_start(project=team, requested_by=admin,
                               document_ids=[team.documents.first().pk])
    assert (job.tagger_name, job.tagger_version, job.tagger_model) == (
        "learned-attribution", old.tagger_version, old)
    assert pretag_job_run_batch(job_id=job.pk) is False
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.suggestions_made > 0
    made = Span.objects.filter(document__project=team, annotator=None)
    assert set(made.values_list("tagger_name", "tagger_version")) == {
        ("learned-attribution", old.tagger_version)}
    project_tagger_choose(project=team, actor=admin, model=None)
    with django_capture_on_commit_callbacks(execute=False):
        job = pretag_job_start(project=team, requested_by=admin)
    assert (job.tagger_name, job.tagger_model) == ("rules-attribution", None)


def test_the_learned_tagger_without_a_chosen_model_is_refused_when_starting(team, admin):
    with pytest.raises(ValidationError) as info:
        pretag_job_start(project=team, requested_by=admin, tagger_name="learned-attribution")
    assert "needs a trained model" in str(info.value)


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_a_missing_or_corrupt_model_fails_the_pre_tagging_job_with_a_clear_error(
        team, admin, django_capture_on_commit_callbacks, damage):
    bootstrap(team, admin)
    model = trained(team, admin, django_capture_on_commit_callbacks).model
    project_tagger_choose(project=team, actor=admin, model=model)
    with django_capture_on_commit_callbacks(execute=False):
        job = pretag_job_start(project=team, requested_by=admin)
    folder = model_path(model)
    if damage == "missing":
        shutil.rmtree(folder)
    else:
        (folder / "spans.crfsuite").write_bytes(b"not a model")
    assert pretag_job_run_batch(job_id=job.pk) is False        # no exception: the job says why
    job = PretagJob.objects.get(pk=job.pk)
    assert job.state == JobState.FAILED
    assert job.error.startswith("The model this job uses cannot be loaded:")
    assert ("no such model directory" if damage == "missing" else "corrupt") in job.error
    assert not Span.objects.filter(document__project=team, annotator=None).exists()


def test_a_run_superseded_by_a_newer_one_makes_no_model(team, admin,
                                                          django_capture_on_commit_callbacks):
    bootstrap(team, admin)
    with django_capture_on_commit_callbacks(execute=False):
        job = training_job_start(project=team, requested_by=admin, max_iterations=FAST)
    # A run started then lost its worker: the watchdog queued the job again; the newer run
    # (attempt 2) is the current one and makes the model, the old one nothing.
    TrainingJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING, attempts=1)
    TrainingJob.objects.filter(pk=job.pk).update(state=JobState.QUEUED)
    done = training_job_run(job_id=job.pk)
    assert done.state == JobState.DONE and done.attempts == 2
    assert TaggerModel.objects.count() == 1
    assert training_job_run(job_id=job.pk).model == done.model   # done: left as it is
    assert TaggerModel.objects.count() == 1


def test_training_fails_plainly_if_documents_lost_their_approval_meanwhile(
        team, admin, django_capture_on_commit_callbacks, settings):
    bootstrap(team, admin)
    with django_capture_on_commit_callbacks(execute=False):
        job = training_job_start(project=team, requested_by=admin)
    settings.TRAINING_MIN_DOCUMENTS = 50
    job = training_job_run(job_id=job.pk)
    assert job.state == JobState.FAILED and "at least 50 approved documents" in job.error
    assert not TaggerModel.objects.exists()
