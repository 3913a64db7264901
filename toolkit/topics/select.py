"""Choosing the number of topics from a sweep: coherence against stability, and a rule.

A K sweep (``toolkit run … --sweep topics.num_topics=5,9,20``) writes one row per K to
``summary.csv``. More topics usually means narrower, and often more coherent, topics, but
also topics that come and go between seeds. :func:`recommend_num_topics` picks a K a user can
defend: among the K whose topics reproduce across seeds, the smallest whose coherence is
within a tolerance of the best.

Examples
--------
>>> summary = pd.DataFrame({
...     "topics.num_topics": [5, 9, 20, 50],
...     "topics.coherence_c_npmi": [0.06, 0.09, 0.095, 0.12],
...     "topics.stability": [0.95, 0.92, 0.85, 0.55],
... })
>>> choice = recommend_num_topics(summary)
>>> choice.num_topics, choice.eligible
(9, [5, 9, 20])
>>> import textwrap; print(textwrap.fill(choice.rule, 90))
K = 9: the smallest K whose c_npmi (0.090) is within 0.01 of the best (0.095, K = 20)
among the K with stability >= 0.8 (5, 9, 20).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

K_COLUMN = "topics.num_topics"
COHERENCE_COLUMN = "topics.coherence_c_npmi"
STABILITY_COLUMN = "topics.stability"


@dataclass(frozen=True)
class Recommendation:
    """The recommended K, the rule that chose it in words, and the K the rule considered."""

    num_topics: int
    rule: str
    eligible: list[int]
    min_stability: float
    tolerance: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return asdict(self)


def _points(summary: pd.DataFrame, k: str, coherence: str, stability: str) -> pd.DataFrame:
    """One row per K with numeric K, coherence and stability (NaN where absent), sorted by K."""
    for column in (k, coherence):
        if column not in summary:
            raise ValueError(f"the sweep summary has no {column!r} column")
    points = pd.DataFrame(
        {
            "k": pd.to_numeric(summary[k], errors="coerce"),
            "coherence": pd.to_numeric(summary[coherence], errors="coerce"),
            "stability": pd.to_numeric(summary[stability], errors="coerce")
            if stability in summary
            else math.nan,
        }
    )
    points = points.dropna(subset=["k", "coherence"]).sort_values("k", kind="stable")
    if points.empty:
        raise ValueError(f"no sweep point has both {k!r} and {coherence!r}")
    return points


def recommend_num_topics(
    summary: pd.DataFrame,
    *,
    min_stability: float = 0.8,
    tolerance: float = 0.01,
    k: str = K_COLUMN,
    coherence: str = COHERENCE_COLUMN,
    stability: str = STABILITY_COLUMN,
) -> Recommendation:
    """Recommend a number of topics from a sweep's summary table.

    The rule: (1) keep the K whose stability (top-10 agreement across seeds) is at least
    ``min_stability``, all of them when none is (or when the sweep has no stability); (2) take
    the best coherence among those; (3) recommend the smallest K whose coherence is within
    ``tolerance`` of it. Differences of 0.01 in mean NPMI are within what one corpus and one
    set of seeds can tell apart, and fewer topics are easier to read and to name.

    Parameters
    ----------
    summary : DataFrame
        A sweep's ``summary.csv``: one row per point, with columns ``k``, ``coherence`` and
        (optionally) ``stability``.
    min_stability : float, default 0.8
    tolerance : float, default 0.01
    k, coherence, stability : str
        Column names (default: the sweep runner's ``topics.*`` columns).

    Returns
    -------
    Recommendation
    """
    points = _points(summary, k, coherence, stability)
    stable = points[points["stability"] >= min_stability]
    considered = stable if len(stable) else points
    best = considered.loc[considered["coherence"].idxmax()]
    close = considered[considered["coherence"] >= best["coherence"] - tolerance]
    chosen = close.iloc[0]
    eligible = [int(v) for v in considered["k"]]
    measure = coherence.split(".")[-1].removeprefix("coherence_")
    if len(stable):
        scope = f"among the K with stability >= {min_stability:g} ({', '.join(map(str, eligible))})"
    else:
        scope = f"among all K (none reached stability {min_stability:g})"
    rule = (
        f"K = {int(chosen['k'])}: the smallest K whose {measure} ({chosen['coherence']:.3f}) "
        f"is within {tolerance:g} of the best ({best['coherence']:.3f}, K = {int(best['k'])}) "
        f"{scope}."
    )
    return Recommendation(int(chosen["k"]), rule, eligible, min_stability, tolerance)
