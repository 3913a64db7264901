"""Describe clusters by their most distinctive words (class-based TF-IDF), the first ten chosen
for co-occurrence as a topic's are (:mod:`toolkit.topics.coherent`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np
import pandas as pd

from toolkit.topics.coherent import WindowCounts, coherent_choices

LABEL_COLUMNS = ["cluster", "rank", "word", "weight"]


def label_clusters(
    labels: np.ndarray, doc_tokens: list[list[str]], n_words: int, word_candidates: int = 30
) -> pd.DataFrame:
    """Top words of every cluster by class-based TF-IDF.

    All tokens of a cluster's documents form one class document. The weight of word ``t`` in
    class ``c`` is ``tf(t, c) * log(1 + A / f(t))``: ``tf`` is the count of ``t`` in ``c``
    divided by the number of tokens in ``c``, ``A`` the mean number of tokens per class and
    ``f(t)`` the count of ``t`` over all classes. Words frequent everywhere get a low weight.
    Outliers (label -1) are left out of every count. Ties are broken alphabetically.

    Parameters
    ----------
    labels : array of int, shape (n_docs,)
        Cluster of each document, -1 for outliers.
    doc_tokens : list of list of str
        Each document's tokens, already free of stopwords.
    n_words : int
        Words per cluster.
    word_candidates : int
        The first ``n_words`` (at most ten) are chosen among this many best for their NPMI
        with each other (:func:`~toolkit.topics.coherent.coherent_choice`; ``weight`` stays
        the c-TF-IDF weight; no more candidates than words: by weight alone).

    Returns
    -------
    DataFrame with columns ``cluster, rank, word, weight`` (rank 1 is the best word), sorted by
    cluster and rank.

    Examples
    --------
    >>> tokens = [["nato", "munition"], ["nato", "gipfel"], ["fussball", "gipfel"]]
    >>> table = label_clusters(np.array([0, 0, 1]), tokens, 2)
    >>> table[table.cluster == 0].word.tolist()
    ['nato', 'munition']
    """
    labels = np.asarray(labels)
    if len(labels) != len(doc_tokens):
        raise ValueError(f"got {len(labels)} cluster labels but {len(doc_tokens)} token lists")
    if n_words < 1:
        raise ValueError(f"n_words must be at least 1, got {n_words}")
    counts = _class_counts(labels, doc_tokens)
    totals: Counter = Counter()
    for counter in counts.values():
        totals.update(counter)
    non_empty = [c for c in counts if counts[c]]
    if not non_empty:
        return pd.DataFrame({"cluster": [], "rank": [], "word": [], "weight": []}).astype(
            {"cluster": int, "rank": int, "word": str, "weight": float}
        )
    mean_class_size = sum(totals.values()) / len(non_empty)
    ranked = [_weighted(counts[cluster], totals, mean_class_size) for cluster in non_empty]
    ranked = _coherent_first(ranked, doc_tokens, totals, word_candidates, min(n_words, 10))
    rows = [
        (cluster, rank, word, float(weight))
        for cluster, scored in zip(non_empty, ranked, strict=True)
        for rank, (weight, word) in enumerate(scored[:n_words], start=1)
    ]
    return pd.DataFrame(rows, columns=LABEL_COLUMNS)


def _weighted(counter: Counter, totals: Counter, mean_class_size: float) -> list[tuple[float, str]]:
    """A class's ``(c-TF-IDF weight, word)`` pairs, best first, ties alphabetical."""
    size = sum(counter.values())
    scored = [
        (count / size * np.log(1.0 + mean_class_size / totals[word]), word)
        for word, count in counter.items()
    ]
    return sorted(scored, key=lambda item: (-item[0], item[1]))


def _coherent_first(
    ranked: list[list[tuple[float, str]]],
    doc_tokens: list[list[str]],
    words: Iterable[str],
    candidates: int,
    n: int,
) -> list[list[tuple[float, str]]]:
    """Each cluster's ``(weight, word)`` list with its first ``n`` words chosen for
    co-occurrence among its ``candidates`` best (one counting pass for all clusters); no more
    candidates than ``n``: the lists as they are."""
    if candidates <= n:
        return ranked
    index = {word: i for i, word in enumerate(words)}
    pools = [np.array([index[word] for _, word in scored[:candidates]]) for scored in ranked]
    choices = coherent_choices(pools, WindowCounts(doc_tokens, index), n)
    reordered = []
    for scored, chosen in zip(ranked, choices, strict=True):
        rest = sorted(set(range(len(scored))) - set(chosen))
        reordered.append([scored[i] for i in chosen + rest])
    return reordered


def _class_counts(labels: np.ndarray, doc_tokens: list[list[str]]) -> dict[int, Counter]:
    """Token counts per cluster (outliers left out), clusters in ascending order."""
    counts: dict[int, Counter] = {int(c): Counter() for c in sorted(set(labels.tolist()) - {-1})}
    for label, tokens in zip(labels.tolist(), doc_tokens, strict=True):
        if label != -1:
            counts[label].update(tokens)
    return counts


def cluster_names(
    table: pd.DataFrame, n_words: int = 3, clusters: list[int] | None = None
) -> dict[int, str]:
    """Short names from a :func:`label_clusters` table: the top ``n_words`` joined by ``", "``.

    ``clusters`` lists clusters to name even without label words (their documents had no
    tokens); they are called ``"cluster <id>"``. Outliers (-1) get no name.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"cluster": [0, 0], "rank": [1, 2], "word": ["nato", "munition"],
    ...                   "weight": [0.4, 0.2]})
    >>> cluster_names(t)
    {0: 'nato, munition'}
    """
    names = {c: f"cluster {c}" for c in sorted(clusters or []) if c != -1}
    for cluster, group in table.sort_values(["cluster", "rank"]).groupby("cluster", sort=True):
        names[int(cluster)] = ", ".join(group["word"].head(n_words).astype(str))
    return names
