"""The interface every topic model follows, and helpers shared by the models."""

from __future__ import annotations

from typing import Protocol, Self

import numpy as np
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
