"""The peers benchmark's common evaluator and synthetic corpus generator (fast)."""

from __future__ import annotations

import csv
import math
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

pytest.importorskip("spacy", reason="the peers benchmark needs the bench extra (spacy)")

from benchmarks.peers.evaluator import (  # noqa: E402
    Evaluator,
    Tokeniser,
    diversity,
    matched_similarity,
    stability,
)
from benchmarks.peers.synthetic import gnad_vocabulary, lda_corpus, write_lda_csv  # noqa: E402

TEXTS = [
    "Die NATO-Verteidigungsminister beraten über Munition und Rüstungsproduktion.",
    "Die Munition wird knapp, die Rüstungsproduktion soll steigen.",
    "Schweden tritt der NATO bei; der Beitritt wurde ratifiziert.",
    "Der Beitritt Schwedens stärkt die NATO im Norden.",
    "Das Fußballspiel endete 2:1, der Trainer lobte die Mannschaft.",
    "Die Mannschaft und ihr Trainer feiern den Sieg im Fußballspiel.",
]
LABELS = ["nato", "nato", "nato", "nato", "sport", "sport"]


def test_tokeniser_keeps_compounds_and_drops_noise() -> None:
    text = "Im Jahr 2024 trafen sich die NATO-Verteidigungsminister in Brüssel, um zu"
    tokens = Tokeniser()(text)
    assert "nato-verteidigungsminister" in tokens
    assert "brüssel" in tokens
    assert "treffen" in tokens  # lemmatised
    # stop words, short tokens and numbers are gone
    assert not {"im", "die", "in", "um", "zu", "2024", "sich"} & set(tokens)
    assert all(len(t) >= 3 for t in tokens)


def test_map_topics_lemmatises_splits_phrases_and_counts_drops() -> None:
    ev = Evaluator.fit(TEXTS, LABELS)
    mapped = ev.map_topics([["Munition", "nato_beitritt", "Quatschwort", "munition"], ["Trainer"]])
    assert mapped.topics == [["munition", "nato", "beitritt"], ["trainer"]]
    assert mapped.dropped == 1 and mapped.total == 5
    assert mapped.dropped_examples == ["Quatschwort"]
    assert mapped.dropped_share == pytest.approx(0.2)


def test_map_topics_keeps_words_that_are_evaluator_lemmas_already() -> None:
    # simplemma reads a lowercased noun lemma as a verb form ("spiel" -> "spielen"); a word
    # the dictionary knows is an evaluator lemma already and must not be lemmatised again
    ev = Evaluator.fit(["Das Spiel im Land war ein Sieg.", "Sie spielen, landen und siegen."])
    assert {"spiel", "land", "sieg", "spielen", "landen", "siegen"} <= set(ev.dictionary.token2id)
    assert ev.map_topics([["spiel", "land", "sieg"]]).topics == [["spiel", "land", "sieg"]]
    # surface forms the dictionary does not hold are still lemmatised
    assert ev.map_topics([["Spiele", "Länder"]]).topics == [["spiel", "land"]]


def test_coherence_on_a_tiny_corpus_is_finite_and_ranks_topics() -> None:
    ev = Evaluator.fit(TEXTS, LABELS)
    good = [["munition", "rüstungsproduktion"], ["mannschaft", "trainer", "fußballspiel"]]
    mixed = [["munition", "trainer"], ["mannschaft", "rüstungsproduktion", "schweden"]]
    for measure in ("c_npmi", "c_v"):
        score = ev.coherence(good, measure)
        assert math.isfinite(score)
    assert ev.coherence(good, "c_npmi") > ev.coherence(mixed, "c_npmi")


def test_diversity_counts_unique_share_of_top_words() -> None:
    assert diversity([["a", "b", "c"], ["d", "e", "f"]], top_n=3) == 1.0
    assert diversity([["a", "b"], ["a", "b"]], top_n=2) == 0.5
    assert diversity([["a", "b", "x"], ["b", "c", "y"]], top_n=2) == 0.75


def test_stability_of_a_known_permutation_is_one() -> None:
    rng = np.random.default_rng(0)
    topics = [[f"w{t}_{i}" for i in range(10)] for t in range(6)]
    permuted = [topics[i] for i in rng.permutation(6)]
    assert stability([topics, permuted, list(reversed(topics))]) == 1.0
    # disjoint topics share nothing
    other = [[f"v{t}_{i}" for i in range(10)] for t in range(6)]
    assert matched_similarity(topics, other) == 0.0
    half = [t[:5] + [f"z{i}" for i in range(5)] for t in topics]
    assert matched_similarity(topics, half) == pytest.approx(5 / 15)


def test_partition_and_precision_against_labels() -> None:
    ev = Evaluator.fit(TEXTS, LABELS)
    perfect = ev.partition([0, 0, 0, 0, 1, 1])
    assert perfect["nmi"] == pytest.approx(1.0) and perfect["v_measure"] == pytest.approx(1.0)
    noisy = ev.partition([0, -1, 0, -1, 1, 1])
    assert noisy["outlier_share"] == pytest.approx(2 / 6) and noisy["nmi"] < 1.0
    assert ev.precision_at_k([[1], [0], [3], [2], [5], [4]], k=1) == 1.0
    assert ev.precision_at_k([[4], [5], [4], [5], [0], [1]], k=1) == 0.0


VOCAB = [f"wort{i}" for i in range(500)]


def test_synthetic_corpus_is_seeded_and_sized() -> None:
    a = lda_corpus(VOCAB, n_docs=50, n_topics=4, seed=3)
    b = lda_corpus(VOCAB, n_docs=50, n_topics=4, seed=3)
    c = lda_corpus(VOCAB, n_docs=50, n_topics=4, seed=4)
    assert a.texts == b.texts and np.array_equal(a.labels, b.labels)
    assert a.texts != c.texts
    assert len(a.texts) == 50 and a.labels.shape == (50,) and a.topic_word.shape == (4, 500)
    assert set(np.unique(a.labels)) <= set(range(4))
    words = {w for text in a.texts for w in text.split()}
    assert words <= set(VOCAB) and len(words) > 100
    assert np.allclose(a.topic_word.sum(axis=1), 1.0)
    # Zipfian: each topic's most likely word is far more likely than its median word
    assert (a.topic_word.max(axis=1) > 50 * np.median(a.topic_word, axis=1)).all()


def test_synthetic_csv_reads_back_as_10kgnad(tmp_path: Path) -> None:
    path = write_lda_csv(tmp_path / "syn.csv", VOCAB, n_docs=30, n_topics=3, seed=1)
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";", quotechar="'"))
    assert len(rows) == 30 and all(len(r) == 2 and r[0].startswith("topic") for r in rows)
    assert path.read_bytes() == write_lda_csv(tmp_path / "b.csv", VOCAB, 30, 3, 1).read_bytes()


def test_gnad_vocabulary_is_deterministic() -> None:
    assert gnad_vocabulary([["b", "a", "c"], ["a", "b"], ["a"]], min_count=2) == ["a", "b"]
