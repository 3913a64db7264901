"""The 2-D document map, coloured by cluster, theme or label."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from toolkit.plots.style import NONE_COLOR, color_for, shorten


def category_order(values: pd.Series) -> list[str]:
    """Categories by frequency (ties by name), with ``none`` / ``-1`` / ``nan`` last.

    Examples
    --------
    >>> category_order(pd.Series(["b", "none", "a", "b"]))
    ['b', 'a', 'none']
    """
    counts = values.astype(str).value_counts()
    return sorted(counts.index, key=lambda v: (v in ("none", "-1", "nan"), -counts[v], v))


def document_map_figure(
    points: pd.DataFrame, color_by: str, title: str, axis: str = "UMAP"
) -> Figure:
    """Static scatter of the 2-D layout.

    Parameters
    ----------
    points : DataFrame
        Columns ``x``, ``y`` and the column named by ``color_by`` (cluster, theme or label).

    Examples
    --------
    >>> pts = pd.DataFrame({"x": [0, 1], "y": [1, 0], "cluster": ["a", "b"]})
    >>> fig = document_map_figure(pts, "cluster", "Karte")
    """
    fig, ax = plt.subplots(figsize=(7.5, 6))
    values = points[color_by].astype(str)
    for i, category in enumerate(category_order(values)):
        sel = values == category
        color = NONE_COLOR if category in ("none", "-1", "nan") else color_for(i)
        ax.scatter(
            points.loc[sel, "x"],
            points.loc[sel, "y"],
            s=14 if len(points) > 200 else 40,
            color=color,
            alpha=0.75,
            linewidths=0,
            label=f"{shorten(category, 40)} ({int(sel.sum())})",
        )
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel(f"{axis} 1")
    ax.set_ylabel(f"{axis} 2")
    ax.set_title(title, loc="left")
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        fontsize=7,
        frameon=False,
        markerscale=1.5,
        title=color_by,
    )
    fig.tight_layout()
    return fig


def _category_traces(
    points: pd.DataFrame, column: str, hover: list[str], visible: bool
) -> list[object]:
    """One plotly scatter trace per category of ``column`` (hover: title, id, ``hover``)."""
    import plotly.graph_objects as go

    values = points[column].astype(str)
    traces = []
    for i, category in enumerate(category_order(values)):
        sel = (values == category).to_numpy()
        colour = (
            NONE_COLOR
            if category in ("none", "-1", "nan")
            else "rgb({},{},{})".format(*(int(255 * v) for v in color_for(i)))
        )
        text = [
            "<br>".join(
                [f"<b>{shorten(t, 80)}</b>", f"id: {d}"]
                + [f"{h}: {points[h].iloc[j]}" for h in hover]
            )
            for j, (t, d) in enumerate(zip(points["title"], points["id"], strict=True))
            if sel[j]
        ]
        traces.append(
            go.Scattergl(
                x=points["x"].to_numpy()[sel],
                y=points["y"].to_numpy()[sel],
                mode="markers",
                name=f"{shorten(category, 30)}",
                marker={"size": 6 if len(points) > 200 else 10, "color": colour, "opacity": 0.8},
                hovertext=text,
                hoverinfo="text",
                visible=visible,
                legendgroup=column,
            )
        )
    return traces


def document_map_html(
    points: pd.DataFrame, color_by: list[str], hover: list[str], title: str, axis: str = "UMAP"
) -> object:
    """Interactive map (plotly) with a dropdown to colour by each column in ``color_by``.

    ``points`` has ``x``, ``y``, ``id``, ``title`` and the colour columns; ``hover`` names the
    extra columns shown on hover.
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    trace_groups: list[list[int]] = []
    for column in color_by:
        traces = _category_traces(points, column, hover, column == color_by[0])
        start = len(fig.data)
        fig.add_traces(traces)
        trace_groups.append(list(range(start, start + len(traces))))
    buttons = []
    for column, group in zip(color_by, trace_groups, strict=True):
        visible = np.zeros(len(fig.data), dtype=bool)
        visible[group] = True
        buttons.append(
            {
                "label": column,
                "method": "update",
                "args": [{"visible": visible.tolist()}, {"legend": {"title": {"text": column}}}],
            }
        )
    fig.update_layout(
        title=title,
        template="plotly_white",
        height=650,
        xaxis={"showticklabels": False, "title": f"{axis} 1"},
        yaxis={"showticklabels": False, "title": f"{axis} 2"},
        legend={"title": {"text": color_by[0]}},
        updatemenus=[{"buttons": buttons, "x": 0, "y": 1.08, "xanchor": "left", "showactive": True}]
        if len(color_by) > 1
        else [],
    )
    return fig
