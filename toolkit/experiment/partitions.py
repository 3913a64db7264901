"""Partitioned stage outputs: a folder of files, one per partition of the corpus, and the sample.

A large corpus is cut into partitions of ``compute.partition_size`` documents, in corpus
order; every stage that works per document writes one file per partition (``part-00000.parquet``
…), listed with their document counts in the stage's ``partitions.json``. The partitions are
fixed by the config alone (never by the number of workers), so where the work ran does not
change what was written.

Models that must see the corpus are fitted on :func:`sample_positions`: every document when the
corpus fits ``compute.sample``, else a seeded random sample of that many.

Examples
--------
>>> parts = Partitions(Path("corpus"), ("part-00000.parquet", "part-00001.parquet"), (3, 2))
>>> len(parts), parts.locate(4)
(5, (1, 1))
>>> sample_positions(5, None, seed=0) is None, sample_positions(5, 2, seed=0).tolist()
(True, [3, 4])
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar, overload

import numpy as np

from toolkit.errors import RunError
from toolkit.io import atomic_path, link_or_copy, read_json, read_npy, write_json

INDEX = "partitions.json"
T = TypeVar("T")


def part_name(number: int, prefix: str = "part", suffix: str = ".parquet") -> str:
    """``part-00007.parquet``: file names that sort in partition order."""
    return f"{prefix}-{number:05d}{suffix}"


@dataclass(frozen=True)
class Partitions:
    """The partition files of one stage output and the number of documents in each.

    Attributes
    ----------
    folder : Path
        Where the files are now (a work folder while the stage runs, then the cache or the run
        folder: :meth:`save` and :meth:`load` move the listing with them).
    files : tuple of str
        File names in partition order.
    counts : tuple of int
        Documents per partition.
    """

    folder: Path
    files: tuple[str, ...]
    counts: tuple[int, ...]

    def __len__(self) -> int:
        """Documents in all partitions."""
        return int(sum(self.counts))

    @property
    def paths(self) -> list[Path]:
        return [self.folder / name for name in self.files]

    @property
    def offsets(self) -> np.ndarray:
        """Position of each partition's first document in the corpus (and the total last)."""
        return np.concatenate([[0], np.cumsum(self.counts, dtype=np.int64)])

    def locate(self, position: int) -> tuple[int, int]:
        """``(partition, row)`` of the document at corpus ``position``."""
        if not 0 <= position < len(self):
            raise IndexError(f"document position {position} outside 0..{len(self) - 1}")
        part = int(np.searchsorted(self.offsets, position, side="right")) - 1
        return part, position - int(self.offsets[part])

    def save(self, destination: Path) -> None:
        """Put the files into ``destination`` (hard links where possible) with the listing."""
        for name in self.files:
            link_or_copy(self.folder / name, destination / name)
        write_json(destination / INDEX, {"files": list(self.files), "counts": list(self.counts)})

    @classmethod
    def load(cls, folder: Path) -> Partitions:
        """The listing :meth:`save` wrote into ``folder``; missing files are a RunError."""
        index = read_json(folder / INDEX)
        parts = cls(Path(folder), tuple(index["files"]), tuple(int(n) for n in index["counts"]))
        missing = [p.name for p in parts.paths if not p.is_file()]
        if missing:
            raise RunError(f"{folder}: partition files missing: {', '.join(missing[:3])}")
        return parts

    def moved(self, folder: Path) -> Partitions:
        """The same listing for files now in ``folder``."""
        return replace(self, folder=Path(folder))


@dataclass(frozen=True)
class Job:
    """One task: the input files of partition ``number`` and the file its result goes to."""

    number: int
    sources: tuple[Path, ...]
    target: Path


def jobs(inputs: Sequence[Partitions], work: Path, prefix: str, suffix: str) -> list[Job]:
    """A job per partition: partition ``i`` of every input, written to ``work/<prefix>-i``."""
    count = len(inputs[0].files)
    if any(len(p.files) != count for p in inputs):
        raise ValueError("the inputs are not partitioned alike")
    return [
        Job(i, tuple(p.paths[i] for p in inputs), work / part_name(i, prefix, suffix))
        for i in range(count)
    ]


class Once:
    """``fn(job, **shared)`` run at most once per job: its JSON summary is kept beside the
    target, so a task run again (its worker died after finishing) or a resumed run returns it
    instead of redoing the work. ``fn`` writes its files atomically, the summary last."""

    def __init__(self, fn: Callable[..., dict[str, Any]]) -> None:
        self.fn = fn

    def __call__(self, job: Job, **shared: Any) -> dict[str, Any]:
        marker = job.target.with_name(f"{job.target.name}.done.json")
        if marker.is_file():
            return read_json(marker)
        summary = self.fn(job, **shared)
        write_json(marker, summary)
        return summary


def stack_npy(sources: Sequence[Path], target: Path, shifts: Sequence[int] | None = None) -> None:
    """Concatenate the ``.npy`` arrays of the partitions into one file, a partition at a time.

    Memory holds one partition, never the whole array: each is read, appended and dropped,
    through plain reads and writes (a memory map of the target would keep every page written
    resident in this process until the end). With ``shifts``, column 0 of partition ``i`` is
    shifted by ``shifts[i]`` (local document positions become global).
    """
    headers = [read_npy(path, mmap=True) for path in sources]  # shapes only: no data is read
    rows = sum(len(a) for a in headers)
    dtype, tail = headers[0].dtype, headers[0].shape[1:]
    del headers
    header = {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": False}
    with atomic_path(target) as tmp, open(tmp, "wb") as out:
        np.lib.format.write_array_header_1_0(out, {**header, "shape": (rows, *tail)})
        for number, path in enumerate(sources):
            array = np.ascontiguousarray(read_npy(path), dtype=dtype)
            if shifts is not None and len(array):
                array[:, 0] += shifts[number]
            out.write(array.tobytes())


def sample_positions(total: int, size: int | None, seed: int) -> np.ndarray | None:
    """Sorted positions of the documents models are fitted on; None means every document.

    The sample depends only on the corpus size, ``size`` and ``seed``, never on partitions or
    workers.
    """
    if size is None or size >= total:
        return None
    return np.sort(np.random.default_rng(seed).choice(total, size=size, replace=False))


def sampled(
    parts: Partitions, positions: np.ndarray | None, read: Callable[[Path], list[T]]
) -> Iterator[T]:
    """Stream the sampled items (every item for ``positions`` None), a partition at a time."""
    offsets = parts.offsets
    for number, path in enumerate(parts.paths):
        start, stop = offsets[number], offsets[number + 1]
        if positions is None:
            yield from read(path)
            continue
        rows = positions[(positions >= start) & (positions < stop)] - start
        if len(rows):
            items = read(path)
            yield from (items[row] for row in rows)


class PartitionedSequence(Sequence[T]):
    """The items of every partition as one read-only sequence, read a partition at a time.

    Iterating streams the partitions in order (the last one read is kept); indexing reads only
    the item, with ``read_one(path, row)``, or else the partition that holds it. Code written
    for a list of documents keeps working on a corpus that would not fit in memory.
    """

    def __init__(
        self,
        parts: Partitions,
        read: Callable[[Path], list[T]],
        read_one: Callable[[Path, int], T] | None = None,
    ) -> None:
        self.parts = parts
        self._read = read
        self._read_one = read_one
        self._held: tuple[int, list[T]] | None = None

    def __len__(self) -> int:
        return len(self.parts)

    def partition(self, number: int) -> list[T]:
        """The items of partition ``number`` (the last one read is kept)."""
        if self._held is None or self._held[0] != number:
            self._held = (number, self._read(self.parts.paths[number]))
        return self._held[1]

    @overload
    def __getitem__(self, position: int) -> T: ...

    @overload
    def __getitem__(self, position: slice) -> list[T]: ...

    def __getitem__(self, position: int | slice) -> T | list[T]:
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        if position < 0:
            position += len(self)
        part, row = self.parts.locate(position)
        if self._read_one is None or (self._held is not None and self._held[0] == part):
            return self.partition(part)[row]
        # one item (a search hit) without reading its whole partition
        return self._read_one(self.parts.paths[part], row)

    def __iter__(self) -> Iterator[T]:
        for number in range(len(self.parts.files)):
            yield from self.partition(number)


class Reiterable:
    """An iterable that calls ``make()`` for each pass (a streamed sample read twice)."""

    def __init__(self, make: Callable[[], Iterable[T]], size: int) -> None:
        self._make = make
        self._size = size

    def __iter__(self) -> Iterator[Any]:
        return iter(self._make())

    def __len__(self) -> int:
        return self._size


def work_folder(root: Path | None) -> Path:
    """``root`` made, or a new temporary folder when a stage runs outside the runner."""
    if root is None:
        return Path(tempfile.mkdtemp(prefix="toolkit-work-"))
    root.mkdir(parents=True, exist_ok=True)
    return root
