"""``PassageEncoder``: what every model backend shares — split, batch by length, pool.

A backend only says how to tokenise (``tokenizer``, ``max_seq_length``), how to embed one
batch of passages that fit the model (``encode_passages``), and what besides the settings
identifies its vectors (``_fingerprint_extra``). Splitting long texts into passages, sorting
all passages of all texts into length batches, and pooling each text's passage vectors happen
here, once, so the backends cannot drift apart.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from toolkit.embeddings.models import model_hash, resolve_model
from toolkit.embeddings.passages import (
    Passage,
    Pooling,
    length_batches,
    passage_budget,
    pool,
    split_texts,
)
from toolkit.io import hash_obj
from toolkit.progress import bar

POOLINGS = ("mean", "max", "first")


class PassageEncoder:
    """Base of the model backends; see the module docstring. Not used on its own.

    Parameters
    ----------
    model : str
        Model name or local folder (see :func:`toolkit.embeddings.models.resolve_model`).
    batch_size : int
        Passages per forward pass.
    max_length : int, optional
        Wordpieces per passage including special tokens (default: the model's own limit).
    normalize : bool
        L2-normalise the pooled text vectors.
    device : str
        ``"cpu"`` or an accelerator the backend supports.
    pooling : {"mean", "max", "first"}
        How a text's passage vectors are combined: mean weighted by passage length,
        element-wise max, or the first passage only.
    passage_overlap : int
        Wordpieces shared by consecutive passages of a text.
    threads : int, optional
        CPU threads (default: all cores).
    """

    backend: ClassVar[str] = ""
    progress_label: ClassVar[str] = "embedding"

    def __init__(
        self,
        model: str = "all-MiniLM-L6-v2",
        batch_size: int = 32,
        max_length: int | None = None,
        normalize: bool = True,
        device: str = "cpu",
        pooling: Pooling = "mean",
        passage_overlap: int = 16,
        threads: int | None = None,
    ) -> None:
        if pooling not in POOLINGS:
            raise ValueError(f"pooling must be one of {POOLINGS}, not {pooling!r}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        if passage_overlap < 0:
            raise ValueError(f"passage_overlap must be >= 0, not {passage_overlap}")
        if threads is not None and threads < 1:
            raise ValueError(f"threads must be at least 1, not {threads}")
        self.name = model
        self.batch_size = batch_size
        self.max_length = max_length
        self.normalize = normalize
        self.device = device
        self.pooling: Pooling = pooling
        self.passage_overlap = passage_overlap
        self.threads = threads
        self.path: Path | str = resolve_model(model)

    # -- what a backend provides ---------------------------------------------------------

    @property
    def tokenizer(self) -> Any:
        raise NotImplementedError

    @property
    def max_seq_length(self) -> int:
        raise NotImplementedError

    @property
    def dim(self) -> int:
        raise NotImplementedError

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Embed texts that fit the model as they are (one batch)."""
        raise NotImplementedError

    def _fingerprint_extra(self) -> dict[str, Any]:
        return {}

    @property
    def batch_dependent(self) -> bool:
        """Whether a passage's vector depends on the passages batched with it (beyond float
        rounding); the embedding cache then only reuses vectors of the same list of texts."""
        return False

    def _prepare(self) -> None:
        """Load what encoding needs before the progress bar starts (threads, sessions)."""

    # -- shared --------------------------------------------------------------------------

    def fingerprint(self) -> str:
        """Hash of the model files and every setting that changes the vectors."""
        return hash_obj(
            {
                "backend": self.backend,
                "model": model_hash(self.path),
                **self._fingerprint_extra(),
                "max_length": self.max_length,
                "normalize": self.normalize,
                "pooling": self.pooling,
                "passage_overlap": self.passage_overlap,
            }
        )

    def passages(self, texts: list[str]) -> list[Passage]:
        """The passages :meth:`encode` would embed for ``texts``, in text order."""
        budget = passage_budget(self.tokenizer, self.max_seq_length)
        return split_texts(list(texts), self.tokenizer, budget, self.passage_overlap)

    def count_tokens(self, texts: list[str]) -> np.ndarray:
        """Wordpieces per text (no special tokens): the weight of a text when pooling texts."""
        if not texts:
            return np.zeros(0, dtype=np.int64)
        ids = self.tokenizer(list(texts), add_special_tokens=False, verbose=False)["input_ids"]
        return np.array([max(len(row), 1) for row in ids], dtype=np.int64)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Encode ``texts`` into a ``(len(texts), dim)`` float32 array.

        Raises
        ------
        ValueError
            For an empty text, naming its index.
        """
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        passages = self.passages(texts)
        lengths = np.array([p.n_tokens for p in passages], dtype=np.int64)
        vectors = np.empty((len(passages), self.dim), dtype=np.float32)
        batches = length_batches(lengths, self.batch_size)
        self._prepare()
        with bar(len(batches), self.progress_label, unit="batch") as progress_bar:
            for batch in batches:
                vectors[batch] = self.encode_passages([passages[i].text for i in batch])
                progress_bar.update(1)
        groups = np.array([p.text_index for p in passages], dtype=np.int64)
        return pool(vectors, groups, len(texts), self.pooling, lengths, self.normalize)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(model={self.name!r}, max_length={self.max_length}, "
            f"pooling={self.pooling!r}, passage_overlap={self.passage_overlap})"
        )
