"""`learned-attribution` behind the common Tagger interface."""
from __future__ import annotations

from ..base import Tagger, TagResult
from .model import NAME, TAGGER_VERSION, LoadedModel, ModelError


class LearnedAttributionTagger(Tagger):
    """Learned from annotated documents: a CRF for spans, classifiers for attributions.

    Without a model directory it can be listed (and its version read) but not run:
    `tag` raises ModelError. With one, `version` is the tagger's version plus the
    model's id, so suggestions say which model made them.
    """
    name = NAME
    takes_model = True          # annotator.pretag.get_tagger(name, model=MODEL_DIR)

    def __init__(self, model_dir=None):
        self.model_dir = model_dir
        self.model = LoadedModel(model_dir) if model_dir is not None else None
        self.version = TAGGER_VERSION if self.model is None \
            else f"{TAGGER_VERSION}+{self.model.model_id}"

    def tag(self, text: str) -> TagResult:
        if self.model is None:
            raise ModelError(f"{NAME} needs a model: train one with `manage.py train_tagger "
                             f"TRAIN.jsonl MODEL_DIR` and pass its directory (--model).")
        return self.model.tag(text)
