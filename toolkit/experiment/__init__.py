"""Experiments: the runner that composes the stages, the stage cache, and ``Run`` folders."""

from toolkit.experiment.run import Run, list_runs, load_run
from toolkit.experiment.runner import execute, run_experiment, run_sweep

__all__ = ["Run", "execute", "list_runs", "load_run", "run_experiment", "run_sweep"]
