"""``fit_topics``: the topics stage, from a tokenised corpus and its config section to a result."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from toolkit.config import TopicsConfig
from toolkit.progress import status
from toolkit.text.tokenized import TokenizedCorpus
from toolkit.topics.base import TopicModel, normalize_rows, top_words
from toolkit.topics.evaluate import (
    completion_split,
    heldout_log_likelihood,
    topic_coherence,
    topic_diversity,
    topic_stability,
)
from toolkit.topics.lda import LdaTopicModel
from toolkit.topics.nmf import NmfTopicModel
from toolkit.topics.over_time import topics_over_time
from toolkit.topics.result import TopicsResult
from toolkit.topics.seeded import seed_term_ids, seeded_eta

STABILITY_TOP_N = 10
DIVERSITY_TOP_N = 25


def make_model(
    config: TopicsConfig,
    seed: int,
    eta: np.ndarray | None = None,
    seed_ids: list[list[int]] | None = None,
) -> TopicModel:
    """The topic model ``config.model`` names, with a seeded ``eta`` prior if given."""
    if config.model == "nmf":
        return NmfTopicModel(config.num_topics, max_iter=config.iterations, seed=seed)
    return LdaTopicModel(
        config.num_topics,
        passes=config.passes,
        iterations=config.iterations,
        alpha=config.alpha,
        eta=config.eta if eta is None else eta,
        chunksize=config.chunksize,
        seed=seed,
        multicore=config.model == "lda_multicore",
        workers=config.workers,
        init=config.init,
        seed_ids=seed_ids,
    )


def _units(corpus: TokenizedCorpus, unit: str) -> tuple[list[tuple[int, int]], list[list[str]]]:
    """Modelling units with at least one dictionary token, and their in-dictionary tokens."""
    vocab = corpus.dictionary.token2id
    if unit == "paragraph":
        index, tokens = corpus.paragraph_units()
    else:
        index, tokens = [(d, -1) for d in range(len(corpus))], corpus.documents()
    kept = [(i, [t for t in toks if t in vocab]) for i, toks in zip(index, tokens, strict=True)]
    kept = [(i, toks) for i, toks in kept if toks]
    return [i for i, _ in kept], [toks for _, toks in kept]


def _holdout_split(n_units: int, share: float, num_topics: int, seed: int) -> np.ndarray:
    """Sorted positions of held-out units (empty when too few units remain to fit K topics)."""
    n_held = round(share * n_units)
    if n_held == 0 or n_units - n_held < num_topics:
        return np.zeros(0, dtype=int)
    return np.sort(np.random.default_rng(seed).choice(n_units, n_held, replace=False))


def _doc_topics(
    n_docs: int,
    index: list[tuple[int, int]],
    unit_topics: np.ndarray,
    lengths: np.ndarray,
    prior: np.ndarray,
) -> np.ndarray:
    """Token-count weighted mean of each document's unit shares; the prior for empty documents."""
    sums = np.zeros((n_docs, unit_topics.shape[1]))
    docs = np.array([d for d, _ in index], dtype=int)
    np.add.at(sums, docs, unit_topics * lengths[:, None])
    return normalize_rows(sums, fallback=prior)


def _json_number(value: float) -> float | None:
    """``value``, or None where JSON has no number (NaN, infinities)."""
    return float(value) if math.isfinite(value) else None


def _topic_table(topic_word: np.ndarray, vocabulary: list[str], n: int) -> pd.DataFrame:
    order = np.argsort(-topic_word, axis=1, kind="stable")[:, :n]
    rows = [
        {"topic": k, "rank": r + 1, "word": vocabulary[i], "weight": float(topic_word[k, i])}
        for k in range(topic_word.shape[0])
        for r, i in enumerate(order[k])
    ]
    return pd.DataFrame(rows, columns=["topic", "rank", "word", "weight"])


def fit_topics(
    corpus: TokenizedCorpus,
    config: TopicsConfig,
    seed: int,
    themes: dict[str, list[str]] | None = None,
    analyze: Callable[[str], list[str]] | None = None,
    reference_texts: list[list[str]] | None = None,
    dates: list[str | None] | None = None,
) -> TopicsResult:
    """Fit a topic model on a tokenised corpus and evaluate it.

    Design choices:

    * **Units.** ``config.unit == "paragraph"`` fits on paragraphs (those without dictionary
      tokens are skipped); a document's shares are the token-count weighted mean of its
      paragraphs' shares. A document without tokens gets the prior's shares.
    * **Held-out perplexity.** With ``config.holdout > 0`` the model is fit on the other
      units only (one fit, not two); the held-out units are still transformed, so
      ``doc_topics`` covers every document. Held-out likelihood uses document completion:
      a held-out unit's shares are estimated on its 1st, 3rd, 5th, ... token and the
      tokens in between are scored, identically for LDA and NMF (Wallach et al., 2009).
    * **Coherence** counts co-occurrences in whole documents of this corpus (and, if given,
      in ``reference_texts``), the same for every model and unit.
    * **Stability** refits with seeds ``seed + 1 .. seed + config.stability_seeds`` on the
      same units and matches topics by top-10-word Jaccard (Hungarian matching).
    * **Seeded topics.** With ``config.seeded`` and ``themes``, the first ``len(themes)``
      topics get the prior of :func:`seeded_eta` (LDA only); a learned (``"auto"``) eta is
      then not used.

    Parameters
    ----------
    corpus : TokenizedCorpus
    config : TopicsConfig
    seed : int
    themes : dict, optional
        Theme name -> raw seed terms.
    analyze : callable, optional
        Seed term -> tokens in the corpus's token space (the text pipeline's ``transform_text``).
    reference_texts : list of list of str, optional
        Token lists of a reference corpus for a second coherence score.
    dates : list of str or None, optional
        Per-document dates for the topics-over-time table.

    Returns
    -------
    TopicsResult

    Examples
    --------
    >>> from gensim.corpora import Dictionary
    >>> pars = [[["nato", "munition"], ["schweden", "beitritt"]]] * 6
    >>> corpus = TokenizedCorpus([str(i) for i in range(6)], pars, Dictionary(pars[0]))
    >>> config = TopicsConfig(num_topics=2, unit="paragraph", passes=2, stability_seeds=0)
    >>> fit_topics(corpus, config, seed=0).doc_topics.shape
    (6, 2)
    """
    started = time.perf_counter()
    timings: dict[str, float] = {}
    dictionary = corpus.dictionary
    vocabulary = [dictionary[i] for i in range(len(dictionary))]
    k = config.num_topics

    index, texts = _units(corpus, config.unit)
    if k > len(texts):
        raise ValueError(
            f"topics.num_topics={k} is larger than the number of {config.unit}s with tokens "
            f"({len(texts)}); lower topics.num_topics"
            + (" or use topics.unit=paragraph" if config.unit == "article" else "")
        )

    seeded = bool(config.seeded and themes)
    eta, missing, seed_ids, ordered_ids = None, {}, {}, None
    if seeded:
        if config.model == "nmf":
            raise ValueError(
                "topics.seeded needs an LDA model (topics.model=lda or lda_multicore); "
                "set topics.seeded=false to fit NMF next to the themes"
            )
        base = config.eta if isinstance(config.eta, float) else None
        eta, missing = seeded_eta(themes, dictionary, k, config.seed_confidence, base, analyze)
        seed_ids, _ = seed_term_ids(themes, dictionary, analyze)
        ordered_ids = [seed_ids[name] for name in themes]

    held = _holdout_split(len(texts), config.holdout, k, seed)
    held_set = set(held.tolist())
    train = [t for i, t in enumerate(texts) if i not in held_set]

    status(f"topics: fitting {config.model} with {k} topics on {len(train)} {config.unit}s")
    tic = time.perf_counter()
    model = make_model(config, seed, eta, ordered_ids).fit(train, dictionary)
    timings["fit_seconds"] = time.perf_counter() - tic
    topic_word, alpha = model.topic_word_, model.alpha_

    unit_topics = model.transform(texts)
    lengths = np.array([len(t) for t in texts], dtype=np.float64)
    doc_topics = _doc_topics(len(corpus), index, unit_topics, lengths, alpha)
    if config.unit == "article":
        unit_index = [(d, -1) for d in range(len(corpus))]
        unit_topics = doc_topics
    else:
        unit_index = index

    metrics: dict = {
        "model": config.model,
        "num_topics": k,
        "unit": config.unit,
        "num_documents": len(corpus),
        "num_units": len(texts),
        "vocabulary_size": len(vocabulary),
        "bit_reproducible": model.bit_reproducible,
        "seeded_topics": len(themes) if seeded else 0,
        "seed_terms_missing": sorted(f"{n}: {t}" for n, terms in missing.items() for t in terms),
        "heldout_units": len(held),
    }

    if len(held):
        estimate, score = zip(*(completion_split(texts[i]) for i in held), strict=True)
        theta = model.transform(list(estimate))
        bows = [dictionary.doc2bow(list(s)) for s in score]
        loglik = heldout_log_likelihood(theta, topic_word, bows)
        metrics["heldout_log_likelihood_per_word"] = _json_number(loglik)
        metrics["heldout_perplexity"] = _json_number(math.exp(-loglik))

    tic = time.perf_counter()
    words = top_words(topic_word, vocabulary, max(config.coherence_top_n, DIVERSITY_TOP_N))
    documents = corpus.documents()
    top_n = config.coherence_top_n
    for measure in config.coherence:
        mean, per_topic = topic_coherence(words, documents, dictionary, measure, top_n)
        metrics[f"coherence_{measure}"] = _json_number(mean)
        metrics[f"coherence_{measure}_per_topic"] = [_json_number(v) for v in per_topic]
        if reference_texts is not None:
            mean, per_topic = topic_coherence(words, reference_texts, dictionary, measure, top_n)
            metrics[f"reference_coherence_{measure}"] = _json_number(mean)
            metrics[f"reference_coherence_{measure}_per_topic"] = [
                _json_number(v) for v in per_topic
            ]
    metrics["diversity"] = topic_diversity(words, DIVERSITY_TOP_N)
    timings["evaluate_seconds"] = time.perf_counter() - tic

    if config.stability_seeds:
        tic = time.perf_counter()
        reference = [w[:STABILITY_TOP_N] for w in words]
        others = []
        for offset in range(1, config.stability_seeds + 1):
            status(f"topics: stability refit {offset}/{config.stability_seeds}")
            other = make_model(config, seed + offset, eta, ordered_ids).fit(train, dictionary)
            others.append(top_words(other.topic_word_, vocabulary, STABILITY_TOP_N))
        metrics["stability"], metrics["stability_per_topic"] = topic_stability(reference, others)
        timings["stability_seconds"] = time.perf_counter() - tic

    topic_themes = {i: name for i, name in enumerate(themes or {}) if seeded and seed_ids[name]}
    labels = [topic_themes.get(i, " · ".join(words[i][:3])) for i in range(k)]

    over_time = None
    if dates is not None:
        over_time = topics_over_time(doc_topics, dates, config.period)
        metrics["undated_documents"] = (
            len(dates) if over_time is None else int(over_time.attrs["undated"])
        )

    timings["total_seconds"] = time.perf_counter() - started
    return TopicsResult(
        topic_table=_topic_table(topic_word, vocabulary, config.top_n),
        labels=labels,
        topic_themes=topic_themes,
        doc_ids=list(corpus.doc_ids),
        doc_topics=doc_topics,
        unit_topics=unit_topics,
        unit_index=unit_index,
        topic_word=topic_word,
        vocabulary=vocabulary,
        alpha=alpha,
        metrics=metrics,
        over_time=over_time,
        idf=getattr(model, "idf_", None),
        model=model.model_,
        timings=timings,
    )
