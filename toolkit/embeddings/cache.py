"""An on-disk cache of text vectors, keyed by encoder fingerprint and text hash.

A second run over the same corpus encodes nothing, and a grown corpus encodes only its new
texts. Vectors live under ``root/<fingerprint>/`` in shards: ``<shard>.npy`` (float32 rows)
with ``<shard>.keys.json`` (the SHA-256 of each row's text). Every shard is written
atomically, vectors first, so a shard whose key list exists is always complete.

Examples
--------
>>> import tempfile
>>> cache = EmbeddingCache(tempfile.mkdtemp(), fingerprint="demo")
>>> cache.put([text_key("a")], np.ones((1, 3), dtype=np.float32))
>>> cache.get([text_key("a"), text_key("b")])[1] is None
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from toolkit.embeddings.base import Encoder
from toolkit.io import (
    cache_root,
    hash_obj,
    read_json,
    read_npy,
    sha256_bytes,
    write_json,
    write_npy,
)
from toolkit.progress import status

#: Texts encoded (and stored in the cache) at a time: a resumed run loses at most one chunk.
CHUNK = 512


def default_cache_root() -> Path:
    """``$TOOLKIT_CACHE/embeddings``, else ``.cache/toolkit/embeddings``."""
    return cache_root() / "embeddings"


def text_key(text: str) -> str:
    """The cache key of a text: the SHA-256 of its UTF-8 bytes."""
    return sha256_bytes(text.encode("utf-8"))


class EmbeddingCache:
    """Vectors of one encoder configuration, stored per text hash.

    Parameters
    ----------
    root : Path
        Parent folder of all embedding caches (e.g. :func:`default_cache_root`).
    fingerprint : str
        The encoder's :meth:`~toolkit.embeddings.base.Encoder.fingerprint`; vectors of
        different fingerprints never mix.

    Attributes
    ----------
    stats : dict
        Running counts ``hits``, ``misses`` and ``encoded`` of :func:`encode_cached` calls.
    """

    def __init__(self, root: str | Path, fingerprint: str) -> None:
        if not fingerprint:
            raise ValueError("an embedding cache needs a non-empty encoder fingerprint")
        self.root = Path(root)
        self.fingerprint = fingerprint
        self.folder = self.root / fingerprint
        self.stats = {"hits": 0, "misses": 0, "encoded": 0}
        self._index: dict[str, tuple[Path, int]] | None = None
        self._shards: dict[Path, np.ndarray] = {}

    def _load_index(self) -> dict[str, tuple[Path, int]]:
        if self._index is None:
            self._index = {}
            for keys_file in sorted(self.folder.glob("*.keys.json")):
                vectors_file = keys_file.with_name(keys_file.name.replace(".keys.json", ".npy"))
                keys = read_json(keys_file)
                complete = vectors_file.is_file()
                if not complete or read_npy(vectors_file, mmap=True).shape[0] != len(keys):
                    status(f"embedding cache: ignoring damaged shard {keys_file}")
                    continue
                for row, key in enumerate(keys):
                    self._index.setdefault(key, (vectors_file, row))
        return self._index

    def __len__(self) -> int:
        return len(self._load_index())

    def __contains__(self, key: object) -> bool:
        return key in self._load_index()

    def get(self, keys: list[str]) -> list[np.ndarray | None]:
        """The cached vector of each key, or ``None`` where it is not cached."""
        index = self._load_index()
        found: list[np.ndarray | None] = []
        for key in keys:
            where = index.get(key)
            if where is None:
                found.append(None)
                continue
            path, row = where
            if path not in self._shards:
                self._shards[path] = read_npy(path, mmap=True)
            found.append(np.array(self._shards[path][row], dtype=np.float32))
        return found

    def put(self, keys: list[str], vectors: np.ndarray) -> None:
        """Store ``vectors[i]`` under ``keys[i]`` in a new shard."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or len(keys) != vectors.shape[0]:
            raise ValueError(f"{len(keys)} keys for vectors of shape {vectors.shape}")
        if not keys:
            return
        # Named by content, so two runs writing the same vectors write the same shard.
        shard = hash_obj(keys)[:24]
        vectors_file = self.folder / f"{shard}.npy"
        write_npy(vectors_file, vectors)
        write_json(self.folder / f"{shard}.keys.json", list(keys))
        index = self._load_index()
        for row, key in enumerate(keys):
            index.setdefault(key, (vectors_file, row))


def encode_cached(encoder: Encoder, texts: list[str], cache: EmbeddingCache | None) -> np.ndarray:
    """Encode ``texts``, taking every vector the cache has and encoding only the rest.

    Identical texts are encoded once, in chunks of ``CHUNK`` that go to the cache as they are
    done, so an interrupted run resumes with what it finished; ``cache=None`` encodes all.
    Hit and miss counts are added to ``cache.stats``. An encoder whose ``batch_dependent``
    attribute is true (int8 ONNX with batches) only gets back the vectors of the very same list
    of texts, so a cache never changes what it returns. Returns a ``(len(texts), encoder.dim)``
    float32 array; an empty text is a ValueError naming its index.

    Examples
    --------
    >>> cache = EmbeddingCache(default_cache_root(), encoder.fingerprint())  # doctest: +SKIP
    >>> vectors = encode_cached(encoder, ["Erster Text.", "Zweiter Text."], cache)  # doctest: +SKIP
    >>> cache.stats  # doctest: +SKIP
    {'hits': 0, 'misses': 2, 'encoded': 2}
    """
    texts = list(texts)
    for i, text in enumerate(texts):
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"text {i} is empty: every text to embed needs some content")
    keys = [text_key(text) for text in texts]
    if getattr(encoder, "batch_dependent", False):
        # Its vectors depend on which texts share a batch: only this exact request may reuse
        # them, or results would depend on what other corpora left in the cache.
        request = hash_obj(keys)
        keys = [sha256_bytes(f"{request}:{key}".encode()) for key in keys]
    found = cache.get(keys) if cache is not None else [None] * len(texts)
    todo: dict[str, str] = {}
    for key, text, vector in zip(keys, texts, found, strict=True):
        if vector is None:
            todo.setdefault(key, text)
    fresh: dict[str, Any] = {}
    pending = list(todo.items())
    # encoded and stored a chunk at a time, so an interrupted run keeps what it finished
    for start in range(0, len(pending), CHUNK):
        chunk = pending[start : start + CHUNK]
        encoded = np.asarray(encoder.encode([text for _, text in chunk]), dtype=np.float32)
        fresh.update(zip([key for key, _ in chunk], encoded, strict=True))
        if cache is not None:
            cache.put([key for key, _ in chunk], encoded)
    if cache is not None:
        misses = sum(vector is None for vector in found)
        cache.stats["hits"] += len(texts) - misses
        cache.stats["misses"] += misses
        cache.stats["encoded"] += len(todo)
        status(f"embeddings: {len(texts) - misses} cached, {len(todo)} encoded")
    if not texts:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    rows = [
        vector if vector is not None else fresh[key]
        for key, vector in zip(keys, found, strict=True)
    ]
    return np.stack(rows).astype(np.float32, copy=False)
