"""Coherence, diversity and stability against the swept setting (e.g. K), and their trade-off."""

from __future__ import annotations

import pandas as pd
from matplotlib import pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from toolkit.topics.select import (
    COHERENCE_COLUMN,
    K_COLUMN,
    STABILITY_COLUMN,
    recommend_num_topics,
)

PANELS = (
    ("topics.coherence_c_npmi", "Coherence NPMI"),
    ("topics.coherence_c_v", "Coherence c_v"),
    ("topics.diversity", "Diversity"),
    ("topics.stability", "Stability (seeds)"),
)


def tradeoff_panel(ax: Axes, summary: pd.DataFrame) -> None:
    """Coherence against stability, one labelled point per K, the recommended K ringed.

    Examples
    --------
    >>> s = pd.DataFrame({"topics.num_topics": [5, 9], "topics.coherence_c_npmi": [0.05, 0.08],
    ...                   "topics.stability": [0.95, 0.9]})
    >>> fig, ax = plt.subplots()
    >>> tradeoff_panel(ax, s)
    >>> ax.get_title(loc="left")
    'Recommended: K = 9'
    """
    choice = recommend_num_topics(summary)
    data = summary.assign(**{K_COLUMN: pd.to_numeric(summary[K_COLUMN])}).sort_values(K_COLUMN)
    x, y = data[STABILITY_COLUMN], data[COHERENCE_COLUMN]
    ax.plot(x, y, color="0.6", linewidth=1, zorder=1)
    ax.scatter(x, y, color="tab:blue", zorder=2)
    for k, xi, yi in zip(data[K_COLUMN], x, y, strict=True):
        ax.annotate(str(int(k)), (xi, yi), textcoords="offset points", xytext=(4, 4), fontsize=8)
    best = data[data[K_COLUMN] == choice.num_topics]
    ax.scatter(best[STABILITY_COLUMN], best[COHERENCE_COLUMN], s=160, facecolors="none",
               edgecolors="tab:red", linewidths=1.5, zorder=3)  # fmt: skip
    # the stability threshold, when it separates points (else it would squeeze them together)
    if x.min() < choice.min_stability + 0.05:
        ax.axvline(choice.min_stability, color="tab:red", linestyle=":", linewidth=1)
    ax.set_xlabel("Stability (seeds)")
    ax.set_ylabel("Coherence NPMI")
    ax.set_title(f"Recommended: K = {choice.num_topics}", loc="left")


def sweep_figure(summary: pd.DataFrame, x: str) -> Figure:
    """One panel per metric present in ``summary`` (a sweep's summary.csv), against column ``x``.

    A K sweep with coherence and stability gets a last panel: their trade-off and the K that
    :func:`~toolkit.topics.select.recommend_num_topics` recommends.

    Examples
    --------
    >>> s = pd.DataFrame({"topics.num_topics": [5, 10], "topics.coherence_c_v": [0.4, 0.5]})
    >>> fig = sweep_figure(s, "topics.num_topics")
    """
    panels = [(c, t) for c, t in PANELS if c in summary]
    data = summary.copy()
    numeric = pd.to_numeric(data[x], errors="coerce")
    if numeric.notna().all():
        data[x] = numeric
    data = data.sort_values(x)
    groups = [
        c
        for c in data.columns
        if c not in (x, "point") and not c.startswith(("topics.", "clusters."))
    ]
    # the trade-off of a plain K sweep (a grid would mix other settings into one curve)
    tradeoff = (
        x == K_COLUMN
        and not groups
        and {COHERENCE_COLUMN, STABILITY_COLUMN} <= set(summary.columns)
    )
    n_axes = max(len(panels) + tradeoff, 1)
    fig, axes = plt.subplots(1, n_axes, figsize=(3.2 * n_axes, 3), squeeze=False)
    for ax, (column, title) in zip(axes.flat, panels, strict=False):
        if groups:
            for name, part in data.groupby(groups):
                ax.plot(part[x], part[column], marker="o", label=", ".join(map(str, name)))
            ax.legend(fontsize=7, frameon=False)
        else:
            ax.plot(data[x], data[column], marker="o")
        ax.set_title(title, loc="left")
        ax.set_xlabel(x.split(".")[-1])
    if tradeoff:
        tradeoff_panel(axes.flat[-1], data)
    fig.tight_layout()
    return fig
