"""Similarity evidence: cosine of every paragraph to one prototype per theme, as a z-score.

A prototype is a vector per theme: the glossed description (the *anchor*), or the normalised
mean of the theme's member paragraphs (self-trained, :mod:`toolkit.themes.scorer`), falling back
to the anchor — or to nothing — for a theme without members. The same class serves dense
sentence vectors and sparse TF-IDF rows. Cosines are standardised against the background
paragraphs' cosines to the same prototypes (:class:`~toolkit.themes.background.Standardizer`),
so a score says how far a paragraph stands out from ordinary news, in background units.

Examples
--------
>>> vectors = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]])
>>> members = np.array([[True], [True], [False]])
>>> background = np.array([[0.0, 1.0], [0.3, 1.0], [0.1, 1.0]])
>>> evidence = SimilarityEvidence().fit(centroids(vectors, members), background)
>>> evidence.transform(vectors).round(1).ravel().tolist()
[5.7, 5.7, -0.7]
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from toolkit.themes.background import Standardizer


def unit(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero).

    >>> unit(np.array([[3.0, 4.0], [0.0, 0.0]])).tolist()
    [[0.6, 0.8], [0.0, 0.0]]
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


def centroids(
    matrix: np.ndarray | sparse.spmatrix,
    members: np.ndarray,
    fallback: np.ndarray | None = None,
) -> np.ndarray:
    """One unit-length prototype per theme: the mean of its member rows.

    Parameters
    ----------
    matrix : ndarray or sparse matrix, shape (n_paragraphs, dim)
        Paragraph vectors (rows need not be normalised; each counts once after normalising).
    members : ndarray of bool, shape (n_paragraphs, n_themes)
        The rows that represent each theme; rows of several themes are left out.
    fallback : ndarray of shape (n_themes, dim), optional
        The prototype of a theme without members (zeros when None).
    """
    members = np.asarray(members, dtype=bool)
    members = members & (members.sum(axis=1, keepdims=True) == 1)
    rows = sparse.csr_matrix(matrix) if sparse.issparse(matrix) else unit(matrix)
    if sparse.issparse(rows):
        norms = np.sqrt(np.asarray(rows.multiply(rows).sum(axis=1))).ravel()
        rows = sparse.diags(np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)) @ rows
    out = []
    for k in range(members.shape[1]):
        if members[:, k].any():
            out.append(np.asarray(rows[members[:, k]].mean(axis=0)).ravel())
        elif fallback is not None:
            out.append(np.asarray(fallback[k], dtype=np.float64).ravel())
        else:
            out.append(np.zeros(rows.shape[1]))
    return unit(np.stack(out))


def cosines(matrix: np.ndarray | sparse.spmatrix, prototypes: np.ndarray) -> np.ndarray:
    """``(n, n_themes)`` cosines between the rows of ``matrix`` and unit-length prototypes."""
    if sparse.issparse(matrix):
        matrix = sparse.csr_matrix(matrix)
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1))).ravel()
        dots = np.asarray(matrix @ prototypes.T)
        return np.divide(dots, norms[:, None], out=np.zeros_like(dots), where=norms[:, None] > 0)
    return unit(matrix) @ prototypes.T


class SimilarityEvidence:
    """Cosine to per-theme prototypes, as z-scores against background paragraphs.

    Parameters
    ----------
    robust : bool, default True
        Median and MAD of the background cosines (dense vectors); False: mean and standard
        deviation (sparse TF-IDF rows, mostly 0 against a prototype).

    Attributes
    ----------
    prototypes_ : ndarray of shape (n_themes, dim)
    standardizer_ : Standardizer
    """

    def __init__(self, robust: bool = True) -> None:
        self.robust = robust

    def fit(
        self, prototypes: np.ndarray, background: np.ndarray | sparse.spmatrix
    ) -> SimilarityEvidence:
        """Keep ``prototypes`` and learn the background cosines' centre and scale."""
        self.prototypes_ = np.asarray(prototypes, dtype=np.float64)
        background_cosines = cosines(background, self.prototypes_)
        self.standardizer_ = Standardizer(self.robust).fit(background_cosines)
        return self

    def transform(
        self, matrix: np.ndarray | sparse.spmatrix, unread: float | None = None
    ) -> np.ndarray:
        """``(n, n_themes)`` z-scores of the rows' cosines to the prototypes.

        With ``unread``, a dense row of NaN (a text the model did not read: the themes' context
        cascade, :mod:`toolkit.themes.cascade`) gets that score instead of NaN.

        >>> evidence = SimilarityEvidence().fit(np.eye(2), np.array([[1.0, 0], [0, 1], [1, 1]]))
        >>> evidence.transform(np.array([[1.0, 0.0], [np.nan, np.nan]]), unread=-5.0)[1].tolist()
        [-5.0, -5.0]
        """
        if unread is None or sparse.issparse(matrix):
            return self.standardizer_.transform(cosines(matrix, self.prototypes_))
        matrix = np.asarray(matrix)
        read = ~np.isnan(matrix).any(axis=1)
        if read.all():  # every text read (no cascade): no copy of the rows
            return self.standardizer_.transform(cosines(matrix, self.prototypes_))
        out = np.full((len(matrix), len(self.prototypes_)), unread, dtype=np.float64)
        if read.any():
            out[read] = self.standardizer_.transform(cosines(matrix[read], self.prototypes_))
        return out

    def state(self) -> dict:
        """The standardizer's state (the prototypes are stored apart, as ``.npy``)."""
        return self.standardizer_.state()

    @classmethod
    def from_state(cls, state: dict, prototypes: np.ndarray) -> SimilarityEvidence:
        """Inverse of :meth:`state` plus the stored prototypes."""
        evidence = cls(bool(state["robust"]))
        evidence.prototypes_ = np.asarray(prototypes, dtype=np.float64)
        evidence.standardizer_ = Standardizer.from_state(state)
        return evidence
