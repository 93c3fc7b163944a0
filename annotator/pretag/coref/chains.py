"""Mentions into chains, in text order: who in the document each SOURCE mention is.

- A name joins the nearest earlier chain with the same name, or with its surname
  ("Mr. Blinken", "Blinken" after "Antony Blinken"), or whose name it is the acronym of
  ("WHO" after "World Health Organization"), unless their genders differ ("Mr. Lee" and
  "Ms. Lee" are two people). Otherwise it starts a chain.
- A pronoun joins the nearest earlier chain it can stand for: he/him a person who is
  not known to be a woman, she/her one not known to be a man, it an organisation,
  they/them a plural source (officials, the companies) or an organisation. A person's
  gender, once a pronoun gives it, stays with the chain.
- A description ("the minister", "the spokesman", "the company") joins the nearest
  earlier chain of its kind that has that role (a title, an apposition, an earlier
  description) or, for an organisation, whose name has the word ("the ministry" →
  "Ministry of Health"); failing that, the only person of the document so far ("the
  minister"), or its only organisation for a word as general as "the company". "the official" with nobody to stand for is anonymous.
- An anonymous source ("officials", "a source familiar with the talks") joins an earlier
  anonymous chain of the same words, else starts one; its type is anonymous.
Nothing is resolved across sentences' meaning (who is the subject, who speaks in a
quote): "nearest" is by position only.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .mentions import Mention, _low, mention_read
from .names import normalise
from .words import ANONYMOUS, GENERIC_ORGANISATIONS

_PERSONLIKE = {"person"}
_ORGLIKE = {"organisation", "group"}


@dataclass
class Chain:
    id: int
    mentions: list[Mention] = field(default_factory=list)
    type: str = "other"
    gender: str = ""
    plural: bool = False
    roles: set[str] = field(default_factory=set)
    names: list[tuple[str, ...]] = field(default_factory=list)   # each distinct name, in order
    anonymous_words: str = ""

    @property
    def last_end(self) -> int:
        return self.mentions[-1].end

    @property
    def name(self) -> str:
        """The longest named mention's name ("" if none): the entity's proposed name."""
        if self.names:
            best = max(self.names, key=lambda n: (len(n), len(" ".join(n))))
            return " ".join(best)
        return self.anonymous_words

    def add(self, mention: Mention) -> None:
        self.mentions.append(mention)
        if mention.kind == "name":
            low = tuple(_low(w) for w in mention.name)
            if low not in {tuple(_low(w) for w in n) for n in self.names}:
                self.names.append(mention.name)
            if self.type in ("other", ""):
                self.type = mention.type
        if mention.kind in ("anonymous", "description", "other") and self.type in ("other", ""):
            self.type = mention.type or self.type
        if mention.gender and not self.gender:
            self.gender = mention.gender
        self.roles |= mention.roles
        if mention.kind in ("description", "anonymous") and mention.head:
            self.roles.add(mention.head)


def anonymous_words(mention: Mention) -> str:
    """An anonymous source's words, as its proposed entity's name: lower case, without
    its article ("a senior official" → "senior official")."""
    words = mention.text.split()
    if words and _low(words[0]) in {"a", "an", "the", "some"}:
        words = words[1:]
    return " ".join(words).lower().rstrip(".,;:")


def chains_build(text: str, spans: list[tuple[str, int, int]],
                 known_types: dict[str, str] | None = None) -> list[Chain]:
    """The chains of these SOURCE spans ((key, start, end)); every span is in one chain.

    `known_types` ({normalised name: type}, the project's entities and their aliases) types
    a name the project knows: "Northgate Water" is an organisation, not a person."""
    chains: list[Chain] = []
    known_types = known_types or {}
    for key, start, end in sorted(spans, key=lambda s: (s[1], s[2])):
        mention = mention_read(key, start, end, text)
        if mention.kind == "name":
            known = known_types.get(normalise(" ".join(mention.name)))
            if known in ("person", "organisation", "group"):
                mention.type = known
        elif mention.kind == "description" and normalise(mention.text) in known_types:
            # "the council", an alias of the project's Redfern Council: a name here.
            mention.kind, mention.type = "name", known_types[normalise(mention.text)]
            mention.name = tuple(mention.text.split()[1:]) or (mention.text,)
        chain = _place(mention, [c for c in chains if c.last_end <= mention.start])
        if chain is None:
            chain = Chain(id=len(chains) + 1, type=mention.type or "other",
                          plural=mention.plural)
            if mention.kind == "description" and mention.type == "person" and \
                    mention.head in ANONYMOUS:
                mention.type = chain.type = "anonymous"   # "the official", nobody before
            if chain.type == "anonymous" or mention.kind == "anonymous":
                chain.anonymous_words = anonymous_words(mention)
            chains.append(chain)
        chain.add(mention)
    return chains


def _nearest(candidates: list[Chain]) -> Chain | None:
    return max(candidates, key=lambda c: c.last_end, default=None)


def _gender_fits(chain: Chain, gender: str) -> bool:
    return not gender or not chain.gender or chain.gender == gender


def _place(mention: Mention, before: list[Chain]) -> Chain | None:
    if mention.kind == "name":
        return _nearest([c for c in before if _name_fits(c, mention)])
    if mention.kind == "pronoun":
        return _nearest([c for c in before if _pronoun_fits(c, mention)])
    if mention.kind == "description":
        return _description(mention, before)
    if mention.kind == "anonymous":
        words = anonymous_words(mention)
        return _nearest([c for c in before if c.anonymous_words == words])
    return None


def _initials(name: tuple[str, ...]) -> str:
    return "".join(w[0] for w in name if w[:1].isupper())


def _name_fits(chain: Chain, mention: Mention) -> bool:
    if not chain.names or not _gender_fits(chain, mention.gender):
        return False
    # Types differ: only a lone word may still join ("Kessler" after "Kessler Foods"), as
    # a capitalised word alone is a person only by default.
    if len(mention.name) > 1 and (mention.type in _PERSONLIKE and chain.type in _ORGLIKE or
                                  mention.type in _ORGLIKE and chain.type in _PERSONLIKE):
        return False
    mine = tuple(_low(w) for w in mention.name)
    for name in chain.names:
        theirs = tuple(_low(w) for w in name)
        if mine == theirs:
            return True
        if chain.type == "person" and mention.type in ("person", "organisation"):
            # A surname alone, or a full name after the surname alone; first names agree.
            if len(mine) == 1 and mine[-1] == theirs[-1]:
                return True
            if len(theirs) == 1 and mine[-1] == theirs[-1] and mention.type == "person":
                return True
        if chain.type in _ORGLIKE and mention.type != "person" or \
                chain.type in _ORGLIKE and len(mine) == 1:
            if len(mine) == 1 and mention.name[0].isupper() and len(mine[0]) > 1 and \
                    mention.name[0] == _initials(name):
                return True         # "WHO" after "World Health Organization"
            if len(mine) == 1 and mine[0] == theirs[0] and len(theirs) > 1:
                return True         # "Acme" after "Acme Corp"
    return False


def _pronoun_fits(chain: Chain, mention: Mention) -> bool:
    if mention.head in ("he", "him", "she", "her"):
        return chain.type == "person" and not chain.plural and _gender_fits(chain,
                                                                               mention.gender)
    if mention.head == "it":
        return chain.type == "organisation" and not chain.plural
    return chain.plural or chain.type in _ORGLIKE    # they, them


def _description(mention: Mention, before: list[Chain]) -> Chain | None:
    head = mention.head
    kind = mention.type
    if kind == "organisation" or kind == "group":
        fits = [c for c in before if c.type in _ORGLIKE and c.plural == mention.plural]
        named = [c for c in fits if head in c.roles or any(
            head in {_low(w) for w in n} for n in c.names)]
        if named:
            return _nearest(named)
        organisations = [c for c in fits if c.names]
        if head in GENERIC_ORGANISATIONS and len(organisations) == 1:
            return organisations[0]     # "the company": the only one named so far
        return None
    fits = [c for c in before if c.type == "person" and not c.plural and
            _gender_fits(c, mention.gender)]
    if head in ANONYMOUS:   # "the official" after "a senior official"
        fits += [c for c in before if c.type == "anonymous" and not c.plural]
    with_role = [c for c in fits if head in c.roles]
    if with_role:
        return _nearest(with_role)
    named = [c for c in fits if c.names]
    if len(named) == 1 and head not in ("official", "source", "person"):
        return named[0]
    return None
