"""The runner: composes the stages, caches them, and writes the run folder.

A run folder is built under a temporary name and renamed into place when every artifact is
written, so an interrupted run leaves no half-written folder; completed stages sit in the cache
and a later run resumes from them. Timings and dates live in ``manifest.json`` only, so every
other file of two runs of the same config compares equal byte for byte.
"""

from __future__ import annotations

import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from toolkit.config import ExperimentConfig, load_config, sweep_points, to_yaml
from toolkit.errors import ConfigError
from toolkit.experiment.cache import MARKER, StageCache
from toolkit.experiment.manifest import environment
from toolkit.experiment.stages import STAGE_VERSIONS, STAGES, Context, write_documents_table
from toolkit.io import atomic_folder, cache_root, hash_obj, write_csv, write_json, write_text
from toolkit.progress import status


def _timestamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


def _new_run_folder(config: ExperimentConfig, out: Path | None) -> Path:
    if out is not None:
        return Path(out).resolve()
    parent = Path(config.output.dir)
    folder = parent / f"{config.name}-{_timestamp()}"
    suffix = 1
    while folder.exists():
        suffix += 1
        folder = parent / f"{config.name}-{_timestamp()}-{suffix}"
    return folder


def _cache_dir(config: ExperimentConfig, cache_dir: Path | None) -> Path:
    if cache_dir is not None:
        return Path(cache_dir)
    if config.output.cache_dir is not None:
        return Path(config.output.cache_dir)
    return cache_root()


def _copy_stage(source: Path, destination: Path) -> None:
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns(MARKER))


# Bump when the plots change, so that cached plots of earlier runs are not reused.
PLOTS_VERSION = 1


def _plots(staging: Path, cache: StageCache, stage_keys: dict[str, str]) -> None:
    """Write the run's plots, or copy them from the cache when every stage was the same."""
    from toolkit.plots import write_run_plots

    key = hash_obj({"plots": PLOTS_VERSION, "stages": stage_keys})
    cached = cache.lookup("plots", key)
    if cached is None:
        cached = cache.store("plots", key, lambda tmp: write_run_plots(staging, tmp))
    _copy_stage(cached, staging / "plots")


def execute(
    config: ExperimentConfig, out: Path | None = None, cache_dir: Path | None = None
) -> Path:
    """Run every stage of ``config`` and write its run folder; return the folder.

    Parameters
    ----------
    config : ExperimentConfig
        A validated config.
    out : Path, optional
        The run folder (default ``<output.dir>/<name>-<UTC timestamp>``). An existing folder
        is replaced only once the new run completed.
    cache_dir : Path, optional
        The stage cache (default ``output.cache_dir``, ``$TOOLKIT_CACHE`` or ``.cache/toolkit``).
    """
    started = datetime.now(UTC)
    folder = _new_run_folder(config, out)
    cache = StageCache(_cache_dir(config, cache_dir))
    ctx = Context(config=config, cache_dir=cache.root)

    stage_records: dict[str, Any] = {}
    stage_keys: dict[str, str] = {}
    metrics: dict[str, Any] = {}
    total = time.perf_counter()
    # the run folder appears only once complete: an interrupted run leaves nothing behind
    with atomic_folder(folder) as staging:
        for name in config.stages():
            stage = STAGES[name]
            tick = time.perf_counter()
            settings = stage.settings(ctx)
            key = hash_obj(
                {
                    "stage": name,
                    "version": STAGE_VERSIONS[name],
                    "settings": settings,
                    "upstream": {
                        dep: stage_keys[dep] for dep in stage.requires if dep in stage_keys
                    },
                    # optional inputs change a stage's output too (topic vectors for search, ...)
                    "optional": {
                        dep: stage_keys[dep]
                        for dep in ("topics",)
                        if dep in stage_keys and name in ("themes", "search")
                    },
                }
            )
            stage_keys[name] = key
            keyed = time.perf_counter()
            cached = cache.lookup(name, key)
            hit = cached is not None
            if cached is not None:
                output = stage.load(cached, ctx)
                status(f"[{name}] cached")
            else:
                status(f"[{name}] computing …")
                output = stage.compute(ctx)
                cached = cache.store(name, key, lambda tmp, s=stage, o=output: s.save(o, tmp, ctx))
            ctx.outputs[name] = output
            _copy_stage(cached, staging / name)
            metrics[name] = stage.metrics(output)
            elapsed = time.perf_counter() - tick
            stage_records[name] = {
                "key": key,
                "cache_hit": hit,
                "seconds": round(elapsed, 3),
                "key_seconds": round(keyed - tick, 3),
            }
            status(f"[{name}] done in {elapsed:.1f} s")

        write_documents_table(ctx.outputs["corpus"].documents, staging / "documents.csv")
        write_text(staging / "config.yaml", to_yaml(config))
        write_json(staging / "metrics.json", metrics)
        plot_seconds = 0.0
        if config.output.plots:
            tick = time.perf_counter()
            _plots(staging, cache, stage_keys)
            plot_seconds = time.perf_counter() - tick
        manifest = {
            "name": config.name,
            "seed": config.seed,
            "started": started.isoformat(timespec="seconds"),
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            "seconds": round(time.perf_counter() - total, 3),
            "plot_seconds": round(plot_seconds, 3),
            "stages": stage_records,
            "cache_dir": str(cache.root),
            **environment(),
            **ctx.extra_manifest,
        }
        if "search" in metrics:
            # recall@10 of the approximate index against exact search, measured at build time
            manifest["search_ann"] = metrics["search"].get("ann")
        write_json(staging / "manifest.json", manifest)
    status(f"run folder: {folder}")
    return folder


def run_experiment(
    config: ExperimentConfig | str | Path,
    overrides: list[str] | None = None,
    out: str | Path | None = None,
    cache_dir: str | Path | None = None,
) -> Any:
    """Run an experiment and return its :class:`~toolkit.experiment.run.Run`.

    Parameters
    ----------
    config : ExperimentConfig, str or Path
        A config object or the path of a YAML config.
    overrides : list of str, optional
        ``key.path=value`` assignments (only with a path).

    Examples
    --------
    >>> run = run_experiment("experiments/seed.yaml")  # doctest: +SKIP
    >>> run.topic_table.head()  # doctest: +SKIP
    """
    from toolkit.experiment.run import load_run

    if not isinstance(config, ExperimentConfig):
        config = load_config(config, overrides or [])
    elif overrides:
        raise ConfigError("overrides need a config path; apply them to the object yourself")
    folder = execute(config, Path(out) if out else None, Path(cache_dir) if cache_dir else None)
    return load_run(folder)


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


def _point_name(point: list[str]) -> str:
    parts = []
    for assignment in point:
        key, value = assignment.split("=", 1)
        parts.append(f"{key.split('.')[-1]}={value}")
    return ",".join(parts) or "base"


def run_sweep(
    config_path: str | Path,
    sweeps: list[str],
    overrides: list[str] | None = None,
    out: str | Path | None = None,
    cache_dir: str | Path | None = None,
) -> Path:
    """Run every point of a sweep grid, each into its own run folder, and write a summary.

    The sweep folder holds one run folder per point (``num_topics=5`` …), ``sweep.json``,
    ``summary.csv`` (the points' headline metrics, one row per point) and, for a K sweep,
    ``recommendation.json`` (the K :func:`~toolkit.topics.select.recommend_num_topics`
    recommends, and its rule in words).
    """
    import pandas as pd

    from toolkit.io import read_json

    points = sweep_points(sweeps)
    base = load_config(config_path, overrides or [])
    parent = (
        Path(out).resolve() if out else Path(base.output.dir) / f"{base.name}-sweep-{_timestamp()}"
    )
    rows = []
    for point in points:
        config = load_config(config_path, [*(overrides or []), *point])
        name = _point_name(point)
        status(f"== sweep point {name}")
        folder = execute(config, parent / name, Path(cache_dir) if cache_dir else None)
        metrics = read_json(folder / "metrics.json")
        row: dict[str, Any] = {"point": name}
        for assignment in point:
            key, value = assignment.split("=", 1)
            row[key] = value
        for stage, metric in SWEEP_METRICS:
            value = metrics.get(stage, {}).get(metric)
            if isinstance(value, int | float):
                row[f"{stage}.{metric}"] = value
        rows.append(row)
    summary = pd.DataFrame(rows)
    write_csv(parent / "summary.csv", summary)
    if {"topics.num_topics", "topics.coherence_c_npmi"} <= set(summary.columns):
        from toolkit.topics.select import recommend_num_topics

        write_json(parent / "recommendation.json", recommend_num_topics(summary).to_dict())
    write_json(
        parent / "sweep.json",
        {
            "config": str(Path(config_path)),
            "sweep": sweeps,
            "overrides": overrides or [],
            "points": [_point_name(p) for p in points],
        },
    )
    if base.output.plots:
        from toolkit.plots import write_sweep_plot

        write_sweep_plot(parent)
    return parent
