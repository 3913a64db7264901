"""Which words show a topic: among its best-ranked words, the ones that occur together.

A topic's most probable words mix the words of its subject with words that are merely frequent
in its articles (``leben · lassen · finden · frau``). A reader judges a topic by whether its
words belong together, and so does NPMI over sliding windows (gensim's ``c_npmi``), the
coherence measure that agrees best with human ratings (Röder et al., 2015; Lau et al., 2014).
:func:`coherent_scores` therefore keeps the model and its ranking, takes each topic's
``candidates`` best-ranked words, and chooses the ``n`` shown first greedily: the best-ranked
word, then again and again the candidate with the highest mean NPMI to the words already
chosen. The chosen words keep their rank order among themselves; the rest follow as ranked.

The parts are small and separate, as in gensim's ``topic_coherence``: :class:`WindowCounts`
counts windows and co-occurrences of any subset of the vocabulary, :func:`npmi` turns counts
into NPMI, :func:`coherent_choice` chooses from one topic's candidates.

Examples
--------
>>> texts = [["tor", "spiel", "wien"], ["tor", "spiel"], ["wien", "bank"], ["bank", "euro"]]
>>> vocabulary = ["tor", "spiel", "wien", "bank", "euro"]
>>> ids = [[vocabulary.index(w) for w in text] for text in texts]
>>> scores = np.array([[0.5, 0.2, 0.3, 0.0, 0.0]])  # "wien" outranks "spiel"
>>> chosen = coherent_scores(scores, WindowCounts(ids, len(vocabulary)), n=2, candidates=3)
>>> [vocabulary[i] for i in np.argsort(-chosen[0])[:2]]
['tor', 'spiel']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import numpy as np

from toolkit.topics.base import word_relevance, word_shares

EPSILON = 1e-12
"""As gensim's ``direct_confirmation_measure``: keeps the log finite for pairs never seen."""


class WindowCounts:
    """Sliding-window occurrence counts over token-id texts, for any subset of words.

    As gensim's boolean sliding window: a text of ``window`` tokens or fewer is one window,
    a longer text has ``len - window + 1`` windows; a word (pair) counts once per window it
    (both) occurs in. (gensim's incremental window forgets a word that leaves the window
    while it occurs again inside it; these counts do not, so they can be slightly higher.)
    Texts are stored once as one id array; every :meth:`counts` call is a few vectorised
    passes over it.

    Parameters
    ----------
    texts : sequence of sequence of int
        Vocabulary ids per text; ``-1`` for a token outside the vocabulary (it still takes its
        place in the windows, as in gensim).
    vocabulary_size : int
    window : int, default 10
        gensim's default for ``c_npmi``.

    Examples
    --------
    >>> counts = WindowCounts([[0, 1, 2], [0, 1]], 3, window=2)
    >>> counts.n_windows
    3
    >>> counts.counts(np.array([0, 1, 2])).tolist()  # diagonal: windows holding the word
    [[2, 2, 0], [2, 3, 1], [0, 1, 1]]
    """

    def __init__(self, texts: Sequence[Sequence[int]], vocabulary_size: int, window: int = 10):
        if window < 1:
            raise ValueError(f"window must be at least 1, not {window}")
        lengths = np.array([len(text) for text in texts], dtype=np.int64)
        self.vocabulary_size = vocabulary_size
        self.window = window
        self.tokens = np.fromiter(
            (token for text in texts for token in text), dtype=np.int64, count=int(lengths.sum())
        )
        self.text_of = np.repeat(np.arange(len(lengths)), lengths)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        self.position = np.arange(len(self.tokens)) - starts[self.text_of]
        self.windows_of_text = np.where(lengths > 0, np.maximum(lengths - window + 1, 1), 0)
        self.first_window = np.concatenate([[0], np.cumsum(self.windows_of_text)[:-1]])
        self.n_windows = int(self.windows_of_text.sum())

    def counts(self, word_ids: np.ndarray) -> np.ndarray:
        """``(n, n)`` windows holding both words of each pair of ``word_ids`` (diagonal: one)."""
        from scipy import sparse

        column = np.full(self.vocabulary_size + 1, -1, dtype=np.int64)  # [-1]: unknown tokens
        column[word_ids] = np.arange(len(word_ids))
        hit = np.flatnonzero(column[self.tokens] >= 0)
        text, position = self.text_of[hit], self.position[hit]
        rows, cols = [], []
        for offset in range(self.window):  # the windows that start ``offset`` tokens earlier
            start = position - offset
            inside = (start >= 0) & (start < self.windows_of_text[text])
            rows.append(self.first_window[text[inside]] + start[inside])
            cols.append(column[self.tokens[hit[inside]]])
        row, col = np.concatenate(rows), np.concatenate(cols)
        shape = (self.n_windows, len(word_ids))
        holds = sparse.csr_matrix((np.ones(len(row), dtype=np.int64), (row, col)), shape=shape)
        holds.sum_duplicates()
        holds.data[:] = 1
        return np.asarray((holds.T @ holds).todense(), dtype=np.int64)


def npmi(counts: np.ndarray, n_windows: int) -> np.ndarray:
    """Normalised pointwise mutual information of every pair, from :meth:`WindowCounts.counts`.

    ``log((p(a, b) + ε) / (p(a) p(b))) / −log(p(a, b) + ε)``, as gensim computes it: 1 for
    words that only occur together, close to −1 for words never in one window.

    Examples
    --------
    >>> npmi(np.array([[2, 2, 0], [2, 2, 0], [0, 0, 2]]), 4).round(2).tolist()
    [[1.0, 1.0, -0.95], [1.0, 1.0, -0.95], [-0.95, -0.95, 1.0]]
    """
    if n_windows < 1:
        raise ValueError("npmi needs at least one window")
    joint = counts / n_windows
    single = np.maximum(np.diag(counts) / n_windows, EPSILON)
    with np.errstate(divide="ignore"):
        ratio = np.log(joint + EPSILON) - np.log(np.outer(single, single))
    return ratio / -np.log(joint + EPSILON)


def coherent_choice(pair_npmi: np.ndarray, n: int) -> list[int]:
    """Greedy choice of ``n`` of a topic's candidates (given best-ranked first).

    The first candidate, then each time the one with the highest mean NPMI to those chosen
    (ties: the better-ranked). Returned in rank order.

    Examples
    --------
    >>> pair = np.array([[1.0, -0.5, 0.6], [-0.5, 1.0, 0.1], [0.6, 0.1, 1.0]])
    >>> coherent_choice(pair, 2)
    [0, 2]
    """
    chosen = [0]
    left = list(range(1, len(pair_npmi)))
    while left and len(chosen) < n:
        mean = pair_npmi[np.ix_(left, chosen)].mean(axis=1)
        chosen.append(left.pop(int(np.argmax(mean))))
    return sorted(chosen)


def coherent_scores(
    scores: np.ndarray, windows: WindowCounts, n: int = 10, candidates: int = 30
) -> np.ndarray:
    """``scores`` re-ranked so that each topic's first ``n`` words are its coherent choice.

    Parameters
    ----------
    scores : ndarray of shape (n_topics, n_words)
        What the words are ranked by (e.g. :func:`~toolkit.topics.base.word_relevance`).
    windows : WindowCounts
        Co-occurrence counts over the modelling units.
    n : int
        Words chosen per topic (the words coherence is measured on).
    candidates : int
        Best-ranked words each topic chooses from (``n`` or fewer: the ranking unchanged).

    Returns
    -------
    ndarray of the same shape: the chosen words lifted above every other word, each word's
    order otherwise as in ``scores``.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    order = np.argsort(-scores, axis=1, kind="stable")[:, : max(candidates, n)]
    out = np.array(scores, dtype=np.float64, copy=True)
    if candidates <= n:
        return out
    words = np.unique(order)
    pair = npmi(windows.counts(words), windows.n_windows)
    where = np.searchsorted(words, order)
    lift = float(np.max(np.abs(out))) * 2 + 1.0
    for k in range(len(scores)):
        chosen = coherent_choice(pair[np.ix_(where[k], where[k])], n)
        out[k, order[k, chosen]] += lift
    return out


def word_ranking(
    texts: list[list[str]],
    vocabulary: list[str],
    relevance: float,
    n: int = 10,
    candidates: int = 30,
    window: int = 10,
) -> Callable[[np.ndarray], np.ndarray]:
    """A topic-word matrix -> the scores its words are shown by: relevance with ``relevance``
    as weight (:func:`~toolkit.topics.base.word_relevance`), the first ``n`` chosen for
    coherence among the ``candidates`` best (:func:`coherent_scores`; ``candidates <= n``:
    relevance alone). The counts over ``texts`` are made once, for every refit that ranks.
    """
    shares = word_shares(texts, vocabulary)
    if candidates <= n:
        return partial(word_relevance, shares=shares, weight=relevance)
    index = {word: i for i, word in enumerate(vocabulary)}
    windows = WindowCounts([[index.get(t, -1) for t in text] for text in texts], len(index), window)

    def rank(topic_word: np.ndarray) -> np.ndarray:
        scores = word_relevance(topic_word, shares, relevance)
        return coherent_scores(scores, windows, n, candidates)

    return rank
