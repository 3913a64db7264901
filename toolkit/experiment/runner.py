"""The runner: walks the stages, caches them, and writes the run folder.

Everything that can be checked before work is checked first (the run folder, the corpus, the
models). The run folder is built under a temporary name and renamed into place when every
artifact is written, so an interrupted run (Ctrl-C, SIGTERM) leaves no half-written folder;
completed stages sit in the cache and the same command resumes from them. Timings and dates
live in ``manifest.json`` only, so every other file of two runs of the same config compares
equal byte for byte.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import threading
import time
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from toolkit.errors import ToolkitWarning
from toolkit.experiment import folder as layout
from toolkit.experiment.cache import MARKER, StageCache
from toolkit.experiment.compute import Compute, computing, make_compute
from toolkit.experiment.loading import load_config, to_yaml
from toolkit.experiment.manifest import environment
from toolkit.experiment.schema import ExperimentConfig
from toolkit.experiment.stages import Inputs, Stage, enabled_stages, with_requirements
from toolkit.experiment.stages.corpus import CorpusStage
from toolkit.io import (
    atomic_folder,
    cache_root,
    hash_obj,
    remove_stale_staging,
    write_csv,
    write_json,
    write_text,
)
from toolkit.progress import status

# The compute settings that say where work runs (not what it computes).
PLACEMENT = {"scheduler", "workers", "memory_limit"}
# Bump when the plots change, so that cached plots of earlier runs are not reused.
PLOTS_VERSION = 2


class Interrupted(KeyboardInterrupt):
    """A run stopped by Ctrl-C or SIGTERM; the message says how to resume it."""


def timestamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


def new_run_folder(config: ExperimentConfig, out: Path | None) -> Path:
    """``out``, or a new ``<output.dir>/<name>-<UTC timestamp>`` folder."""
    if out is not None:
        return Path(out).resolve()
    parent = Path(config.output.dir)
    folder = parent / f"{config.name}-{timestamp()}"
    suffix = 1
    while folder.exists():
        suffix += 1
        folder = parent / f"{config.name}-{timestamp()}-{suffix}"
    return folder


def stage_cache(config: ExperimentConfig, cache_dir: Path | None) -> StageCache:
    """The stage cache: ``cache_dir``, ``output.cache_dir``, or :func:`toolkit.io.cache_root`."""
    return StageCache(Path(cache_dir or config.output.cache_dir or cache_root()))


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM into KeyboardInterrupt, so cleanup runs as it does for Ctrl-C."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"terminated by signal {signum}")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _copy_stage(source: Path, destination: Path) -> None:
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns(MARKER))


def _key(stage: Stage[Any], config: ExperimentConfig, settings: Any, keys: dict[str, str]) -> str:
    # an optional input that ran changes the output too (topic vectors for search, ...)
    upstream = [*stage.needs(config), *stage.optional]
    return hash_obj(
        {
            "stage": stage.name,
            "version": stage.version,
            "settings": settings,
            "upstream": {name: keys[name] for name in upstream if name in keys},
        }
    )


class _Recorder:
    """What one run records: stage outputs, keys, metrics, manifest entries, warnings."""

    def __init__(self, cache: StageCache, compute: Compute) -> None:
        self.cache = cache
        self.inputs = Inputs(cache_dir=cache.root, compute=compute)
        self.keys: dict[str, str] = {}
        self.metrics: dict[str, Any] = {}
        self.stages: dict[str, Any] = {}
        self.warnings: list[str] = []
        #: work folders of the stages stored in the cache: removed when the run ends
        self.stored: list[Path] = []

    def run(self, stage: Stage[Any], config: ExperimentConfig, staging: Path) -> None:
        tick = time.perf_counter()
        settings = stage.settings(config)
        key = self.keys[stage.name] = _key(stage, config, settings, self.keys)
        cached = self.cache.lookup(stage.name, key)
        hit = cached is not None
        if cached is not None:
            output = stage.load(cached, config)
            status(f"[{stage.name}] cached")
        else:
            status(f"[{stage.name}] computing …")
            self.inputs.work = self.cache.work(stage.name, key)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ToolkitWarning)
                output = stage.compute(config, self.inputs)
            said = [str(w.message) for w in caught if issubclass(w.category, ToolkitWarning)]
            cached = self.cache.store(
                stage.name, key, lambda tmp: stage.save(output, tmp, config), said
            )
            self.stored.append(self.inputs.work)
            self.inputs.work = None
        self.warnings += [f"{stage.name}: {message}" for message in StageCache.warnings(cached)]
        self.inputs.add(stage.name, output)
        _copy_stage(cached, staging / stage.name)
        self.metrics[stage.name] = stage.metrics(output)
        elapsed = time.perf_counter() - tick
        self.stages[stage.name] = {
            "key": key,
            "cache_hit": hit,
            "seconds": round(elapsed, 3),
            "settings": settings,
            **stage.provenance(output),
        }
        status(f"[{stage.name}] done in {elapsed:.1f} s")


def _plots(staging: Path, cache: StageCache, keys: dict[str, str]) -> None:
    """Write the run's plots, or copy them from the cache when every stage was the same."""
    from toolkit.experiment.run import Run
    from toolkit.plots import write_run_plots

    key = hash_obj({"plots": PLOTS_VERSION, "stages": keys})
    cached = cache.lookup("plots", key)
    if cached is None:
        cached = cache.store("plots", key, lambda tmp: write_run_plots(Run(staging), tmp))
    _copy_stage(cached, staging / layout.PLOTS)


def preflight(
    config: ExperimentConfig, folder: Path, cache: StageCache, force: bool, source: Path | None
) -> list[Stage[Any]]:
    """Every check that can happen before work; returns the stages to run."""
    protected = [("corpus", path) for path in config.corpus.paths]
    protected.append(("stage cache", cache.root))
    if source is not None:
        protected.append(("config file", source))
    layout.check_destination(folder, force, protected)
    # staging folders of runs killed outright (SIGKILL, power loss) are cleaned by the next one
    remove_stale_staging(folder.parent)
    stages = enabled_stages(config)
    for stage in stages:
        stage.check(config)
    return stages


def _finish(config: ExperimentConfig, staging: Path, folder: Path, rec: _Recorder) -> None:
    """Write the run-level files (documents, config, metrics, plots) into the staging folder."""
    write_csv(staging / layout.DOCUMENTS, rec.inputs[CorpusStage].table())
    write_text(staging / layout.CONFIG, to_yaml(config, relative_to=folder))
    write_json(staging / layout.METRICS, rec.metrics)
    if config.output.plots:
        _plots(staging, rec.cache, rec.keys)


def _manifest(
    config: ExperimentConfig, timing: dict[str, Any], rec: _Recorder, staging: Path
) -> dict[str, Any]:
    """``manifest.json``: where the run came from, its timings, warnings and artifacts."""
    return {
        "name": config.name,
        "seed": config.seed,
        **timing,
        "compute": rec.inputs.compute.describe(),
        "stages": rec.stages,
        "warnings": rec.warnings,
        **environment(),
        "artifacts": layout.artifact_table(staging),
    }


def execute(
    config: ExperimentConfig,
    out: Path | None = None,
    cache_dir: Path | None = None,
    *,
    force: bool = False,
    source: Path | None = None,
    compute: Compute | None = None,
) -> Path:
    """Run every stage of ``config`` and write its run folder; return the folder.

    ``config`` is validated; the sections its stages need are added at their defaults. ``out``
    is the run folder (default ``<output.dir>/<name>-<UTC timestamp>``): new, empty, or with
    ``force`` a finished run folder (see :func:`toolkit.experiment.folder.check_destination`);
    ``source`` is the config file, which it must not overlap. ``cache_dir`` is the stage cache
    (default ``output.cache_dir``, ``$TOOLKIT_CACHE`` or the user cache). ``compute`` is where
    the per-document work runs (default: the ``compute`` section's scheduler, or this process;
    a Dask cluster is started only when a stage needs it, and closed at the end; a given one is
    left open). Ctrl-C or
    SIGTERM raise :class:`Interrupted`: nothing half-written is left, and the message says how
    to resume.
    """
    started = datetime.now(UTC)
    config = with_requirements(config)
    folder = new_run_folder(config, out)
    cache = stage_cache(config, cache_dir)
    stages = preflight(config, folder, cache, force, source)
    owned = compute is None  # a compute that was given stays open for its owner
    compute = compute or make_compute(**config.compute.model_dump(include=PLACEMENT))
    rec = _Recorder(cache, compute)
    total = time.perf_counter()
    current = "setup"
    try:
        with sigterm_as_interrupt(), computing(compute, owned), atomic_folder(folder) as staging:
            for stage in stages:
                current = stage.name
                rec.run(stage, config, staging)
            current = "plots"
            _finish(config, staging, folder, rec)
            timing = {
                "started": started.isoformat(timespec="seconds"),
                "finished": datetime.now(UTC).isoformat(timespec="seconds"),
                "seconds": round(time.perf_counter() - total, 3),
            }
            write_json(staging / layout.MANIFEST, _manifest(config, timing, rec, staging))
    except KeyboardInterrupt as exc:
        done = [name for name in rec.stages]
        raise Interrupted(
            f"interrupted during '{current}' ({exc or 'Ctrl-C'}); nothing was written to "
            f"{folder}. Completed stages are cached ({', '.join(done) or 'none'}): run the "
            f"same command again to resume from '{current}'"
        ) from None
    finally:
        # outputs computed this run read their partitions from there until the run ends
        for work in rec.stored:
            shutil.rmtree(work, ignore_errors=True)
    for message in rec.warnings:
        status(f"warning: {message}")
    return folder


def run_experiment(
    config: ExperimentConfig | str | Path,
    overrides: list[str] | None = None,
    out: str | Path | None = None,
    cache_dir: str | Path | None = None,
    force: bool = False,
) -> Any:
    """Run an experiment and return its :class:`~toolkit.experiment.run.Run`.

    Parameters
    ----------
    config : ExperimentConfig, str or Path
        A config object or the path of a YAML config.
    overrides : list of str, optional
        ``key.path=value`` assignments (only with a path).
    out, cache_dir, force
        As in :func:`execute`.

    Examples
    --------
    >>> run = run_experiment("experiments/seed.yaml")  # doctest: +SKIP
    >>> run.topic_table.head()  # doctest: +SKIP
    """
    from toolkit.errors import ConfigError
    from toolkit.experiment.run import load_run

    source = None
    if not isinstance(config, ExperimentConfig):
        source = Path(config)
        config = load_config(config, overrides or [])
    elif overrides:
        raise ConfigError("overrides need a config path; apply them to the object yourself")
    folder = execute(
        config,
        Path(out) if out else None,
        Path(cache_dir) if cache_dir else None,
        force=force,
        source=source,
    )
    return load_run(folder)
