"""``TopicModeler``: fit a topic model on a tokenised corpus, evaluate it, and shape the result.

Design choices:

* **Units.** ``unit="paragraph"`` fits on paragraphs (those without dictionary tokens are
  skipped); a document's shares are the token-count weighted mean of its paragraphs' shares.
  A document without tokens gets the prior's shares.
* **Every unit is fitted.** The reported topics come from all units, so they do not depend on
  which units a seeded hold-out split happened to leave out; held-out perplexity fits its own
  model (:class:`~toolkit.topics.evaluators.HeldOutPerplexity`).
* **Evaluation** is a list of small evaluators (:mod:`toolkit.topics.evaluators`): coherence
  in this corpus (and in ``reference_texts``), diversity, stability over refits with other
  seeds, held-out perplexity.
* **Seeded topics.** With ``themes``, the first ``len(themes)`` topics get the prior of
  :func:`~toolkit.topics.seeded.seeded_eta` (LDA only); a learned (``"auto"``) eta is then
  not used.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, Literal, Self

import numpy as np
import pandas as pd

from toolkit.progress import status
from toolkit.text.tokenized import TokenizedCorpus
from toolkit.topics.base import TopicModel, normalize_rows, top_words
from toolkit.topics.coherent import word_ranking
from toolkit.topics.evaluators import (
    Coherence,
    Diversity,
    FittedTopics,
    HeldOutPerplexity,
    Stability,
    TopicEvaluator,
    evaluate_topics,
)
from toolkit.topics.models import ModelName, ModelSpec
from toolkit.topics.over_time import topics_over_time
from toolkit.topics.result import TopicsResult, article_index
from toolkit.topics.seeded import SeededPrior

STABILITY_TOP_N = 10
DIVERSITY_TOP_N = 25
Unit = Literal["article", "paragraph"]


def modelling_units(
    corpus: TokenizedCorpus, unit: Unit
) -> tuple[list[tuple[int, int]], list[list[str]]]:
    """Units with at least one dictionary token, ``(doc, paragraph)`` each, and their tokens.

    Examples
    --------
    >>> from gensim.corpora import Dictionary
    >>> tc = TokenizedCorpus(["a"], [[["nato", "x"], ["y"]]], Dictionary([["nato"]]))
    >>> modelling_units(tc, "paragraph")
    ([(0, 0)], [['nato']])
    """
    vocab = corpus.dictionary.token2id
    if unit == "paragraph":
        index, tokens = corpus.paragraph_units()
    else:
        index, tokens = [(d, -1) for d in range(len(corpus))], corpus.documents()
    kept = [(i, [t for t in toks if t in vocab]) for i, toks in zip(index, tokens, strict=True)]
    kept = [(i, toks) for i, toks in kept if toks]
    return [i for i, _ in kept], [toks for _, toks in kept]


def document_shares(
    n_docs: int,
    index: list[tuple[int, int]],
    unit_topics: np.ndarray,
    lengths: np.ndarray,
    prior: np.ndarray,
) -> np.ndarray:
    """Token-count weighted mean of each document's unit shares; the prior for empty documents.

    Examples
    --------
    >>> shares = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> document_shares(2, [(0, 0), (0, 1)], shares, np.array([3.0, 1.0]), np.ones(2)).tolist()
    [[0.75, 0.25], [0.5, 0.5]]
    """
    sums = np.zeros((n_docs, unit_topics.shape[1]))
    docs = np.array([d for d, _ in index], dtype=int)
    np.add.at(sums, docs, unit_topics * lengths[:, None])
    return normalize_rows(sums, fallback=prior)


def topic_table(
    topic_word: np.ndarray, vocabulary: list[str], n: int, scores: np.ndarray | None = None
) -> pd.DataFrame:
    """Columns ``topic, rank, word, weight``: each topic's ``n`` best words.

    Words are ranked by ``scores`` (default: ``topic_word``); ``weight`` is ``p(w | k)``.

    Examples
    --------
    >>> topic_table(np.array([[0.2, 0.8]]), ["a", "b"], 1).to_dict("records")
    [{'topic': 0, 'rank': 1, 'word': 'b', 'weight': 0.8}]
    """
    scores = topic_word if scores is None else scores
    order = np.argsort(-scores, axis=1, kind="stable")[:, :n]
    rows = [
        {"topic": k, "rank": r + 1, "word": vocabulary[i], "weight": float(topic_word[k, i])}
        for k in range(topic_word.shape[0])
        for r, i in enumerate(order[k])
    ]
    return pd.DataFrame(rows, columns=["topic", "rank", "word", "weight"])


def topic_labels(words: list[list[str]], topic_themes: dict[int, str]) -> list[str]:
    """A seeded topic's theme name, else its three best words joined by `` · ``.

    Examples
    --------
    >>> topic_labels([["nato", "gipfel", "rat", "x"], ["zins", "bank", "euro"]], {0: "nato"})
    ['nato', 'zins · bank · euro']
    """
    return [topic_themes.get(k, " · ".join(w[:3])) for k, w in enumerate(words)]


class TopicModeler:
    """Fit, evaluate and describe a topic model of a tokenised corpus.

    Parameters
    ----------
    model : {"lda", "lda_multicore", "nmf"}, default "lda"
    num_topics : int, default 10
    unit : {"article", "paragraph"}, default "article"
        What a model document is (see the module docstring).
    passes, iterations, chunksize, alpha, eta, init, workers
        Model settings (see :class:`~toolkit.topics.models.ModelSpec`).
    seed_confidence : float, default 0.9
        Share of a seeded topic's prior mass on its seed terms.
    relevance : float, default 0.8
        Words are ranked by relevance with this weight (1: by probability; see
        :func:`~toolkit.topics.base.word_relevance`) in the topic table, labels and evaluations.
    word_candidates : int, default 30
        The first ``coherence_top_n`` words are chosen for co-occurrence among this many
        best-ranked (:mod:`toolkit.topics.coherent`; ``coherence_top_n`` or fewer: by rank).
    top_n : int, default 20
        Words per topic in the topic table.
    coherence : sequence of {"c_npmi", "c_v", "u_mass"}, default all three
    coherence_top_n : int, default 10
    stability_seeds : int, default 3
        Refits with other seeds for the stability score (0: off).
    holdout : float, default 0.1
        Share of units held out of a separate fit for perplexity (0: off).
    period : {"year", "quarter", "month", "day"}, default "month"
        Period of the topics-over-time table.
    seed : int, default 0

    Attributes
    ----------
    result_ : TopicsResult

    Examples
    --------
    >>> from gensim.corpora import Dictionary
    >>> pars = [[["nato", "munition"], ["schweden", "beitritt"]]] * 6
    >>> corpus = TokenizedCorpus([str(i) for i in range(6)], pars, Dictionary(pars[0]))
    >>> modeler = TopicModeler(num_topics=2, unit="paragraph", passes=2, stability_seeds=0)
    >>> modeler.fit(corpus).result_.doc_topics.shape
    (6, 2)
    """

    def __init__(
        self,
        *,
        model: ModelName = "lda",
        num_topics: int = 10,
        unit: Unit = "article",
        passes: int = 10,
        iterations: int = 400,
        alpha: float | str = "auto",
        eta: float | str | None = None,
        chunksize: int = 2000,
        init: Literal["nmf", "random"] = "nmf",
        workers: int | None = None,
        seed_confidence: float = 0.9,
        relevance: float = 0.8,
        word_candidates: int = 30,
        top_n: int = 20,
        coherence: Sequence[str] = ("c_npmi", "c_v", "u_mass"),
        coherence_top_n: int = 10,
        stability_seeds: int = 3,
        holdout: float = 0.1,
        period: str = "month",
        seed: int = 0,
    ) -> None:
        self.spec = ModelSpec(
            model, num_topics, passes, iterations, alpha, eta, chunksize, init, workers
        )
        self.unit = unit
        self.seed_confidence = seed_confidence
        self.relevance = relevance
        self.word_candidates = word_candidates
        self.top_n = top_n
        self.coherence = tuple(coherence)
        self.coherence_top_n = coherence_top_n
        self.stability_seeds = stability_seeds
        self.holdout = holdout
        self.period = period
        self.seed = seed

    def _prior(
        self, corpus: TokenizedCorpus, themes: dict[str, list[str]] | None, analyze: Any
    ) -> SeededPrior | None:
        if not themes:
            return None
        if self.spec.model == "nmf":
            raise ValueError(
                "topics.seeded needs an LDA model (topics.model=lda or lda_multicore); "
                "set topics.seeded=false to fit NMF next to the themes"
            )
        base = self.spec.eta if isinstance(self.spec.eta, float) else None
        return SeededPrior.build(
            themes, corpus.dictionary, self.spec.num_topics, self.seed_confidence, base, analyze
        )

    def _check(self, texts: list[list[str]]) -> None:
        k = self.spec.num_topics
        if k > len(texts):
            raise ValueError(
                f"topics.num_topics={k} is larger than the number of {self.unit}s with tokens "
                f"({len(texts)}); lower topics.num_topics"
                + (" or use topics.unit=paragraph" if self.unit == "article" else "")
            )

    def evaluators(
        self,
        make_model: Callable[[int], TopicModel],
        texts: list[list[str]],
        corpus: TokenizedCorpus,
        reference_texts: list[list[str]] | None = None,
        rank: Callable[[np.ndarray], np.ndarray] | None = None,
    ) -> list[TopicEvaluator]:
        """The evaluators these settings ask for, in the order they run."""
        dictionary, top = corpus.dictionary, self.coherence_top_n
        documents = corpus.documents()
        found: list[TopicEvaluator] = []
        for measure in self.coherence:
            found.append(Coherence(documents, dictionary, measure, top))
            if reference_texts is not None:
                found.append(
                    Coherence(reference_texts, dictionary, measure, top, "reference_coherence")
                )
        found.append(Diversity(DIVERSITY_TOP_N))
        if self.stability_seeds:
            found.append(
                Stability(make_model, texts, dictionary, self.seed, self.stability_seeds, rank=rank)
            )
        if self.holdout:
            found.append(
                HeldOutPerplexity(
                    make_model, texts, dictionary, self.seed, self.holdout, self.spec.num_topics
                )
            )
        return found

    def _shares(
        self,
        model: TopicModel,
        corpus: TokenizedCorpus,
        index: list[tuple[int, int]],
        texts: list[list[str]],
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Document shares, unit shares and the unit index (articles: the documents)."""
        unit_topics = model.transform(texts)
        lengths = np.array([len(t) for t in texts], dtype=np.float64)
        doc_topics = document_shares(len(corpus), index, unit_topics, lengths, model.alpha_)
        if self.unit == "article":
            return doc_topics, doc_topics, article_index(len(corpus))
        return doc_topics, unit_topics, np.asarray(index, dtype=np.int64).reshape(-1, 2)

    def _describe(
        self, corpus: TokenizedCorpus, n_units: int, model: TopicModel, prior: SeededPrior | None
    ) -> dict[str, Any]:
        missing = prior.missing if prior else {}
        return {
            "model": self.spec.model,
            "num_topics": self.spec.num_topics,
            "unit": self.unit,
            "num_documents": len(corpus),
            "num_units": n_units,
            "vocabulary_size": len(corpus.dictionary),
            "bit_reproducible": model.bit_reproducible,
            "seeded_topics": len(prior.seed_ids) if prior else 0,
            "seed_terms_missing": sorted(
                f"{n}: {t}" for n, terms in missing.items() for t in terms
            ),
        }

    def _over_time(
        self, doc_topics: np.ndarray, dates: list[str | None] | None, metrics: dict[str, Any]
    ) -> pd.DataFrame | None:
        """The topics-over-time table; counts the undated documents into ``metrics``."""
        if dates is None:
            return None
        over_time = topics_over_time(doc_topics, dates, self.period)
        metrics["undated_documents"] = (
            len(dates) if over_time is None else int(over_time.attrs["undated"])
        )
        return over_time

    def fit(
        self,
        corpus: TokenizedCorpus,
        *,
        themes: dict[str, list[str]] | None = None,
        analyze: Callable[[str], list[str]] | None = None,
        reference_texts: list[list[str]] | None = None,
        dates: list[str | None] | None = None,
    ) -> Self:
        """Fit on ``corpus`` and evaluate; the outcome is :attr:`result_`.

        ``themes`` (name -> raw seed terms) seed the first topics; ``analyze`` maps a seed term
        into the corpus's token space (the text pipeline's ``transform_text``);
        ``reference_texts`` get a second coherence score; ``dates`` (one per document) give
        the topics-over-time table.
        """
        started = time.perf_counter()
        index, texts = modelling_units(corpus, self.unit)
        self._check(texts)
        prior = self._prior(corpus, themes, analyze)
        eta, seed_ids = (prior.eta, prior.seed_ids) if prior else (None, None)
        make_model = partial(self.spec.build, eta=eta, seed_ids=seed_ids)
        status(f"topics: fitting {self.spec.model} on {len(texts)} {self.unit}s")
        tick = time.perf_counter()
        model = make_model(self.seed).fit(texts, corpus.dictionary)
        timings = {"fit_seconds": time.perf_counter() - tick}
        doc_topics, unit_topics, unit_index = self._shares(model, corpus, index, texts)
        vocabulary = [corpus.dictionary[i] for i in range(len(corpus.dictionary))]
        rank = word_ranking(
            texts, vocabulary, self.relevance, self.coherence_top_n, self.word_candidates
        )
        scores = rank(model.topic_word_)
        words = top_words(scores, vocabulary, max(self.coherence_top_n, DIVERSITY_TOP_N))
        metrics = self._describe(corpus, len(texts), model, prior)
        evaluators = self.evaluators(make_model, texts, corpus, reference_texts, rank)
        evaluation, seconds = evaluate_topics(FittedTopics(words), evaluators)
        metrics.update(evaluation)
        timings.update({f"{name}_seconds": s for name, s in seconds.items()})
        over_time = self._over_time(doc_topics, dates, metrics)
        topic_themes = prior.topic_themes if prior else {}
        timings["total_seconds"] = time.perf_counter() - started
        self.result_ = TopicsResult(
            topic_table=topic_table(model.topic_word_, vocabulary, self.top_n, scores),
            labels=topic_labels(words, topic_themes),
            topic_themes=topic_themes,
            doc_ids=list(corpus.doc_ids),
            doc_topics=doc_topics,
            unit_topics=unit_topics,
            unit_index=unit_index,
            topic_word=model.topic_word_,
            vocabulary=vocabulary,
            alpha=model.alpha_,
            metrics=metrics,
            over_time=over_time,
            idf=getattr(model, "idf_", None),
            model=model.model_,
            timings=timings,
        )
        return self


def fit_topics(
    corpus: TokenizedCorpus,
    *,
    themes: dict[str, list[str]] | None = None,
    analyze: Callable[[str], list[str]] | None = None,
    reference_texts: list[list[str]] | None = None,
    dates: list[str | None] | None = None,
    **params: Any,
) -> TopicsResult:
    """``TopicModeler(**params).fit(corpus, …).result_`` in one call.

    Examples
    --------
    >>> from gensim.corpora import Dictionary
    >>> pars = [[["nato", "munition"], ["zins", "bank"]]] * 4
    >>> corpus = TokenizedCorpus([str(i) for i in range(4)], pars, Dictionary(pars[0]))
    >>> result = fit_topics(corpus, num_topics=2, unit="paragraph", stability_seeds=0, holdout=0)
    >>> result.num_topics
    2
    """
    modeler = TopicModeler(**params).fit(
        corpus, themes=themes, analyze=analyze, reference_texts=reference_texts, dates=dates
    )
    return modeler.result_
