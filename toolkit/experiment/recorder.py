"""What one run records of its stages: outputs, cache keys, metrics, manifest entries, warnings.

A stage's output comes from the stage cache when its key is there, or is computed and stored
there first (:meth:`Recorder.obtain`); :meth:`Recorder.run` then copies the cached folder into
the run's staging folder and records the stage's metrics and provenance. The key of a stage
hashes its settings and the keys of the stages it reads, so a changed setting recomputes that
stage and every stage after it.
"""

from __future__ import annotations

import functools
import shutil
import time
import warnings
from pathlib import Path
from typing import Any

from toolkit.errors import ToolkitWarning
from toolkit.experiment.cache import MARKER, StageCache
from toolkit.experiment.compute import Compute
from toolkit.experiment.schema import ExperimentConfig
from toolkit.experiment.stages import Inputs, Stage
from toolkit.io import hash_obj, link_or_copy
from toolkit.progress import status


def copy_stage(source: Path, destination: Path) -> None:
    """A cached stage's files into a run's folder: hard links where the file system allows
    (a cache entry is written once and never changed), else copies.

    Copied, every run folder of a million articles held another 10 GB of vectors and
    partitions, and the benchmark of that size filled this machine's disk.
    """
    shutil.copytree(
        source, destination, ignore=shutil.ignore_patterns(MARKER), copy_function=link_or_copy
    )


def stage_key(
    stage: Stage[Any], config: ExperimentConfig, settings: Any, keys: dict[str, str]
) -> str:
    """The cache key of ``stage``: its version, ``settings`` and the keys of its inputs."""
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


class Recorder:
    """What one run records: stage outputs, keys, metrics, manifest entries, warnings."""

    def __init__(self, cache: StageCache, compute: Compute) -> None:
        self.cache = cache
        self.inputs = Inputs(cache_dir=cache.root, compute=compute)
        self.keys: dict[str, str] = {}
        self.settings: dict[str, Any] = {}
        self.metrics: dict[str, Any] = {}
        self.stages: dict[str, Any] = {}
        self.warnings: list[str] = []
        #: work folders of the stages stored in the cache: removed when the run ends
        self.stored: list[Path] = []

    def key(self, stage: Stage[Any], config: ExperimentConfig) -> str:
        """The stage's cache key, recorded (later stages' keys include it)."""
        settings = self.settings[stage.name] = stage.settings(config)
        key = self.keys[stage.name] = stage_key(stage, config, settings, self.keys)
        return key

    def obtain(
        self, stage: Stage[Any], config: ExperimentConfig, found: str = "cached"
    ) -> tuple[Path, bool]:
        """The stage's cache folder and whether it was there already (then ``found`` is
        said); computed and stored first when it was not. The output becomes an input of
        later stages; a cached one is loaded when a later stage first reads it."""
        key = self.key(stage, config)
        cached = self.cache.lookup(stage.name, key)
        if cached is not None:
            status(f"[{stage.name}] {found}")
            self.inputs.add_loader(stage.name, functools.partial(stage.load, cached, config))
            return cached, True
        status(f"[{stage.name}] computing …")
        self.inputs.work = self.cache.work(stage.name, key)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ToolkitWarning)
            output = stage.compute(config, self.inputs)
        said = [str(w.message) for w in caught if issubclass(w.category, ToolkitWarning)]
        recorded = {"metrics": stage.metrics(output), "provenance": stage.provenance(output)}
        cached = self.cache.store(
            stage.name, key, lambda tmp: stage.save(output, tmp, config), said, recorded
        )
        self.stored.append(self.inputs.work)
        self.inputs.work = None
        self.inputs.add(stage.name, output)
        return cached, False

    def run(
        self,
        stage: Stage[Any],
        config: ExperimentConfig,
        staging: Path,
        beside: float | None = None,
    ) -> None:
        """Obtain the stage's output and record it into ``staging``. ``beside``: the seconds
        it took in a process beside this one, which stored it in the cache for this one."""
        tick = time.perf_counter()
        waited = self.inputs.compute.partition_seconds
        found = "cached" if beside is None else "computed in the second process"
        cached, hit = self.obtain(stage, config, found)
        waited = self.inputs.compute.partition_seconds - waited
        self.warnings += [f"{stage.name}: {message}" for message in StageCache.warnings(cached)]
        copy_stage(cached, staging / stage.name)
        # the metrics and timings the computation recorded: the output stays unread
        recorded = StageCache.recorded(cached)
        if recorded is None:  # an entry stored before the marker kept them
            output = self.inputs[type(stage)]
            recorded = {"metrics": stage.metrics(output), "provenance": stage.provenance(output)}
        self.metrics[stage.name] = recorded["metrics"]
        elapsed = time.perf_counter() - tick
        self.stages[stage.name] = {
            "key": self.keys[stage.name],
            "cache_hit": hit and beside is None,
            "seconds": round(elapsed if beside is None else beside, 3),
            # of which waiting for the partitions' tasks (the rest: this process's own work)
            **({"partition_seconds": round(waited, 3)} if waited else {}),
            **({} if beside is None else {"computed_beside": True}),
            "settings": self.settings[stage.name],
            **recorded["provenance"],
        }
        status(f"[{stage.name}] done in {elapsed if beside is None else beside:.1f} s")
