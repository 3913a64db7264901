"""Tests of the coherent choice of a topic's shown words (toolkit.topics.coherent)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from gensim.corpora import Dictionary
from gensim.models import CoherenceModel

from tests.test_topics import quick_config, synthetic_corpus, vocabulary_of
from toolkit.topics import fit_topics
from toolkit.topics.base import top_words, word_relevance, word_shares
from toolkit.topics.coherent import (
    WindowCounts,
    coherent_choice,
    coherent_scores,
    npmi,
    word_ranking,
)
from toolkit.topics.fit import modelling_units


def random_texts(seed: int, repeats: bool, n_texts: int = 40) -> list[list[str]]:
    """Texts of 1 to 30 words of 40: some shorter than a window, most longer."""
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(40)]
    sizes = rng.integers(1, 31, size=n_texts)
    return [list(rng.choice(words, size=size, replace=repeats)) for size in sizes]


def brute_force_counts(texts: list[list[str]], words: list[str], window: int) -> np.ndarray:
    """Every window as a set, every pair looked up: what WindowCounts must equal."""
    spans = [
        set(text[i : i + window]) for text in texts for i in range(max(len(text) - window + 1, 1))
    ]
    return np.array([[sum(a in s and b in s for s in spans) for b in words] for a in words])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_window_counts_are_every_windows_words(seed: int) -> None:
    texts = random_texts(seed, repeats=True)
    index = {f"w{i}": i for i in range(30)}  # w30 .. w39: outside the vocabulary
    words = ["w0", "w3", "w7", "w11", "w29"]
    ids = np.array([index[w] for w in words])
    for window in (1, 4, 10):
        counts = WindowCounts(texts, index, window)
        expected = brute_force_counts(texts, words, window)
        assert counts.counts(ids).tolist() == expected.tolist()
        assert counts.n_windows == sum(max(len(t) - window + 1, 1) for t in texts)
        # counted in chunks of a few texts: the same
        chunked = WindowCounts(texts, index, window, chunk_tokens=25)
        assert len(chunked.chunks) > 10
        assert chunked.counts(ids).tolist() == expected.tolist()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_npmi_of_window_counts_is_gensims_c_npmi(seed: int) -> None:
    # no word twice in a text: gensim's sliding window, which forgets a word leaving the
    # window even when it occurs again inside it, counts these texts exactly
    texts = random_texts(seed, repeats=False)
    dictionary = Dictionary(texts)
    topic = [dictionary[i] for i in range(6)]
    gensim_value = CoherenceModel(
        topics=[topic], texts=texts, dictionary=dictionary, coherence="c_npmi", topn=6
    ).get_coherence()
    windows = WindowCounts(texts, dictionary.token2id)
    pair = npmi(windows.counts(np.arange(6)), windows.n_windows)
    ours = np.mean([pair[a, b] for a, b in itertools.combinations(range(6), 2)])
    assert ours == pytest.approx(gensim_value, abs=1e-9)


def test_window_counts_keep_the_place_of_unknown_tokens() -> None:
    # the unknown tokens take their places: "a" and "b" three apart share no 2-window
    counts = WindowCounts([["a", "x", "y", "b"]], {"a": 0, "b": 1}, window=2)
    assert counts.n_windows == 3
    assert counts.counts(np.array([0, 1])).tolist() == [[1, 0], [0, 1]]
    with pytest.raises(ValueError, match="window"):
        WindowCounts([["a"]], {"a": 0}, window=0)


def test_coherent_choice_starts_with_the_best_ranked_and_keeps_rank_order() -> None:
    # candidate 1 never co-occurs with 0; 2 and 3 do: 1 is passed over
    pair = np.array(
        [[1, -0.9, 0.5, 0.4], [-0.9, 1, -0.9, -0.9], [0.5, -0.9, 1, 0.6], [0.4, -0.9, 0.6, 1]]
    )
    assert coherent_choice(pair, 3) == [0, 2, 3]
    assert coherent_choice(pair, 10) == [0, 1, 2, 3]


def test_coherent_scores_lift_a_topics_words_that_occur_together() -> None:
    # "wien" is frequent but never beside the sport words; "spiel" is
    texts = [["tor", "spiel", "trainer"], ["wien", "bank"], ["tor", "trainer"], ["wien", "euro"]]
    texts = texts * 5
    vocabulary = ["tor", "wien", "spiel", "trainer", "bank", "euro"]
    scores = np.array([[0.9, 0.8, 0.3, 0.2, 0.1, 0.0]])
    windows = WindowCounts(texts, {w: i for i, w in enumerate(vocabulary)}, window=3)
    chosen = coherent_scores(scores, windows, n=3, candidates=4)
    assert top_words(chosen, vocabulary, 4) == [["tor", "spiel", "trainer", "wien"]]
    # no more candidates than words: the ranking as it was
    unchanged = coherent_scores(scores, windows, n=3, candidates=3)
    assert np.array_equal(unchanged, scores)
    with pytest.raises(ValueError, match="at least 1"):
        coherent_scores(scores, windows, n=0)


def test_word_ranking_without_candidates_is_relevance() -> None:
    corpus, _ = synthetic_corpus()
    _, texts = modelling_units(corpus, "article")
    vocabulary = vocabulary_of(corpus)
    rank = word_ranking(texts, vocabulary, relevance=0.8, n=10, candidates=0)
    topic_word = np.random.default_rng(0).dirichlet(np.ones(len(vocabulary)), size=3)
    expected = word_relevance(topic_word, word_shares(texts, vocabulary), 0.8)
    assert np.array_equal(rank(topic_word), expected)


def test_fitted_topics_show_coherent_words_from_their_best_ranked() -> None:
    corpus, _ = synthetic_corpus()
    plain = fit_topics(corpus, **quick_config(word_candidates=0, top_n=24))
    chosen = fit_topics(corpus, **quick_config(word_candidates=12, coherence_top_n=4, top_n=24))
    # the same model; only which words come first changes
    assert np.array_equal(plain.topic_word, chosen.topic_word)
    for k in range(3):
        best = set(plain.topic_table.query(f"topic == {k} and rank <= 12").word)
        shown = set(chosen.topic_table.query(f"topic == {k} and rank <= 4").word)
        assert shown <= best
    assert chosen.metrics["coherence_c_npmi"] >= plain.metrics["coherence_c_npmi"]
