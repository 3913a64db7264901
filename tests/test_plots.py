"""Plot helpers: the numbers behind the figures, and the run's plot files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.plots import sweep_figure, topic_words_figure
from toolkit.plots.style import png_bytes
from toolkit.plots.themes import topic_theme_matrix
from toolkit.plots.topics import intertopic_coordinates, relevant_words


def test_topic_theme_matrix_weights_documents_by_theme_share() -> None:
    doc_topics = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    profiles = pd.DataFrame({"a": [1.0, 0.0, 0.5], "b": [0.0, 1.0, 0.5]})
    matrix = topic_theme_matrix(doc_topics, profiles)
    np.testing.assert_allclose(matrix.loc["a"], [(1 + 0.25) / 1.5, 0.25 / 1.5])
    np.testing.assert_allclose(matrix.loc["b"], [0.25 / 1.5, (1 + 0.25) / 1.5])


def test_intertopic_map_separates_distinct_topics() -> None:
    topic_word = np.array([[0.7, 0.1, 0.1, 0.1], [0.68, 0.12, 0.1, 0.1], [0.1, 0.1, 0.1, 0.7]])
    coords = intertopic_coordinates(topic_word)
    near = np.linalg.norm(coords[0] - coords[1])
    far = np.linalg.norm(coords[0] - coords[2])
    assert near < far / 5


def test_relevance_prefers_exclusive_words() -> None:
    topic_word = np.array([[0.5, 0.3, 0.2], [0.5, 0.0001, 0.4999]])
    assert relevant_words(topic_word, ["common", "own", "other"], 0, weight=0.0, n=1) == ["own"]


def test_figures_render_deterministically() -> None:
    table = pd.DataFrame(
        {
            "topic": [0, 0, 1, 1],
            "rank": [1, 2, 1, 2],
            "word": ["rüstungsproduktion", "munition", "beitritt", "schweden"],
            "weight": [0.3, 0.2, 0.4, 0.1],
        }
    )
    first = png_bytes(topic_words_figure(table, ["Rüstung", "Beitritt"]))
    second = png_bytes(topic_words_figure(table, ["Rüstung", "Beitritt"]))
    assert first == second and first.startswith(b"\x89PNG")
    summary = pd.DataFrame(
        {
            "topics.num_topics": [5, 10, 20],
            "topics.coherence_c_npmi": [0.01, 0.05, 0.03],
            "topics.diversity": [0.9, 0.8, 0.6],
        }
    )
    fig = sweep_figure(summary, "topics.num_topics")
    assert len(fig.axes) == 2


def test_seed_run_writes_its_plots(seed_run_dir: Path) -> None:
    plots = {p.name for p in (seed_run_dir / "plots").iterdir()}
    assert {
        "topic_words.png",
        "topic_theme_heatmap.png",
        "theme_profile.png",
        "lda_explorer.html",
        "topics_over_time.png",
    } <= plots
    html = (seed_run_dir / "plots" / "lda_explorer.html").read_text(encoding="utf-8")
    assert "<script src=" not in html  # plotly.js is inline: opens without a network
