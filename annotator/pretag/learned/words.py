"""What the learned tagger knows of words beyond their spelling, learned from the training text.

- `stem(word)`: a crude normal form (inflections cut: *pledged*, *pledges*,
  *pledging* -> *pledg*), so that a cue seen in one form counts in the others.
- `build_clusters(texts, seed)`: word classes from the training text itself,
  with no data from elsewhere: each frequent word's neighbours two tokens either
  side make a co-occurrence matrix, weighted by positive pointwise mutual
  information, reduced by a truncated SVD to a short vector per word, and cut by
  k-means into 32, 128 and 512 classes (coarse to fine, like the prefixes of
  Brown clusters). Words of one class take the same place in sentences
  (*said*, *wrote*, *tweeted*, *declared*; *trump*, *clinton*, *sanders*), so a
  cue or a source seen rarely in training borrows from its class. Stored in the
  model directory as {word: [class32, class128, class512]}.
"""
from __future__ import annotations

from collections import Counter

SUFFIXES = ("ings", "ing", "edly", "ied", "ed", "es", "s", "ly")
CLUSTER_SIZES = (32, 128, 512)
MIN_COUNT = 3           # words seen fewer times in training have no class
CONTEXT_WORDS = 5000    # the most frequent words serve as contexts
DIMENSIONS = 100
WINDOW = (-2, -1, 1, 2)
DASHES = {"\u2015", "\u2014", "\u2013", "--", "-"}


def stem(word: str) -> str:
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[:-len(suffix)]
    return word


def build_clusters(token_lists: list[list[str]], seed: int,
                   sizes: tuple[int, ...] = CLUSTER_SIZES) -> dict[str, list[int]]:
    """{word: [class id per size]} for the words seen at least MIN_COUNT times in
    `token_lists` (each a document's lower-cased tokens). Deterministic for a seed."""
    # Training only (seconds to import): tagging and the web process never load them.
    import numpy as np
    import scipy.sparse as sp
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.utils.extmath import randomized_svd

    counts = Counter(w for tokens in token_lists for w in tokens)
    vocab = sorted((w for w, c in counts.items() if c >= MIN_COUNT),
                   key=lambda w: (-counts[w], w))
    if len(vocab) < 2 * max(sizes):
        return {}                       # too little text to learn classes from
    index = {w: i for i, w in enumerate(vocab)}
    n_context = min(len(vocab), CONTEXT_WORDS)
    rows, cols = [], []
    for tokens in token_lists:
        ids = [index.get(w, -1) for w in tokens]
        n = len(ids)
        for k, i in enumerate(ids):
            if i < 0:
                continue
            for d in WINDOW:
                j = k + d
                if 0 <= j < n and 0 <= ids[j] < n_context:
                    rows.append(i)
                    cols.append(ids[j] + (n_context if d > 0 else 0))
    matrix = sp.coo_matrix((np.ones(len(rows)), (rows, cols)),
                           shape=(len(vocab), 2 * n_context)).tocsr()
    matrix.sum_duplicates()
    matrix = matrix.tocoo()
    total = matrix.data.sum()
    row_sums = np.asarray(matrix.sum(axis=1)).ravel()
    col_sums = np.asarray(matrix.sum(axis=0)).ravel() ** 0.75     # smoothed contexts
    col_sums = col_sums / col_sums.sum() * total
    pmi = np.log(matrix.data * total / (row_sums[matrix.row] * col_sums[matrix.col]))
    keep = pmi > 0
    ppmi = sp.csr_matrix((pmi[keep], (matrix.row[keep], matrix.col[keep])), shape=matrix.shape)
    u, s, _ = randomized_svd(ppmi, min(DIMENSIONS, len(vocab) - 1), random_state=seed)
    vectors = u * np.sqrt(s)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
    classes = {w: [] for w in vocab}
    for size in sizes:
        labels = MiniBatchKMeans(size, random_state=seed, n_init=1, batch_size=4096,
                                 max_iter=50).fit_predict(vectors)
        for w, label in zip(vocab, labels):
            classes[w].append(int(label))
    return classes
