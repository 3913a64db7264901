"""Theme plots: topic–theme heatmap and the theme profile of one article."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from toolkit.plots.periods import sparse_mapping, stacked_bars
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


def topic_theme_heatmap(
    matrix: pd.DataFrame, topic_labels: list[str], title: str = "Mean topic share per theme"
) -> Figure:
    """Heatmap of :func:`topic_theme_matrix`: one row per topic, one column per theme.

    Topics are rows so that their labels (often three words) read horizontally; shares are
    printed as percentages in the cells while there are at most 400 of them.

    Examples
    --------
    >>> matrix = pd.DataFrame([[0.8, 0.2], [0.1, 0.9]], index=["rüstung", "beitritt"])
    >>> fig = topic_theme_heatmap(matrix, ["munition · werk", "schweden · finnland"])
    """
    data = matrix.to_numpy().T  # topics × themes
    rows, cols = data.shape
    fig, ax = plt.subplots(figsize=(3.2 + 1.1 * cols, 1.2 + 0.34 * rows))
    top = max(float(data.max()), 1e-9)
    ax.imshow(data, cmap="Blues", vmin=0, vmax=top, aspect="auto")
    ax.set_yticks(range(rows), [f"{i}: {shorten(lab, 36)}" for i, lab in enumerate(topic_labels)])
    ax.set_xticks(range(cols), [shorten(name, 18) for name in matrix.index])
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if data.size <= 400:
        for (i, j), value in np.ndenumerate(data):
            ax.text(
                j,
                i,
                f"{value:.0%}",
                ha="center",
                va="center",
                fontsize=8,
                color="white" if value > 0.6 * top else "black",
            )
    fig.suptitle(title, x=0.01, ha="left", fontsize=10)
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
    fig, ax = plt.subplots(figsize=(max(6.0, 0.8 * n + 2), 3.8))
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
            label=f"threshold {threshold:.2f}",
        )
    best = ["–" if t == "none" else t.split("_")[0][:10] for t in paragraphs["theme"]]
    ax.set_xticks(
        x, [f"¶{p}\n{b}" for p, b in zip(paragraphs["paragraph"], best, strict=True)], fontsize=7
    )
    ax.set_ylabel("score")
    ax.set_xlabel("paragraph and its best theme")
    ax.set_title(shorten(title, 90), loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7, frameon=False)
    for label, theme in zip(ax.get_xticklabels(), paragraphs["theme"], strict=True):
        if theme == "none":
            label.set_color(NONE_COLOR)
    fig.tight_layout()
    return fig


def themes_over_time_figure(
    articles: pd.DataFrame, themes: list[str], min_documents: float = 5.0
) -> Figure:
    """Articles per period, stacked by their best theme (``none`` in grey, on top).

    Parameters
    ----------
    articles : DataFrame
        One row per dated article: columns ``period`` and ``theme`` (its best theme or
        ``none``).
    themes : list of str
        The run's theme names, in colour order.
    min_documents : float
        Sparse periods are merged (see :func:`~toolkit.plots.periods.sparse_mapping`).

    Examples
    --------
    >>> frame = pd.DataFrame({"period": ["2023-01", "2023-01", "2023-02"],
    ...                       "theme": ["membership", "none", "membership"]})
    >>> fig = themes_over_time_figure(frame, ["membership"])
    """
    mapping = sparse_mapping(articles.groupby("period").size(), min_documents)
    merged = articles.assign(period=articles["period"].astype(str).map(mapping))
    table = pd.crosstab(merged["period"], merged["theme"]).sort_index()
    columns = [t for t in themes if t in table.columns]
    columns += ["none"] if "none" in table.columns else []
    table = table[columns]
    fig, ax = plt.subplots(figsize=(8.5, 3.4))
    stacked_bars(
        ax,
        table,
        [NONE_COLOR if c == "none" else color_for(themes.index(c)) for c in columns],
        ["no theme" if c == "none" else c for c in columns],
    )
    ax.set_ylabel("articles")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title("Articles per period by best theme", loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7, frameon=False)
    fig.tight_layout()
    return fig
