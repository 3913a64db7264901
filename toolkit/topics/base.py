"""The interface every topic model follows, and helpers shared by the models."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, Self

import numpy as np

if TYPE_CHECKING:
    from gensim.corpora import Dictionary


class TopicModel(Protocol):
    """A topic model over token lists and a gensim ``Dictionary``.

    After ``fit`` it exposes ``topic_word_`` (K × V, rows sum to 1, columns in dictionary id
    order) and ``alpha_`` (length K), and ``transform`` maps token lists to topic shares
    (n × K, rows sum to 1).
    """

    topic_word_: np.ndarray
    alpha_: np.ndarray
    bit_reproducible: bool

    def fit(self, texts: list[list[str]], dictionary: Dictionary) -> Self: ...

    def transform(self, texts: list[list[str]]) -> np.ndarray: ...


def normalize_rows(matrix: np.ndarray, fallback: np.ndarray | None = None) -> np.ndarray:
    """Scale each row to sum 1; all-zero rows become ``fallback`` (default: uniform).

    Examples
    --------
    >>> normalize_rows(np.array([[1.0, 3.0], [0.0, 0.0]])).tolist()
    [[0.25, 0.75], [0.5, 0.5]]
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    sums = matrix.sum(axis=1, keepdims=True)
    out = np.divide(matrix, sums, out=np.zeros_like(matrix), where=sums > 0)
    empty = sums[:, 0] <= 0
    if empty.any():
        k = matrix.shape[1]
        fill = np.full(k, 1.0 / k) if fallback is None else fallback / fallback.sum()
        out[empty] = fill
    return out


def top_words(topic_word: np.ndarray, vocabulary: list[str], n: int) -> list[list[str]]:
    """The ``n`` highest-weighted words of each topic (ties broken by vocabulary id).

    Examples
    --------
    >>> top_words(np.array([[0.1, 0.7, 0.2]]), ["a", "b", "c"], 2)
    [['b', 'c']]
    """
    order = np.argsort(-topic_word, axis=1, kind="stable")[:, :n]
    return [[vocabulary[i] for i in row] for row in order]


def word_shares(texts: list[list[str]], vocabulary: list[str]) -> np.ndarray:
    """Each vocabulary word's share of all in-vocabulary tokens of ``texts`` (``p(w)``).

    Examples
    --------
    >>> word_shares([["a", "b", "a"], ["a", "x"]], ["a", "b"]).tolist()
    [0.75, 0.25]
    """
    index = {word: i for i, word in enumerate(vocabulary)}
    counts = np.bincount(
        [index[t] for text in texts for t in text if t in index], minlength=len(vocabulary)
    ).astype(np.float64)
    return counts / counts.sum() if counts.sum() else np.full(len(vocabulary), 1 / len(vocabulary))


def word_relevance(topic_word: np.ndarray, shares: np.ndarray, weight: float = 0.8) -> np.ndarray:
    """Relevance of each word to each topic (Sievert & Shirley, 2014), for ranking words.

    ``weight · log p(w|k) + (1 − weight) · log(p(w|k) / p(w))``: ``weight = 1`` ranks by
    probability, lower weights favour words specific to the topic over words frequent
    everywhere (``wien``, ``lassen`` in an Austrian newspaper).

    Examples
    --------
    >>> tw = np.array([[0.5, 0.3, 0.2], [0.5, 0.1, 0.4]])
    >>> shares = np.array([0.8, 0.1, 0.1])
    >>> top_words(word_relevance(tw, shares, 1.0), ["wien", "tor", "bank"], 2)
    [['wien', 'tor'], ['wien', 'bank']]
    >>> top_words(word_relevance(tw, shares, 0.5), ["wien", "tor", "bank"], 2)
    [['tor', 'bank'], ['bank', 'wien']]
    """
    if not 0 <= weight <= 1:
        raise ValueError(f"topics.relevance must be in [0, 1], got {weight!r}")
    tiny = np.finfo(np.float64).tiny
    log_p = np.log(np.maximum(topic_word, tiny))
    return log_p - (1.0 - weight) * np.log(np.maximum(shares, tiny))[None, :]
