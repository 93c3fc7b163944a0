"""The pre-tagger interface: what a tagger returns, and how taggers are found by name.

Pure Python, no Django: the Celery job, the `pretag_jsonl` command and the
tests all use these types. Offsets are Unicode code points, half-open, exactly
Python's `text[start:end]`.
"""
from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Callable

LABELS = ("CLAIM", "SOURCE", "CUE")

# The project's attribute choices (annotator/services/projects.py DEFAULT_ATTRIBUTES).
QUOTE_TYPES = ("direct", "indirect")
SOURCE_TYPES = ("named person", "organisation", "anonymous", "document", "other")


@dataclass(frozen=True)
class TaggedSpan:
    key: str                    # the tagger's own id for the span, used by attributions
    label: str                  # one of LABELS
    start: int
    end: int
    confidence: float | None = None


@dataclass
class TaggedAttribution:
    claims: list[str]           # span keys of the claim fragments, in text order
    source: str | None = None   # span key, or None: an unattributed claim is data too
    cue: str | None = None
    confidence: float | None = None
    attributes: dict = field(default_factory=dict)   # e.g. quote_type, source_type
    # Second-hand claims (X said that Y claimed Z): the index in TagResult.attributions of
    # the attribution whose claim holds all of this one's spans (annotator/nesting.py).
    parent: int | None = None


@dataclass
class TagResult:
    spans: list[TaggedSpan] = field(default_factory=list)
    attributions: list[TaggedAttribution] = field(default_factory=list)


class Tagger(ABC):
    """A pre-tagger. Bump `version` whenever its output for some text changes:
    suggestions are stored per tagger name and version."""

    name: str
    version: str

    @abstractmethod
    def tag(self, text: str) -> TagResult:
        """Propose spans and attributions for one document's text."""


# Taggers by name. A value is a factory, or "module:Class" imported on first use,
# so that importing this module never loads a tagger (or its dependencies).
_REGISTRY: dict[str, Callable[[], Tagger] | str] = {
    "rules-attribution": "annotator.pretag.rules:RulesAttributionTagger",
    "learned-attribution": "annotator.pretag.learned:LearnedAttributionTagger",
}
DEFAULT_TAGGER = "rules-attribution"
_instances: dict[tuple[str, str | None], Tagger] = {}


def register_tagger(name: str, factory: Callable[[], Tagger] | str) -> None:
    """Make a tagger available under `name` (a factory or a "module:Class" path)."""
    _REGISTRY[name] = factory
    for key in [key for key in _instances if key[0] == name]:
        del _instances[key]


def available_taggers() -> list[str]:
    return sorted(_REGISTRY)


def get_tagger(name: str | None = None, model: str | None = None) -> Tagger:
    """The tagger registered as `name` (the built-in one by default); KeyError if unknown.

    `model` is a model directory for a tagger that learns (learned-attribution); its
    loading errors (annotator.pretag.learned.ModelError, a ValueError) say what is wrong.
    Taggers are stateless, so one instance per process (and model) is shared.
    """
    name = name or DEFAULT_TAGGER
    if name not in _REGISTRY:
        raise KeyError(f"unknown tagger {name!r}; available: {', '.join(available_taggers())}")
    key = (name, None if model is None else str(model))
    if key not in _instances:
        factory = _REGISTRY[name]
        if isinstance(factory, str):
            module, _, attr = factory.partition(":")
            factory = getattr(importlib.import_module(module), attr)
        if model is None:
            _instances[key] = factory()
        elif getattr(factory, "takes_model", False):
            _instances[key] = factory(model)
        else:
            raise ValueError(f"the tagger {name!r} takes no model.")
    return _instances[key]
