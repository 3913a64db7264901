"""Topic modelling, themes, clusters and nearest-article search for German news.

The public API:

>>> import toolkit
>>> run = toolkit.run_experiment("experiments/seed.yaml")  # doctest: +SKIP
>>> run = toolkit.load_run(run.path)  # doctest: +SKIP
>>> corpus = toolkit.load_corpus("seeds")  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Run", "load_config", "load_corpus", "load_run", "run_experiment", "run_sweep"]

if TYPE_CHECKING:
    from toolkit.corpus import load_corpus
    from toolkit.experiment import Run, load_config, load_run, run_experiment, run_sweep


def __getattr__(name: str) -> Any:
    # Imported lazily so that `import toolkit` (and `toolkit --help`) stays fast.
    if name == "load_corpus":
        from toolkit.corpus import load_corpus

        return load_corpus
    if name in ("Run", "load_config", "load_run", "run_experiment", "run_sweep"):
        from toolkit import experiment

        return getattr(experiment, name)
    raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
