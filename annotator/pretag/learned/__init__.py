"""The learned attribution tagger: a CRF over tokens for the spans, classifiers for the links.

    train(TRAIN.jsonl, MODEL_DIR, dev_path=DEV.jsonl, seed=0)   # manage.py train_tagger
    LearnedAttributionTagger(MODEL_DIR).tag(text)                # manage.py pretag_jsonl

features.py: tokens, paragraphs and the CRF's features; links.py: the claim-source and
claim-cue classifiers and how attributions are formed; data.py: the training file, checked
line by line; model.py: training, the model directory and its manifest, loading, tagging.
"""
from .data import TrainingDataError
from .model import NAME, TAGGER_VERSION, LoadedModel, ModelError, train, train_records
from .tagger import LearnedAttributionTagger

__all__ = ["NAME", "TAGGER_VERSION", "LearnedAttributionTagger", "LoadedModel", "ModelError",
           "TrainingDataError", "train", "train_records"]
