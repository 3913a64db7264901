"""Topic evaluation as small evaluators composed by one function.

gensim builds coherence from small parts (segmentation, probability estimation, confirmation
measure, aggregation); the toolkit builds its topic evaluation the same way one level up.
Each evaluator looks at a :class:`FittedTopics` and returns a few flat, JSON-ready metrics;
:func:`evaluate_topics` runs a list of them and times each. The measures themselves live in
:mod:`toolkit.topics.evaluate`.

Examples
--------
>>> from gensim.corpora import Dictionary
>>> texts = [["nato", "munition"], ["schweden", "beitritt"]] * 5
>>> topics = FittedTopics([["nato", "munition"], ["schweden", "beitritt"]])
>>> metrics, seconds = evaluate_topics(
...     topics, [Coherence(texts, Dictionary(texts), "c_npmi", top_n=2), Diversity(top_n=2)]
... )
>>> round(metrics["coherence_c_npmi"], 6), metrics["diversity"]
(1.0, 1.0)
>>> sorted(seconds)
['coherence_c_npmi', 'diversity']
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from gensim.corpora import Dictionary

from toolkit.progress import status
from toolkit.topics.base import TopicModel, top_words
from toolkit.topics.evaluate import (
    completion_split,
    heldout_log_likelihood,
    topic_coherence,
    topic_diversity,
    topic_stability,
)

# builds an unfitted model for a seed (e.g. ``partial(spec.build, eta=eta)``)
ModelFactory = Callable[[int], TopicModel]


@dataclass(frozen=True)
class FittedTopics:
    """What evaluators look at: each topic's words, best first.

    ``words`` must hold at least as many words per topic as any evaluator's ``top_n``.
    Evaluators that refit (stability, held-out perplexity) carry their own model factory.
    """

    words: list[list[str]]


class TopicEvaluator(Protocol):
    """One evaluation: a name (for its timing) and a call returning flat metrics."""

    name: str

    def __call__(self, topics: FittedTopics) -> dict[str, Any]: ...


def json_number(value: float) -> float | None:
    """``value``, or None where JSON has no number (NaN, infinities).

    Examples
    --------
    >>> json_number(0.5), json_number(float("nan"))
    (0.5, None)
    """
    return float(value) if math.isfinite(value) else None


@dataclass(frozen=True)
class Coherence:
    """Mean and per-topic gensim coherence of the top ``top_n`` words, counted in ``texts``.

    ``prefix`` names the metrics: ``coherence_c_npmi`` and ``coherence_c_npmi_per_topic``
    by default; ``prefix="reference_coherence"`` for a reference corpus.
    """

    texts: list[list[str]]
    dictionary: Dictionary
    measure: str = "c_npmi"
    top_n: int = 10
    prefix: str = "coherence"

    @property
    def name(self) -> str:
        return f"{self.prefix}_{self.measure}"

    def __call__(self, topics: FittedTopics) -> dict[str, Any]:
        mean, per_topic = topic_coherence(
            topics.words, self.texts, self.dictionary, self.measure, self.top_n
        )
        per_topic_json = [json_number(v) for v in per_topic]
        return {self.name: json_number(mean), f"{self.name}_per_topic": per_topic_json}


@dataclass(frozen=True)
class Diversity:
    """Share of distinct words among all topics' top ``top_n`` words."""

    top_n: int = 25
    name: str = "diversity"

    def __call__(self, topics: FittedTopics) -> dict[str, Any]:
        return {"diversity": topic_diversity(topics.words, self.top_n)}


@dataclass(frozen=True)
class Stability:
    """Top-``top_n`` Jaccard agreement of refits with seeds ``seed + 1 … seed + seeds``.

    Each refit sees the same ``texts``; topics are matched one to one (Hungarian). ``rank``
    turns a refit's topic-word matrix into the scores its words are ranked by, as for the
    reported topics (default: by probability).
    """

    make_model: ModelFactory
    texts: list[list[str]]
    dictionary: Dictionary
    seed: int
    seeds: int = 3
    top_n: int = 10
    rank: Callable[[np.ndarray], np.ndarray] | None = None
    name: str = "stability"

    def __call__(self, topics: FittedTopics) -> dict[str, Any]:
        vocabulary = [self.dictionary[i] for i in range(len(self.dictionary))]
        others = []
        for offset in range(1, self.seeds + 1):
            status(f"topics: stability refit {offset}/{self.seeds}")
            model = self.make_model(self.seed + offset).fit(self.texts, self.dictionary)
            scores = model.topic_word_ if self.rank is None else self.rank(model.topic_word_)
            others.append(top_words(scores, vocabulary, self.top_n))
        reference = [words[: self.top_n] for words in topics.words]
        mean, per_topic = topic_stability(reference, others)
        return {"stability": mean, "stability_per_topic": per_topic}


def holdout_split(n_units: int, share: float, num_topics: int, seed: int) -> np.ndarray:
    """Sorted positions of held-out units (empty when too few units remain to fit K topics).

    Examples
    --------
    >>> holdout_split(10, 0.2, 2, seed=0).tolist()
    [6, 7]
    >>> holdout_split(10, 0.2, 9, seed=0).tolist()
    []
    """
    n_held = round(share * n_units)
    if n_held == 0 or n_units - n_held < num_topics:
        return np.zeros(0, dtype=int)
    return np.sort(np.random.default_rng(seed).choice(n_units, n_held, replace=False))


@dataclass(frozen=True)
class HeldOutPerplexity:
    """Perplexity of held-out units under a model fitted on the others (its own fit).

    The reported topics are fitted on every unit; this evaluator fits one more model on the
    units outside a seeded ``share`` and scores the held-out ones by document completion
    (Wallach et al., 2009): a unit's shares are estimated on its 1st, 3rd, 5th, … token and
    the tokens in between are scored, identically for LDA and NMF.
    """

    make_model: ModelFactory
    texts: list[list[str]]
    dictionary: Dictionary
    seed: int
    share: float = 0.1
    num_topics: int = 10
    name: str = "heldout_perplexity"

    def __call__(self, topics: FittedTopics) -> dict[str, Any]:
        held = holdout_split(len(self.texts), self.share, self.num_topics, self.seed)
        metrics: dict[str, Any] = {"heldout_units": len(held)}
        if not len(held):
            return metrics
        held_set = set(held.tolist())
        train = [t for i, t in enumerate(self.texts) if i not in held_set]
        status(f"topics: held-out fit on {len(train)} units")
        model = self.make_model(self.seed).fit(train, self.dictionary)
        estimate, score = zip(*(completion_split(self.texts[i]) for i in held), strict=True)
        theta = model.transform(list(estimate))
        bows = [self.dictionary.doc2bow(list(s)) for s in score]
        loglik = heldout_log_likelihood(theta, model.topic_word_, bows)
        metrics["heldout_log_likelihood_per_word"] = json_number(loglik)
        metrics["heldout_perplexity"] = json_number(math.exp(-loglik))
        return metrics


def evaluate_topics(
    topics: FittedTopics, evaluators: Sequence[TopicEvaluator]
) -> tuple[dict[str, Any], dict[str, float]]:
    """Run each evaluator on ``topics``; return the merged metrics and each one's seconds."""
    metrics: dict[str, Any] = {}
    seconds: dict[str, float] = {}
    for evaluator in evaluators:
        tick = time.perf_counter()
        metrics.update(evaluator(topics))
        seconds[evaluator.name] = time.perf_counter() - tick
    return metrics, seconds
