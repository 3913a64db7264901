"""Stages beside the main process: on a spare core, a stage runs in a second Python process.

A run in one process leaves a core idle through most stages (gensim's LDA, UMAP, the themes'
scorer run on one). When the run is in this process (no Dask scheduler), the corpus has at
least ``compute.beside_from`` documents, a core is spare and the stage's output is not cached
yet, the runner hands a stage that does not keep every core busy itself to a second process,
unless the next stage reads it: ``python -m toolkit.experiment.beside JOB`` loads the stage's
inputs from the stage cache, computes the stage as the main process would (same code, same
inputs, same BLAS threads: the same bytes, which a test checks) and stores it in the cache.
The main process goes on with the next stages and, before a stage that reads it and at the
end, waits for it (drawing the plots that do not need it meanwhile) and loads it from the cache.

The second process runs at the lowest priority (nice 19): it takes the cycles the main process
leaves, so the sentence encoder, which keeps both cores busy, is barely slowed (torch's threads
wait for each other, and a competing process on one core would stall both). On 10kGNAD the
topics stage (13 s on one core) runs beside the text pipeline's successors: the encoder's
single-threaded start (gloss, model load) and the clusters and themes after it.

A second process costs about 2 s to start (imports), hence ``beside_from``. When it fails, the
main process computes the stage itself, so the error is reported as usual; Ctrl-C and SIGTERM
stop it too, and what it had not stored is not in the cache.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.experiment.cache import StageCache
from toolkit.experiment.compute import Compute, LocalCompute
from toolkit.experiment.recorder import Recorder
from toolkit.experiment.schema import ExperimentConfig
from toolkit.experiment.stages import BY_NAME, CorpusStage, Stage
from toolkit.progress import set_quiet, status


def spare_cores() -> int:
    """Cores this process may use, besides the one it runs on."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(cores - 1, 0)


@dataclass
class Running:
    """A stage computing in a second process."""

    stage: Stage[Any]
    process: subprocess.Popen[bytes]
    job: Path
    started: float

    def remove_files(self) -> None:
        """The job file and the process's messages."""
        self.job.unlink(missing_ok=True)
        self.job.with_suffix(".log").unlink(missing_ok=True)


class BesideStages:
    """The stages running beside this process, and when to start and await them."""

    def __init__(self, config: ExperimentConfig, compute: Compute, rec: Recorder) -> None:
        self.config = config
        self.rec = rec
        local = isinstance(compute, LocalCompute) and config.compute.beside_from is not None
        # one stage at a time, as measured (two cores); with more cores the clusters and themes
        # could go beside too, which nothing has measured yet
        self.slots = min(spare_cores(), 1) if local else 0
        self.running: dict[str, Running] = {}

    def start(self, stage: Stage[Any], following: list[Stage[Any]]) -> bool:
        """Start ``stage`` in a second process if it should run there (module docstring);
        True when it was started. ``following``: the stages after it."""
        config, rec = self.config, self.rec
        if len(self.running) >= self.slots or not following or stage.every_core:
            return False
        corpus = rec.inputs.get(CorpusStage)
        if stage.name in following[0].reads(config) or corpus is None:
            return False
        if len(corpus.partitions) < (config.compute.beside_from or 0):
            return False
        key = rec.key(stage, config)
        if rec.cache.lookup(stage.name, key) is not None:
            return False
        handle, name = tempfile.mkstemp(prefix=f"toolkit-{stage.name}-", suffix=".json")
        job = Path(name)
        spec = {"stage": stage.name, "cache": str(rec.cache.root), "keys": rec.keys}
        # in the config's own order (the themes' order is the seeded topics' order), so not
        # through write_json, which sorts keys
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({**spec, "config": config.model_dump(mode="json")}, out)
        env = {**os.environ, "TOOLKIT_QUIET": "1", "PYTHONPATH": _toolkit_path()}
        # its messages go to a file, not a pipe: a full pipe would stall it until awaited
        with open(job.with_suffix(".log"), "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "toolkit.experiment.beside", str(job)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        self.running[stage.name] = Running(stage, process, job, time.perf_counter())
        status(f"[{stage.name}] computing in a second process …")
        return True

    def awaited_by(self, stage: Stage[Any]) -> list[str]:
        """The running stages ``stage`` reads (it waits for them)."""
        return [name for name in stage.reads(self.config) if name in self.running]

    def await_read_by(self, stage: Stage[Any], staging: Path) -> None:
        """Wait for the running stages ``stage`` reads, and record them."""
        for name in self.awaited_by(stage):
            self.finish(name, staging)

    def finish(self, name: str, staging: Path) -> None:
        """Wait for stage ``name`` and record it from the cache; compute it here when the
        second process failed (its error is then raised here, as usual)."""
        running = self.running.pop(name)
        running.process.wait()
        seconds = time.perf_counter() - running.started
        log = running.job.with_suffix(".log")
        said = log.read_text(errors="replace").strip().splitlines()[-1:] if log.exists() else []
        running.remove_files()
        if running.process.returncode == 0:
            self.rec.run(running.stage, self.config, staging, beside=seconds)
            return
        status(
            f"[{name}] the second process failed (exit {running.process.returncode}"
            f"{': ' + said[0] if said else ''}); computing here"
        )
        self.rec.run(running.stage, self.config, staging)

    def finish_all(self, staging: Path) -> None:
        for name in list(self.running):
            self.finish(name, staging)

    def stop(self) -> None:
        """Stop what still runs (an interrupted or failed run); nothing half-stored stays."""
        for running in self.running.values():
            running.process.terminate()
            running.process.wait()
            running.remove_files()
        self.running.clear()


def _toolkit_path() -> str:
    """PYTHONPATH for the second process: this toolkit's folder first (a source checkout)."""
    here = str(Path(__file__).resolve().parents[2])  # the folder that holds toolkit/
    rest = os.environ.get("PYTHONPATH", "")
    return os.pathsep.join([here, rest]) if rest else here


def compute_stage(job: Path) -> None:
    """In the second process: load the stage's inputs from the cache, compute and store it."""
    spec = json.loads(job.read_text(encoding="utf-8"))
    config = ExperimentConfig.model_validate(spec["config"])
    stage = BY_NAME[spec["stage"]]
    rec = Recorder(StageCache(Path(spec["cache"])), LocalCompute())
    rec.keys.update(spec["keys"])
    for name in stage.reads(config):
        if name in spec["keys"]:
            if rec.cache.lookup(name, spec["keys"][name]) is None:
                raise RuntimeError(f"the input {name!r} of {stage.name!r} is not in the cache")
            rec.obtain(BY_NAME[name], config)
    expected = spec["keys"][stage.name]
    if rec.key(stage, config) != expected:
        raise RuntimeError(f"{stage.name}: key {rec.keys[stage.name]} here, {expected} there")
    try:
        rec.obtain(stage, config)
    finally:
        for work in rec.stored:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    os.nice(19)  # the cycles the main process leaves (module docstring)
    set_quiet(True)
    compute_stage(Path(sys.argv[1]))
