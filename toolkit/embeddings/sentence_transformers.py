"""The sentence-transformers backend: passage-split, length-batched, pooled text vectors."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from toolkit.embeddings.models import (
    hub_offline,
    model_not_found,
)
from toolkit.embeddings.passage_encoder import PassageEncoder
from toolkit.errors import ModelNotFoundError
from toolkit.progress import is_quiet, quiet_libraries


class SentenceTransformerEncoder(PassageEncoder):
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

    backend = "sentence-transformers"

    # loaded on first use, so a run served entirely from the cache never loads the model
    _model: Any = None
    _tokenizer: Any = None

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
            quiet_libraries()
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

    @property
    def max_seq_length(self) -> int:
        return int(self.model.max_seq_length)

    def _prepare(self) -> None:
        import torch

        torch.set_num_threads(self.threads or os.cpu_count() or 1)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Embed texts that fit the model as they are (one batch), not normalised."""
        return self.model.encode(
            list(texts),
            batch_size=len(texts),
            convert_to_numpy=True,
            normalize_embeddings=False,
            show_progress_bar=False,
        )
