"""Semantic theme evidence: similarity of paragraph vectors to a prototype vector per theme.

A theme's prototype is the normalised mean of the vectors of the corpus paragraphs that carry
the theme (found lexically, see :mod:`toolkit.themes.scorer`), plus ``description_weight`` times
the encoded theme definition (the description followed by the seed terms). The corpus part
carries most of the signal: a sentence model trained on English text places German paragraphs
about the same subject near each other far more reliably than near a one-line description.

Raw cosines depend on the model (an English model squeezes German texts into a narrow band), so
they are standardised per theme with the mean and standard deviation of the fitted corpus and
passed through a logistic function; a multilingual model drops in without new constants.

Examples
--------
>>> vectors = np.eye(3, dtype=np.float32)
>>> proto = prototypes(vectors, np.array([[1, 0], [0, 1], [0, 0]], bool), None, 0.0)
>>> proto.round(2).tolist()
[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
"""

from __future__ import annotations

import numpy as np


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


def definition_text(description: str, seeds: list[str]) -> str:
    """The text encoded for a theme definition: ``"description: seed, seed, ..."``."""
    return f"{description}: {', '.join(seeds)}"


def prototypes(
    paragraph_vectors: np.ndarray,
    members: np.ndarray,
    definition_vectors: np.ndarray | None,
    description_weight: float,
) -> np.ndarray:
    """One unit-length prototype per theme.

    Parameters
    ----------
    paragraph_vectors : ndarray, shape (n_paragraphs, dim)
    members : ndarray of bool, shape (n_paragraphs, n_themes)
        The paragraphs that represent each theme; paragraphs of several themes are left out.
    definition_vectors : ndarray, shape (n_themes, dim), or None
        Encoded theme definitions.
    description_weight : float
        Weight of the definition vector next to the (unit) corpus centroid.
    """
    vectors = _unit(np.asarray(paragraph_vectors, dtype=np.float64))
    members = np.asarray(members, dtype=bool) & (members.sum(axis=1, keepdims=True) == 1)
    centroids = np.stack(
        [
            vectors[members[:, k]].mean(axis=0)
            if members[:, k].any()
            else np.zeros(vectors.shape[1])
            for k in range(members.shape[1])
        ]
    )
    result = _unit(centroids)
    if definition_vectors is not None:
        result = result + description_weight * _unit(
            np.asarray(definition_vectors, dtype=np.float64)
        )
    return _unit(result)


def similarity_stats(similarities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-theme mean and standard deviation of ``similarities`` (the standardisation)."""
    mean = similarities.mean(axis=0)
    std = similarities.std(axis=0)
    return mean, np.where(std > 1e-9, std, 1.0)


def semantic_scores(
    paragraph_vectors: np.ndarray, protos: np.ndarray, mean: np.ndarray, std: np.ndarray
) -> np.ndarray:
    """``(n_paragraphs, n_themes)`` scores in ``(0, 1)``: logistic of the standardised cosine.

    >>> semantic_scores(np.eye(2), np.eye(2), np.zeros(2), np.ones(2)).round(3).tolist()
    [[0.731, 0.5], [0.5, 0.731]]
    """
    sims = _unit(np.asarray(paragraph_vectors, dtype=np.float64)) @ protos.T
    return 1.0 / (1.0 + np.exp(-(sims - mean) / std))
