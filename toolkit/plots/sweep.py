"""Coherence, diversity and stability against the swept setting (e.g. K)."""

from __future__ import annotations

import pandas as pd
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

PANELS = (
    ("topics.coherence_c_npmi", "Kohärenz NPMI"),
    ("topics.coherence_c_v", "Kohärenz c_v"),
    ("topics.diversity", "Diversität"),
    ("topics.stability", "Stabilität (Seeds)"),
)


def sweep_figure(summary: pd.DataFrame, x: str) -> Figure:
    """One panel per metric present in ``summary`` (a sweep's summary.csv), against column ``x``.

    Examples
    --------
    >>> s = pd.DataFrame({"topics.num_topics": [5, 10], "topics.coherence_c_v": [0.4, 0.5]})
    >>> fig = sweep_figure(s, "topics.num_topics")
    """
    panels = [(c, t) for c, t in PANELS if c in summary]
    fig, axes = plt.subplots(
        1, max(len(panels), 1), figsize=(3.2 * max(len(panels), 1), 3), squeeze=False
    )
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
    for ax, (column, title) in zip(axes.flat, panels, strict=False):
        if groups:
            for name, part in data.groupby(groups):
                ax.plot(part[x], part[column], marker="o", label=", ".join(map(str, name)))
            ax.legend(fontsize=7, frameon=False)
        else:
            ax.plot(data[x], data[column], marker="o")
        ax.set_title(title, loc="left")
        ax.set_xlabel(x.split(".")[-1])
    fig.tight_layout()
    return fig
