"""Splitting texts into passages that fit a model, batching them, and pooling them back.

A transformer sees at most ``max_length`` wordpieces; a longer text would be cut silently.
Instead, every text is split with the model's own (fast) tokenizer into passages of at most
``budget`` wordpieces, preferably at sentence ends, else between words, with a few wordpieces
of overlap; all passages of all texts are encoded together in length-sorted batches; and the
passage vectors of each text are pooled into one vector. Backends share these helpers.

Examples
--------
>>> from transformers import AutoTokenizer  # doctest: +SKIP
>>> tok = AutoTokenizer.from_pretrained(resolve_model("all-MiniLM-L6-v2"))  # doctest: +SKIP
>>> passages = split_texts(["Ein Satz. " * 300], tok, budget=64, overlap=8)  # doctest: +SKIP
>>> len(passages) > 1, max(p.n_tokens for p in passages) <= 64  # doctest: +SKIP
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

Pooling = Literal["mean", "max", "first"]
_SENTENCE_FINAL = (".", "!", "?", "…", ":", ";")
_CLOSING = ('"', "'", "“", "”", "«", "»", "‘", "’", ")")


@dataclass(frozen=True)
class Passage:
    """A piece of one text that fits the model.

    Attributes
    ----------
    text_index : int
        Position of the source text in the encoded list.
    start, end : int
        Character span of the passage in the source text.
    n_tokens : int
        Number of wordpieces (without special tokens); the weight in mean pooling.
    text : str
        ``source[start:end]``.
    """

    text_index: int
    start: int
    end: int
    n_tokens: int
    text: str


def passage_budget(tokenizer: Any, max_length: int) -> int:
    """Wordpieces left for text in a sequence of ``max_length`` once special tokens are added."""
    budget = max_length - tokenizer.num_special_tokens_to_add(pair=False)
    if budget < 1:
        raise ValueError(f"max_length={max_length} leaves no room for text after special tokens")
    return budget


def _cut_positions(
    offsets: list[tuple[int, int]], word_ids: list[int | None], text: str, budget: int, overlap: int
) -> list[tuple[int, int]]:
    """Token spans ``[start, stop)`` of at most ``budget`` tokens that cover all tokens."""
    n = len(offsets)
    # A token opens a new pre-tokenizer word: a passage starting there re-tokenises identically.
    word_start = [i == 0 or word_ids[i] != word_ids[i - 1] for i in range(n)]
    spans: list[tuple[int, int]] = []
    start = 0
    while n - start > budget:
        limit = start + budget
        cut = _best_cut(offsets, word_start, text, start, limit)
        spans.append((start, cut))
        following = max(cut - overlap, start + 1)
        while following > start + 1 and not word_start[following]:
            following -= 1
        start = following if word_start[following] else cut
    spans.append((start, n))
    return spans


def _best_cut(
    offsets: list[tuple[int, int]], word_start: list[bool], text: str, start: int, limit: int
) -> int:
    """The end of the passage opening at ``start``: a sentence end, else a space, else a word."""

    def spaced(c: int) -> bool:
        return word_start[c] and offsets[c][0] > offsets[c - 1][1]

    def sentence_end(c: int) -> bool:
        previous = text[offsets[c - 1][0] : offsets[c - 1][1]]
        if previous.endswith(_CLOSING) and c - 2 >= start:
            previous = text[offsets[c - 2][0] : offsets[c - 2][1]]
        return spaced(c) and previous.endswith(_SENTENCE_FINAL)

    # Sentence ends only count in the passage's second half, so passages stay reasonably full.
    half = start + max(1, (limit - start) // 2)
    for test, low in (
        (sentence_end, half),
        (spaced, start + 1),
        (word_start.__getitem__, start + 1),
    ):
        for c in range(limit, low - 1, -1):
            if test(c):
                return c
    return limit


def split_texts(texts: list[str], tokenizer: Any, budget: int, overlap: int = 16) -> list[Passage]:
    """Split every text into passages of at most ``budget`` wordpieces.

    Parameters
    ----------
    texts : list of str
        Non-empty texts.
    tokenizer : transformers fast tokenizer
        The model's tokenizer (offset mapping and word ids are needed).
    budget : int
        Wordpieces per passage, without special tokens (see :func:`passage_budget`).
    overlap : int
        Wordpieces repeated at the start of the next passage (clamped below ``budget / 2``);
        the next passage starts at a word boundary, so the overlap may be a little larger.

    Returns
    -------
    list of Passage
        In text order; every text has at least one passage and together they cover it.

    Raises
    ------
    ValueError
        For an empty or whitespace-only text, naming its index.
    """
    for i, text in enumerate(texts):
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"text {i} is empty: every text to embed needs some content")
    if not texts:
        return []
    overlap = max(0, min(overlap, (budget - 1) // 2))
    encoding = tokenizer(
        texts, add_special_tokens=False, return_offsets_mapping=True, verbose=False
    )
    passages: list[Passage] = []
    for i, text in enumerate(texts):
        offsets = [tuple(o) for o in encoding["offset_mapping"][i]]
        n = len(offsets)
        if n <= budget:
            # Texts that fit are kept whole (whitespace trimmed), not rebuilt from offsets.
            body = text.strip()
            begin = text.index(body[0]) if body else 0
            passages.append(Passage(i, begin, begin + len(body), max(n, 1), body))
            continue
        word_ids = encoding.word_ids(i)
        for start, stop in _cut_positions(offsets, word_ids, text, budget, overlap):
            begin, end = offsets[start][0], offsets[stop - 1][1]
            passages.append(Passage(i, begin, end, stop - start, text[begin:end]))
    return passages


def length_batches(lengths: np.ndarray | list[int], batch_size: int) -> list[np.ndarray]:
    """Index batches of at most ``batch_size`` items, longest first, so padding is minimal.

    >>> [b.tolist() for b in length_batches([3, 9, 1, 7], 2)]
    [[1, 3], [0, 2]]
    """
    order = np.argsort(-np.asarray(lengths, dtype=np.int64), kind="stable")
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def l2_normalize(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (all-zero rows stay zero), as float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)


def pool(
    vectors: np.ndarray,
    groups: np.ndarray | list[int],
    n_groups: int,
    mode: Pooling = "mean",
    weights: np.ndarray | list[float] | None = None,
    normalize: bool = True,
) -> np.ndarray:
    """Pool row vectors by group: weighted mean, element-wise max, or the group's first row.

    Parameters
    ----------
    vectors : ndarray of shape (n, d)
    groups : array of int, shape (n,)
        Group (text) of each row, in ``range(n_groups)``; every group needs at least one row.
    n_groups : int
    mode : {"mean", "max", "first"}
    weights : array of shape (n,), optional
        Row weights for ``mean`` (e.g. token counts); equal weights when omitted.
    normalize : bool
        L2-normalise the pooled vectors.

    Returns
    -------
    ndarray of shape (n_groups, d), float32

    Examples
    --------
    >>> pool(np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]]), [0, 0, 1], 2, weights=[3, 1, 1],
    ...      normalize=False).tolist()
    [[0.75, 0.25], [2.0, 2.0]]
    """
    vectors = np.asarray(vectors, dtype=np.float64)
    groups = np.asarray(groups, dtype=np.int64)
    counts = np.bincount(groups, minlength=n_groups)
    if len(counts) > n_groups or np.any(counts == 0):
        raise ValueError("every group must have at least one vector and groups must be < n_groups")
    if mode == "mean":
        w = np.ones(len(groups)) if weights is None else np.asarray(weights, dtype=np.float64)
        pooled = np.zeros((n_groups, vectors.shape[1]))
        np.add.at(pooled, groups, vectors * w[:, None])
        pooled /= np.bincount(groups, weights=w, minlength=n_groups)[:, None]
    elif mode == "max":
        pooled = np.full((n_groups, vectors.shape[1]), -np.inf)
        np.maximum.at(pooled, groups, vectors)
    elif mode == "first":
        _, first = np.unique(groups, return_index=True)
        pooled = vectors[first]
    else:
        raise ValueError(f"pooling must be 'mean', 'max' or 'first', not {mode!r}")
    pooled = pooled.astype(np.float32)
    return l2_normalize(pooled) if normalize else pooled
