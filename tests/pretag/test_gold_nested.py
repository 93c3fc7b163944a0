"""Second-hand claims on our own texts (tests/gold/nested.jsonl): the rules tagger's parent
links against the gold ones.

A link is (the child's claim, its parent's claim), each as the offsets of its fragments:
the tagger must find the attribution and its place inside the other's claim. The floors
sit at the scores when they were set (recall misses one construction: "argued that the
witness had confessed that ...", a claim the inner reading does not split)."""
from __future__ import annotations

import json
from pathlib import Path

from annotator.pretag import get_tagger, pretag_text, result_to_record

GOLD = Path(__file__).resolve().parents[1] / "gold" / "nested.jsonl"


def links(record: dict) -> set[tuple]:
    """(child claim offsets, parent claim offsets) of every relation with a parent."""
    spans = {span["id"]: (span["start"], span["end"]) for span in record["spans"]}
    claims: dict[int, list] = {}
    parents: dict[int, int] = {}
    for relation in record["relations"]:
        claims.setdefault(relation["attribution"], []).append(spans[relation["claim"]])
        if relation.get("parent"):
            parents[relation["attribution"]] = relation["parent"]
    return {(tuple(claims[child]), tuple(claims[parent])) for child, parent in parents.items()}


def test_gold_parents_point_at_attributions_whose_claim_holds_the_child():
    for record in map(json.loads, GOLD.read_text(encoding="utf-8").splitlines()):
        found = links(record)
        assert found, record["id"]
        for child, parent in found:
            assert all(any(ps <= s and e <= pe for ps, pe in parent) for s, e in child)


def test_rules_tagger_sets_parent_of_second_hand_attributions_in_the_gold_texts():
    tagger = get_tagger("rules-attribution")
    gold_links = found_links = hits = 0
    for record in map(json.loads, GOLD.read_text(encoding="utf-8").splitlines()):
        tagged = result_to_record(record["id"], record["text"],
                                  pretag_text(tagger, record["text"]))
        gold, found = links(record), links(tagged)
        gold_links, found_links, hits = (gold_links + len(gold), found_links + len(found),
                                         hits + len(gold & found))
    assert gold_links == 10
    precision, recall = hits / found_links, hits / gold_links
    assert precision == 1.0, (hits, found_links)
    assert recall >= 0.9, (hits, gold_links)
