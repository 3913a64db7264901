"""Experiments: configs (the only YAML in the toolkit), the stages, the runner with its cache,
sweeps, and ``Run`` folders.

The names below are imported on first use, so that ``toolkit.experiment.schema`` can be read
without loading every stage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.lazy import lazy_attributes

if TYPE_CHECKING:
    from toolkit.experiment.folder import list_runs
    from toolkit.experiment.loading import config_from_mapping, load_config
    from toolkit.experiment.run import Run, load_run
    from toolkit.experiment.runner import Interrupted, execute, run_experiment
    from toolkit.experiment.schema import ExperimentConfig
    from toolkit.experiment.sweep import run_sweep

_WHERE = {
    "ExperimentConfig": "schema",
    "Interrupted": "runner",
    "Run": "run",
    "config_from_mapping": "loading",
    "execute": "runner",
    "list_runs": "folder",
    "load_config": "loading",
    "load_run": "run",
    "run_experiment": "runner",
    "run_sweep": "sweep",
}

__all__ = [
    "ExperimentConfig",
    "Interrupted",
    "Run",
    "config_from_mapping",
    "execute",
    "list_runs",
    "load_config",
    "load_run",
    "run_experiment",
    "run_sweep",
]

__getattr__, __dir__ = lazy_attributes(__name__, _WHERE)
