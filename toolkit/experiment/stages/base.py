"""The stage protocol: what the runner and ``Run`` need from every stage of the pipeline.

A stage adapts one package of the library (``toolkit.corpus``, ``toolkit.text`` …) to the
experiment world: it reads its config section, calls the package with plain parameters and the
outputs of the stages it needs, and says how its output is saved and loaded. The runner walks
:data:`toolkit.experiment.stages.STAGES` in order; ``Run`` loads outputs with the same ``load``.

Examples
--------
>>> outputs = Inputs({"corpus": ["a document"]})
>>> from toolkit.experiment.stages.corpus import CorpusStage
>>> outputs.get(CorpusStage)
['a document']
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from toolkit.experiment.compute import Compute, LocalCompute
from toolkit.experiment.partitions import work_folder
from toolkit.experiment.schema import ExperimentConfig

Output = TypeVar("Output")
T = TypeVar("T")


class Stage(Generic[Output]):
    """One step of the pipeline (subclasses set the class attributes and the methods).

    Attributes
    ----------
    name : str
        The stage's name: its config section, cache folder and run-folder folder.
    version : int
        Bumped when the stage's code changes what it writes, so old cache entries miss.
    requires : tuple of str
        Stages whose outputs ``compute`` reads (see also :meth:`needs`).
    optional : tuple of str
        Stages whose outputs ``compute`` uses when they ran (they enter the cache key then).
    every_core : bool
        Whether ``compute`` keeps every core busy itself (a sentence encoder): it then always
        runs in the main process (see :mod:`toolkit.experiment.beside`).
    """

    name: ClassVar[str]
    version: ClassVar[int] = 1
    requires: ClassVar[tuple[str, ...]] = ()
    optional: ClassVar[tuple[str, ...]] = ()
    every_core: ClassVar[bool] = False

    def enabled(self, config: ExperimentConfig) -> bool:
        """Whether ``config`` runs this stage (its section is present)."""
        return getattr(config, self.name, None) is not None

    def needs(self, config: ExperimentConfig) -> tuple[str, ...]:
        """The stages this config makes this stage read (``requires`` unless it depends)."""
        return self.requires

    def reads(self, config: ExperimentConfig) -> tuple[str, ...]:
        """The stages whose outputs :meth:`compute` may read under ``config``: what it
        needs and the optional ones (the runner waits for these when they run elsewhere)."""
        return (*self.needs(config), *self.optional)

    def check(self, config: ExperimentConfig) -> None:
        """Validation that can happen before any work (a model that is not there …)."""

    def settings(self, config: ExperimentConfig) -> dict[str, Any]:
        """Everything besides upstream outputs that changes the output (the cache key); pure."""
        section = getattr(config, self.name)
        return {**section.model_dump(mode="json"), "seed": config.seed}

    def compute(self, config: ExperimentConfig, inputs: Inputs) -> Output:
        """Run the stage on the outputs of the stages it needs."""
        raise NotImplementedError

    def save(self, output: Output, folder: Path, config: ExperimentConfig) -> None:
        """Write ``output`` into ``folder`` (through :mod:`toolkit.io`)."""
        raise NotImplementedError

    def load(self, folder: Path, config: ExperimentConfig) -> Output:
        """Read what :meth:`save` wrote (never runs code from the folder)."""
        raise NotImplementedError

    def metrics(self, output: Output) -> dict[str, Any]:
        """The stage's entry in ``metrics.json`` (deterministic: no times)."""
        return {}

    def provenance(self, output: Output) -> dict[str, Any]:
        """What ``manifest.json`` records of this computation (timings, cache counts)."""
        return {}


class Inputs:
    """The outputs of the stages that ran so far, looked up by stage class (typed).

    ``inputs[TextStage]`` is the :class:`~toolkit.experiment.stages.text.TextOutput`.
    Besides the outputs it carries where the per-document work runs (``compute``) and the
    folder the running stage writes its partition files into (:meth:`work_folder`).
    """

    def __init__(
        self,
        outputs: dict[str, Any] | None = None,
        cache_dir: Path | None = None,
        compute: Compute | None = None,
    ) -> None:
        self._outputs: dict[str, Any] = dict(outputs or {})
        self._loaders: dict[str, Callable[[], Any]] = {}
        #: root of the caches a stage may use besides the stage cache (embedding vectors …)
        self.cache_dir = cache_dir
        #: where per-document work runs: this process, or a Dask cluster
        self.compute: Compute = compute or LocalCompute()
        #: the running stage's work folder, set by the runner (None: a temporary folder)
        self.work: Path | None = None

    def work_folder(self) -> Path:
        """The folder the running stage's tasks write partition files into (workers must
        see it: on a cluster, the cache lies on a shared file system)."""
        return work_folder(self.work)

    def __getitem__(self, stage: type[Stage[T]]) -> T:
        if stage.name not in self._outputs and stage.name not in self._loaders:
            raise KeyError(f"stage {stage.name!r} has not run")
        return self._output(stage.name)

    def get(self, stage: type[Stage[T]]) -> T | None:
        """The stage's output, or None when it did not run."""
        ran = stage.name in self._outputs or stage.name in self._loaders
        return self._output(stage.name) if ran else None

    def add(self, name: str, output: Any) -> None:
        self._outputs[name] = output
        self._loaders.pop(name, None)

    def add_loader(self, name: str, load: Callable[[], Any]) -> None:
        """The output of stage ``name``, read by ``load()`` when a later stage first asks for
        it: a run that finds every stage cached loads almost none of them."""
        self._loaders[name] = load
        self._outputs.pop(name, None)

    def _output(self, name: str) -> Any:
        if name not in self._outputs:
            self._outputs[name] = self._loaders.pop(name)()
        return self._outputs[name]
