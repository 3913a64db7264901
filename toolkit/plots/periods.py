"""Time periods for plots: merge sparse periods into coarser ones, draw per-period bars.

A corpus of 50 articles over 18 months has about three articles a month: monthly shares then
jump with every single article. Plots therefore merge months into quarters (quarters into
years) while the average period holds fewer than a handful of articles.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

COARSER = {"day": "month", "month": "quarter", "quarter": "year"}
_KINDS = (
    ("year", re.compile(r"^\d{4}$")),
    ("quarter", re.compile(r"^\d{4}-Q[1-4]$")),
    ("month", re.compile(r"^\d{4}-\d{2}$")),
    ("day", re.compile(r"^\d{4}-\d{2}-\d{2}$")),
)


def period_kind(label: str) -> str | None:
    """``year``, ``quarter``, ``month`` or ``day`` for a period label, None for anything else.

    Examples
    --------
    >>> [period_kind(p) for p in ("2023", "2023-Q2", "2023-06", "2023-06-13", "Juni")]
    ['year', 'quarter', 'month', 'day', None]
    """
    for kind, pattern in _KINDS:
        if pattern.match(str(label)):
            return kind
    return None


def coarser_label(label: str) -> str:
    """The label one level coarser: day -> month -> quarter -> year (a year stays a year).

    Examples
    --------
    >>> [coarser_label(p) for p in ("2023-06-13", "2023-06", "2023-Q2", "2023")]
    ['2023-06', '2023-Q2', '2023', '2023']
    """
    kind = period_kind(label)
    if kind == "day":
        return label[:7]
    if kind == "month":
        return f"{label[:4]}-Q{(int(label[5:7]) - 1) // 3 + 1}"
    return label[:4] if kind == "quarter" else label


def sparse_mapping(
    counts: pd.Series, min_documents: float = 5.0, min_periods: int = 4
) -> dict[str, str]:
    """Period label -> the label to plot it under.

    Periods are merged one level at a time while the average period holds fewer than
    ``min_documents`` documents and the merged series still has ``min_periods`` periods.

    Parameters
    ----------
    counts : Series
        Documents per period, indexed by period label.

    Examples
    --------
    >>> months = pd.Series([2, 3, 1, 2, 4, 3, 2, 1, 3, 2, 2, 3],
    ...                    index=[f"2023-{m:02d}" for m in range(1, 13)])
    >>> sorted(set(sparse_mapping(months).values()))
    ['2023-Q1', '2023-Q2', '2023-Q3', '2023-Q4']
    """
    mapping = {str(p): str(p) for p in counts.index}
    current = counts.groupby(level=0).sum()
    while len(current) and current.mean() < min_documents:
        merged_labels = {p: coarser_label(p) for p in current.index}
        merged = current.groupby(merged_labels).sum()
        if len(merged) == len(current) or len(merged) < min_periods:
            break
        mapping = {p: merged_labels[m] for p, m in mapping.items()}
        current = merged
    return mapping


def merge_shares(over_time: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """Topic shares of merged periods, each old period weighted by its documents.

    ``over_time`` has columns ``period, topic, share, documents`` (documents per period).

    Examples
    --------
    >>> frame = pd.DataFrame({"period": ["2023-01", "2023-01", "2023-02", "2023-02"],
    ...                       "topic": [0, 1, 0, 1], "share": [1.0, 0.0, 0.0, 1.0],
    ...                       "documents": [3, 3, 1, 1]})
    >>> merge_shares(frame, {"2023-01": "2023-Q1", "2023-02": "2023-Q1"})["share"].tolist()
    [0.75, 0.25]
    """
    frame = over_time.assign(
        period=over_time["period"].astype(str).map(mapping),
        weighted=over_time["share"] * over_time["documents"],
    )
    grouped = frame.groupby(["period", "topic"], as_index=False)[["weighted", "documents"]].sum()
    grouped["share"] = grouped["weighted"] / grouped["documents"].where(grouped["documents"] > 0, 1)
    return grouped[["period", "topic", "share", "documents"]]


def stacked_bars(ax: Axes, table: pd.DataFrame, colors: list, labels: list[str]) -> None:
    """Stacked bars of ``table`` (periods × series) with readable period ticks."""
    positions = np.arange(len(table))
    bottom = np.zeros(len(table))
    for column, color, label in zip(table.columns, colors, labels, strict=True):
        values = table[column].to_numpy(dtype=float)
        ax.bar(positions, values, bottom=bottom, color=color, label=label, width=0.8)
        bottom += values
    period_ticks(ax, list(table.index))
    # one or two periods: keep the bars bar-shaped rather than filling the whole axis
    pad = max(0.0, (3 - len(table)) / 2)
    ax.set_xlim(-0.5 - pad, len(table) - 0.5 + pad)


def period_ticks(ax: Axes, periods: list[str]) -> None:
    """At most about twelve period labels on the x axis, rotated when they are long."""
    step = max(1, int(np.ceil(len(periods) / 12)))
    long = max((len(str(p)) for p in periods), default=0) > 4
    ax.set_xticks(
        range(0, len(periods), step),
        [str(p) for p in periods[::step]],
        rotation=45 if long else 0,
        ha="right" if long else "center",
    )
