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
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from toolkit.experiment import folder as layout
from toolkit.experiment.beside import BesideStages
from toolkit.experiment.cache import StageCache
from toolkit.experiment.compute import Compute, computing, make_compute
from toolkit.experiment.loading import load_config, to_yaml
from toolkit.experiment.manifest import environment
from toolkit.experiment.recorder import Recorder, copy_stage
from toolkit.experiment.schema import ExperimentConfig
from toolkit.experiment.stages import Stage, enabled_stages, with_requirements
from toolkit.experiment.stages.corpus import CorpusStage
from toolkit.io import (
    atomic_folder,
    cache_root,
    hash_obj,
    remove_stale_staging,
    write_csv_parts,
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


class _Plots:
    """The run's plots: those a stage computing beside does not change are drawn while the
    main process waits for it, the rest at the end; or all copied from the cache when every
    stage was the same."""

    def __init__(self, config: ExperimentConfig, folder: Path, rec: Recorder) -> None:
        self.config, self.folder, self.rec = config, folder, rec
        self.early: Path | None = None  # where the figures drawn while waiting are
        self.drawn: list[str] = []

    def while_waiting(self, staging: Path, pending: list[str]) -> None:
        """Draw what does not read the ``pending`` stages (once), before waiting for them."""
        if not self.config.output.plots or self.early is not None or not pending:
            return
        from toolkit.experiment.run import Run
        from toolkit.plots import write_run_plots

        _run_files(self.config, staging, self.folder, self.rec)  # the figures read them
        self.early = Path(tempfile.mkdtemp(prefix="toolkit-plots-"))
        self.drawn = write_run_plots(Run(staging), self.early, pending=pending)

    def finish(self, staging: Path) -> None:
        def write(tmp: Path) -> None:
            from toolkit.experiment.run import Run
            from toolkit.plots import write_run_plots

            for name in self.drawn:
                shutil.copy2(self.early / name, tmp / name)  # type: ignore[operator]
            write_run_plots(Run(staging), tmp, done=self.drawn)

        cache = self.rec.cache
        key = hash_obj({"plots": PLOTS_VERSION, "stages": self.rec.keys})
        cached = cache.lookup("plots", key) or cache.store("plots", key, write)
        copy_stage(cached, staging / layout.PLOTS)

    def close(self) -> None:
        if self.early is not None:
            shutil.rmtree(self.early, ignore_errors=True)


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


def _run_files(config: ExperimentConfig, staging: Path, folder: Path, rec: Recorder) -> None:
    """The run-level files: documents, config and the metrics of the stages recorded."""
    write_csv_parts(staging / layout.DOCUMENTS, rec.inputs[CorpusStage].tables())
    write_text(staging / layout.CONFIG, to_yaml(config, relative_to=folder))
    write_json(staging / layout.METRICS, rec.metrics)


def _manifest(
    config: ExperimentConfig, timing: dict[str, Any], rec: Recorder, staging: Path
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


def _run_stages(
    config: ExperimentConfig,
    stages: list[Stage[Any]],
    staging: Path,
    rec: Recorder,
    beside: BesideStages,
    plots: _Plots,
    steps: list[str],
) -> None:
    """Record every stage into ``staging``, each in this process or, when it may, in a second
    one beside it (:mod:`toolkit.experiment.beside`); appends the name of each step to
    ``steps`` as it starts (an interrupt's message names the last)."""
    for position, stage in enumerate(stages):
        steps.append(stage.name)
        plots.while_waiting(staging, beside.awaited_by(stage))
        beside.await_read_by(stage, staging)
        if not beside.start(stage, stages[position + 1 :]):
            rec.run(stage, config, staging)
    steps.append("plots")
    plots.while_waiting(staging, list(beside.running))
    beside.finish_all(staging)


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
    left open). Ctrl-C or SIGTERM raise :class:`Interrupted`: nothing half-written is left,
    and the message says how to resume.
    """
    started = datetime.now(UTC)
    config = with_requirements(config)
    folder = new_run_folder(config, out)
    cache = stage_cache(config, cache_dir)
    stages = preflight(config, folder, cache, force, source)
    owned = compute is None  # a compute that was given stays open for its owner
    compute = compute or make_compute(**config.compute.model_dump(include=PLACEMENT))
    rec = Recorder(cache, compute)
    beside = BesideStages(config, compute, rec)
    plots = _Plots(config, folder, rec)
    total = time.perf_counter()
    steps = ["setup"]
    try:
        with sigterm_as_interrupt(), computing(compute, owned), atomic_folder(folder) as staging:
            _run_stages(config, stages, staging, rec, beside, plots, steps)
            _run_files(config, staging, folder, rec)
            if config.output.plots:
                plots.finish(staging)
            timing = {
                "started": started.isoformat(timespec="seconds"),
                "finished": datetime.now(UTC).isoformat(timespec="seconds"),
                "seconds": round(time.perf_counter() - total, 3),
            }
            write_json(staging / layout.MANIFEST, _manifest(config, timing, rec, staging))
    except KeyboardInterrupt as exc:
        raise Interrupted(
            f"interrupted during '{steps[-1]}' ({exc or 'Ctrl-C'}); nothing was written to "
            f"{folder}. Completed stages are cached ({', '.join(rec.stages) or 'none'}): run the "
            f"same command again to resume from '{steps[-1]}'"
        ) from None
    finally:
        beside.stop()
        plots.close()
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
