"""Where work runs: here, in this process, or on a Dask cluster; the ``compute`` config section.

Stages fit their models on the client and hand the per-document work to a :class:`Compute`:
``compute.map_partitions(fn, partitions, **shared)`` calls ``fn(partition, **shared)`` for
every partition and returns the results in partition order. :class:`LocalCompute` loops in this
process; :class:`DaskCompute` sends the calls to the workers of a ``distributed`` cluster (a
``LocalCluster`` of this machine for ``scheduler: local``, one thread per worker, or a running
scheduler at ``tcp://HOST:PORT``). Both call the same functions on the same partitions, so a
laptop run and a cluster run write the same artifacts.

What crosses to a worker is plain: module-level functions of the toolkit, partition jobs
(paths and numbers) and fitted library objects (a text pipeline, an LSA model), never a config.
A task writes its partition's files itself, atomically (temporary name, then a rename), and
returns a small summary; a worker that dies mid-task leaves no half-written file, and the
scheduler runs its tasks again elsewhere.

Every task runs with the BLAS library held to one thread (:class:`OneBlasThread`), here as on a
worker: OpenBLAS sums a matrix-vector product in a different order with two threads than with
one, and a Dask worker's BLAS has one thread while this process's has one per core, so a
paragraph's theme score would otherwise change in its last digits with where it was computed.

Examples
--------
>>> LocalCompute().map_partitions(pow, [1, 2, 3], desc="squares", exp=2)
[1, 4, 9]
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from pydantic import Field
from threadpoolctl import threadpool_limits

from toolkit.experiment.section import Section
from toolkit.progress import bar, status

# what Dask sets in a new worker's environment that the toolkit sets itself (_connect)
THREAD_CAPS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
P = TypeVar("P")
R = TypeVar("R")


class ComputeConfig(Section):
    """Where the per-document work runs (``scheduler`` … only change where, not what: the
    artifacts are the same), and how the corpus is cut for it (``sample`` … enter the keys)."""

    scheduler: str | None = Field(
        None,
        pattern=r"^(local|(tcp|tls|ucx|inproc)://\S+)$",
        description="None: this process; 'local': a Dask LocalCluster on this machine; "
        "'tcp://HOST:PORT': a running Dask scheduler (workers must see the cache folder)",
    )
    workers: int | None = Field(
        None, ge=1, description="LocalCluster worker processes, one thread each (default: cores)"
    )
    memory_limit: str | None = Field(
        None, description="memory per LocalCluster worker, e.g. '3GB' (default: Dask's share)"
    )
    beside_from: int | None = Field(
        500,
        ge=1,
        description="a run in this process hands a stage to a second process on a spare core "
        "from this many documents (None: never; below, the ~3 s its start costs are not won)",
    )
    sample: int | None = Field(
        100_000,
        ge=1,
        description="models that must see the corpus (phrases, dictionary, LDA, LSA, themes, "
        "clusters) are fitted on a seeded sample of this many documents when the corpus is "
        "larger, and applied to every document (None: always on all documents)",
    )
    partition_size: int = Field(
        5_000, ge=1, description="documents per partition: one task of a worker, one file"
    )
    shard_size: int = Field(
        250_000, ge=1, description="documents per search-index shard (queries merge the shards)"
    )


class Compute(Protocol):
    """What a stage needs to know of where its per-document work runs.

    ``partition_seconds`` is the wall time spent in :meth:`map_partitions` so far: what a run
    records per stage beside its total, so the work the workers share can be told from the
    client's own (the fits on the sample, the joins), which more workers do not shorten.
    """

    partition_seconds: float

    def map_partitions(
        self, fn: Callable[..., R], partitions: Sequence[Any], *, desc: str, **shared: Any
    ) -> list[R]:
        """``[fn(p, **shared) for p in partitions]``, wherever it runs, in partition order."""
        ...

    def describe(self) -> dict[str, Any]:
        """Where the work ran, for ``manifest.json`` (scheduler, workers, dashboard)."""
        ...

    def close(self) -> None:
        """Release what the compute started (a LocalCluster); a no-op otherwise."""
        ...


@dataclass(frozen=True)
class OneBlasThread(Generic[R]):
    """``fn`` called with BLAS (numpy's, scipy's) held to one thread for the call.

    The numbers a task computes must not depend on where it runs (module docstring); torch
    keeps its own threads, set by its encoder. Picklable, so it travels to a Dask worker.

    >>> OneBlasThread(pow)(2, exp=3)
    8
    """

    fn: Callable[..., R]

    def __call__(self, partition: Any, **shared: Any) -> R:
        with threadpool_limits(limits=1, user_api="blas"):
            return self.fn(partition, **shared)


class LocalCompute:
    """Here, in this process: a loop over the partitions with a progress bar."""

    def __init__(self) -> None:
        self.partition_seconds = 0.0

    def map_partitions(
        self, fn: Callable[..., R], partitions: Sequence[Any], *, desc: str, **shared: Any
    ) -> list[R]:
        results = []
        task = OneBlasThread(fn)
        with _timed(self), bar(len(partitions), desc, unit="partition") as progress:
            for partition in partitions:
                results.append(task(partition, **shared))
                progress.update(1)
        return results

    def describe(self) -> dict[str, Any]:
        return {"scheduler": None, "workers": 1}

    def close(self) -> None:
        pass


class DaskCompute:
    """On a Dask cluster, through a ``distributed.Client`` connected on first use.

    Parameters
    ----------
    scheduler : str
        ``"local"`` starts a ``LocalCluster`` of this machine; an address such as
        ``"tcp://10.0.0.5:8786"`` connects to a running scheduler.
    workers : int, optional
        Worker processes of a LocalCluster (default: the machine's cores); one thread each,
        since the toolkit's per-document work is Python that holds the GIL.
    memory_limit : str, optional
        Memory per LocalCluster worker (``"3GB"``); Dask spills, pauses and finally restarts a
        worker above it.
    client : distributed.Client, optional
        An existing client to use instead (it is not closed by :meth:`close`).

    Examples
    --------
    >>> compute = DaskCompute("local", workers=2)  # doctest: +SKIP
    >>> compute.map_partitions(pow, [1, 2, 3], desc="squares", exp=2)  # doctest: +SKIP
    [1, 4, 9]
    """

    def __init__(
        self,
        scheduler: str = "local",
        workers: int | None = None,
        memory_limit: str | None = None,
        client: Any = None,
    ) -> None:
        self.scheduler = scheduler
        self.workers = workers
        self.memory_limit = memory_limit
        self._client = client
        self._owned: list[Any] = []  # what close() shuts down: our client and cluster
        self.partition_seconds = 0.0

    @property
    def client(self) -> Any:
        """The ``distributed.Client``, connected (and a LocalCluster started) on first use."""
        if self._client is None:
            self._client = self._connect()
            info = self.describe()
            status(
                f"dask: {info['workers']} workers at {info['scheduler']}; "
                f"dashboard {info['dashboard']}"
            )
        return self._client

    def _connect(self) -> Any:
        import dask
        from distributed import Client, LocalCluster

        if self.scheduler != "local":
            client = Client(self.scheduler)
            self._owned.append(client)
            return client
        # Dask starts workers with OMP, MKL and OpenBLAS capped at one thread, this process has
        # one per core; the toolkit sets threads itself (torch per encoder, BLAS per task:
        # OneBlasThread), so a worker starts with this process's thread settings.
        environ = dask.config.get("distributed.nanny.pre-spawn-environ")
        environ = {k: v for k, v in environ.items() if k not in THREAD_CAPS}
        with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}):
            cluster = LocalCluster(
                n_workers=self.workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                memory_limit=self.memory_limit or "auto",
                dashboard_address=":0",
            )
        client = Client(cluster)
        self._owned += [client, cluster]
        return client

    def map_partitions(
        self, fn: Callable[..., R], partitions: Sequence[Any], *, desc: str, **shared: Any
    ) -> list[R]:
        if not partitions:
            return []
        client = self.client
        with _timed(self):
            # fitted models go to every worker once, not once per task
            scattered = {
                name: client.scatter(value, broadcast=True, hash=False)
                for name, value in shared.items()
            }
            token = uuid.uuid4().hex[:8]
            keys = [f"{desc}-{i}-{token}".replace(" ", "_") for i in range(len(partitions))]
            task = OneBlasThread(fn)
            futures = client.map(task, list(partitions), key=keys, pure=False, **scattered)
            try:
                self._wait(futures, desc)
                return client.gather(futures)
            finally:
                client.cancel([*futures, *scattered.values()])

    def _wait(self, futures: list[Any], desc: str) -> None:
        """Advance the client's progress bar as tasks finish (in any order)."""
        from distributed import as_completed

        with bar(len(futures), desc, unit="partition") as progress:
            for _ in as_completed(futures):
                progress.update(1)

    def describe(self) -> dict[str, Any]:
        if self._client is None:
            return {"scheduler": self.scheduler, "workers": None, "dashboard": None}
        info = self._client.scheduler_info()
        return {
            "scheduler": "local" if self.scheduler == "local" else info.get("address"),
            "workers": len(info.get("workers", {})),
            "dashboard": self._client.dashboard_link,
        }

    def close(self) -> None:
        for part in reversed(self._owned):
            part.close()
        self._owned.clear()
        self._client = None


@contextlib.contextmanager
def _timed(compute: LocalCompute | DaskCompute) -> Iterator[None]:
    """Add the wall time of the block to ``compute.partition_seconds``."""
    tick = time.perf_counter()
    try:
        yield
    finally:
        compute.partition_seconds += time.perf_counter() - tick


def make_compute(
    scheduler: str | None, workers: int | None = None, memory_limit: str | None = None
) -> LocalCompute | DaskCompute:
    """:class:`LocalCompute` without a scheduler, else a :class:`DaskCompute` for it.

    >>> type(make_compute(None)).__name__
    'LocalCompute'
    """
    if scheduler is None:
        return LocalCompute()
    return DaskCompute(scheduler, workers=workers, memory_limit=memory_limit)


@contextlib.contextmanager
def computing(compute: Compute, close: bool = True) -> Iterator[Compute]:
    """Yield ``compute``; with ``close``, close it afterwards, also on an error or an
    interrupt."""
    try:
        yield compute
    finally:
        if close:
            compute.close()
