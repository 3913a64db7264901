"""Expanding seed terms with the words that co-occur with them in the corpus.

The paragraphs that contain a theme's seed terms are that theme's *seed paragraphs*. Every other
word is scored by how much more often it appears in the seed paragraphs than in the rest of the
corpus: the z-score of the smoothed log-odds ratio of paragraph presence (a standard measure of
distinctive words). The best ``n_terms`` words per theme with a significant association become
expansion terms, weighted by their precision (the share of their paragraphs that are seed
paragraphs) times ``weight``. A word is only ever offered to the theme it is most associated
with, so no expansion term is shared across themes.

Examples
--------
>>> paragraphs = [["munition", "werk"], ["munition", "werk"], ["munition", "werk"],
...               ["beitritt", "urkunde"], ["wetter"], ["sport"], ["werk", "sport"]]
>>> seeds = np.array([[1, 0], [1, 0], [1, 0], [0, 1], [0, 0], [0, 0], [0, 0]], dtype=bool)
>>> expand_terms(paragraphs, seeds, n_terms=5, exclude={"munition", "beitritt"}, min_z=1.0)
[{'werk': 0.375}, {}]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection

import numpy as np

MIN_Z = 1.96
"""A word must be associated with the seed paragraphs at this z-score (5 % two-sided)."""

MIN_SEED_PARAGRAPHS = 2
"""A word must occur in at least this many seed paragraphs of the theme."""


def expand_terms(
    paragraph_tokens: list[list[str]],
    seed_paragraphs: np.ndarray,
    n_terms: int,
    exclude: Collection[str] = (),
    weight: float = 0.5,
    min_z: float = MIN_Z,
) -> list[dict[str, float]]:
    """The expansion terms of every theme.

    Parameters
    ----------
    paragraph_tokens : list of list of str
        Tokens of every corpus paragraph.
    seed_paragraphs : ndarray of bool, shape (n_paragraphs, n_themes)
        Which paragraphs contain seed terms of which theme.
    n_terms : int
        Most terms added per theme.
    exclude : collection of str
        Words never added (the seed terms themselves).
    weight, min_z : float
        Weight of a term whose paragraphs are all seed paragraphs; least z-score.

    Returns
    -------
    list of dict of str to float
        ``result[k]``: term -> weight for theme ``k``, best first, weights rounded to 4 places.
    """
    seed_paragraphs = np.asarray(seed_paragraphs, dtype=bool)
    n, n_themes = seed_paragraphs.shape
    if n_terms == 0 or n == 0:
        return [{} for _ in range(n_themes)]
    presence = [set(tokens) for tokens in paragraph_tokens]
    df = Counter(token for tokens in presence for token in tokens)
    excluded = set(exclude)
    vocab = sorted(t for t, c in df.items() if c >= MIN_SEED_PARAGRAPHS and t not in excluded)
    total = np.array([df[t] for t in vocab], dtype=float)[:, None]
    in_seed = _seed_counts(presence, seed_paragraphs, vocab)
    z = _log_odds_z(in_seed, total, seed_paragraphs.sum(axis=0)[None, :].astype(float), n)
    best_theme = z.argmax(axis=1) if len(vocab) else np.zeros(0, dtype=int)
    result: list[dict[str, float]] = []
    for k in range(n_themes):
        candidates = np.flatnonzero((best_theme == k) & (z[:, k] >= min_z))
        # ties broken by the word itself, so the choice never depends on hash order
        order = sorted(candidates, key=lambda i: (-z[i, k], vocab[i]))[:n_terms]
        result.append(
            {vocab[i]: round(float(weight * in_seed[i, k] / total[i, 0]), 4) for i in order}
        )
    return result


def _seed_counts(
    presence: list[set[str]], seed_paragraphs: np.ndarray, vocab: list[str]
) -> np.ndarray:
    """Per word of ``vocab`` and theme, the number of the theme's seed paragraphs holding it."""
    index = {t: i for i, t in enumerate(vocab)}
    in_seed = np.zeros((len(vocab), seed_paragraphs.shape[1]))
    for tokens, seeds in zip(presence, seed_paragraphs, strict=True):
        if not seeds.any():
            continue
        rows = [index[t] for t in tokens if t in index]
        in_seed[np.ix_(rows, np.flatnonzero(seeds))] += 1
    return in_seed


def _log_odds_z(in_seed: np.ndarray, total: np.ndarray, n_seed: np.ndarray, n: int) -> np.ndarray:
    """The z-score of each word's log odds ratio of seed against other paragraphs (smoothed by
    a half count); words in fewer than ``MIN_SEED_PARAGRAPHS`` seed paragraphs get -inf."""
    a, b = in_seed + 0.5, n_seed - in_seed + 0.5
    c, d = total - in_seed + 0.5, (n - n_seed) - (total - in_seed) + 0.5
    z = (np.log(a / b) - np.log(c / d)) / np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    z[in_seed < MIN_SEED_PARAGRAPHS] = -np.inf
    return z
