"""Sweeps: one run per point of a grid of overrides, and a summary that compares them.

Every point's config is loaded and validated before the first point runs, so a typo in the
third value stops the sweep before any work. The sweep folder is built beside its destination
and appears only when every point completed; an interrupted sweep resumes from the stage cache.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.experiment import folder as layout
from toolkit.experiment.loading import load_config, sweep_points
from toolkit.experiment.runner import execute, stage_cache, timestamp
from toolkit.io import atomic_folder, read_json, write_csv, write_json, write_text
from toolkit.progress import status

SWEEP_METRICS = (
    ("topics", "coherence_c_npmi"),
    ("topics", "coherence_c_v"),
    ("topics", "coherence_u_mass"),
    ("topics", "diversity"),
    ("topics", "stability"),
    ("topics", "heldout_perplexity"),
    ("clusters", "nmi"),
    ("clusters", "silhouette"),
    ("clusters", "outlier_share"),
)
METRIC_COLUMNS = tuple(f"{stage}.{metric}" for stage, metric in SWEEP_METRICS)


def point_name(point: list[str]) -> str:
    """The folder name of a sweep point: ``num_topics=5,seed=3`` (``base`` for no override).

    >>> point_name(["topics.num_topics=5", "seed=3"])
    'num_topics=5,seed=3'
    """
    parts = []
    for assignment in point:
        key, value = assignment.split("=", 1)
        parts.append(f"{key.split('.')[-1]}={value}")
    return ",".join(parts) or "base"


def summary_row(point: list[str], metrics: dict[str, Any]) -> dict[str, Any]:
    """One row of ``summary.csv``: the point, its swept values and its headline metrics."""
    row: dict[str, Any] = {"point": point_name(point)}
    for assignment in point:
        key, value = assignment.split("=", 1)
        row[key] = value
    for stage, metric in SWEEP_METRICS:
        value = metrics.get(stage, {}).get(metric)
        if isinstance(value, int | float):
            row[f"{stage}.{metric}"] = value
    return row


def run_sweep(
    config_path: str | Path,
    sweeps: list[str],
    overrides: list[str] | None = None,
    out: str | Path | None = None,
    cache_dir: str | Path | None = None,
    force: bool = False,
) -> Path:
    """Run every point of a sweep grid, each into its own run folder, and write a summary.

    The sweep folder holds one run folder per point (``num_topics=5`` …), ``sweep.json``,
    ``summary.csv`` (the points' headline metrics, one row per point) and, for a K sweep,
    ``recommendation.json`` (the K :func:`~toolkit.topics.select.recommend_num_topics`
    recommends, and its rule in words).
    """
    points = sweep_points(sweeps)
    configs = [load_config(config_path, [*(overrides or []), *point]) for point in points]
    base = configs[0]
    parent = (
        Path(out).resolve() if out else Path(base.output.dir) / f"{base.name}-sweep-{timestamp()}"
    )
    cache = stage_cache(base, Path(cache_dir) if cache_dir else None)
    protected = [("corpus", path) for path in base.corpus.paths]
    protected.append(("stage cache", cache.root))
    layout.check_destination(parent, force, [*protected, ("config file", Path(config_path))])
    rows = []
    with atomic_folder(parent) as staging:
        for point, config in zip(points, configs, strict=True):
            status(f"== sweep point {point_name(point)}")
            folder = execute(config, staging / point_name(point), cache.root)
            rows.append(summary_row(point, read_json(folder / layout.METRICS)))
        summary = pd.DataFrame(rows)
        write_csv(staging / "summary.csv", summary)
        if {"topics.num_topics", "topics.coherence_c_npmi"} <= set(summary.columns):
            from toolkit.topics.select import recommend_num_topics

            choice = recommend_num_topics(summary).to_dict()
            write_json(staging / "recommendation.json", choice)
        sweep = {"config": Path(config_path).name, "sweep": sweeps, "overrides": overrides or []}
        write_json(staging / "sweep.json", {**sweep, "points": [point_name(p) for p in points]})
        # a sweep folder counts as a finished run folder once its manifest exists
        write_json(staging / layout.MANIFEST, {"toolkit": "sweep", "points": len(points)})
        write_text(staging / layout.CONFIG, Path(config_path).read_text(encoding="utf-8"))
        if base.output.plots:
            from toolkit.plots import write_sweep_plot

            write_sweep_plot(staging, METRIC_COLUMNS)
    return parent
