"""Scores of entity links against a gold set (tests/gold/coref/dev.jsonl).

The gold file's first line is {"project_entities": [{"name", "type", "aliases"}]}: the
entities the project has before pre-tagging. Every other line is a document,
{"id", "marked"}, whose SOURCE mentions are written in the text as [[mention|entity]]:
the entity's name, or "-" for a mention that stands for no entity one could name (an
ambiguous "they"). A mention whose entity is not among the project's is a new entity
of that name; anonymous sources are named by their words, lower case, without the
article ("a senior official" → "senior official"), as the resolver names them. Two
different people of one name in a document are told apart as "Keller" and "Keller (2)".

The sets: dev.jsonl (the rules were tuned on it), heldout.jsonl and heldout2.jsonl (each
written blind, scored, then tuned on), heldout3.jsonl (written after the last change and
never tuned on). docs/pretagging.md has the scores of each, first look and now.

The mentions are the gold ones (the resolver is scored apart from finding the spans).
Two measures:

- links: each mention with an entity is one mention→entity link. A predicted link is
  right when its entity's name is the gold one (in any case). Precision is right links
  over predicted links, recall right links over gold links; also by kind of mention
  (name, pronoun, description, anonymous) and for links to the project's existing
  entities alone.
- B-cubed over each document's mentions: the gold chains (mentions of one entity; a
  "-" mention alone) against the resolver's chains, averaged over all mentions.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..run import pretag_text
from . import entity_links, known_types
from .chains import chains_build
from .names import normalise

_MARK = re.compile(r"\[\[([^\]|]+)\|([^\]]+)\]\]")


@dataclass
class GoldMention:
    key: str
    start: int
    end: int
    entity: str | None      # the gold entity's name; None: no entity


def gold_parse(marked: str) -> tuple[str, list[GoldMention]]:
    """The plain text and its mentions from "[[mention|entity]]" mark-up."""
    parts, mentions, at, length = [], [], 0, 0
    for number, match in enumerate(_MARK.finditer(marked), start=1):
        parts.append(marked[at:match.start()])
        length += match.start() - at
        words, entity = match.group(1), match.group(2).strip()
        mentions.append(GoldMention(f"m{number}", length, length + len(words),
                                    None if entity == "-" else entity))
        parts.append(words)
        length += len(words)
        at = match.end()
    parts.append(marked[at:])
    return "".join(parts), mentions


def gold_load(path: str | Path) -> tuple[list[dict], list[dict]]:
    """(project entities with ids, documents as {"id", "text", "mentions"})."""
    lines = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()
             if line.strip()]
    entities = [{"id": number, **entity} for number, entity in
                enumerate(lines[0]["project_entities"], start=1)]
    documents = []
    for line in lines[1:]:
        text, mentions = gold_parse(line["marked"])
        documents.append({"id": line["id"], "text": text, "mentions": mentions})
    return entities, documents


@dataclass
class Counts:
    gold: int = 0
    predicted: int = 0
    right: int = 0

    @property
    def precision(self) -> float | None:
        return self.right / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.right / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return None if p is None or r is None or p + r == 0 else 2 * p * r / (p + r)


@dataclass
class CorefScores:
    links: Counts = field(default_factory=Counts)
    by_kind: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    existing: Counts = field(default_factory=Counts)
    b3_precision: float = 0.0
    b3_recall: float = 0.0
    mentions: int = 0
    documents: int = 0
    errors: list[str] = field(default_factory=list)   # "doc: mention → predicted (gold)"


def score(entities: list[dict], documents: list[dict]) -> CorefScores:
    scores = CorefScores(documents=len(documents))
    existing_names = {normalise(e["name"]) for e in entities}
    b3_p = b3_r = 0.0
    for document in documents:
        text, mentions = document["text"], document["mentions"]
        spans = [(m.key, m.start, m.end) for m in mentions]
        links = {link.key: link for link in entity_links(text, spans, entities)}
        chains = chains_build(text, spans, known_types(entities))
        kind_of = {m.key: m.kind for c in chains for m in c.mentions}
        chain_of = {m.key: c.id for c in chains for m in c.mentions}
        for mention in mentions:
            link = links.get(mention.key)
            predicted = normalise(link.name) if link else None
            gold = normalise(mention.entity) if mention.entity else None
            right = predicted is not None and predicted == gold
            for counts in (scores.links, scores.by_kind[kind_of[mention.key]]):
                counts.gold += gold is not None
                counts.predicted += predicted is not None
                counts.right += right
            scores.existing.gold += gold in existing_names
            scores.existing.predicted += link is not None and link.entity is not None
            scores.existing.right += right and link.entity is not None
            if predicted != gold:
                scores.errors.append(f"{document['id']}: {text[mention.start:mention.end]!r} "
                                     f"→ {link.name if link else None!r} "
                                     f"(gold {mention.entity!r})")
        gold_cluster = {m.key: (m.entity.casefold() if m.entity else f"-{m.key}")
                        for m in mentions}
        for mention in mentions:
            mine = {k for k in chain_of if chain_of[k] == chain_of[mention.key]}
            theirs = {k for k in gold_cluster if gold_cluster[k] == gold_cluster[mention.key]}
            both = len(mine & theirs)
            b3_p += both / len(mine)
            b3_r += both / len(theirs)
        scores.mentions += len(mentions)
    if scores.mentions:
        scores.b3_precision, scores.b3_recall = b3_p / scores.mentions, b3_r / scores.mentions
    return scores


def scores_table(scores: CorefScores) -> str:
    def row(name, counts):
        cells = [counts.precision, counts.recall, counts.f1]
        shown = ["-" if v is None else f"{v:.3f}" for v in cells]
        return f"| {name} | {counts.gold} | {counts.predicted} | {counts.right} | " + \
            " | ".join(shown) + " |"
    b3_f = (2 * scores.b3_precision * scores.b3_recall / (scores.b3_precision +
                                                          scores.b3_recall)
            if scores.b3_precision + scores.b3_recall else 0.0)
    lines = [f"{scores.documents} documents, {scores.mentions} mentions",
             "", "| links | gold | predicted | right | precision | recall | F1 |",
             "| --- | --- | --- | --- | --- | --- | --- |", row("all", scores.links),
             row("to existing entities", scores.existing)]
    lines += [row(f"mention: {kind}", scores.by_kind[kind]) for kind in sorted(scores.by_kind)]
    lines += ["", f"B-cubed chains: precision {scores.b3_precision:.3f}, recall "
                  f"{scores.b3_recall:.3f}, F1 {b3_f:.3f}"]
    return "\n".join(lines)


def score_with_tagger(entities: list[dict], documents: list[dict], tagger) -> Counts:
    """Links end to end: the resolver on the SOURCE spans a tagger finds (not the gold
    mentions). A predicted link is right when its span is exactly a gold mention's and its
    entity the gold one; precision over the tagger's linked spans, recall over gold links."""
    counts = Counts()
    for document in documents:
        text = document["text"]
        gold = {(m.start, m.end): normalise(m.entity) for m in document["mentions"] if m.entity}
        spans = [(s.key, s.start, s.end) for s in pretag_text(tagger, text).spans
                 if s.label == "SOURCE"]
        where = {key: (start, end) for key, start, end in spans}
        links = entity_links(text, spans, entities)
        counts.gold += len(gold)
        counts.predicted += len(links)
        counts.right += sum(gold.get(where[link.key]) == normalise(link.name) for link in links)
    return counts
