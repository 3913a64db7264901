"""The run folder: its layout, where a run may write it, and the checksums of its artifacts.

A run never deletes or overwrites what it did not write. Its folder must be new, an empty
folder, or (with ``force``) a finished run folder of this toolkit; it never lies inside nor
holds the corpus, the config or the cache. The folder is built beside its destination and
swapped in only when complete (:func:`toolkit.io.atomic_folder`). ``manifest.json`` lists the
size and SHA-256 of every other file, and :func:`verify` checks files against it before they
are read, so a damaged folder is reported with the file's name instead of a traceback.

Examples
--------
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "metrics.json").write_text("{}")
>>> artifact_table(folder)["metrics.json"]["bytes"]
2
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.errors import ConfigError, RunError
from toolkit.io import read_json, sha256_file

CONFIG = "config.yaml"
MANIFEST = "manifest.json"
METRICS = "metrics.json"
DOCUMENTS = "documents.csv"
PLOTS = "plots"
REPORT = "report.html"


def is_run_folder(folder: Path) -> bool:
    """Whether ``folder`` is a finished run folder of this toolkit (manifest and config)."""
    manifest = folder / MANIFEST
    if not (manifest.is_file() and (folder / CONFIG).is_file()):
        return False
    try:
        return "toolkit" in read_json(manifest)
    except (OSError, ValueError):
        return False


def _overlaps(folder: Path, other: Path) -> bool:
    return folder == other or other.is_relative_to(folder) or folder.is_relative_to(other)


def check_destination(folder: Path, force: bool, protected: Iterable[tuple[str, Path]]) -> None:
    """Refuse a run folder that would lose or mix up anything the user owns.

    Parameters
    ----------
    folder : Path
        Where the run folder is to appear.
    force : bool
        Replace ``folder`` if it is a finished run folder of this toolkit.
    protected : iterable of (what, path)
        Paths the run reads or keeps (the corpus, the config file, the cache): ``folder`` may
        neither be, hold nor lie inside any of them.

    Raises
    ------
    ConfigError
        Naming the folder and what to do instead.
    """
    folder = folder.resolve()
    for what, path in protected:
        if _overlaps(folder, path.resolve()):
            raise ConfigError(
                f"run folder {folder} overlaps the {what} ({path}): choose another folder"
            )
    for parent in folder.parents:
        if parent.exists() and not parent.is_dir():
            raise ConfigError(f"run folder {folder}: {parent} is a file, not a folder")
    if not folder.exists():
        return
    if not folder.is_dir():
        raise ConfigError(f"run folder {folder} is a file: give a folder that does not exist yet")
    if not any(folder.iterdir()):
        return
    if not is_run_folder(folder):
        raise ConfigError(
            f"run folder {folder} exists and holds files that no run wrote: the toolkit never "
            "replaces them; give a new or empty folder"
        )
    if not force:
        raise ConfigError(
            f"run folder {folder} holds an earlier run: add --force to replace it, or give "
            "another folder"
        )


def artifact_table(folder: Path) -> dict[str, dict[str, Any]]:
    """Size and SHA-256 of every file below ``folder`` except the manifest, by relative path."""
    table = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and relative != MANIFEST:
            table[relative] = {"bytes": path.stat().st_size, "sha256": sha256_file(path)}
    return table


def verify(folder: Path, prefix: str = "") -> None:
    """Check the files below ``folder/prefix`` against the manifest's artifact table.

    A folder without a table (written before the toolkit kept one) passes unchecked.

    Raises
    ------
    RunError
        Naming the first file that is missing, of the wrong size or of the wrong content.
    """
    manifest = folder / MANIFEST
    if not manifest.is_file():
        return
    try:
        table = read_json(manifest).get("artifacts")
    except ValueError as exc:
        raise RunError(f"{manifest}: damaged ({exc}); re-run the experiment") from None
    for relative, expected in (table or {}).items():
        if prefix and not (relative == prefix or relative.startswith(f"{prefix}/")):
            continue
        path = folder / relative
        if not path.is_file():
            raise RunError(f"{path}: missing from the run folder; re-run the experiment")
        size = path.stat().st_size
        if size != expected["bytes"]:
            raise RunError(
                f"{path}: damaged ({size} bytes, the run wrote {expected['bytes']}); "
                "re-run the experiment"
            )
        if sha256_file(path) != expected["sha256"]:
            raise RunError(
                f"{path}: damaged (its content changed since the run wrote it); re-run the "
                "experiment"
            )


def list_runs(parent: str | Path = "runs") -> pd.DataFrame:
    """Run folders below ``parent``, sweep points included, newest first.

    Columns: run, name, finished, stages (in pipeline order), seconds.
    """
    from toolkit.experiment.stages import STAGES  # the stages know the folder's names

    parent = Path(parent)
    rows = []
    for manifest in parent.rglob(MANIFEST):
        folder = manifest.parent
        if any(part.startswith(".") for part in folder.relative_to(parent).parts):
            continue
        try:
            data = read_json(manifest)
        except (OSError, json.JSONDecodeError):
            continue
        if "stages" not in data:
            continue
        rows.append(
            {
                "run": folder.relative_to(parent).as_posix(),
                "name": data.get("name"),
                "finished": data.get("finished"),
                "stages": ",".join(s.name for s in STAGES if s.name in data["stages"]),
                "seconds": data.get("seconds"),
            }
        )
    table = pd.DataFrame(rows, columns=["run", "name", "finished", "stages", "seconds"])
    return table.sort_values(["finished", "run"], ascending=[False, True], ignore_index=True)
