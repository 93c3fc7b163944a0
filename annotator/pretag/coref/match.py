"""Chains to the project's source entities: the same name, an alias, or a surname that only
one person entity of the project has; otherwise a new entity is proposed (the chain's
longest name, its guessed type).

Entities come as plain dicts {"id", "name", "type", "aliases"}; names compare in any case,
without a leading "the" and without full stops ("Dr." = "Dr").
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .chains import Chain
from .names import normalise

_TYPES = {"person", "organisation", "anonymous", "document", "group", "other"}


@dataclass(frozen=True)
class EntityLink:
    """What the resolver proposes for one mention."""
    key: str                  # the mention's key
    chain: int                # its chain in the document
    entity: int | None        # an existing entity's id, or None: a new entity is proposed
    name: str                 # the entity's name (the existing one's, or the proposal's)
    type: str                 # an EntityType value
    how: str                  # exact | alias | surname | new (an ambiguous surname: no link)


class EntityIndex:
    """The project's entities, looked up by name, alias and (persons) surname."""

    def __init__(self, entities: list[dict]):
        self.by_id = {e["id"]: e for e in entities}
        self.types: dict[str, str] = {}     # normalised name or alias: the entity's type
        self.names, self.aliases = defaultdict(set), defaultdict(set)
        self.surnames = defaultdict(set)
        for entity in entities:
            for name in [entity["name"], *(entity.get("aliases") or [])]:
                self.types.setdefault(normalise(name), entity.get("type") or "other")
            self.names[normalise(entity["name"])].add(entity["id"])
            for alias in entity.get("aliases") or []:
                self.aliases[normalise(alias)].add(entity["id"])
            if entity.get("type") == "person":
                for name in [entity["name"], *(entity.get("aliases") or [])]:
                    words = normalise(name).split()
                    if words:
                        self.surnames[words[-1]].add(entity["id"])

    def find(self, chain: Chain) -> tuple[int | None, str]:
        """(entity id, how) for the chain, or (None, "new")."""
        names = [" ".join(n) for n in sorted(chain.names, key=len, reverse=True)]
        if chain.anonymous_words:
            names.append(chain.anonymous_words)
        for how, table in (("exact", self.names), ("alias", self.aliases)):
            for name in names:
                ids = table.get(normalise(name), set())
                if len(ids) == 1:
                    return next(iter(ids)), how
        if chain.type == "person" and chain.names:
            firsts = {normalise(" ".join(n)).split()[0] for n in chain.names if len(n) > 1}
            surname = normalise(" ".join(chain.names[0])).split()[-1]
            ids = {i for i in self.surnames.get(surname, set())
                   if not firsts or self._first_name_fits(i, firsts)}
            if len(ids) == 1:
                return next(iter(ids)), "surname"
            if len(ids) > 1 and not firsts:
                return None, "ambiguous"    # "Webb" with two Webbs: which one is not said
        return None, "new"

    def _first_name_fits(self, entity_id: int, firsts: set[str]) -> bool:
        """A full name in the text matches a person entity only if the first names agree
        (or the entity has none): "Jane Smith" is not the project's "John Smith"."""
        entity = self.by_id[entity_id]
        words = normalise(entity["name"]).split()
        return len(words) < 2 or words[0] in firsts


def links_for_chains(chains: list[Chain], index: EntityIndex) -> list[EntityLink]:
    """A link for every mention of every chain that has a name to give it; mentions of
    chains with no name (a pronoun with nothing before it) get none."""
    links = []
    for chain in chains:
        if not chain.name:
            continue
        entity_id, how = index.find(chain)
        if how == "ambiguous":
            continue
        if entity_id is not None:
            entity = index.by_id[entity_id]
            name, type = entity["name"], entity.get("type") or "other"
        else:
            name = chain.name
            type = chain.type if chain.type in _TYPES else "other"
        for mention in chain.mentions:
            links.append(EntityLink(mention.key, chain.id, entity_id, name, type, how))
    return links
