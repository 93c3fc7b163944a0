"""What one SOURCE mention is: a name, a pronoun, a description or an anonymous source.

`mention_read(key, start, end, text)` reads the mention's own words (and the few words
around it, for an apposition such as "Ana Ruiz, the health minister,"): no model, no
part-of-speech tagger. Names are runs of capitalised words; titles before them ("Mr",
"Foreign Minister", "Secretary of State") are kept apart, as they give a gender and a
role but are not the name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..lexicon import NP_PREPOSITIONS, PLACES_AS_ACTORS, fold
from .words import (ANONYMOUS, COLLECTIVES, DEFINITE, DOCUMENTS, FEMALE_NAMES, FEMALE_TITLES, GROUP_WORDS,
                    INDEFINITE, MALE_NAMES, MALE_TITLES, NAME_CONNECTORS, ORGANISATION_HEADS,
                    ORGANISATION_NAME_ENDS, PRONOUNS, ROLE_WORDS)

_TOKEN = re.compile(r"[^\W\d_][\w'\u2019.\-]*|\d[\d,.]*")
_CONTEXT = 60  # characters read after a name for an apposition (", the minister,")


@dataclass
class Mention:
    key: str
    start: int
    end: int
    text: str
    kind: str = "other"        # name | pronoun | description | anonymous | other
    name: tuple[str, ...] = ()  # the name's words, titles left out
    type: str = "other"        # an EntityType value: person, organisation, anonymous, ...
    gender: str = ""           # "m", "f" or "" (unknown)
    plural: bool = False
    head: str = ""             # the head word, lower case ("minister", "company")
    roles: set[str] = field(default_factory=set)   # role words said of it


_COMMON = ANONYMOUS | DOCUMENTS | GROUP_WORDS | DEFINITE | INDEFINITE


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\"'\u201c\u2018(")
    return not before or before[-1] in ".!?\n\u201d:;"


def _named_elsewhere(text: str, word: str) -> bool:
    """Whether `word` is capitalised somewhere inside a sentence: a name ("Hughes"), not a
    plural that only the sentence's start capitalised ("Fans said ...")."""
    return any(not _sentence_start(text, m.start())
               for m in re.finditer(rf"\b{re.escape(word)}\b", text))


def _words(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _low(word: str) -> str:
    return fold(word).rstrip(".").removesuffix("'s")


def _is_cap(word: str) -> bool:
    return word[:1].isupper()


def _plural(word: str) -> bool:
    return word in COLLECTIVES or (word.endswith("s") and not word.endswith("ss")
                                   and word not in {"news", "us"})


def mention_read(key: str, start: int, end: int, text: str) -> Mention:
    """Read the mention text[start:end] (its context too: an apposition after a name)."""
    mention = Mention(key, start, end, text[start:end])
    words = _words(mention.text)
    if not words:
        return mention
    lows = [_low(w) for w in words]
    if _is_cap(words[0]) and _sentence_start(text, start) and (lows[0] in _COMMON or (
            len(words) == 1 and _plural(lows[0]) and lows[0] not in ORGANISATION_HEADS
            and lows[0] not in PLACES_AS_ACTORS and not _named_elsewhere(text, words[0]))):
        words[0] = words[0].lower()     # "Officials said ...": capitalised as the first word
    if len(words) == 1 and lows[0] in PRONOUNS:
        gender, plural, _ = PRONOUNS[lows[0]]
        mention.kind, mention.gender, mention.plural, mention.head = "pronoun", gender, plural, \
            lows[0]
        mention.type = "person" if gender else ""
        return mention
    definite, indefinite = lows[0] in DEFINITE, lows[0] in INDEFINITE
    if definite or indefinite:
        words, lows = words[1:], lows[1:]
    if not words:
        return mention
    # The head is the last word before a post-modifier ("people familiar with the talks").
    cut = len(words)
    for index, low in enumerate(lows):
        if index and (low in NP_PREPOSITIONS or low in {"who", "which", "that"}) and \
                not (_is_cap(words[index - 1]) and index + 1 < len(words)
                     and _is_cap(words[index + 1]) and low in NAME_CONNECTORS):
            cut = index
            break
    head_index = cut - 1
    while head_index > 0 and lows[head_index] in {"familiar", "close", "closer", "loyal"}:
        head_index -= 1
    head, head_word = lows[head_index], words[head_index]
    mention.head, mention.plural = head, _plural(head)
    if _is_cap(head_word) and not head_word.isupper() or head_word.isupper() and \
            len(head_word) > 1 and head not in ANONYMOUS:
        _read_name(mention, words[:cut], lows[:cut], text)
        if mention.kind == "name":
            return mention
    if head in DOCUMENTS:
        mention.kind, mention.type = "other", "document"
    elif head in ANONYMOUS and not definite:
        mention.kind, mention.type = "anonymous", "anonymous"
    elif head in ORGANISATION_HEADS:
        mention.kind, mention.type = ("description" if definite else "other"), "organisation"
        if not definite and mention.plural:
            mention.kind = "anonymous"   # "shipping companies": organisations left unnamed
    elif head in GROUP_WORDS:
        mention.kind, mention.type = ("description" if definite else "anonymous"), "group"
    elif head in ROLE_WORDS or head in ANONYMOUS:
        mention.kind, mention.type = ("description" if definite else "anonymous"), "person"
        if not definite:
            mention.type = "anonymous"
    elif not definite and not _is_cap(head_word) and (mention.plural or indefinite):
        # "train drivers", "a banker involved in the deal": a source, left unnamed.
        mention.kind, mention.type = "anonymous", "anonymous"
    mention.gender = _gender_of_words(lows)
    mention.roles = {low for low in lows if low in ROLE_WORDS}
    return mention


def _read_name(mention: Mention, words: list[str], lows: list[str], text: str) -> None:
    """A name: the last run of capitalised words (joined by "of", "de", ...), titles apart."""
    end = len(words)
    while end and not _is_cap(words[end - 1]):
        end -= 1
    begin = end
    while begin > 0 and (_is_cap(words[begin - 1]) or (
            lows[begin - 1] in NAME_CONNECTORS and begin > 1 and _is_cap(words[begin - 2]))):
        begin -= 1
    run, run_low = words[begin:end], lows[begin:end]
    if not run:
        return
    # The last title or organisation word of the run: a person's name follows it directly,
    # an organisation's name ends in it or goes on with "of" ("Ministry of Health").
    marker = max((i for i, low in enumerate(run_low)
                  if low in ROLE_WORDS or low in ORGANISATION_NAME_ENDS), default=None)
    titles: list[str] = [low for low in lows[:begin] if low in ROLE_WORDS]
    if marker is None:
        name = run
        kind = "organisation" if (len(run) == 1 and (run[0].isupper() or run_low[0] in
                                                     PLACES_AS_ACTORS)) else "person"
    elif marker == len(run) - 1 or run_low[marker + 1] in NAME_CONNECTORS:
        if len(run) == 1 and run_low[0] in ROLE_WORDS and run_low[0] not in \
                ORGANISATION_NAME_ENDS:
            return  # "the President": a description
        name, kind = run, "organisation"
    else:
        name, kind = run[marker + 1:], "person"
        titles += [low for low in run_low[:marker + 1] if low in ROLE_WORDS]
    mention.kind, mention.name, mention.type = "name", tuple(w.rstrip(".") for w in name), kind
    mention.plural = False
    if kind == "person":
        mention.roles = set(titles) | _apposition(text, mention.end)
        mention.gender = _gender_of_words(titles) or _gender_of_first_name(mention.name)
    else:
        mention.roles = set()


def _apposition(text: str, end: int) -> set[str]:
    """Role words of an apposition right after a name: "Ana Ruiz, the health minister,"."""
    after = text[end:end + _CONTEXT]
    if not after.startswith(","):
        return set()
    clause = after[1:].split(",", 1)[0]
    return {_low(w) for w in _words(clause) if _low(w) in ROLE_WORDS}


def _gender_of_words(lows) -> str:
    male = any(low in MALE_TITLES for low in lows)
    female = any(low in FEMALE_TITLES for low in lows)
    return "m" if male and not female else "f" if female and not male else ""


def _gender_of_first_name(name: tuple[str, ...]) -> str:
    if len(name) < 2:
        return ""
    first = _low(name[0])
    return "m" if first in MALE_NAMES else "f" if first in FEMALE_NAMES else ""
