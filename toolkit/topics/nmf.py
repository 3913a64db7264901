"""Non-negative matrix factorisation of TF-IDF weights (scikit-learn), as a topic model."""

from __future__ import annotations

from typing import Self

import numpy as np
import scipy.sparse as sp
from gensim.corpora import Dictionary
from sklearn.decomposition import NMF

from toolkit.topics.base import normalize_rows


def count_matrix(texts: list[list[str]], dictionary: Dictionary) -> sp.csr_matrix:
    """Sparse term counts (documents × dictionary ids); unknown tokens are ignored."""
    rows, cols, vals = [], [], []
    for i, text in enumerate(texts):
        for term_id, count in dictionary.doc2bow(text):
            rows.append(i)
            cols.append(term_id)
            vals.append(count)
    shape = (len(texts), len(dictionary))
    return sp.csr_matrix((vals, (rows, cols)), shape=shape, dtype=np.float64)


def smooth_idf(counts: sp.csr_matrix) -> np.ndarray:
    """``log((1 + n) / (1 + df)) + 1``, scikit-learn's smoothed inverse document frequency."""
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    return np.log((1.0 + n) / (1.0 + df)) + 1.0


def tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Raw counts times ``idf``, each row scaled to unit length (empty rows stay zero)."""
    weighted = sp.csr_matrix(counts.multiply(idf[None, :]))
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return sp.csr_matrix(sp.diags(scale) @ weighted)


class NmfTopicModel:
    """scikit-learn NMF on TF-IDF built over the run's gensim dictionary.

    A document's topic shares are its NMF weights times the size of each topic's word vector,
    normalised: the share of the document's TF-IDF mass that each topic reconstructs. This
    equals a non-negative least-squares fit of the document on ``topic_word_``, which is what
    :func:`infer_topics` computes from the saved arrays.

    Parameters
    ----------
    num_topics : int
        Number of topics K.
    max_iter : int
        Coordinate-descent iterations of scikit-learn's NMF.
    seed : int
        ``random_state`` (only used by the ``nndsvda`` initialisation's tie handling).

    Examples
    --------
    >>> from gensim.corpora import Dictionary
    >>> texts = [["nato", "munition"], ["schweden", "beitritt"]] * 5
    >>> model = NmfTopicModel(2, seed=0).fit(texts, Dictionary(texts))
    >>> model.transform([["schweden"], ["munition"]]).round(2).sum(axis=1).tolist()
    [1.0, 1.0]
    """

    bit_reproducible = True

    def __init__(self, num_topics: int = 10, *, max_iter: int = 400, seed: int = 0) -> None:
        self.num_topics = num_topics
        self.max_iter = max_iter
        self.seed = seed

    def fit(self, texts: list[list[str]], dictionary: Dictionary) -> Self:
        """Fit on token lists whose vocabulary is ``dictionary`` (unknown tokens are ignored)."""
        self.dictionary_ = dictionary
        counts = count_matrix(texts, dictionary)
        self.idf_ = smooth_idf(counts)
        self.model_ = NMF(
            n_components=self.num_topics,
            init="nndsvda",
            max_iter=self.max_iter,
            random_state=self.seed,
        )
        self.model_.fit(tfidf(counts, self.idf_))
        components = self.model_.components_
        self.scale_ = components.sum(axis=1)
        self.topic_word_ = normalize_rows(components)
        # NMF has no Dirichlet prior; a uniform vector keeps the saved arrays uniform in shape.
        self.alpha_ = np.full(self.num_topics, 1.0 / self.num_topics)
        return self

    def transform(self, texts: list[list[str]]) -> np.ndarray:
        """Topic shares of token lists (texts without known tokens get uniform shares)."""
        if not texts:
            return np.zeros((0, self.num_topics))
        weights = self.model_.transform(tfidf(count_matrix(texts, self.dictionary_), self.idf_))
        return normalize_rows(weights * self.scale_[None, :])
