"""Pre-taggers: propose CLAIM, SOURCE and CUE spans and the attributions that link them.

    from annotator.pretag import get_tagger, pretag_text, result_to_record
    result = pretag_text(get_tagger(), text)       # checked, de-duplicated TagResult

Pure Python (no Django), so the Celery job, the management commands and the
unit tests share one code path. The built-in tagger is "rules-attribution"
(annotator/pretag/rules/); docs/pretagging.md describes it and its scores.
"""
from .base import (LABELS, SOURCE_TYPES, QUOTE_TYPES, TaggedAttribution, TaggedSpan, Tagger,
                   TagResult, available_taggers, get_tagger, register_tagger)
from .run import PretagOutputError, pretag_text, result_check, result_to_record

__all__ = [
    "LABELS", "QUOTE_TYPES", "SOURCE_TYPES", "PretagOutputError", "TagResult",
    "TaggedAttribution", "TaggedSpan", "Tagger", "available_taggers", "get_tagger",
    "pretag_text", "register_tagger", "result_check", "result_to_record",
]
