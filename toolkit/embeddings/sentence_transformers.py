"""The sentence-transformers backend: passage-split, length-batched, pooled text vectors."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from toolkit.embeddings.models import (
    hub_offline,
    model_hash,
    model_not_found,
    resolve_model,
)
from toolkit.embeddings.passages import (
    Passage,
    Pooling,
    length_batches,
    passage_budget,
    pool,
    split_texts,
)
from toolkit.errors import ModelNotFoundError
from toolkit.io import hash_obj
from toolkit.progress import bar, is_quiet

_POOLINGS = ("mean", "max", "first")


class SentenceTransformerEncoder:
    """Encode texts with a sentence-transformers model, without cutting long texts.

    Each text is split with the model's tokenizer into passages of at most ``max_length``
    wordpieces (special tokens included), preferably at sentence ends, with
    ``passage_overlap`` wordpieces of overlap. All passages of all texts are encoded in
    length-sorted batches, and the passage vectors of each text are pooled into one vector.
    The model is loaded on first use, so a run served entirely from the cache never loads it.

    Parameters
    ----------
    model : str
        Model name or local folder (see :func:`toolkit.embeddings.models.resolve_model`).
    batch_size : int
        Passages per forward pass.
    max_length : int, optional
        Wordpieces per passage including special tokens (default: the model's
        ``max_seq_length``); at most the model's position limit.
    normalize : bool
        L2-normalise the pooled text vectors.
    device : str
        Torch device, e.g. ``"cpu"`` or ``"cuda"``.
    pooling : {"mean", "max", "first"}
        How a text's passage vectors are combined: mean weighted by passage length,
        element-wise max, or the first passage only.
    passage_overlap : int
        Wordpieces shared by consecutive passages of a text.
    threads : int, optional
        CPU threads for torch (default: all cores).

    Examples
    --------
    >>> encoder = SentenceTransformerEncoder()  # doctest: +SKIP
    >>> encoder.encode(["Die NATO erhöht die Munitionsproduktion."]).shape  # doctest: +SKIP
    (1, 384)
    """

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
        if pooling not in _POOLINGS:
            raise ValueError(f"pooling must be one of {_POOLINGS}, not {pooling!r}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        if passage_overlap < 0:
            raise ValueError(f"passage_overlap must be >= 0, not {passage_overlap}")
        self.name = model
        self.batch_size = batch_size
        self.max_length = max_length
        self.normalize = normalize
        self.device = device
        self.pooling: Pooling = pooling
        self.passage_overlap = passage_overlap
        self.threads = threads
        self.path = resolve_model(model)
        self._model: Any = None
        self._tokenizer: Any = None

    @property
    def model(self) -> Any:
        """The loaded ``SentenceTransformer`` (loaded on first access)."""
        if self._model is None:
            self._model = self._load()
        return self._model

    def _load(self) -> Any:
        from sentence_transformers import SentenceTransformer

        if is_quiet():
            # transformers draws its own "Loading weights" bar; --quiet silences it too
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()
        try:
            model = SentenceTransformer(str(self.path), device=self.device)
        except Exception as exc:
            if isinstance(self.path, Path):
                raise ModelNotFoundError(
                    f"embedding model folder {self.path} could not be loaded by "
                    f"sentence-transformers: {exc}"
                ) from exc
            looked = ["local folders", "the Hugging Face cache", f"the hub (failed: {exc})"]
            if hub_offline():
                looked[-1] = "not downloading: HF_HUB_OFFLINE=1"
            raise model_not_found(self.name, looked) from exc
        limit = model[0].auto_model.config.max_position_embeddings
        if self.max_length is not None:
            if self.max_length > limit:
                raise ValueError(
                    f"max_length={self.max_length} exceeds the {limit} positions of {self.name}"
                )
            model.max_seq_length = self.max_length
        return model

    @property
    def tokenizer(self) -> Any:
        """The model's own tokenizer (read without loading the weights when possible)."""
        if self._model is not None:
            return self._model.tokenizer
        if self._tokenizer is None:
            from transformers import AutoTokenizer

            try:
                self._tokenizer = AutoTokenizer.from_pretrained(str(self.path))
            except (OSError, ValueError):
                # Tokenizer files in a sub-module folder: sentence-transformers knows where.
                return self.model.tokenizer
        return self._tokenizer

    @property
    def dim(self) -> int:
        """Vector dimension."""
        model = self.model
        get = (
            getattr(model, "get_embedding_dimension", None)
            or model.get_sentence_embedding_dimension
        )
        return int(get())

    def fingerprint(self) -> str:
        """Hash of the model files and every setting that changes the vectors."""
        return hash_obj(
            {
                "backend": "sentence-transformers",
                "model": model_hash(self.path),
                "max_length": self.max_length,
                "normalize": self.normalize,
                "pooling": self.pooling,
                "passage_overlap": self.passage_overlap,
            }
        )

    def passages(self, texts: list[str]) -> list[Passage]:
        """The passages :meth:`encode` would embed for ``texts``, in text order."""
        budget = passage_budget(self.tokenizer, self.model.max_seq_length)
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
        import torch

        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        torch.set_num_threads(self.threads or os.cpu_count() or 1)
        passages = self.passages(texts)
        lengths = np.array([p.n_tokens for p in passages], dtype=np.int64)
        vectors = np.empty((len(passages), self.dim), dtype=np.float32)
        batches = length_batches(lengths, self.batch_size)
        with bar(len(batches), "embedding", unit="batch") as progress_bar:
            for batch in batches:
                vectors[batch] = self.model.encode(
                    [passages[i].text for i in batch],
                    batch_size=len(batch),
                    convert_to_numpy=True,
                    normalize_embeddings=False,
                    show_progress_bar=False,
                )
                progress_bar.update(1)
        groups = np.array([p.text_index for p in passages], dtype=np.int64)
        return pool(vectors, groups, len(texts), self.pooling, lengths, self.normalize)

    def __repr__(self) -> str:
        return (
            f"SentenceTransformerEncoder(model={self.name!r}, max_length={self.max_length}, "
            f"pooling={self.pooling!r}, passage_overlap={self.passage_overlap})"
        )
