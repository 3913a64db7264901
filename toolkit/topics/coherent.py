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
>>> index = {word: i for i, word in enumerate(vocabulary)}
>>> scores = np.array([[0.5, 0.2, 0.3, 0.0, 0.0]])  # "wien" outranks "spiel"
>>> chosen = coherent_scores(scores, WindowCounts(texts, index), n=2, candidates=3)
>>> [vocabulary[i] for i in np.argsort(-chosen[0])[:2]]
['tor', 'spiel']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial

import numpy as np

from toolkit.topics.base import word_relevance, word_shares

EPSILON = 1e-12
"""As gensim's ``direct_confirmation_measure``: keeps the log finite for pairs never seen."""


class WindowCounts:
    """Sliding-window occurrence counts over tokenised texts, for any subset of words.

    As gensim's boolean sliding window: a text of ``window`` tokens or fewer is one window,
    a longer text has ``len - window + 1`` windows; a word (pair) counts once per window it
    (both) occurs in. (gensim's incremental window forgets a word that leaves the window
    while it occurs again inside it; these counts do not, so they can be slightly higher.)
    The texts are stored once as int32 arrays (12 bytes a token); :meth:`counts` works through
    them in chunks of about ``chunk_tokens`` tokens, so its memory does not grow with the corpus.

    Parameters
    ----------
    texts : sequence of sequence of str
    index : mapping of str to int
        Word -> id (``0 .. len(index) - 1``); a token outside it still takes its place in the
        windows, as in gensim.
    window : int, default 10
        gensim's default for ``c_npmi``.
    chunk_tokens : int, default 2,000,000

    Examples
    --------
    >>> counts = WindowCounts([["a", "b", "c"], ["a", "b"]], {"a": 0, "b": 1, "c": 2}, window=2)
    >>> counts.n_windows
    3
    >>> counts.counts(np.array([0, 1, 2])).tolist()  # diagonal: windows holding the word
    [[2, 2, 0], [2, 3, 1], [0, 1, 1]]
    """

    def __init__(
        self,
        texts: Sequence[Sequence[str]],
        index: Mapping[str, int],
        window: int = 10,
        chunk_tokens: int = 2_000_000,
    ) -> None:
        if window < 1:
            raise ValueError(f"window must be at least 1, not {window}")
        lengths = np.array([len(text) for text in texts], dtype=np.int64)
        self.vocabulary_size = len(index)
        self.window = window
        unknown = self.vocabulary_size  # the id of every token outside ``index``
        self.tokens = np.fromiter(
            (index.get(token, unknown) for text in texts for token in text),
            dtype=np.int32,
            count=int(lengths.sum()),
        )
        self.text_of = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)
        self.starts = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        self.position = (np.arange(len(self.tokens)) - self.starts[self.text_of]).astype(np.int32)
        self.windows_of_text = np.where(lengths > 0, np.maximum(lengths - window + 1, 1), 0)
        self.n_windows = int(self.windows_of_text.sum())
        # text boundaries of the chunks :meth:`counts` works through
        ends = np.searchsorted(self.starts, np.arange(chunk_tokens, self.starts[-1], chunk_tokens))
        self.chunks = np.unique(np.concatenate([[0], ends, [len(lengths)]]))

    def counts(self, word_ids: np.ndarray) -> np.ndarray:
        """``(n, n)`` windows holding both words of each pair of ``word_ids`` (diagonal: one)."""
        column = np.full(self.vocabulary_size + 1, -1, dtype=np.int64)  # [-1]: unknown tokens
        column[word_ids] = np.arange(len(word_ids))
        total = np.zeros((len(word_ids), len(word_ids)), dtype=np.int64)
        for first, last in zip(self.chunks[:-1], self.chunks[1:], strict=True):
            span = slice(self.starts[first], self.starts[last])
            total += self._chunk_counts(column, len(word_ids), span, first, last)
        return total

    def _chunk_counts(
        self, column: np.ndarray, n: int, span: slice, first: int, last: int
    ) -> np.ndarray:
        """Pair counts of the ``n`` words (``column``: vocabulary id -> 0 .. n - 1 or -1) in
        the windows of texts ``first .. last - 1`` (tokens ``span``)."""
        from scipy import sparse

        of_word = column[self.tokens[span]]
        hit = np.flatnonzero(of_word >= 0)
        text, position = self.text_of[span][hit].astype(np.int64), self.position[span][hit]
        first_window = np.concatenate([[0], np.cumsum(self.windows_of_text[first:last])])
        rows, cols = [], []
        for offset in range(self.window):  # the windows that start ``offset`` tokens earlier
            start = position - offset
            inside = (start >= 0) & (start < self.windows_of_text[text])
            rows.append(first_window[text[inside] - first] + start[inside])
            cols.append(of_word[hit[inside]])
        row, col = np.concatenate(rows), np.concatenate(cols)
        shape = (int(first_window[-1]), n)
        holds = sparse.csr_matrix((np.ones(len(row), dtype=np.int32), (row, col)), shape=shape)
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
    lift = float(np.max(np.abs(out))) * 2 + 1.0
    for k, chosen in enumerate(coherent_choices(list(order), windows, n)):
        out[k, order[k, chosen]] += lift
    return out


def coherent_choices(pools: list[np.ndarray], windows: WindowCounts, n: int) -> list[list[int]]:
    """:func:`coherent_choice` of ``n`` words in each pool of vocabulary ids (best-ranked
    first): the positions chosen, in rank order. One counting pass serves every pool.

    Examples
    --------
    >>> windows = WindowCounts([["a", "b"], ["a", "b"], ["c"]], {"a": 0, "b": 1, "c": 2})
    >>> coherent_choices([np.array([0, 2, 1]), np.array([2, 1])], windows, 2)
    [[0, 2], [0, 1]]
    """
    words = np.unique(np.concatenate(pools))
    pair = npmi(windows.counts(words), windows.n_windows)
    chosen = []
    for pool in pools:
        where = np.searchsorted(words, pool)
        chosen.append(coherent_choice(pair[np.ix_(where, where)], n))
    return chosen


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
    windows = WindowCounts(texts, {word: i for i, word in enumerate(vocabulary)}, window)

    def rank(topic_word: np.ndarray) -> np.ndarray:
        scores = word_relevance(topic_word, shares, relevance)
        return coherent_scores(scores, windows, n, candidates)

    return rank
