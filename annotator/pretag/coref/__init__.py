"""Entity suggestions (issue #16): which source entity each SOURCE mention of a document is.

    from annotator.pretag.coref import entity_links
    links = entity_links(text, [(key, start, end), ...], entities)   # [EntityLink]

Pure Python, no Django, no model: `chains.py` groups a document's mentions into chains
(names, pronouns, descriptions, anonymous sources; its docstring says how), `match.py`
gives each chain an entity of the project or proposes a new one, `evaluate.py` scores
links against a gold set (tests/gold/coref/dev.jsonl). docs/pretagging.md has what it does
and does not do, and its scores.
"""
from __future__ import annotations

from .chains import Chain, chains_build
from .match import EntityIndex, EntityLink, links_for_chains
from .mentions import Mention, mention_read
from .names import normalise

# Bump VERSION whenever the links proposed for some text change: stored suggestions say
# which resolver made them (Span.suggested_entity_by).
NAME = "coref-rules"
VERSION = "1.0"


def entity_links(text: str, spans: list[tuple[str, int, int]],
                 entities: list[dict] | EntityIndex | None = None) -> list[EntityLink]:
    """Links for the SOURCE spans ((key, start, end)) of one document's text, given the
    project's entities ({"id", "name", "type", "aliases"}), or their EntityIndex (made once
    for many documents: a project's thousands of entities are indexed once, not per text)."""
    index = entities if isinstance(entities, EntityIndex) else EntityIndex(entities or [])
    return links_for_chains(chains_build(text, spans, index.types), index)


def known_types(entities: list[dict]) -> dict[str, str]:
    """{normalised name or alias: type} of the project's entities."""
    return EntityIndex(entities).types


def resolver_label() -> str:
    return f"{NAME} {VERSION}"


__all__ = ["Chain", "EntityIndex", "EntityLink", "Mention", "NAME", "VERSION", "chains_build",
           "entity_links", "known_types", "links_for_chains", "mention_read", "normalise",
           "resolver_label"]
