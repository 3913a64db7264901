"""TF-IDF lemma space for theme evidence: paragraphs as sparse vectors of words and their parts.

Expansion (:mod:`toolkit.themes.expand`) adds the few words most associated with a theme; this
space lets *all* the words of a theme's member paragraphs count, each weighted by its rarity:
the theme's TF-IDF prototype is the mean of its members' rows
(:class:`~toolkit.themes.semantic.SimilarityEvidence`). German compounds would otherwise share
no dimension with their parts, so every token also counts as its compound parts
(``artilleriegranate`` -> ``artillerie``, ``granate``): a paragraph about *Handgranaten* is then
close to members about *Granaten*.

Examples
--------
>>> space = TfidfSpace(min_df=1).fit([["munition", "werk"], ["granate", "werk"], ["wetter"]])
>>> space.transform([["werk"]]).nnz, sorted(space.vocabulary_)
(1, ['granate', 'munition', 'werk', 'wetter'])
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

MIN_DF = 2
"""A word in fewer paragraphs cannot link two paragraphs and only adds noise to the norms."""


def _no_parts(token: str) -> Collection[str]:
    return ()


class TfidfSpace:
    """scikit-learn's TF-IDF over tokens and their compound parts.

    Parameters
    ----------
    parts : callable, optional
        Token -> its compound parts (``CompoundSplitter.parts``); none by default.
    min_df : int, default ``MIN_DF``
        Least number of paragraphs a word (or part) must occur in.

    Attributes
    ----------
    vectorizer_ : sklearn.feature_extraction.text.TfidfVectorizer or None
        The fitted vectorizer; None when no word occurs in ``min_df`` paragraphs.
    """

    def __init__(
        self, parts: Callable[[str], Collection[str]] | None = None, min_df: int = MIN_DF
    ) -> None:
        self.parts = parts or _no_parts
        self.min_df = min_df

    def _words(self, tokens: list[str]) -> list[str]:
        return list(tokens) + [part for token in tokens for part in self.parts(token)]

    def _vectorizer(self, vocabulary: list[str] | None = None) -> TfidfVectorizer:
        # imported here: 0.5 s, and a run read from the cache scores nothing
        from sklearn.feature_extraction.text import TfidfVectorizer

        # smoothed IDF ln((1 + n) / (1 + df)) + 1, sublinear term frequency, unit-length rows
        return TfidfVectorizer(
            analyzer=self._words,
            min_df=self.min_df,
            sublinear_tf=True,
            vocabulary=vocabulary,
            dtype=np.float64,
        )

    def fit(self, paragraph_tokens: list[list[str]]) -> TfidfSpace:
        """Learn the vocabulary and the IDF weights from the corpus paragraphs."""
        try:
            self.vectorizer_: TfidfVectorizer | None = self._vectorizer().fit(paragraph_tokens)
        except ValueError:  # scikit-learn: no terms remain after min_df
            self.vectorizer_ = None
        return self

    @property
    def vocabulary_(self) -> dict[str, int]:
        """Word -> column (empty when no word occurs in ``min_df`` paragraphs)."""
        return {} if self.vectorizer_ is None else self.vectorizer_.vocabulary_

    def transform(self, paragraph_tokens: list[list[str]]) -> sparse.csr_matrix:
        """``(n_paragraphs, n_words)`` unit-length TF-IDF rows."""
        if self.vectorizer_ is None:
            raise RuntimeError("TfidfSpace has no vocabulary: no word occurs in min_df paragraphs")
        return sparse.csr_matrix(self.vectorizer_.transform(paragraph_tokens))

    def state(self) -> dict:
        """The fitted vocabulary (in column order) and IDF weights, JSON-ready."""
        words = sorted(self.vocabulary_, key=self.vocabulary_.__getitem__)
        idf = [] if self.vectorizer_ is None else self.vectorizer_.idf_
        return {"words": words, "idf": [round(float(v), 6) for v in idf]}

    @classmethod
    def from_state(
        cls, state: dict, parts: Callable[[str], Collection[str]] | None = None
    ) -> TfidfSpace:
        """Inverse of :meth:`state`."""
        space = cls(parts)
        space.vectorizer_ = space._vectorizer(vocabulary=list(state["words"]))
        space.vectorizer_.idf_ = np.asarray(state["idf"], dtype=np.float64)
        return space
