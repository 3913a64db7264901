"""Theme evidence in TF-IDF lemma space: every paragraph against the theme's member paragraphs.

Expansion (:mod:`toolkit.themes.expand`) adds the few words most associated with a theme and
needs them to pass a significance test; on a corpus of a hundred paragraphs few do. This evidence
uses *all* the words of the paragraphs that carry a theme (its members, found by seeds and then
by self-training), each weighted by TF-IDF: the theme's prototype is the normalised mean of its
members' TF-IDF vectors, and a paragraph's score is its cosine to each prototype, relative to its
mean cosine over the themes (as for the sentence vectors, :func:`~toolkit.themes.semantic.
relative_scores`).

German compounds would otherwise share no dimension with their parts, so every token is
extended with its compound parts (``artilleriegranate`` also counts as ``artillerie`` and
``granate``): a paragraph about *Handgranaten* is then close to members about *Granaten*.

TF-IDF cosines between short paragraphs are small (mostly below 0.2, where the sentence model's
are 0.2-0.6), so they are multiplied by ``COSINE_SCALE`` before the relative mapping. A theme
without members falls back to a pseudo-document made of its terms.

Examples
--------
>>> docs = [["munition", "werk"], ["granate", "werk"], ["beitritt", "schweden"], ["wetter"]]
>>> members = np.array([[1, 0], [0, 0], [0, 1], [0, 0]], dtype=bool)
>>> model = TfidfPrototypes(min_df=1).fit(docs, members, [["munition"], ["beitritt"]])
>>> model.scores([["werk", "fabrik"], ["schweden"]]).round(2).tolist()
[[1.0, 0.0], [0.0, 1.0]]
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from toolkit.themes.semantic import relative_scores, unit

COSINE_SCALE = 3.0
"""TF-IDF cosines are multiplied by this before the relative mapping (see the module docstring)."""

MIN_DF = 2
"""A word in fewer paragraphs cannot link two paragraphs and only adds noise to the norms."""


def _no_parts(token: str) -> Collection[str]:
    return ()


class TfidfPrototypes:
    """Per-theme TF-IDF prototypes of member paragraphs, and relative cosine scores.

    Parameters
    ----------
    parts : callable, optional
        Token -> its compound parts (``CompoundSplitter.parts``); none by default.
    min_df : int, default ``MIN_DF``
        Least number of paragraphs a word (or part) must occur in.

    Attributes
    ----------
    vectorizer_ : sklearn.feature_extraction.text.TfidfVectorizer or None
        The fitted vectorizer (``vocabulary_`` and ``idf_`` are its own).
    prototypes_ : ndarray of shape (n_themes, n_words)
        Unit-length theme prototypes.
    """

    def __init__(
        self, parts: Callable[[str], Collection[str]] | None = None, min_df: int = MIN_DF
    ) -> None:
        self.parts = parts or _no_parts
        self.min_df = min_df

    def _words(self, tokens: list[str]) -> list[str]:
        return list(tokens) + [part for token in tokens for part in self.parts(token)]

    def _vectorizer(self, vocabulary: list[str] | None = None) -> TfidfVectorizer:
        # scikit-learn's smoothed IDF ln((1 + n) / (1 + df)) + 1, sublinear term frequency and
        # unit-length rows; the analyzer adds every token's compound parts
        return TfidfVectorizer(
            analyzer=self._words,
            min_df=self.min_df,
            sublinear_tf=True,
            vocabulary=vocabulary,
            dtype=np.float64,
        )

    def fit_vocabulary(self, paragraph_tokens: list[list[str]]) -> TfidfPrototypes:
        """Learn the vocabulary and the IDF weights from the corpus paragraphs.

        No word in ``min_df`` paragraphs (a handful of paragraphs) leaves ``vocabulary_`` empty.
        """
        try:
            self.vectorizer_: TfidfVectorizer | None = self._vectorizer().fit(paragraph_tokens)
        except ValueError:  # scikit-learn: no terms remain after min_df
            self.vectorizer_ = None
        return self

    @property
    def vocabulary_(self) -> dict[str, int]:
        """Word -> column."""
        return {} if self.vectorizer_ is None else self.vectorizer_.vocabulary_

    @property
    def idf_(self) -> np.ndarray:
        """Smoothed inverse document frequency per column."""
        return np.zeros(0) if self.vectorizer_ is None else self.vectorizer_.idf_

    def transform(self, paragraph_tokens: list[list[str]]) -> sparse.csr_matrix:
        """``(n_paragraphs, n_words)`` unit-length TF-IDF rows with sublinear term frequency."""
        if self.vectorizer_ is None:
            raise RuntimeError("TfidfPrototypes has no vocabulary: fit_vocabulary found no word")
        return sparse.csr_matrix(self.vectorizer_.transform(paragraph_tokens))

    def fit_prototypes(
        self, matrix: sparse.csr_matrix, members: np.ndarray, fallback: list[list[str]]
    ) -> TfidfPrototypes:
        """Prototypes from the rows of ``matrix`` (the corpus, transformed) that are members.

        Parameters
        ----------
        matrix : sparse matrix, shape (n_paragraphs, n_words)
            The corpus paragraphs, from :meth:`transform`.
        members : ndarray of bool, shape (n_paragraphs, n_themes)
            The paragraphs that represent each theme; paragraphs of several themes are left out.
        fallback : list of list of str
            Per theme, the words of its prototype when it has no members (its terms).
        """
        members = np.asarray(members, dtype=bool)
        members = members & (members.sum(axis=1, keepdims=True) == 1)
        rows = []
        for k in range(members.shape[1]):
            if members[:, k].any():
                rows.append(np.asarray(matrix[members[:, k]].mean(axis=0)).ravel())
            else:
                rows.append(self.transform([fallback[k]]).toarray().ravel())
        self.prototypes_ = unit(np.stack(rows))
        return self

    def fit(
        self, paragraph_tokens: list[list[str]], members: np.ndarray, fallback: list[list[str]]
    ) -> TfidfPrototypes:
        """:meth:`fit_vocabulary` then :meth:`fit_prototypes` on the same paragraphs."""
        self.fit_vocabulary(paragraph_tokens)
        return self.fit_prototypes(self.transform(paragraph_tokens), members, fallback)

    def scores(
        self, paragraph_tokens: list[list[str]], matrix: sparse.csr_matrix | None = None
    ) -> np.ndarray:
        """``(n_paragraphs, n_themes)`` relative cosine scores in ``[0, 1]``, 0.5 at the mean.

        ``matrix`` is ``transform(paragraph_tokens)`` when already computed.
        """
        if matrix is None:
            matrix = self.transform(paragraph_tokens)
        sims = np.asarray(matrix @ self.prototypes_.T)
        return relative_scores(COSINE_SCALE * sims)

    def state(self) -> dict:
        """The fitted vocabulary and IDF weights, JSON-ready (the prototypes are stored apart)."""
        words = sorted(self.vocabulary_, key=self.vocabulary_.__getitem__)  # in column order
        return {"words": words, "idf": [round(float(v), 6) for v in self.idf_]}

    @classmethod
    def from_state(
        cls,
        state: dict,
        prototypes: np.ndarray,
        parts: Callable[[str], Collection[str]] | None = None,
    ) -> TfidfPrototypes:
        """Inverse of :meth:`state` plus the stored prototypes."""
        model = cls(parts)
        model.vectorizer_ = model._vectorizer(vocabulary=list(state["words"]))
        model.vectorizer_.idf_ = np.asarray(state["idf"], dtype=np.float64)
        model.prototypes_ = np.asarray(prototypes, dtype=np.float64)
        return model
