"""Where work runs: in this process or on a Dask cluster, with the same artifacts either way,
also when a worker dies in the middle of a run."""

from __future__ import annotations

import filecmp
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from threadpoolctl import threadpool_info

from toolkit.corpus import Document
from toolkit.corpus.parquet import read_document, write_partitions
from toolkit.experiment import Run, config_from_mapping, execute, load_config
from toolkit.experiment.compute import THREAD_CAPS, DaskCompute, LocalCompute, make_compute
from toolkit.experiment.partitions import (
    PartitionedSequence,
    Partitions,
    sample_positions,
    stack_npy,
)
from toolkit.text.parquet import read_paragraph_row, write_tokens

# The demo corpus (51 articles) in partitions of 8, fitted on a sample of 40 of them (clusters
# carried to the other 11), searched in shards of 24: every partitioned path runs, on the
# cluster as in this process.
CONFIG = {
    "name": "compute",
    "seed": 3,
    "corpus": {"path": [str(ROOT / "seeds"), str(ROOT / "demo" / "articles.jsonl")]},
    "text": {"phrases": {"min_count": 3}},
    "topics": {"num_topics": 4, "passes": 5, "stability_seeds": 0, "holdout": 0.0},
    "embeddings": {"backend": "lsa", "lsa_dims": 20},
    "clusters": {"reduce": {"method": "none"}, "layout": False, "num_clusters": 4},
    "themes": {
        "arms": {"description": "Rüstung und Munition", "seeds": ["Munition", "Rüstung"]},
        "nato": {"description": "Beitritt zur NATO", "seeds": ["Beitritt", "Mitglied"]},
    },
    "search": {"mode": "hybrid"},
    "compute": {"partition_size": 8, "sample": 40, "shard_size": 24},
    "output": {"plots": False},
}
# where the run said it ran, and the resolved config with it: the rest must be the same
WHERE = {"manifest.json", "config.yaml"}


def artifacts(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def how_they_differ(a: Path, b: Path) -> str:
    """What tells two versions of a file apart: the first differing line of a text file (and
    how many differ), the largest difference of an array."""
    if a.suffix == ".npy":
        import numpy as np

        x, y = np.load(a, allow_pickle=False), np.load(b, allow_pickle=False)
        if x.shape != y.shape or x.dtype != y.dtype:
            return f"{x.dtype}{x.shape} against {y.dtype}{y.shape}"
        unequal = x != y
        gap = np.abs(x.astype(np.float64) - y.astype(np.float64)).max()
        return f"{int(unequal.sum())} of {x.size} values differ, at most by {gap:.3g}"
    try:
        lines_a, lines_b = a.read_text().splitlines(), b.read_text().splitlines()
    except UnicodeDecodeError:
        return f"binary, {a.stat().st_size} against {b.stat().st_size} bytes"
    # a shorter file's missing lines are reported by the count below
    pairs = [(i, x, y) for i, (x, y) in enumerate(zip(lines_a, lines_b, strict=False)) if x != y]
    if not pairs:
        return f"{len(lines_a)} against {len(lines_b)} lines"
    i, x, y = pairs[0]
    return f"{len(pairs)} lines differ; line {i + 1}: {x[:300]!r} against {y[:300]!r}"


def differences(a: Path, b: Path) -> dict[str, str]:
    """Every file of run ``a`` that is not the same bytes in run ``b``, and how it differs
    (the places that say where the run ran aside)."""
    names = artifacts(a)
    return {
        n: how_they_differ(a / n, b / n)
        for n in names
        if n not in WHERE and not filecmp.cmp(a / n, b / n, shallow=False)
    }


def same_artifacts(a: Path, b: Path) -> None:
    names = artifacts(a)
    assert names == artifacts(b)
    assert differences(a, b) == {}
    assert not [n for n in names if n.endswith((".tmp", ".done.json"))]


@pytest.fixture(scope="module")
def cluster() -> Iterator[DaskCompute]:
    compute = DaskCompute("local", workers=2)
    yield compute
    compute.close()


@pytest.fixture(scope="module")
def here_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("here")
    return execute(config_from_mapping(CONFIG), base / "run", base / "cache")


def blas_threads(_: object) -> list[int]:
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def thread_caps(_: object) -> dict[str, str | None]:
    return {name: os.environ.get(name) for name in THREAD_CAPS}


def test_tasks_run_with_one_blas_thread_here_and_on_a_worker(cluster: DaskCompute) -> None:
    """Two BLAS threads sum in another order than one: a task's numbers would depend on
    where it ran (a worker's BLAS has one thread, this process's one per core)."""
    assert {
        n for threads in LocalCompute().map_partitions(blas_threads, [0], desc="t") for n in threads
    } == {1}
    assert {
        n for threads in cluster.map_partitions(blas_threads, [0, 1], desc="t") for n in threads
    } == {1}
    # nor does a worker start with other thread caps than this process (torch's among them)
    here = thread_caps(None)
    assert cluster.map_partitions(thread_caps, [0, 1], desc="t") == [here, here]


def test_local_compute_maps_in_order() -> None:
    local = LocalCompute()
    assert local.map_partitions(pow, [7, 9], desc="d", exp=2) == [49, 81]
    assert local.partition_seconds > 0
    assert LocalCompute().describe() == {"scheduler": None, "workers": 1}
    assert isinstance(make_compute(None), LocalCompute)
    assert isinstance(make_compute("tcp://10.0.0.5:8786"), DaskCompute)


def test_dask_compute_maps_in_order_and_raises_what_a_task_raised(cluster: DaskCompute) -> None:
    assert cluster.map_partitions(pow, list(range(10)), desc="d", exp=3) == [
        i**3 for i in range(10)
    ]
    assert cluster.partition_seconds > 0
    assert cluster.describe()["workers"] == 2
    with pytest.raises(ZeroDivisionError):
        cluster.map_partitions(pow, [1, 0], desc="d", exp=-1)


def test_partitions_and_the_sample(tmp_path: Path) -> None:
    for number, rows in enumerate([["a", "b", "c"], ["d"], ["e", "f"]]):
        (tmp_path / f"p{number}").write_text("\n".join(rows))
    parts = Partitions(tmp_path, ("p0", "p1", "p2"), (3, 1, 2))
    sequence = PartitionedSequence(parts, lambda path: path.read_text().split("\n"))
    assert list(sequence) == list("abcdef")
    assert (sequence[3], sequence[-1], sequence[1:3], len(sequence)) == ("d", "f", ["b", "c"], 6)
    assert sample_positions(6, 6, seed=0) is None
    sample = sample_positions(100, 10, seed=1)
    assert len(set(sample)) == 10 and list(sample) == sorted(sample)
    assert (sample == sample_positions(100, 10, seed=1)).all()


def test_one_document_is_read_from_its_row_group(tmp_path: Path) -> None:
    docs = [Document.from_text(f"d{i}", f"Absatz {i}.\n\nNoch einer.") for i in range(600)]
    [(path, _)] = list(write_partitions(docs, tmp_path, size=600))
    assert [read_document(path, row) for row in (0, 255, 256, 599)] == [
        docs[row] for row in (0, 255, 256, 599)
    ]
    write_tokens([d.id for d in docs], [[[d.id], []] for d in docs], tmp_path / "tokens.parquet")
    assert read_paragraph_row(tmp_path / "tokens.parquet", 300) == [["d300"], []]


def test_a_cluster_run_writes_the_same_artifacts(
    here_run: Path, cluster: DaskCompute, tmp_path: Path
) -> None:
    config = config_from_mapping(CONFIG)
    folder = execute(config, tmp_path / "run", tmp_path / "cache", compute=cluster)
    same_artifacts(here_run, folder)
    run = Run(folder)
    assert run.manifest["compute"]["workers"] == 2
    assert len(run.corpus) == 51 and run.corpus[50].id == run.documents["id"].iloc[50]
    assert (run.path / "search" / "shards.json").is_file()
    first = run.documents["id"].iloc[0]
    assert (
        run.similar(first, k=3)["id"].tolist() == Run(here_run).similar(first, k=3)["id"].tolist()
    )


# The themes' English-gloss context with static input: every partition's paragraphs go through
# the whole-text model in a task, on the cluster as here, and the scorer is fitted on the sample
# (slow: each worker loads the model). Partitions of 8 both times: the sentence model's vectors
# depend on which paragraphs share a batch (at 1e-7), so a partitioning is compared with itself.
GLOSS = {
    "name": "gloss",
    "seed": 3,
    "corpus": CONFIG["corpus"],
    "text": CONFIG["text"],
    "embeddings": {
        "backend": "sentence-transformers",
        "model": "all-MiniLM-L6-v2",
        "input": "static",
    },
    "themes": CONFIG["themes"],
    "compute": {"partition_size": 8, "sample": 40},
    "output": {"plots": False},
}


@pytest.mark.slow
@pytest.mark.parametrize("share", [1.0, 0.2])
def test_the_themes_context_is_the_same_on_a_cluster(
    cluster: DaskCompute, tmp_path: Path, share: float
) -> None:
    # share < 1: the context cascade, whose first pass is fitted here and selects on the workers
    settings = {"settings": {"context_share": share}}
    config = config_from_mapping({**GLOSS, "themes": {**GLOSS["themes"], **settings}})
    here = execute(config, tmp_path / "here", tmp_path / "cache-here")
    there = execute(config, tmp_path / "there", tmp_path / "cache-there", compute=cluster)
    same_artifacts(here, there)
    run = Run(there)
    assert "gloss" in run.metrics["themes"]["evidence"]
    read, paragraphs = run.metrics["themes"]["context_read"], run.metrics["themes"]["paragraphs"]
    assert read == paragraphs if share == 1.0 else 0 < read < paragraphs
    # the diagnostics' examples are paragraphs of the sample, by document id
    sample = {run.documents["id"].iloc[p] for p in sample_positions(51, 40, seed=3)}
    diagnostics = run.seed_diagnostics()
    refs = [r for cell in diagnostics["supported_examples"] if cell for r in cell.split("; ")]
    assert refs and {r.rpartition("#")[0] for r in refs} <= sample


class DieOnce:
    """A task that kills its worker process the first time any task runs (a machine lost)."""

    def __init__(self, fn: Any, marker: Path) -> None:
        self.fn = fn
        self.marker = marker

    def __call__(self, partition: Any, **shared: Any) -> Any:
        try:
            self.marker.touch(exist_ok=False)
        except FileExistsError:
            return self.fn(partition, **shared)
        os.kill(os.getpid(), signal.SIGKILL)


class KillingCompute(DaskCompute):
    """The cluster of the tests, whose first task kills its worker."""

    def __init__(self, compute: DaskCompute, marker: Path) -> None:
        super().__init__(client=compute.client)
        self.marker = marker

    def map_partitions(self, fn: Any, partitions: Any, *, desc: str, **shared: Any) -> list:
        return super().map_partitions(DieOnce(fn, self.marker), partitions, desc=desc, **shared)


def test_a_killed_worker_s_partitions_are_computed_again(
    here_run: Path, cluster: DaskCompute, tmp_path: Path
) -> None:
    marker = tmp_path / "killed"
    compute = KillingCompute(cluster, marker)
    folder = execute(
        config_from_mapping(CONFIG), tmp_path / "run", tmp_path / "cache", compute=compute
    )
    assert marker.is_file()  # a worker died
    same_artifacts(here_run, folder)
    assert not list((tmp_path / "cache").glob("work/*/*"))  # no work folder left behind


@pytest.mark.slow
def test_10kgnad_on_a_local_cluster_writes_the_same_files(
    gnad_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``toolkit run experiments/10kgnad.yaml --scheduler local`` against the same config in
    this process: documents.csv, topics.csv, themes.csv and every other file byte for byte."""
    monkeypatch.setenv("TOOLKIT_DATA", str(gnad_csv.parents[2]))
    config = ROOT / "experiments" / "10kgnad.yaml"
    here = execute(load_config(config), tmp_path / "here", tmp_path / "cache-here")
    cluster = load_config(config, ["compute.scheduler=local", "compute.workers=2"])
    there = execute(cluster, tmp_path / "there", tmp_path / "cache-there")
    same_artifacts(here, there)
    assert Run(there).manifest["compute"]["scheduler"] == "local"


def test_partition_arrays_are_stacked_a_partition_at_a_time(tmp_path: Path) -> None:
    """The stacked file holds every partition's rows in order, column 0 shifted; empty
    partitions are skipped; the file is an ordinary .npy."""
    import numpy as np

    parts = []
    for number, rows in enumerate((3, 0, 2)):
        path = tmp_path / f"p{number}.npy"
        np.save(path, np.arange(rows * 2, dtype=np.int32).reshape(rows, 2))
        parts.append(path)
    stack_npy(parts, tmp_path / "all.npy", shifts=[0, 3, 3])
    stacked = np.load(tmp_path / "all.npy", allow_pickle=False)
    assert stacked.dtype == np.int32
    assert stacked.tolist() == [[0, 1], [2, 3], [4, 5], [3, 1], [5, 3]]
    stack_npy(parts[:1], tmp_path / "one.npy")
    assert np.load(tmp_path / "one.npy").tolist() == [[0, 1], [2, 3], [4, 5]]
