"""Topic shares per time period."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_PARTS_NEEDED = {"year": 1, "quarter": 2, "month": 2, "day": 3}


def period_of(date: str | None, period: str) -> str | None:
    """The period label of a ``YYYY[-MM[-DD]]`` date, or None when the date is too coarse.

    Examples
    --------
    >>> period_of("2023-06-13", "quarter"), period_of("2023-06", "month"), period_of("2023", "day")
    ('2023-Q2', '2023-06', None)
    """
    if period not in _PARTS_NEEDED:
        raise ValueError(f"topics.period must be one of {sorted(_PARTS_NEEDED)}, got {period!r}")
    match = _DATE.match(date.strip()) if date else None
    if match is None:
        return None
    parts = [p for p in match.groups() if p is not None]
    if len(parts) < _PARTS_NEEDED[period]:
        return None
    year = parts[0]
    if period == "year":
        return year
    if period == "quarter":
        return f"{year}-Q{(int(parts[1]) - 1) // 3 + 1}"
    if period == "month":
        return f"{year}-{parts[1]}"
    return f"{year}-{parts[1]}-{parts[2]}"


def topics_over_time(
    doc_topics: np.ndarray,
    dates: list[str | None],
    period: str = "month",
    weights: np.ndarray | None = None,
) -> pd.DataFrame | None:
    """Mean topic share per period.

    Parameters
    ----------
    doc_topics : ndarray of shape (n_docs, K)
    dates : list of str or None
        ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` per document.
    period : {"year", "quarter", "month", "day"}
        Labels look like ``2023``, ``2023-Q2``, ``2023-06``, ``2023-06-13``.
    weights : ndarray, optional
        Per-document weights (e.g. token counts); default: every document counts once.

    Returns
    -------
    DataFrame or None
        Columns ``period, topic, share, documents``, sorted by period and topic; ``share`` sums
        to 1 within a period. Documents without a date, or with a date coarser than
        ``period``, are left out; their number is in ``frame.attrs["undated"]``. None when no
        document can be placed in a period.

    Examples
    --------
    >>> theta = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    >>> frame = topics_over_time(theta, ["2023-01-05", "2023-02-01", None], "month")
    >>> frame["share"].tolist(), frame.attrs["undated"]
    ([1.0, 0.0, 0.0, 1.0], 1)
    """
    doc_topics = np.asarray(doc_topics, dtype=np.float64)
    if len(dates) != len(doc_topics):
        raise ValueError(f"{len(dates)} dates for {len(doc_topics)} documents")
    weights = np.ones(len(dates)) if weights is None else np.asarray(weights, dtype=np.float64)
    labels = [period_of(d, period) for d in dates]
    placed = [i for i, label in enumerate(labels) if label is not None]
    if not placed:
        return None
    rows = []
    for label in sorted({labels[i] for i in placed}):
        members = [i for i in placed if labels[i] == label]
        w = weights[members]
        share = (w @ doc_topics[members]) / w.sum() if w.sum() > 0 else doc_topics[members].mean(0)
        rows.extend(
            {"period": label, "topic": k, "share": float(s), "documents": len(members)}
            for k, s in enumerate(share)
        )
    frame = pd.DataFrame(rows, columns=["period", "topic", "share", "documents"])
    frame.attrs["undated"] = len(dates) - len(placed)
    return frame
