"""The ids a corpus has read so far, in 24 bytes an id, for its duplicate-id check.

A corpus reader must name, for a repeated id, where it was first read. A dict from id to place
costs about 150 bytes an id in Python (the string, the int, the table): 1.5 GB for ten million
articles, on the client that streams the corpus into partitions. :class:`SeenIds` keeps a
128-bit hash of each id and its place in sorted numpy arrays instead, checked a batch of ids at
a time. Two different ids share a 128-bit hash with probability about ``n**2 / 2**129``
(3e-25 for ten million ids): the same trust the stage cache puts in its content hashes.

Examples
--------
>>> seen = SeenIds()
>>> seen.check(["a", "b", "a"], [1, 2, 3]).tolist()
[-1, -1, 1]
>>> seen.check(["b", "c"], [4, 5]).tolist()
[2, -1]
>>> len(seen)
3
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

# the batches one call checks are merged into runs of similar size, so a lookup searches
# a few sorted arrays and every id is copied O(log n) times in all
_RUN = np.dtype([("hi", "<u8"), ("lo", "<u8"), ("place", "<i8")])


def _digests(ids: Sequence[str]) -> np.ndarray:
    """Each id's 128-bit BLAKE2b hash as two uint64 columns."""
    raw = b"".join(hashlib.blake2b(i.encode("utf-8"), digest_size=16).digest() for i in ids)
    return np.frombuffer(raw, dtype="<u8").reshape(-1, 2)


class SeenIds:
    """Ids seen so far, each with the place (an int the caller chooses) it was first seen."""

    def __init__(self) -> None:
        self._runs: list[np.ndarray] = []

    def __len__(self) -> int:
        return sum(len(run) for run in self._runs)

    def check(self, ids: Sequence[str], places: Sequence[int]) -> np.ndarray:
        """For each id in order, the place it was first seen, or -1 for a new id (now seen at
        its place in ``places``, non-negative)."""
        if len(ids) != len(places):
            raise ValueError(f"{len(ids)} ids for {len(places)} places")
        found = np.full(len(ids), -1, dtype=np.int64)
        if not len(ids):
            return found
        batch = np.empty(len(ids), dtype=_RUN)
        digests = _digests(ids)
        batch["hi"], batch["lo"] = digests[:, 0], digests[:, 1]
        batch["place"] = np.asarray(places, dtype=np.int64)
        if (batch["place"] < 0).any():
            raise ValueError("places must be non-negative")
        for run in self._runs:
            hit = _lookup(run, batch)
            found = np.where(found < 0, hit, found)
        # an id repeated within the batch: its later occurrences point at its first
        order = np.lexsort((np.arange(len(batch)), batch["lo"], batch["hi"]))
        ordered = batch[order]
        same = (ordered["hi"][1:] == ordered["hi"][:-1]) & (ordered["lo"][1:] == ordered["lo"][:-1])
        first = np.maximum.accumulate(np.where(np.r_[True, ~same], np.arange(len(order)), 0))
        repeat = order[1:][same]
        earlier = ordered["place"][first[1:][same]]
        found[repeat] = np.where(found[repeat] < 0, earlier, found[repeat])
        new = ordered[np.r_[True, ~same]]
        new = new[found[order[np.r_[True, ~same]]] < 0]
        self._add(new)
        return found

    def _add(self, run: np.ndarray) -> None:
        """Keep ``run`` (sorted by hash), merging runs while the last is as large as the one
        before it."""
        self._runs.append(run)
        while len(self._runs) > 1 and len(self._runs[-2]) <= 2 * len(self._runs[-1]):
            last, before = self._runs.pop(), self._runs.pop()
            merged = np.concatenate([before, last])
            self._runs.append(merged[np.lexsort((merged["lo"], merged["hi"]))])


def _lookup(run: np.ndarray, batch: np.ndarray) -> np.ndarray:
    """For each row of ``batch``, the place of the row of ``run`` with its hash, or -1."""
    if not len(run):
        return np.full(len(batch), -1, dtype=np.int64)
    # the high halves locate the hash; the low halves confirm it (a high half is unique in
    # practice, but a tie is searched through)
    start = np.searchsorted(run["hi"], batch["hi"], side="left")
    stop = np.searchsorted(run["hi"], batch["hi"], side="right")
    found = np.full(len(batch), -1, dtype=np.int64)
    for i in np.flatnonzero(stop > start):
        rows = run[start[i] : stop[i]]
        match = np.flatnonzero(rows["lo"] == batch["lo"][i])
        if len(match):
            found[i] = rows["place"][match[0]]
    return found
