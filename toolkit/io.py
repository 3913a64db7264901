"""Atomic file writes and content hashing.

Every file the toolkit writes goes through this module: a file is written to a temporary
name beside its destination and renamed into place, so an interrupted run never leaves a
half-written artifact behind.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_json(folder / "metrics.json", {"b": 1, "a": 2.5})
>>> read_json(folder / "metrics.json")
{'a': 2.5, 'b': 1}
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


def cache_root() -> Path:
    """Root of every toolkit cache: ``$TOOLKIT_CACHE``, else the user's cache directory
    (``~/.cache/toolkit`` on Linux, via platformdirs), wherever the command runs from; stages,
    embeddings, ONNX exports and the lemma list live below it."""
    configured = os.environ.get("TOOLKIT_CACHE")
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("toolkit", appauthor=False))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def shareable(path: str | Path, directory: bool = False) -> None:
    """Give a temporary file or folder the usual permissions (mkstemp/mkdtemp make them private).

    Run folders are shared between researchers, so artifacts get ``0o666`` / ``0o777`` less
    the umask, like any file a program creates normally.
    """
    os.chmod(path, (0o777 if directory else 0o666) & ~_umask())


def share_tree(folder: str | Path) -> None:
    """Make every folder below ``folder`` (and itself) readable like a normally created one."""
    folder = Path(folder)
    shareable(folder, directory=True)
    for sub in folder.rglob("*"):
        if sub.is_dir():
            shareable(sub, directory=True)


def read_only_tree(folder: str | Path) -> None:
    """Take the write permission off every file below ``folder`` (folders stay writable).

    A stage cache entry is written once and linked into every run folder that uses it, so a
    file edited in place in a run folder would change the cache, and every later run, with
    it. Read-only, an editor warns instead (as DVC protects its linked cache); replacing a
    file (a new inode) and deleting it still work. Root ignores the bits.
    """
    for path in Path(folder).rglob("*"):
        if path.is_file() and not path.is_symlink():
            mode = path.stat().st_mode
            path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` when the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    shareable(tmp_path)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_text(path: str | Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically (``\\n`` line ends on every platform)."""
    write_bytes(path, text.encode("utf-8"))


def _json_default(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps_json(obj: Any) -> str:
    """Canonical JSON: sorted keys, two-space indent, UTF-8 text, trailing newline."""
    return (
        json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, default=_json_default) + "\n"
    )


def write_json(path: str | Path, obj: Any) -> None:
    """Write ``obj`` as canonical JSON (sorted keys) atomically."""
    write_text(path, dumps_json(obj))


def read_json(path: str | Path) -> Any:
    """Read a JSON file."""
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def write_jsonl(path: str | Path, rows: Iterable[dict[str, Any]]) -> None:
    """Write one JSON object per line, atomically, streaming the rows."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True, default=_json_default))
            handle.write("\n")


def read_jsonl(path: str | Path) -> Iterator[dict[str, Any]]:
    """Stream the objects of a JSON-lines file."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def write_npy(path: str | Path, array: np.ndarray) -> None:
    """Write a NumPy array in ``.npy`` format atomically (never pickled objects)."""
    array = np.asarray(array)
    if array.dtype == object:
        raise TypeError(f"refusing to write an object array to {path}: npy files must not pickle")
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    write_bytes(path, buffer.getvalue())


def link_or_copy(source: str | Path, destination: str | Path) -> None:
    """Give ``destination`` the content of ``source``, atomically: a hard link where the file
    system allows it (a partition of a large corpus is not stored twice), else a copy."""
    with atomic_path(destination) as tmp:
        tmp.unlink()
        try:
            os.link(source, tmp)
        except OSError:
            shutil.copyfile(source, tmp)


def link_tree(source: str | Path, destination: str | Path) -> None:
    """:func:`link_or_copy` every file below ``source`` to the same place below ``destination``."""
    source = Path(source)
    for path in sorted(source.rglob("*")):
        if path.is_file():
            link_or_copy(path, Path(destination) / path.relative_to(source))


def read_npy(path: str | Path, mmap: bool = False) -> np.ndarray:
    """Read a ``.npy`` file without ever unpickling; ``mmap=True`` maps it read-only."""
    return np.load(path, allow_pickle=False, mmap_mode="r" if mmap else None)


def write_csv(path: str | Path, frame: pd.DataFrame, float_format: str = "%.6g") -> None:
    """Write a DataFrame as CSV (no index, ``\\n`` line ends, fixed float format) atomically."""
    write_csv_parts(path, [frame], float_format)


def write_csv_parts(
    path: str | Path, frames: Iterable[pd.DataFrame], float_format: str = "%.6g"
) -> None:
    """Write the rows of ``frames``, one after the other, as one CSV, atomically.

    Only one frame is in memory at a time, so a table of millions of rows is written in the
    memory of its largest part. The file is byte for byte what :func:`write_csv` writes for
    the frames concatenated; the header comes from the first frame, and every frame must have
    its columns.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> parts = [pd.DataFrame({"id": ["a"], "n": [1]}), pd.DataFrame({"id": ["b"], "n": [2]})]
    >>> write_csv_parts(folder / "t.csv", parts)
    >>> (folder / "t.csv").read_text()
    'id,n\\na,1\\nb,2\\n'
    """
    columns: list[str] | None = None
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as handle:
        for frame in frames:
            if columns is None:
                columns = list(frame.columns)
            elif list(frame.columns) != columns:
                raise ValueError(f"{path}: a part has columns {list(frame.columns)}, not {columns}")
            frame.to_csv(
                handle,
                index=False,
                header=handle.tell() == 0,
                lineterminator="\n",
                float_format=float_format,
            )
        if columns is None:
            raise ValueError(f"{path}: no table to write")


def read_csv(path: str | Path, **kwargs: Any) -> pd.DataFrame:
    """Read a CSV written by :func:`write_csv`; id-like columns stay strings."""
    dtype = {"id": str, "doc_id": str}
    dtype.update(kwargs.pop("dtype", {}))
    return pd.read_csv(path, dtype=dtype, keep_default_na=False, na_values=[""], **kwargs)


STAGING_INFIX = ".tmp-"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def remove_stale_staging(parent: str | Path, name: str = "*") -> list[Path]:
    """Remove the staging folders below ``parent`` whose writing process no longer runs.

    A process killed hard (SIGKILL, power loss) cannot clean up after itself; the next one
    that writes beside it does. Only folders named by :func:`atomic_folder` are touched.
    """
    removed = []
    for folder in Path(parent).glob(f".{name}{STAGING_INFIX}*"):
        pid = folder.name.rsplit(STAGING_INFIX, 1)[1].split("-", 1)[0]
        if folder.is_dir() and pid.isdigit() and not _pid_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


@contextlib.contextmanager
def atomic_folder(destination: str | Path) -> Iterator[Path]:
    """Yield a temporary folder beside ``destination``; it replaces ``destination`` on success.

    On an exception (or an interrupt) the temporary folder is removed and ``destination``
    is left as it was, so a folder is either complete or absent. An existing ``destination``
    is moved aside, the new folder renamed into place, then the old one deleted: whoever calls
    this has decided that ``destination`` may be replaced.
    """
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(destination.parent, destination.name)
    prefix = f".{destination.name}{STAGING_INFIX}{os.getpid()}-"
    tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=destination.parent))
    try:
        yield tmp
        share_tree(tmp)
        old = None
        if destination.exists():
            old = Path(tempfile.mkdtemp(prefix=prefix, dir=destination.parent))
            os.replace(destination, old / "replaced")
        os.replace(tmp, destination)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def copy_tree_atomic(source: str | Path, destination: str | Path) -> None:
    """Copy folder ``source`` to ``destination`` via a temporary sibling and a rename."""
    with atomic_folder(destination) as tmp:
        shutil.copytree(source, tmp, dirs_exist_ok=True)


def require_files(folder: str | Path, names: Iterable[str], what: str) -> None:
    """Raise ``RunError`` naming the missing files when ``folder`` lacks any of ``names``."""
    from toolkit.errors import RunError

    missing = [name for name in names if not (Path(folder) / name).is_file()]
    if missing:
        raise RunError(f"{folder}: {what} incomplete, missing {', '.join(missing)}")


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | Path, chunk_size: int = 1 << 20) -> str:
    """Hex SHA-256 of a file's content, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def hash_obj(obj: Any) -> str:
    """Stable SHA-256 of a JSON-serialisable object (sorted keys), for cache keys."""
    payload = json.dumps(obj, sort_keys=True, ensure_ascii=False, default=_json_default)
    return sha256_bytes(payload.encode("utf-8"))


def hash_texts(texts: Iterable[str]) -> str:
    """Stable SHA-256 over a sequence of texts (order matters, boundaries are unambiguous)."""
    digest = hashlib.sha256()
    for text in texts:
        data = text.encode("utf-8")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()
