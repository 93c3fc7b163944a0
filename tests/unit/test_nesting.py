"""The rules of second-hand claims (annotator/nesting.py) and the tagger output check that
applies them (pretag/run.py): pure, no database."""
from __future__ import annotations

import pytest

from annotator.nesting import chain, innermost_parents, nesting_problem, within, would_cycle
from annotator.pretag.base import TaggedAttribution, TaggedSpan, TagResult
from annotator.pretag.run import PretagOutputError, result_check

TEXT = "The mayor said that the minister claimed the bridge is safe. Critics disagree."


def at(piece):
    start = TEXT.index(piece)
    return (start, start + len(piece))


OUTER, INNER, CRITICS = (at("the minister claimed the bridge is safe"),
                         at("the bridge is safe"), at("Critics disagree."))


def test_within_names_the_first_span_outside_the_claim_fragments():
    assert within([OUTER], [INNER, at("the minister")]) is None
    assert within([OUTER], [INNER, at("The mayor")]) == at("The mayor")
    assert within([INNER, CRITICS], [CRITICS]) is None          # any one fragment holds it
    assert within([OUTER], [(OUTER[0] - 1, OUTER[1])]) == (OUTER[0] - 1, OUTER[1])  # half-open


def test_nesting_problem_says_where_in_words():
    assert nesting_problem([OUTER], [INNER]) is None
    assert nesting_problem([INNER], [OUTER]).startswith(f"the span at [{OUTER[0]}, ")


def test_would_cycle_when_the_parent_is_below_the_child_or_on_a_loop():
    parents = {2: 1, 3: 2}
    assert would_cycle(parents, 1, 3)          # 3 → 2 → 1
    assert not would_cycle(parents, 3, 1)
    assert would_cycle({}, 1, 1)
    assert would_cycle({5: 6, 6: 5}, 1, 5)     # a loop above: refused
    assert chain({2: 1, 3: 2}, 3) == [2, 1]


def test_innermost_parents_take_the_shortest_holding_claim_and_never_nest_equals():
    items = [([OUTER], [OUTER, at("The mayor")]), ([INNER], [INNER, at("the minister")]),
             ([at("is safe")], [at("is safe")]), ([CRITICS], [CRITICS]), ([INNER], [INNER])]
    assert innermost_parents(items) == [None, 0, 1, None, 0]


def tagged(parent_of_inner=0, twice=False):
    spans = [TaggedSpan("c1", "CLAIM", *OUTER), TaggedSpan("s1", "SOURCE", *at("The mayor")),
             TaggedSpan("c2", "CLAIM", *INNER), TaggedSpan("s2", "SOURCE", *at("the minister")),
             TaggedSpan("c3", "CLAIM", *CRITICS)]
    outer = TaggedAttribution(claims=["c1"], source="s1")
    attributions = [outer, *([outer] if twice else []),
                    TaggedAttribution(claims=["c2"], source="s2", parent=parent_of_inner),
                    TaggedAttribution(claims=["c3"])]
    return TagResult(spans=spans, attributions=attributions)


def test_result_check_keeps_parents_renumbered_for_the_attributions_kept():
    result = result_check(TEXT, tagged(parent_of_inner=1, twice=True))  # 1: the duplicate
    assert [a.parent for a in result.attributions] == [None, 0, None]


@pytest.mark.parametrize("parent,problem", [
    (2, "outside the parent's claim"), (1, "own parent"), (9, "not the index"),
    (True, "not the index")])
def test_result_check_refuses_a_bad_parent(parent, problem):
    with pytest.raises(PretagOutputError, match=problem):
        result_check(TEXT, tagged(parent_of_inner=parent))
