"""``ModelSpec``: which topic model to fit and how, as plain keyword parameters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from toolkit.topics.base import TopicModel
from toolkit.topics.lda import LdaTopicModel
from toolkit.topics.nmf import NmfTopicModel

ModelName = Literal["lda", "lda_multicore", "nmf"]


@dataclass(frozen=True)
class ModelSpec:
    """The settings of one topic model; :meth:`build` makes an unfitted model for a seed.

    Parameters
    ----------
    model : {"lda", "lda_multicore", "nmf"}
        gensim LDA in one process (bit-reproducible), gensim ``LdaMulticore``, or
        scikit-learn NMF on TF-IDF.
    num_topics : int
    passes, iterations, chunksize : int
        LDA training (see :class:`~toolkit.topics.lda.LdaTopicModel`); ``iterations`` is
        also NMF's ``max_iter``.
    alpha, eta : float or str or None
        LDA priors (see :class:`~toolkit.topics.lda.LdaTopicModel`).
    init : {"nmf", "random"}
        LDA start.
    workers : int or None
        ``lda_multicore`` worker processes.

    Examples
    --------
    >>> ModelSpec("nmf", num_topics=4).build(seed=0).num_topics
    4
    """

    model: ModelName = "lda"
    num_topics: int = 10
    passes: int = 10
    iterations: int = 400
    alpha: float | str = "auto"
    eta: float | str | None = None
    chunksize: int = 2000
    init: Literal["nmf", "random"] = "nmf"
    workers: int | None = None

    def build(
        self,
        seed: int,
        eta: np.ndarray | None = None,
        seed_ids: list[list[int]] | None = None,
    ) -> TopicModel:
        """An unfitted model; ``eta`` (a seeded prior) replaces the spec's own ``eta``."""
        if self.model == "nmf":
            return NmfTopicModel(self.num_topics, max_iter=self.iterations, seed=seed)
        if self.model not in ("lda", "lda_multicore"):
            raise ValueError(f"topics.model must be lda, lda_multicore or nmf, not {self.model!r}")
        return LdaTopicModel(
            self.num_topics,
            passes=self.passes,
            iterations=self.iterations,
            alpha=self.alpha,
            eta=self.eta if eta is None else eta,
            chunksize=self.chunksize,
            seed=seed,
            multicore=self.model == "lda_multicore",
            workers=self.workers,
            init=self.init,
            seed_ids=seed_ids,
        )
