"""The stage cache: one folder per (stage, key), written via a temporary folder and a rename.

A key is a hash of the stage's settings and the keys of the stages it reads, so a changed
setting recomputes that stage and every stage after it, and nothing else. A folder only
counts once its ``_complete.json`` marker exists, so an interrupted stage is simply redone.
The marker also keeps what the computation warned about, so a cached stage warns again, and
what the run records of the output (its metrics, the computation's timings), so a run that
finds every stage cached records them without loading a single output.

Examples
--------
>>> import tempfile, pathlib
>>> cache = StageCache(pathlib.Path(tempfile.mkdtemp()))
>>> write = lambda d: (d / "x.txt").write_text("1")
>>> folder = cache.store("demo", "abc", write, ["careful"], {"metrics": {"n": 1}})
>>> cache.lookup("demo", "abc") == folder, cache.warnings(folder), cache.recorded(folder)
(True, ['careful'], {'metrics': {'n': 1}})
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from toolkit.io import atomic_folder, read_json, read_only_tree, write_json

MARKER = "_complete.json"


class StageCache:
    """Completed stage outputs under ``root/stages/<stage>/<key>/``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def folder(self, stage: str, key: str) -> Path:
        return self.root / "stages" / stage / key

    def work(self, stage: str, key: str) -> Path:
        """Where a stage's tasks write partition files while it runs (kept when interrupted,
        so a resumed run keeps the partitions already written; removed once stored)."""
        return self.root / "work" / stage / key

    def lookup(self, stage: str, key: str) -> Path | None:
        """The folder of a completed stage output, or None."""
        folder = self.folder(stage, key)
        return folder if (folder / MARKER).is_file() else None

    def store(
        self,
        stage: str,
        key: str,
        write: Callable[[Path], None],
        warnings: Sequence[str] = (),
        recorded: dict[str, Any] | None = None,
    ) -> Path:
        """Run ``write(tmp_folder)`` and move the folder into place once it completed, its
        files read-only (:func:`~toolkit.io.read_only_tree`: run folders link to them).
        ``warnings`` and ``recorded`` (JSON) are kept in the marker."""
        final = self.folder(stage, key)
        with atomic_folder(final) as tmp:
            write(tmp)
            marker = {"stage": stage, "key": key, "warnings": list(warnings)}
            if recorded is not None:
                marker["recorded"] = recorded
            write_json(tmp / MARKER, marker)
            read_only_tree(tmp)
        return final

    @staticmethod
    def warnings(folder: Path) -> list[str]:
        """What the computation of the cached output in ``folder`` warned about."""
        return list(read_json(folder / MARKER).get("warnings", []))

    @staticmethod
    def recorded(folder: Path) -> dict[str, Any] | None:
        """What the run recorded of the cached output in ``folder`` (None: an entry written
        before the marker kept it)."""
        return read_json(folder / MARKER).get("recorded")
