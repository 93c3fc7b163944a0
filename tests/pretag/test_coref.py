"""The entity resolver (annotator/pretag/coref/): chains of mentions, matching to the
project's entities, and its scores on the gold sets (tests/gold/coref/)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.pretag.coref import chains_build, entity_links, mention_read
from annotator.pretag import get_tagger
from annotator.pretag.coref.evaluate import gold_load, gold_parse, score, score_with_tagger

GOLD = Path(__file__).resolve().parents[1] / "gold"


def links_of(marked: str, entities=None) -> dict[str, tuple]:
    """{mention text: (entity id, name, type, how)} for "[[mention|_]]" mark-up."""
    text, mentions = gold_parse(marked)
    links = {link.key: link for link in entity_links(
        text, [(m.key, m.start, m.end) for m in mentions], entities)}
    return {text[m.start:m.end]: ((links[m.key].entity, links[m.key].name, links[m.key].type,
                                   links[m.key].how) if m.key in links else None)
            for m in mentions}


def test_pronouns_and_surnames_join_the_named_mention_when_gender_fits():
    got = links_of("[[Foreign Minister Ana Ruiz|_]] spoke. [[Mr. Tom Hale|_]] replied. "
                   "[[She|_]] said no. [[Ruiz|_]] left and [[he|_]] stayed.")
    assert got["She"][1] == got["Ruiz"][1] == "Ana Ruiz"    # she skips Mr. Hale
    assert got["he"][1] == "Tom Hale"
    assert got["Foreign Minister Ana Ruiz"][2] == "person"


def test_different_titles_keep_namesakes_apart_when_genders_differ():
    text, mentions = gold_parse("[[Ms. Keller|_]] said yes. [[Mr. Keller|_]] said no.")
    chains = chains_build(text, [(m.key, m.start, m.end) for m in mentions])
    assert len(chains) == 2


def test_descriptions_join_the_named_mention_with_that_role_when_one_is_given():
    got = links_of("[[Dorian Vale|_]], the chief executive, spoke. [[Ivo Lenz|_]] agreed. "
                   "[[The chief executive|_]] said more.")
    assert got["The chief executive"][1] == "Dorian Vale"


def test_organisation_names_acronyms_and_it_form_one_chain_when_the_words_fit():
    got = links_of("[[The World Health Organization|_]] said so. [[WHO|_]] added more. "
                   "[[It|_]] said later. [[The Ministry of Health|_]] said [[it|_]] agreed. "
                   "[[The ministry|_]] said more.")
    assert got["WHO"][1] == got["It"][1] == "World Health Organization"
    assert got["WHO"][2] == "organisation"
    assert got["it"][1] == got["The ministry"][1] == "Ministry of Health"


def test_anonymous_sources_are_typed_anonymous_and_they_joins_a_plural_when_one_is_near():
    got = links_of("[[Officials|_]] said the border was shut. [[A source familiar with the "
                   "talks|_]] disagreed. [[Diplomats|_]] said [[they|_]] hoped.")
    assert got["Officials"][1:3] == ("officials", "anonymous")
    assert got["A source familiar with the talks"][1:3] == ("source familiar with the talks",
                                                             "anonymous")
    assert got["they"][1] == "diplomats"


def test_a_pronoun_with_nothing_before_it_gets_no_link():
    assert links_of("[[He|_]] said the deal was off.")["He"] is None


def test_names_match_project_entities_by_name_alias_or_a_unique_surname():
    entities = [{"id": 1, "name": "Helena Marsh", "type": "person", "aliases": ["Lena Marsh"]},
                {"id": 2, "name": "Northgate Water", "type": "organisation", "aliases": ["NGW"]},
                {"id": 3, "name": "Tomas Brandt", "type": "person", "aliases": []}]
    got = links_of("[[Lena Marsh|_]] spoke. [[NGW|_]] said [[it|_]] agreed. [[The company|_]] "
                   "added more. [[Mr. Brandt|_]] said [[he|_]] would go.", entities)
    assert got["Lena Marsh"] == (1, "Helena Marsh", "person", "alias")
    assert got["NGW"] == got["it"] == got["The company"] == (2, "Northgate Water",
                                                              "organisation", "alias")
    assert got["Mr. Brandt"] == got["he"] == (3, "Tomas Brandt", "person", "surname")


def test_another_first_name_with_a_known_surname_proposes_a_new_entity():
    entities = [{"id": 3, "name": "John Smith", "type": "person", "aliases": []}]
    got = links_of("[[Jane Smith|_]] said no. [[Smith|_]] said more.", entities)
    assert got["Jane Smith"] == got["Smith"] == (None, "Jane Smith", "person", "new")


def test_a_surname_two_entities_share_gets_no_link_but_a_full_name_does():
    entities = [{"id": 1, "name": "Marcus Webb", "type": "person", "aliases": []},
                {"id": 2, "name": "Nils Webb", "type": "person", "aliases": []}]
    got = links_of("[[Webb|_]] said yes. [[Mr. Webb|_]] said no.", entities)
    assert got["Webb"] is None and got["Mr. Webb"] is None
    assert links_of("[[Nils Webb|_]] said so.", entities)["Nils Webb"][:1] == (2,)


def test_a_description_that_is_an_alias_of_a_project_entity_links_to_it():
    entities = [{"id": 4, "name": "Redfern Council", "type": "organisation",
                 "aliases": ["the council"]}]
    assert links_of("[[The council|_]] said it would review the licence.",
                    entities)["The council"] == (4, "Redfern Council", "organisation", "alias")


def test_collective_nouns_are_plural_and_unnamed_sources_anonymous():
    got = links_of("[[Redfern Council|_]] agreed. [[Library staff|_]] said [[they|_]] were "
                   "glad. [[A banker involved in the deal|_]] said more. [[Shipping "
                   "companies|_]] objected.")
    assert got["they"][1] == "library staff"
    assert got["A banker involved in the deal"][1:3] == ("banker involved in the deal",
                                                         "anonymous")
    assert got["Shipping companies"][1] == "shipping companies"


def test_sentence_initial_plurals_are_not_names_but_surnames_in_s_are():
    text = "Fans said so. Carl Hughes said no. Hughes said more."
    assert mention_read("a", 0, 4, text).kind == "anonymous"
    assert mention_read("b", 34, 40, text).kind == "name"


def test_gold_parse_keeps_the_text_and_the_offsets_of_each_mention():
    text, mentions = gold_parse("Then [[Ms. Marsh|Helena Marsh]] said “no” to [[them|-]].")
    assert text == "Then Ms. Marsh said “no” to them."
    assert [(text[m.start:m.end], m.entity) for m in mentions] == [("Ms. Marsh", "Helena Marsh"),
                                                                    ("them", None)]


@pytest.mark.parametrize("name, floor", [("dev", 0.95), ("heldout", 0.95), ("heldout2", 0.95),
                                         ("heldout3", 0.93)])
def test_links_on_the_gold_sets_stay_above_their_floors(name, floor):
    # The floors sit a little under the scores of docs/pretagging.md: a change that links
    # worse fails here. heldout3 was written last and never tuned on: keep it so.
    scores = score(*gold_load(GOLD / "coref" / f"{name}.jsonl"))
    assert scores.links.precision >= floor and scores.links.recall >= floor - 0.04
    assert scores.existing.precision >= floor and scores.b3_precision >= floor


def test_evaluate_coref_command_prints_the_table_and_says_what_a_bad_file_is(tmp_path):
    manage = Path(__file__).resolve().parents[2] / "manage.py"
    env = {"DEBUG": "true", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, str(manage), "evaluate_coref",
                           str(GOLD / "coref" / "dev.jsonl"), "--errors"],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "| all |" in done.stdout and "B-cubed" in done.stdout and "Wrong links:" in done.stdout
    tagged = subprocess.run([sys.executable, str(manage), "evaluate_coref",
                             str(GOLD / "coref" / "heldout.jsonl"), "--tagger", "nope"],
                            capture_output=True, text=True, env=env)
    assert tagged.returncode == 1 and "unknown tagger" in tagged.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"nothing": 1}\n', encoding="utf-8")
    refused = subprocess.run([sys.executable, str(manage), "evaluate_coref", str(bad)],
                             capture_output=True, text=True, env=env)
    assert refused.returncode == 1 and "not a gold file" in refused.stderr


def test_links_end_to_end_count_only_spans_the_tagger_found_exactly():
    entities, documents = gold_load(GOLD / "coref" / "dev.jsonl")
    counts = score_with_tagger(entities, documents, get_tagger("rules-attribution"))
    assert counts.gold == score(entities, documents).links.gold
    assert 0 < counts.right <= counts.predicted
    assert counts.precision >= 0.9


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.lists(st.sampled_from(list("ab AB.,'’-\"“”\n") + [
    "he ", "She ", "they ", "Mr. ", "the ", "of ", "Officials ", "WHO ", "😀", "\u0301"]),
    max_size=40).map("".join),
       cuts=st.lists(st.tuples(st.integers(0, 80), st.integers(1, 20)), max_size=8))
def test_any_text_and_spans_give_at_most_one_link_per_span_and_no_error(text, cuts):
    spans = [(f"k{i}", start, min(start + length, len(text)))
             for i, (start, length) in enumerate(cuts) if start < len(text)]
    entities = [{"id": 1, "name": "Ab Ab", "type": "person", "aliases": ["AB", ""]},
                {"id": 2, "name": "B", "type": "organisation", "aliases": []}]
    links = entity_links(text, spans, entities)
    keys = [link.key for link in links]
    assert len(keys) == len(set(keys)) and set(keys) <= {key for key, _, _ in spans}
    assert all(link.entity in (None, 1, 2) and link.name for link in links)
