"""Theme plots: topic–theme heatmap and the theme profile of one article."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from toolkit.plots.style import NONE_COLOR, color_for, shorten


def topic_theme_matrix(doc_topics: np.ndarray, profiles: pd.DataFrame) -> pd.DataFrame:
    """Mean topic share of the articles of each theme, weighted by the articles' theme shares.

    ``profiles`` has one row per document (same order as ``doc_topics``) and one column per
    theme holding the article's share of that theme.
    """
    weights = profiles.to_numpy(dtype=float)  # docs × themes
    totals = weights.sum(axis=0)
    matrix = (weights.T @ np.asarray(doc_topics)) / np.where(totals > 0, totals, 1)[:, None]
    return pd.DataFrame(matrix, index=profiles.columns)


def topic_theme_heatmap(matrix: pd.DataFrame, topic_labels: list[str]) -> Figure:
    """Heatmap of :func:`topic_theme_matrix` (themes × topics), values printed in the cells."""
    data = matrix.to_numpy()
    fig, ax = plt.subplots(figsize=(1.2 + 0.62 * data.shape[1], 1.4 + 0.5 * data.shape[0]))
    image = ax.imshow(data, cmap="Blues", vmin=0, vmax=max(float(data.max()), 1e-9), aspect="auto")
    ax.set_xticks(
        range(data.shape[1]),
        [f"{i}: {shorten(lab, 22)}" for i, lab in enumerate(topic_labels)],
        rotation=40,
        ha="right",
    )
    ax.set_yticks(range(data.shape[0]), matrix.index)
    if data.size <= 400:
        for (i, j), value in np.ndenumerate(data):
            ax.text(
                j,
                i,
                f"{value:.2f}",
                ha="center",
                va="center",
                fontsize=7,
                color="white" if value > 0.6 * data.max() else "black",
            )
    ax.set_xlabel("Topic")
    ax.set_ylabel("Thema (theme)")
    ax.set_title("Mittlerer Topic-Anteil je Thema", loc="left")
    fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02)
    fig.tight_layout()
    return fig


def theme_profile_figure(
    paragraphs: pd.DataFrame, themes: list[str], title: str, threshold: float | None = None
) -> Figure:
    """Scores of each theme for each paragraph of one article, best theme marked.

    ``paragraphs`` has columns ``paragraph``, ``theme`` and one score column per theme.
    """
    paragraphs = paragraphs.sort_values("paragraph")
    n = len(paragraphs)
    fig, ax = plt.subplots(figsize=(max(6.0, 0.55 * n + 2), 3.8))
    width = 0.8 / max(len(themes), 1)
    x = np.arange(n)
    for i, theme in enumerate(themes):
        ax.bar(
            x + (i - (len(themes) - 1) / 2) * width,
            paragraphs[theme],
            width=width,
            color=color_for(i),
            label=theme,
        )
    if threshold is not None:
        ax.axhline(
            threshold,
            color="#555",
            linestyle="--",
            linewidth=0.8,
            label=f"Schwelle {threshold:.2f}",
        )
    best = ["–" if t == "none" else t.split("_")[0][:6] for t in paragraphs["theme"]]
    ax.set_xticks(
        x, [f"¶{p}\n{b}" for p, b in zip(paragraphs["paragraph"], best, strict=True)], fontsize=7
    )
    ax.set_ylabel("Score")
    ax.set_xlabel("Absatz (paragraph) und bestes Thema")
    ax.set_title(shorten(title, 90), loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7, frameon=False)
    for label, theme in zip(ax.get_xticklabels(), paragraphs["theme"], strict=True):
        if theme == "none":
            label.set_color(NONE_COLOR)
    fig.tight_layout()
    return fig
