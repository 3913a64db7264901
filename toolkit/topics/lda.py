"""Latent Dirichlet allocation with gensim (single process, or ``LdaMulticore``)."""

from __future__ import annotations

from typing import Self

import numpy as np
from gensim.corpora import Dictionary
from gensim.models import LdaModel, LdaMulticore
from scipy.optimize import linear_sum_assignment

from toolkit.topics.base import normalize_rows
from toolkit.topics.nmf import NmfTopicModel

# The NMF start is a function of the data alone (NNDSVD), but scikit-learn computes it with a
# randomised SVD. Seeding that SVD with the model seed made the start, and so the topics,
# depend on the seed (top-10 stability over three seeds on 10kGNAD: 0.74; with one fixed SVD
# seed: 0.99): the model seed is left to vary what it varies in LDA, the E-step's start.
NMF_START_SEED = 0


def nmf_initial_topics(
    texts: list[list[str]],
    dictionary: Dictionary,
    num_topics: int,
    seed: int,
    seed_ids: list[list[int]] | None = None,
) -> np.ndarray:
    """Starting topics for LDA from NMF on TF-IDF (K × V, rows sum to 1).

    gensim starts LDA from near-uniform random topics, and its variational updates break that
    symmetry slowly: on 1,000 news articles twenty full passes still leave topics that barely
    separate the articles' subjects. NMF finds well separated topics in a second, and LDA
    started from them converges in a few passes to a better optimum. With ``seed_ids``
    (seed-token ids of seeded topics 0, 1, ...), NMF topics are assigned to the seeded
    slots by the probability mass they give the seed tokens (Hungarian matching), so a
    seeded topic starts from the NMF topic closest to its theme.

    Examples
    --------
    >>> texts = [["nato", "munition"], ["schweden", "beitritt"]] * 5
    >>> nmf_initial_topics(texts, Dictionary(texts), 2, seed=0).shape
    (2, 4)
    """
    topics = NmfTopicModel(num_topics, seed=seed).fit(texts, dictionary).topic_word_
    if not seed_ids:
        return topics
    mass = np.array([[topics[j, ids].sum() for j in range(num_topics)] for ids in seed_ids])
    rows, cols = linear_sum_assignment(-mass)
    order = list(cols[np.argsort(rows)])
    order += [j for j in range(num_topics) if j not in set(order)]
    return topics[order]


class LdaTopicModel:
    """gensim LDA behind the toolkit's topic-model interface.

    Parameters
    ----------
    num_topics : int
        Number of topics K.
    passes, iterations, chunksize : int
        gensim's training passes over the corpus, E-step iterations per document, and
        documents per update. A chunk as large as the corpus makes every update a full batch
        update, which is both steadier and exactly reproducible.
    alpha : float or {"auto", "symmetric", "asymmetric"} or ndarray
        Document-topic prior. ``"auto"`` learns an asymmetric prior from the data; it is not
        available with ``multicore=True`` (gensim has no implementation), which raises.
    eta : float or {"auto", "symmetric"} or ndarray or None
        Topic-word prior; a K × V array is a seeded prior (see :func:`seeded_eta`).
    seed : int
        ``random_state`` of gensim.
    multicore : bool
        Use ``LdaMulticore`` with ``workers`` processes. Faster on big corpora but the order in
        which workers return their statistics varies, so results are not bit-reproducible.
    workers : int or None
        Worker processes for ``multicore`` (gensim's default: cores - 1).
    init : {"nmf", "random"}
        Starting topics: NMF on TF-IDF (see :func:`nmf_initial_topics`; its randomised SVD
        always uses :data:`NMF_START_SEED`, so the start does not depend on ``seed``), or
        gensim's own random start.
    seed_ids : list of list of int, optional
        Seed-token ids of the seeded topics 0, 1, ..., to place NMF starting topics.

    Examples
    --------
    >>> from gensim.corpora import Dictionary
    >>> texts = [["nato", "munition"], ["schweden", "beitritt"]] * 5
    >>> model = LdaTopicModel(2, passes=2, seed=0).fit(texts, Dictionary(texts))
    >>> model.transform([["nato"]]).shape
    (1, 2)
    """

    def __init__(
        self,
        num_topics: int = 10,
        *,
        passes: int = 10,
        iterations: int = 400,
        alpha: float | str | np.ndarray = "auto",
        eta: float | str | np.ndarray | None = None,
        chunksize: int = 2000,
        seed: int = 0,
        multicore: bool = False,
        workers: int | None = None,
        init: str = "nmf",
        seed_ids: list[list[int]] | None = None,
    ) -> None:
        self.num_topics = num_topics
        self.passes = passes
        self.iterations = iterations
        self.alpha = alpha
        self.eta = eta
        self.chunksize = chunksize
        self.seed = seed
        self.multicore = multicore
        self.workers = workers
        self.init = init
        self.seed_ids = seed_ids

    @property
    def bit_reproducible(self) -> bool:
        """Whether two fits with the same seed give identical arrays."""
        return not self.multicore

    def fit(self, texts: list[list[str]], dictionary: Dictionary) -> Self:
        """Fit on token lists whose vocabulary is ``dictionary`` (unknown tokens are ignored)."""
        if self.init not in ("nmf", "random"):
            raise ValueError(f"init must be 'nmf' or 'random', got {self.init!r}")
        if self.multicore and isinstance(self.alpha, str) and self.alpha == "auto":
            raise ValueError(
                "topics.alpha='auto' is not available with topics.model=lda_multicore "
                "(gensim cannot learn alpha in parallel); "
                "use 'symmetric', 'asymmetric' or a number"
            )
        self.dictionary_ = dictionary
        corpus = [dictionary.doc2bow(t) for t in texts]
        common = dict(
            num_topics=self.num_topics,
            id2word=dictionary,
            chunksize=self.chunksize,
            passes=self.passes,
            iterations=self.iterations,
            alpha=self.alpha,
            eta=self.eta,
            random_state=self.seed,
            # gensim's periodic perplexity logging costs a full E-step over the corpus.
            eval_every=None,
            dtype=np.float64,
        )
        if self.multicore:
            model = LdaMulticore(workers=self.workers, **common)
        else:
            model = LdaModel(**common)
        if self.init == "nmf":
            start = nmf_initial_topics(
                texts, dictionary, self.num_topics, NMF_START_SEED, self.seed_ids
            )
            # pseudo-counts of the size of the corpus, so the start weighs like one full E-step
            total = sum(count for bow in corpus for _, count in bow)
            model.state.sstats[...] = start * (total / self.num_topics)
            model.sync_state()
        model.update(corpus)
        self.model_ = model
        self.topic_word_ = normalize_rows(self.model_.get_topics())
        self.alpha_ = np.asarray(self.model_.alpha, dtype=np.float64)
        return self

    def transform(self, texts: list[list[str]]) -> np.ndarray:
        """Topic shares of token lists (gensim's E-step; an empty text gets the prior's shares)."""
        bows = [self.dictionary_.doc2bow(t) for t in texts]
        if not bows:
            return np.zeros((0, self.num_topics))
        gamma, _ = self.model_.inference(bows)
        gamma = np.asarray(gamma, dtype=np.float64)
        empty = np.array([len(b) == 0 for b in bows])
        gamma[empty] = 0.0
        return normalize_rows(gamma, fallback=self.alpha_)
