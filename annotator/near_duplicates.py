"""Near-duplicate claims: the same quote in several documents, with small edits (issue #16,
point 4). Pure functions over plain data; services/claim_groups.py runs them in a worker.

A claim's text is normalised (compatibility forms, case, accents, curly quotes and
apostrophes, dashes, punctuation and white space: what outlets change when they copy a
quote), cut into word shingles, and summarised by a MinHash signature (datasketch). LSH
over the signatures proposes candidate pairs; a pair is *similar* only when the Jaccard
similarity of the two shingle sets, computed exactly, reaches THRESHOLD, so a false
candidate never joins two groups. Groups are the connected components of the similar
pairs, named by their smallest claim key: a deterministic function of the set of
claims (while no LSH bucket holds over BUCKET_ALL distinct texts), so grouping a
project's changed documents again (`regroup`) gives the groups that grouping every claim
from scratch would.

Imports numpy (through datasketch): the web process never imports this module.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

import numpy as np
from datasketch import MinHash

NUM_PERM = 64        # signature length (256 bytes stored per claim)
SEED = 16            # fixed: signatures stored by one run are compared by the next
SCHEME = "affine32"  # datasketch 2.0's hashing; its values fit uint32
SHINGLE_WORDS = 3
# The exact Jaccard of the shingle sets for two claims to be the same. On the bench's
# generated quotes (up to three small edits each) 0.5 found 91 % of the true pairs, 0.4
# 95 % and 0.3 98 %, with a precision of 1.000, 0.999 and 0.997; on real quotes, which share
# more phrases than made-up words do, the lower thresholds join more different claims
# ("we will not raise taxes on ..." / "we will not cut taxes on ...": 0.23).
THRESHOLD = 0.4
# LSH bands x rows over the signature: a pair is a candidate with probability
# 1 - (1 - J**2)**32 at Jaccard J: 0.996 at 0.4, 0.95 at 0.3, 0.28 at 0.1 (checked
# exactly, then dropped when under THRESHOLD).
LSH_PARAMS = (32, 2)
BUCKET_ALL = 64      # a bucket of more distinct texts pairs each with its first and next
MIN_WORDS = 3        # shorter claims ("No.", "We will see") group only when identical

_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
    "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2039": '"', "\u203a": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-",
})
_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """The claim's words, lower case, without accents or punctuation, one space apart."""
    text = unicodedata.normalize("NFKD", text.translate(_FOLD))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    # "minister's" and "ministers" are one word: outlets differ on apostrophes.
    return " ".join(_WORD.findall(text.replace("'", "").replace("_", " ")))


def shingles(normalised: str) -> frozenset[str]:
    """Word shingles of SHINGLE_WORDS words; a short claim is one shingle, itself."""
    words = normalised.split(" ") if normalised else []
    if len(words) < MIN_WORDS:
        return frozenset([normalised]) if normalised else frozenset()
    return frozenset(" ".join(words[i:i + SHINGLE_WORDS])
                     for i in range(len(words) - SHINGLE_WORDS + 1))


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


def signatures(shingle_sets: list[frozenset]) -> np.ndarray:
    """One MinHash signature per set, as rows of uint32 (the values datasketch keeps are
    below 2**32): what is stored, and what the LSH bands are cut from."""
    if not shingle_sets:
        return np.zeros((0, NUM_PERM), dtype=np.uint32)
    hashes = MinHash.bulk(([s.encode("utf-8") for s in shingles_] for shingles_ in shingle_sets),
                          num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    return np.vstack([m.hashvalues for m in hashes]).astype(np.uint32)


def signature_bytes(row: np.ndarray) -> bytes:
    return row.astype("<u4").tobytes()


def signature_from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<u4")


@dataclass
class Claim:
    key: int                      # the claim's place (ExplorerRow.claim_key)
    normalised: str
    signature: np.ndarray | None = None   # computed by `group`/`regroup` when missing


def _fill_signatures(claims: list[Claim]) -> None:
    missing = [c for c in claims if c.signature is None]
    for claim, row in zip(missing, signatures([shingles(c.normalised) for c in missing])):
        claim.signature = row


def _band_keys(claims: list[Claim]) -> np.ndarray:
    """One 64-bit key per claim and LSH band (claims x bands): the band's signature
    values mixed by fixed odd multipliers. Two claims whose band is equal share its key;
    a rare false collision is only a false candidate, checked like the others."""
    bands, rows = LSH_PARAMS
    matrix = np.vstack([c.signature for c in claims]).astype(np.uint64)
    mix = np.random.default_rng(SEED).integers(1, 2**63, size=(bands, rows), dtype=np.uint64) | 1
    with np.errstate(over="ignore"):  # wrapping multiplication is the hash
        return np.stack([(matrix[:, b * rows:(b + 1) * rows] * mix[b]).sum(axis=1, dtype=np.uint64)
                         for b in range(bands)], axis=1)


def _bucket_pairs(order: np.ndarray, keys: np.ndarray):
    """Index pairs sharing a key, given the indexes sorted by key. A bucket of more than
    BUCKET_ALL claims pairs each with the first and with the next (a chain through the
    bucket: its claims are linked if they are similar to those, at a cost linear in it)."""
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    for start, size in zip(starts[sizes > 1], sizes[sizes > 1]):
        members = order[start:start + size]
        if size <= BUCKET_ALL:
            for i in range(size):
                for j in range(i + 1, size):
                    yield members[i], members[j]
        else:
            for i in range(1, size):
                yield members[0], members[i]
                if i + 1 < size:
                    yield members[i], members[i + 1]


def similar_pairs(claims: list[Claim], *, among: list[Claim] | None = None):
    """The similar pairs (a, b) of claim keys, a < b: of `claims` with each other and with
    `among` (further claims, not paired with each other).

    Claims of one normalised text pair with the first of them (enough for the groups:
    they are all in its group), and only that first one goes through LSH, so that a
    quote copied word for word by five hundred outlets is one entry in each band, not a
    bucket of five hundred. The others are LSH candidates, checked exactly. Which pairs
    are similar therefore depends only on the texts, not on the claims' order."""
    among = among or []
    pool = claims + among
    mine = len(claims)
    texts: dict[str, list[int]] = {}
    for i, claim in enumerate(pool):
        if claim.normalised:  # an empty text (a claim of punctuation only) pairs with none
            texts.setdefault(claim.normalised, []).append(i)
    first = [members[0] for members in texts.values()]
    touches = {members[0]: any(i < mine for i in members) for members in texts.values()}
    for members in texts.values():
        if touches[members[0]]:
            for i in members[1:]:
                yield _pair(pool[members[0]].key, pool[i].key)
    distinct = [pool[i] for i in first]
    _fill_signatures(distinct)
    keys = _band_keys(distinct) if distinct else np.zeros((0, LSH_PARAMS[0]), dtype=np.uint64)
    wanted_rows = np.array([touches[i] for i in first], dtype=bool)
    sets: dict[int, frozenset] = {}

    def shingle_set(i: int) -> frozenset:
        if i not in sets:
            sets[i] = shingles(distinct[i].normalised)
        return sets[i]

    seen = set()
    for band in range(keys.shape[1]):
        column = keys[:, band]
        if wanted_rows.all():
            wanted = np.arange(len(distinct))
        else:  # only the buckets that hold one of `claims`
            wanted = np.flatnonzero(np.isin(column, column[wanted_rows]))
        order = wanted[np.argsort(column[wanted], kind="stable")]
        for i, j in _bucket_pairs(order, column):
            if not (wanted_rows[i] or wanted_rows[j]):
                continue
            pair = _pair(distinct[i].key, distinct[j].key)
            if pair in seen:
                continue
            seen.add(pair)
            if jaccard(shingle_set(i), shingle_set(j)) >= THRESHOLD:
                yield pair


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def components(keys: Iterable[int], pairs: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Each key's group: the smallest key of its connected component."""
    parent = {k: k for k in keys}

    def find(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {k: find(k) for k in parent}


def group(claims: list[Claim]) -> dict[int, int]:
    """Every claim's group key, grouping them all from scratch."""
    _fill_signatures(claims)
    return components((c.key for c in claims), similar_pairs(claims))


@dataclass
class Stored:
    """A claim already grouped: its signature and its group."""
    claim: Claim
    group: int


def regroup(*, changed: list[Claim], stored: list[Stored], removed_groups: set[int]) -> dict[int, int]:
    """The groups again after some documents changed: `changed` are their claims now,
    `stored` every other grouped claim, `removed_groups` the groups their old claims were
    in. Returns the group of each claim whose group may have moved (the changed claims
    and every member of a group they touch); the groups of the others stay as stored."""
    _fill_signatures(changed)  # the caller stores them
    if not stored:
        return group(changed)
    changed_keys = {c.key for c in changed}
    others = [s.claim for s in stored]
    neighbours = set()
    for a, b in similar_pairs(changed, among=others):
        neighbours.update((a, b))
    neighbours -= changed_keys
    group_of = {s.claim.key: s.group for s in stored}
    touched = set(removed_groups) | {group_of[k] for k in neighbours}
    members = [s.claim for s in stored if s.group in touched]
    subset = changed + members
    return components((c.key for c in subset), similar_pairs(subset))
