"""learned-attribution's parts without training the whole: BILOU tags and back, word classes,
stacking, the source CRF and its extra sources (its best reading's and its likely ones)."""
from __future__ import annotations

import random
import tempfile
from pathlib import Path

from annotator.pretag.learned.encoding import spans_of, tags_of
from annotator.pretag.learned.features import Doc
from annotator.pretag.learned.links import LinearModel, Linker, Span, decide
from annotator.pretag.learned.sources import (LIKELY, extra_sources, features, keep_linked,
                                              likely_sources, roles_of, training_sequences)
from annotator.pretag.learned.stack import second_features
from annotator.pretag.learned.words import build_clusters, stem


def test_bilou_tags_mark_both_ends_and_decode_back_to_the_same_spans():
    doc = Doc("Ana said the road is closed. Tom agreed and left")
    #          0   1    2   3    4  5     6 7   8      9   10
    spans = [("SOURCE", 0, 1), ("CUE", 1, 2), ("CLAIM", 2, 6), ("SOURCE", 7, 8),
             ("CUE", 8, 9), ("CUE", 9, 10)]
    tags = tags_of(len(doc.tokens), doc.paragraphs, spans)
    assert tags == [["U-SOURCE", "U-CUE", "B-CLAIM", "I-CLAIM", "I-CLAIM", "L-CLAIM", "O",
                     "U-SOURCE", "U-CUE", "U-CUE", "O"]]
    decoded = [(s.label, s.i, s.j) for s in spans_of(doc, 0, tags[0])]
    assert decoded == spans          # two one-token spans side by side stay two
    texts = [doc.text[s.start:s.end] for s in spans_of(doc, 0, tags[0])]
    assert texts[2] == "the road is closed"


def test_decoding_is_lenient_with_tags_a_crf_may_give():
    doc = Doc("one two three four five six")
    got = [(s.label, s.i, s.j) for s in spans_of(doc, 0, ["I-CLAIM", "L-CLAIM", "O", "B-CUE",
                                                           "I-SOURCE", "I-SOURCE"])]
    assert got == [("CLAIM", 0, 2), ("CUE", 3, 4), ("SOURCE", 4, 6)]


def test_stem_joins_the_forms_of_a_verb():
    assert stem("pledged") == stem("pledges") == stem("pledging") == "pledg"
    assert stem("is") == "is"


def _texts(seed: int) -> list[list[str]]:
    """Generated sentences in which reporting verbs and names each take one slot."""
    rng = random.Random(seed)
    names = [f"name{n}" for n in range(30)]
    verbs = [f"verb{n}" for n in range(30)]
    things = [f"thing{n}" for n in range(30)]
    docs = []
    for _ in range(120):
        tokens = []
        for _ in range(20):
            tokens += ["the", rng.choice(names), rng.choice(verbs), "that", "a",
                       rng.choice(things), "is", "here", "."]
        docs.append(tokens)
    return docs


def test_word_classes_group_words_of_one_slot_and_are_deterministic():
    classes = build_clusters(_texts(1), seed=0, sizes=(3, 6))
    assert classes == build_clusters(_texts(1), seed=0, sizes=(3, 6))
    for group in ("name", "verb", "thing"):
        assert len({classes[f"{group}{n}"][0] for n in range(30)}) == 1, group
    assert classes["name0"][0] != classes["verb0"][0] != classes["thing0"][0]
    assert build_clusters([["too", "little", "text"] * 3], seed=0) == {}


def test_the_second_crf_sees_the_first_ones_reading_of_the_sentence():
    doc = Doc("Ana said it rained. The sky was grey.")
    #          0   1    2  3     4 5   6   7   8   9
    first = ["U-SOURCE", "U-CUE", "B-CLAIM", "L-CLAIM", "O", "O", "O", "O", "O", "O"]
    probs = [(0.0, 0.9, 0.1)] + [(0.2, 0.0, 0.8)] + [(0.9, 0.0, 0.0)] * 8
    feats = second_features(doc, 0, 10, [["b"]] * 10, first, probs)
    assert "p1=B-CLAIM" in feats[2] and "p1-1=U-CUE" in feats[2] and "mc=4" in feats[2]
    assert "shas=111" in feats[2] and "nhas=000" in feats[2]
    assert "cuL=1s" in feats[2]                  # the cue one token to the left, same sentence
    assert "shas=000" in feats[6] and "phas=111" in feats[6] and "cuL=3-5o" in feats[6]


def test_the_predicate_lexicon_gives_inflected_forms_their_class():
    from annotator.pretag.learned.predicates import PREDICATES
    assert PREDICATES["accused"] == PREDICATES["accusing"] == "eval-v"
    assert PREDICATES["planned"] == PREDICATES["plans"] == "intent-v"
    assert PREDICATES["seems"] == "seem-v" and PREDICATES["sought"] == "intent-v"
    assert PREDICATES["findings"] == "evid-n" and PREDICATES["convinced"] == "belief-a"
    assert PREDICATES["according"] == "say-o"
    assert "table" not in PREDICATES and "the" not in PREDICATES


def test_tokens_know_the_nearest_cue_candidate_of_their_sentence_and_what_frames_it():
    doc = Doc("Critics blamed the mayor for the flood. Rain fell.")
    #          0       1      2   3     4   5   6     7 8    9    10
    feats = [f for para in doc.features() for f in para]
    assert "pc=eval-v" in feats[1] and "cue=peval" in feats[1]
    assert "1pc=eval-v" in feats[0] and "-1pc=eval-v" in feats[2]
    assert "pr=1" in feats[0] and "pl=1" in feats[2] and "plc=peval" in feats[2]
    assert "plf=-" in feats[4] and "plf=for" in feats[5] and "pl=4-6" in feats[5]
    assert not any(f.startswith(("pl=", "pr=")) for f in feats[8])   # a sentence of its own


def test_a_cue_inside_a_quotation_is_not_the_sentence_cue():
    doc = Doc('He said "polls show a tie" today.')
    #          0  1    2 3     4    5 6  7 8     9
    feats = [f for para in doc.features() for f in para]
    assert "plc=say-past" in feats[8] and "pl=7-12" in feats[8]
    assert not any(f.startswith("pr=") for f in feats[2])   # "polls" is quoted


def _tiny_crf(path: str) -> list[list[str]]:
    """A crfsuite model trained on generated sequences (word -> its tag); its test sequence."""
    import pycrfsuite

    from annotator.pretag.learned.crf import seed_c_random

    rng = random.Random(4)
    trainer = pycrfsuite.Trainer(algorithm="ap", verbose=False)
    for _ in range(60):
        words = [rng.choice(("said", "told", "the", "a", "road", "plan")) for _ in range(8)]
        trainer.append([[f"w={w}"] for w in words],
                       ["U-CUE" if w in ("said", "told") else "O" for w in words])
    trainer.set_params({"max_iterations": 5})
    seed_c_random(0)                          # the perceptron shuffles with the C rand()
    trainer.train(path)
    return [[f"w={w}"] for w in ("the", "road", "said", "a", "plan", "told")]


def test_scaling_a_crfs_weights_keeps_its_tags_and_brings_marginals_into_range(tmp_path):
    import math

    from annotator.pretag.learned.crf import open_crf, scale_weights

    path = str(tmp_path / "tiny.crfsuite")
    xseq = _tiny_crf(path)
    before = open_crf(path)
    weights = before.info().state_features
    tags = before.tag(xseq)
    assert tags == ["O", "O", "U-CUE", "O", "O", "U-CUE"]
    before.close()
    scale_weights(path, 1e4)                  # weights the size of a long perceptron run
    big = open_crf(path)
    assert big.tag(xseq) == tags
    assert math.isnan(big.marginal("U-CUE", 2))           # crfsuite overflows: no confidence
    big.close()
    scale_weights(path, 1e-4 / 5)             # what train_crf does: 1 / the iterations
    scaled = open_crf(path)
    assert scaled.tag(xseq) == tags
    assert 0.5 < scaled.marginal("U-CUE", 2) <= 1.0
    assert all(math.isclose(w / 5, scaled.info().state_features[k], rel_tol=1e-3, abs_tol=1e-5)
               for k, w in weights.items())


def test_the_span_crf_trains_by_passive_aggressive_with_marginals_in_range(tmp_path):
    """1.6.0: passive-aggressive (type 2, c 1) instead of the averaged perceptron: its
    weights are multiplied by PA_SCALE (3) and its marginals are numbers."""
    import io
    import math

    from annotator.pretag.learned.crf import (PA_SCALE, Progress, crf_params, open_crf,
                                              scale_weights, train_crf)
    from annotator.pretag.learned.model import DEFAULT_PARAMS

    assert DEFAULT_PARAMS["algorithm"] == "pa"
    assert crf_params(DEFAULT_PARAMS)["type"] == 2 and crf_params(DEFAULT_PARAMS)["c"] == 1.0
    assert "type" not in crf_params({**DEFAULT_PARAMS, "algorithm": "ap"})
    rng = random.Random(4)
    sequences = []
    for _ in range(60):
        words = [rng.choice(("said", "told", "the", "a", "road", "plan")) for _ in range(8)]
        sequences.append(([[f"w={w}"] for w in words],
                          ["U-CUE" if w in ("said", "told") else "O" for w in words]))
    path = str(tmp_path / "pa.crfsuite")
    params = {**DEFAULT_PARAMS, "max_iterations": 5}
    train_crf(sequences, path, params, 0, Progress(5, "crf", io.StringIO()))
    crf = open_crf(path)
    xseq = [[f"w={w}"] for w in ("the", "road", "said", "a", "plan", "told")]
    assert crf.tag(xseq) == ["O", "O", "U-CUE", "O", "O", "U-CUE"]
    marginal = crf.marginal("U-CUE", 2)
    assert not math.isnan(marginal) and 0.5 < marginal <= 1.0
    unscaled = str(tmp_path / "unscaled.crfsuite")
    Path(unscaled).write_bytes(Path(path).read_bytes())
    scale_weights(unscaled, 1 / PA_SCALE)
    flat = open_crf(unscaled)
    assert flat.tag(xseq) == crf.tag(xseq) and flat.marginal("U-CUE", 2) < marginal
    train_crf(sequences, str(tmp_path / "again.crfsuite"), params, 0,
              Progress(5, "crf", io.StringIO()))
    assert (tmp_path / "again.crfsuite").read_bytes() == Path(path).read_bytes()


def test_scaling_refuses_a_file_that_is_not_a_crfsuite_model(tmp_path):
    import pytest

    from annotator.pretag.learned.crf import scale_weights

    path = tmp_path / "not.crfsuite"
    path.write_bytes(b"x" * 64)
    with pytest.raises(ValueError, match="not a crfsuite model"):
        scale_weights(str(path), 0.5)


def _spans(doc, ranges):
    return [Span(label, doc.tokens[i].start, doc.tokens[j - 1].end, i, j)
            for label, i, j in ranges]


def test_the_source_crf_sees_how_far_the_nearest_cue_lies_and_what_breaks_the_way():
    doc = Doc("The mayor of the town , back home , warned that the road is closed")
    #          0   1     2  3   4    5 6    7    8 9      10   11  12   13 14
    roles = roles_of(len(doc.tokens), [("CUE", 9, 10), ("CLAIM", 11, 15)])
    feats = features(doc, 0, len(doc.tokens), roles)
    assert "vr=7-12b" in feats[1] and "vrw=warned" in feats[1]   # commas between
    assert "vr=1" in feats[8] and "r1=V" in feats[8]
    assert "vl=2" in feats[11] and "r=C" in feats[11]
    assert not any(f.startswith("vl=") for f in feats[1])


def test_the_source_crf_learns_from_paragraphs_with_a_cue_and_only_their_sources():
    text = "Ana said the road is closed.\n\nThe hall was full."
    doc = Doc(text)
    spans = [{"label": "SOURCE", "start": 0, "end": 3}, {"label": "CUE", "start": 4, "end": 8},
             {"label": "CLAIM", "start": 9, "end": 27}]
    sequences = list(training_sequences(doc, spans))
    assert len(sequences) == 1                 # the paragraph without a cue is left out
    assert sequences[0][1] == ["U-SOURCE"] + ["O"] * 6


def _warned_source_crf(opener: str, count: int, marked: int, seed: int, algorithm: str,
                       params: dict):
    """A source CRF trained on `count` generated sentences "OPENER NAME warned that ...",
    whose NAME is a SOURCE in the first `marked` of them and unmarked in the rest."""
    import pycrfsuite
    rng = random.Random(seed)
    trainer = pycrfsuite.Trainer(algorithm=algorithm, verbose=False)
    at = len(opener) + 1
    for n in range(count):
        name = rng.choice(["Ana", "Tom", "Lea", "Bo"])
        text = f"{opener} {name} warned that the road is closed."
        spans = [{"label": "CUE", "start": at + 1 + len(name), "end": at + 7 + len(name)},
                 {"label": "CLAIM", "start": at + 13 + len(name), "end": len(text) - 1}]
        if n < marked:
            spans.append({"label": "SOURCE", "start": at, "end": at + len(name)})
        for x, y in training_sequences(Doc(text), spans):
            trainer.append(x, y)
    trainer.set_params(params)
    path = str(Path(tempfile.mkdtemp()) / "sources.crfsuite")
    trainer.train(path)
    crf = pycrfsuite.Tagger()
    crf.open(path)
    return crf


def test_extra_sources_stand_in_only_for_a_claim_left_without_one():
    crf = _warned_source_crf("Later", 30, 30, 0, "ap", {"max_iterations": 10})
    doc = Doc("Later Tom warned that the road is closed. Ana said the hall is full.")
    #          0     1   2      3    4   5    6  7     8 9   10   11  12   13 14 15
    spans = _spans(doc, [("CUE", 2, 3), ("CLAIM", 4, 8), ("SOURCE", 9, 10), ("CUE", 10, 11),
                         ("CLAIM", 11, 15)])
    extra = extra_sources(doc, crf, spans)
    assert [doc.text[s.start:s.end] for s in extra] == ["Tom"]   # not Ana: already a source
    claims, cues = [spans[1], spans[4]], [spans[0], spans[3]]
    # a link to the left of the claim is likely, the nearer the likelier; to the right, not
    right = {f"{lab}d=R{gap}": -9.0 for lab in ("SO", "CU") for gap in ("0", "1", "2", "3", "4-8")}
    near = LinearModel({**right, "SOd=L1": 1.0, "CUd=L0": 1.0, "CUd=L1": 1.0}, 1.0)
    asked = []

    def find_extra(paragraphs):
        asked.append(paragraphs)
        return extra

    decided = decide(Linker(doc, claims, [spans[2]], cues, set()), near, near, find_extra)
    assert asked == [{0}]                    # one lonely claim's paragraph, asked once
    by_claim = {doc.text[c[0][0].start:c[0][0].end]: c[1] for c in decided}
    assert by_claim["the road is closed"] is extra[0]
    assert by_claim["the hall is full"] is spans[2]
    assert keep_linked(extra, decided) == extra
    assert keep_linked(extra, decide(Linker(doc, claims, [spans[2]], cues, set()),
                                     near, near)) == []


def _doubtful_source_crf(share: float):
    """A source CRF (L-BFGS, so its marginals are calibrated) trained on generated sentences
    "Then NAME warned that ..." whose NAME is a SOURCE in `share` of them and unmarked in
    the rest: the annotators' doubt, which the best reading resolves to no source."""
    count = 40
    return _warned_source_crf("Then", count, sum(1 for n in range(count) if n < share * count),
                              1, "lbfgs", {"max_iterations": 50, "c2": 0.1})


def test_a_likely_source_the_best_reading_leaves_out_is_a_candidate_too():
    doc = Doc("Then Tom warned that the road is closed. The hall was full.")
    #          0    1   2      3    4   5    6  7     8 9   10   11  12  13
    spans = _spans(doc, [("CUE", 2, 3), ("CLAIM", 4, 8)])
    crf = _doubtful_source_crf(0.35)
    roles = roles_of(len(doc.tokens), [(s.label, s.i, s.j) for s in spans])
    crf.set(features(doc, 0, len(doc.tokens), roles))
    assert "U-SOURCE" not in crf.tag()                  # the best reading: no source
    likely = likely_sources(doc, 0, len(doc.tokens), crf, [], roles)
    assert [doc.text[s.start:s.end] for s in likely] == ["Tom"]
    assert LIKELY <= likely[0].confidence < 0.5
    assert [doc.text[s.start:s.end] for s in extra_sources(doc, crf, spans)] == ["Tom"]
    # a run found in the best reading is not given twice, nor a claim's or a cue's words
    best = _spans(doc, [("SOURCE", 1, 2)])
    assert likely_sources(doc, 0, len(doc.tokens), crf, best, roles) == []
    assert not any(s.i >= 2 and s.i < 8 for s in likely)


def test_a_source_the_annotators_seldom_mark_is_no_candidate():
    doc = Doc("Then Tom warned that the road is closed.")
    spans = _spans(doc, [("CUE", 2, 3), ("CLAIM", 4, 8)])
    assert extra_sources(doc, _doubtful_source_crf(0.0), spans) == []
