"""Synthetic German corpora for the scale benchmarks, drawn from LDA's generative process.

Every document draws topic shares ``theta ~ Dirichlet(alpha)``, a length ``~ Poisson(mean)``
(at least ``min_length``) and, per token, a topic from ``theta`` and a word from that topic's
distribution. Topic-word distributions are Zipfian: topic ``k`` ranks the whole vocabulary in its
own random order and gives rank ``r`` (from 1) a weight proportional to ``r ** -zipf``, so every
topic has a short head of frequent words and a long tail, as real topics do. The vocabulary is
the evaluator's lemma vocabulary of 10kGNAD (:func:`gnad_vocabulary`), so the texts are German
words that every system's full pipeline (tokeniser, lemmatiser, stop words) can process. Texts
are the words joined by spaces; the label of a document is its dominant topic.

Everything is drawn from one ``numpy.random.Generator`` seeded with ``seed``, in chunks of a
fixed number of documents, so the same arguments always give the same corpus.

Examples
--------
>>> corpus = lda_corpus(["haus", "baum", "auto", "stadt"], n_docs=3, n_topics=2, seed=1)
>>> len(corpus.texts), corpus.labels.shape
(3, (3,))
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from toolkit.io import atomic_path

CHUNK_DOCS = 20_000


@dataclass
class SyntheticCorpus:
    """Texts, their dominant-topic labels, and the generating topic-word matrix."""

    texts: list[str]
    labels: np.ndarray
    topic_word: np.ndarray


def zipf_topics(n_words: int, n_topics: int, zipf: float, rng: np.random.Generator) -> np.ndarray:
    """A ``(n_topics, n_words)`` row-stochastic matrix: each row Zipfian over its own ranking."""
    weights = np.arange(1, n_words + 1, dtype=float) ** -zipf
    weights /= weights.sum()
    topics = np.empty((n_topics, n_words))
    for k in range(n_topics):
        topics[k, rng.permutation(n_words)] = weights
    return topics


class LdaGenerator:
    """Draw documents from LDA's generative process over a fixed vocabulary.

    Parameters
    ----------
    vocabulary : sequence of str
        The words (no duplicates, no whitespace).
    n_topics : int
        Number of generating topics.
    alpha : float
        Symmetric Dirichlet concentration of the document-topic shares.
    zipf : float
        Exponent of the Zipfian topic-word distributions.
    mean_length, min_length : int
        Poisson mean of the document length in words, and its floor.
    seed : int
        Seed of the one random generator everything is drawn from.
    """

    def __init__(
        self,
        vocabulary: Sequence[str],
        n_topics: int = 9,
        alpha: float = 0.1,
        zipf: float = 1.07,
        mean_length: int = 120,
        min_length: int = 10,
        seed: int = 0,
    ) -> None:
        if len(set(vocabulary)) != len(vocabulary) or not vocabulary:
            raise ValueError("the vocabulary must be a non-empty list of distinct words")
        if any(not w or any(c.isspace() for c in w) for w in vocabulary):
            raise ValueError("vocabulary words must be non-empty and contain no whitespace")
        self.vocabulary = np.asarray(list(vocabulary), dtype=object)
        self.n_topics = n_topics
        self.alpha = alpha
        self.mean_length = mean_length
        self.min_length = min_length
        self.rng = np.random.default_rng(seed)
        self.topic_word = zipf_topics(len(vocabulary), n_topics, zipf, self.rng)

    def _chunk(self, n_docs: int) -> tuple[list[str], np.ndarray]:
        rng, k = self.rng, self.n_topics
        theta = rng.dirichlet(np.full(k, self.alpha), size=n_docs)
        lengths = np.maximum(rng.poisson(self.mean_length, size=n_docs), self.min_length)
        counts = rng.multinomial(lengths, theta)
        # one topic id per token, documents in order, then a word drawn per token from its topic
        z = np.repeat(np.tile(np.arange(k), n_docs), counts.ravel())
        words = np.empty(len(z), dtype=np.int64)
        for topic in range(k):
            mask = z == topic
            words[mask] = rng.choice(
                len(self.vocabulary), size=int(mask.sum()), p=self.topic_word[topic]
            )
        doc_of = np.repeat(np.arange(n_docs), lengths)
        # shuffle the words within each document so topics are interleaved as in real text
        words = words[np.lexsort((rng.random(len(words)), doc_of))]
        bounds = np.concatenate([[0], np.cumsum(lengths)])
        texts = [" ".join(self.vocabulary[words[bounds[i] : bounds[i + 1]]]) for i in range(n_docs)]
        return texts, counts.argmax(axis=1)

    def chunks(self, n_docs: int) -> Iterator[tuple[list[str], np.ndarray]]:
        """Yield ``(texts, labels)`` chunks of up to ``CHUNK_DOCS`` documents, ``n_docs`` in all."""
        done = 0
        while done < n_docs:
            size = min(CHUNK_DOCS, n_docs - done)
            yield self._chunk(size)
            done += size


def lda_corpus(
    vocabulary: Sequence[str], n_docs: int, n_topics: int = 9, seed: int = 0, **kwargs: float
) -> SyntheticCorpus:
    """Generate a whole synthetic corpus in memory (see :class:`LdaGenerator` for ``kwargs``)."""
    generator = LdaGenerator(vocabulary, n_topics=n_topics, seed=seed, **kwargs)
    texts: list[str] = []
    labels: list[np.ndarray] = []
    for chunk_texts, chunk_labels in generator.chunks(n_docs):
        texts.extend(chunk_texts)
        labels.append(chunk_labels)
    return SyntheticCorpus(texts, np.concatenate(labels), generator.topic_word)


def write_lda_csv(
    path: str | Path, vocabulary: Sequence[str], n_docs: int, n_topics: int = 9, seed: int = 0
) -> Path:
    """Stream a synthetic corpus to a 10kGNAD-style CSV (``label;'text'``, no header).

    Labels are written as ``topic<k>``; the file is written atomically.
    """
    path = Path(path)
    generator = LdaGenerator(vocabulary, n_topics=n_topics, seed=seed)
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", quotechar="'", lineterminator="\n")
        for texts, labels in generator.chunks(n_docs):
            writer.writerows(
                (f"topic{label}", text) for label, text in zip(labels, texts, strict=True)
            )
    return path


def gnad_vocabulary(tokens: Sequence[Sequence[str]], min_count: int = 2) -> list[str]:
    """The evaluator-space vocabulary of a tokenised corpus: words seen ``min_count`` times.

    Sorted by descending frequency, then alphabetically, so it is deterministic.
    """
    counts = Counter(w for doc in tokens for w in doc)
    kept = [(w, c) for w, c in counts.items() if c >= min_count]
    return [w for w, _ in sorted(kept, key=lambda item: (-item[1], item[0]))]
