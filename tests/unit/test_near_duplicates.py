"""Near-duplicate claims (annotator/near_duplicates.py): the same quote with the edits
outlets make groups, different claims stay apart, candidates are checked exactly, and
grouping again after a change gives the groups of a grouping from scratch."""
from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator import near_duplicates as nd

QUOTE = ("“We will not raise taxes on working families this year,” the minister’s "
         "spokesperson said")


def claims(*texts: str) -> list[nd.Claim]:
    return [nd.Claim(key, nd.normalise(text)) for key, text in enumerate(texts, start=1)]


def partition(groups: dict[int, int]) -> set[frozenset]:
    by_group: dict[int, set] = {}
    for key, group in groups.items():
        by_group.setdefault(group, set()).add(key)
    return {frozenset(g) for g in by_group.values()}


def test_normalising_folds_case_quotes_apostrophes_dashes_accents_and_white_space():
    assert nd.normalise("“Café  OPEN” — it’s\u00a0here…\n") == "cafe open its here"
    assert nd.normalise('"Cafe open" - it\'s here') == "cafe open its here"
    assert nd.normalise("ＦＵＬＬ width") == "full width"     # compatibility forms
    assert nd.normalise("«¡Ya!»") == "ya" and nd.normalise("—") == ""


def test_the_same_quote_exactly_or_with_small_edits_is_one_group():
    edited = claims(
        QUOTE,
        QUOTE,                                                          # word for word
        QUOTE.upper().replace("’", "'").replace("“", '"').replace("”", '"'),
        "We will not raise taxes on working families this year",         # tail cut
        "We will not raise taxes on hard-working families this year, the minister's spokesperson said.",
        "\"We won't raise taxes on working families this year\", the minister's spokesperson said",
        "We will not raise taxes on working families this year, the spokesman said",
    )
    assert partition(nd.group(edited)) == {frozenset(range(1, 8))}


def test_different_claims_stay_apart_even_when_they_share_words():
    different = claims(
        "We will not raise taxes on working families this year",
        "We will not cut taxes on working families next year",
        "We will not comment",
        "We will not resign",
        "Taxes on working families will rise this year, the opposition said",
        "The bridge will reopen to traffic before the end of the summer",
    )
    assert partition(nd.group(different)) == {frozenset([k]) for k in range(1, 7)}


def test_short_claims_group_only_when_identical_and_empty_ones_never():
    short = claims("No.", "no", "Yes.", "We will see", "we will see!", "—", "...")
    assert partition(nd.group(short)) == {frozenset({1, 2}), frozenset({3}),
                                          frozenset({4, 5}), frozenset({6}), frozenset({7})}


def test_signatures_survive_being_stored_as_bytes():
    row = nd.signatures([nd.shingles(nd.normalise(QUOTE))])[0]
    assert row.shape == (nd.NUM_PERM,)
    assert (nd.signature_from_bytes(nd.signature_bytes(row)) == row).all()


WORDS = ["we", "will", "not", "raise", "taxes", "on", "working", "families", "this", "year",
         "the", "minister", "said"]
texts = st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=9).map(" ".join),
                 min_size=1, max_size=24)


def brute_force(all_claims: list[nd.Claim]) -> set[tuple[int, int]]:
    sets = {c.key: nd.shingles(c.normalised) for c in all_claims}
    return {(a.key, b.key) for a, b in itertools.combinations(all_claims, 2)
            if a.normalised and (a.normalised == b.normalised
                                 or nd.jaccard(sets[a.key], sets[b.key]) >= nd.THRESHOLD)}


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(texts=texts)
def test_every_pair_found_is_truly_similar_and_groups_never_join_dissimilar_components(texts):
    """LSH only proposes; a false candidate never links two groups: every group lies
    within one component of the exact similarity."""
    all_claims = claims(*texts)
    exact = brute_force(all_claims)
    found = set(nd.similar_pairs(all_claims))
    assert found <= exact | {(b, a) for a, b in exact}
    truth = partition(nd.components((c.key for c in all_claims), exact))
    for group in partition(nd.group(all_claims)):
        assert any(group <= component for component in truth)


@settings(max_examples=100, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(before=texts, after=texts, split=st.integers(min_value=0, max_value=24))
def test_grouping_again_after_a_change_gives_the_groups_of_a_grouping_from_scratch(
        before, after, split):
    """Claims 1..n grouped; then the claims of the "changed documents" (from `split` on)
    are replaced by `after`: regroup() keeps the others' groups and gives what group()
    gives over the new set of claims."""
    old = claims(*before)
    kept, gone = old[:split], old[split:]
    fresh = [nd.Claim(1000 + n, nd.normalise(t)) for n, t in enumerate(after)]
    grouped = nd.group(old)
    stored = [nd.Stored(c, grouped[c.key]) for c in kept]
    moved = nd.regroup(changed=fresh, stored=stored,
                       removed_groups={grouped[c.key] for c in gone})
    incremental = {**{c.key: grouped[c.key] for c in kept}, **moved}
    assert set(incremental) == {c.key for c in kept + fresh}
    assert incremental == nd.group(kept + fresh)
