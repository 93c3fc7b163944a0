"""learned-attribution: training on generated documents, tagging, the model directory, bad input.

Training runs on a few dozen small generated documents (tests/pretag/learned_data.py) with
few iterations and one worker, so each training takes a second or two.
"""
from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from annotator.pretag import available_taggers, get_tagger, pretag_text
from annotator.pretag.learned import (TAGGER_VERSION, LearnedAttributionTagger, ModelError,
                                      TrainingDataError, train)
from annotator.pretag.learned.data import file_sha256

from .learned_data import documents, write

FAST = {"max_iterations": 40}


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("learned")
    write(folder / "train.jsonl", documents(40, seed=1))
    write(folder / "dev.jsonl", documents(8, seed=2, prefix="dev"))
    manifest = train(str(folder / "train.jsonl"), str(folder / "model"),
                     dev_path=str(folder / "dev.jsonl"), seed=3, workers=1, params=FAST,
                     stream=StringIO())
    return folder, manifest


def triples(result, text):
    spans = {s.key: text[s.start:s.end] for s in result.spans}
    return [([spans[k] for k in a.claims], spans.get(a.source), spans.get(a.cue))
            for a in result.attributions]


def test_the_manifest_records_version_data_hash_counts_date_and_dev_scores(trained):
    folder, manifest = trained
    on_disk = json.loads((folder / "model" / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk["tagger"] == "learned-attribution"
    assert on_disk["tagger_version"] == TAGGER_VERSION
    assert on_disk["training_data"]["sha256"] == file_sha256(str(folder / "train.jsonl"))
    assert on_disk["training_data"]["counts"]["documents"] == 40
    assert on_disk["training_data"]["counts"]["spans"]["CLAIM"] > 0
    assert on_disk["created"][:2] == "20" and on_disk["seed"] == 3
    assert on_disk["dev"]["documents"] == 8
    assert on_disk["dev"]["overlap"]["CLAIM"]["f1"] > 0.8
    assert on_disk["dev"]["overlap"]["SOURCE->CLAIM"]["f1"] > 0.7
    assert sorted(p.name for p in (folder / "model").iterdir()) == [
        "clusters.json", "lexicon.json", "links.json", "manifest.json", "sources.crfsuite",
        "spans.crfsuite"]


def test_the_learned_tagger_proposes_spans_and_attributions_with_confidences(trained):
    folder, _ = trained
    tagger = get_tagger("learned-attribution", model=str(folder / "model"))
    assert tagger.version.startswith(TAGGER_VERSION + "+")
    text = ("\u201cThe road is not safe,\u201d the mayor said. The hall was full by noon.\n\n"
            "Officials said that the vote was fair.")
    result = pretag_text(tagger, text)
    found = triples(result, text)
    assert (["\u201cThe road is not safe,\u201d"], "the mayor", "said") in found
    assert (["the vote was fair"], "Officials", "said") in found
    assert all(0 < s.confidence <= 1 for s in result.spans)
    assert all(0 < a.confidence <= 1 for a in result.attributions)


def test_a_split_quote_is_one_attribution_with_two_fragments(trained):
    folder, _ = trained
    tagger = get_tagger("learned-attribution", model=str(folder / "model"))
    text = "\u201cThe talks have failed,\u201d said Ana Silva, \u201cand the river is rising fast.\u201d"
    found = triples(pretag_text(tagger, text), text)
    assert (["\u201cThe talks have failed,\u201d", "\u201cand the river is rising fast.\u201d"],
            "Ana Silva", "said") in found


def test_a_stacked_model_has_a_second_crf_and_tags_like_the_first(trained, tmp_path):
    folder, _ = trained
    manifest = train(str(folder / "train.jsonl"), str(tmp_path / "stacked"),
                     dev_path=str(folder / "dev.jsonl"), seed=3, workers=1,
                     params={**FAST, "stack": True}, stream=StringIO())
    assert manifest["parameters"]["stack"] is True
    assert "second.crfsuite" in manifest["files"]
    assert manifest["dev"]["overlap"]["CLAIM"]["f1"] > 0.8
    tagger = get_tagger("learned-attribution", model=str(tmp_path / "stacked"))
    text = ("\u201cThe talks have failed,\u201d said Ana Silva, "
            "\u201cand the river is rising fast.\u201d")
    found = triples(pretag_text(tagger, text), text)
    assert (["\u201cThe talks have failed,\u201d", "\u201cand the river is rising fast.\u201d"],
            "Ana Silva", "said") in found
    (tmp_path / "stacked" / "second.crfsuite").write_bytes(b"changed")
    with pytest.raises(ModelError, match="second.crfsuite is corrupt"):
        LearnedAttributionTagger(str(tmp_path / "stacked"))


def test_training_is_deterministic_for_a_seed(trained, tmp_path):
    folder, _ = trained
    train(str(folder / "train.jsonl"), str(tmp_path / "again"), seed=3, workers=2,
          params=FAST, stream=StringIO())
    for name in ("spans.crfsuite", "links.json", "sources.crfsuite"):
        assert file_sha256(str(tmp_path / "again" / name)) == \
            file_sha256(str(folder / "model" / name)), name


@pytest.mark.parametrize("line,message", [
    ("not json", "train.jsonl:3: not JSON"),
    ('{"id": "x", "text": "abc", "spans": [{"id": "T1", "label": "CLAIM", "start": 2, '
     '"end": 9}]}', r"train.jsonl:3: spans\[0\]: \[2, 9\) is not a range"),
    ('{"id": "x", "text": "abc", "spans": [{"id": "T1", "label": "QUOTE", "start": 0, '
     '"end": 1}]}', "train.jsonl:3: spans\\[0\\]: label 'QUOTE'"),
    ('{"id": "x", "text": "abc", "spans": [], "attributions": [{"claims": ["T9"]}]}',
     "train.jsonl:3: attributions\\[0\\]: claims 'T9' is not a span id"),
    ('{"id": "x", "text": "abc", "spans": [{"id": "T1", "label": "CLAIM", "start": 0, '
     '"end": 2, "text": "zz"}]}', "differs from the document's text"),
])
def test_a_bad_line_is_refused_with_its_number_and_nothing_is_written(tmp_path, line, message):
    good = [json.dumps(r) for r in documents(2)]
    (tmp_path / "train.jsonl").write_text("\n".join(good + [line]) + "\n", encoding="utf-8")
    with pytest.raises(TrainingDataError, match=message):
        train(str(tmp_path / "train.jsonl"), str(tmp_path / "model"), workers=1, params=FAST,
              stream=StringIO())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train.jsonl"]


def test_the_command_refuses_a_bad_line_and_writes_nothing(tmp_path):
    (tmp_path / "train.jsonl").write_text(json.dumps(documents(1)[0]) + "\n[1]\n",
                                          encoding="utf-8")
    with pytest.raises(CommandError, match="train.jsonl:2: expected an object"):
        call_command("train_tagger", str(tmp_path / "train.jsonl"), str(tmp_path / "model"),
                     stdout=StringIO(), stderr=StringIO())
    assert not (tmp_path / "model").exists()


def test_train_tagger_prints_the_dev_scores_and_pretag_jsonl_uses_the_model(tmp_path):
    write(tmp_path / "train.jsonl", documents(30, seed=4))
    write(tmp_path / "dev.jsonl", documents(5, seed=5, prefix="dev"))
    out, err = StringIO(), StringIO()
    call_command("train_tagger", str(tmp_path / "train.jsonl"), str(tmp_path / "model"),
                 dev=str(tmp_path / "dev.jsonl"), seed=1, workers=1, iterations=30,
                 stdout=out, stderr=err)
    assert "dev scores (dev.jsonl)" in out.getvalue() and "SOURCE->CLAIM" in out.getvalue()
    assert "crf" in err.getvalue() and "features" in err.getvalue()     # the progress bars
    call_command("pretag_jsonl", str(tmp_path / "dev.jsonl"), str(tmp_path / "out.jsonl"),
                 tagger="learned-attribution", model=str(tmp_path / "model"), stderr=StringIO())
    records = [json.loads(line) for line in
               (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == 5 and any(r["relations"] for r in records)
    scores = StringIO()
    call_command("evaluate_tagger", str(tmp_path / "dev.jsonl"), str(tmp_path / "out.jsonl"),
                 stdout=scores)
    pairs = next(l for l in scores.getvalue().splitlines() if l.startswith("SOURCE->CLAIM"))
    assert float(pairs.split()[-1]) > 0.6


def test_a_missing_corrupt_or_old_model_gives_a_clear_error(trained, tmp_path):
    folder, _ = trained
    with pytest.raises(ModelError, match="no such model directory"):
        LearnedAttributionTagger(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="not a model directory"):
        LearnedAttributionTagger(tmp_path / "empty")
    copy = tmp_path / "copy"
    copy.mkdir()
    for p in (folder / "model").iterdir():
        (copy / p.name).write_bytes(p.read_bytes())
    (copy / "spans.crfsuite").write_bytes(b"garbage")
    with pytest.raises(ModelError, match="spans.crfsuite is corrupt"):
        LearnedAttributionTagger(copy)
    (copy / "spans.crfsuite").write_bytes((folder / "model" / "spans.crfsuite").read_bytes())
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["tagger_version"] = "0.0.1"
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelError, match="'0.0.1'.*train it again"):
        LearnedAttributionTagger(copy)
    for refused in ("1.4.0", "1.3.0"):   # their confidences were NaN / features differ
        manifest["tagger_version"] = refused
        (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        with pytest.raises(ModelError, match="train it again"):
            LearnedAttributionTagger(copy)
    manifest["tagger_version"] = "1.5.0"   # the same files as 1.6.0's: read, tagged by 1.6.0
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert LearnedAttributionTagger(copy).version.startswith(TAGGER_VERSION + "+")
    (copy / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="unreadable"):
        LearnedAttributionTagger(copy)
    (tmp_path / "in.jsonl").write_text('{"id": "a", "text": "x"}\n', encoding="utf-8")
    with pytest.raises(CommandError, match="not a model directory"):
        call_command("pretag_jsonl", str(tmp_path / "in.jsonl"), "-",
                     tagger="learned-attribution", model=str(tmp_path / "empty"))
    with pytest.raises(CommandError, match="needs --model"):
        call_command("pretag_jsonl", str(tmp_path / "in.jsonl"), "-",
                     tagger="learned-attribution")


def test_without_a_model_the_tagger_is_listed_but_says_it_needs_one():
    assert "learned-attribution" in available_taggers()
    tagger = get_tagger("learned-attribution")
    assert tagger.version == TAGGER_VERSION
    with pytest.raises(ModelError, match="needs a model"):
        tagger.tag("Officials said it would rain.")
    with pytest.raises(KeyError, match="learned-attribution, rules-attribution"):
        get_tagger("no-such-tagger")
    with pytest.raises(ValueError, match="takes no model"):
        get_tagger("rules-attribution", model="/tmp")


def test_sigterm_stays_the_callers_unless_the_command_asks(tmp_path):
    # In a Celery worker's process SIGTERM is the worker's: training there must not take it.
    import signal

    from annotator.pretag.learned import train_records
    from annotator.pretag.learned.data import read_annotated

    write(tmp_path / "train.jsonl", documents(6, seed=4))
    records = read_annotated(str(tmp_path / "train.jsonl"))
    seen = []
    before = signal.getsignal(signal.SIGTERM)
    for ask in (False, True):
        train_records(records, str(tmp_path / f"model-{ask}"), data={"file": "t", "sha256": "0"},
                      seed=1, workers=1, params={"max_iterations": 2}, stream=StringIO(),
                      on_progress=lambda *a: seen.append((ask, signal.getsignal(signal.SIGTERM))),
                      stop_on_sigterm=ask)
    assert {handler for ask, handler in seen if not ask} == {before}
    assert before not in {handler for ask, handler in seen if ask}
    assert signal.getsignal(signal.SIGTERM) == before  # given back after training
