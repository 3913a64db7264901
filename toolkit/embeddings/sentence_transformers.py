"""The sentence-transformers backend: passage-split, length-batched, pooled text vectors."""

from __future__ import annotations

import functools
import os
from contextlib import nullcontext
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np

from toolkit.embeddings.models import (
    hub_offline,
    model_not_found,
)
from toolkit.embeddings.passage_encoder import PassageEncoder
from toolkit.errors import ModelNotFoundError
from toolkit.progress import is_quiet, quiet_libraries

Precision = Literal["auto", "float32", "bfloat16"]
PRECISIONS: tuple[str, ...] = get_args(Precision)


@functools.cache
def native_bfloat16(cpuinfo: str = "/proc/cpuinfo") -> bool:
    """Whether this CPU multiplies bfloat16 natively (the AVX512-BF16 or AMX-BF16 flag).

    Read from the CPU flags rather than asked of torch, so that settings (and a warm run served
    from the cache) never import torch. Without the flag torch emulates bfloat16, no faster
    than float32, so ``auto`` keeps float32 there (and on systems without ``/proc/cpuinfo``).
    """
    try:
        with open(cpuinfo, encoding="utf-8", errors="replace") as handle:
            flags = next((line for line in handle if line.startswith("flags")), "")
    except OSError:
        return False
    return bool({"avx512_bf16", "amx_bf16"} & set(flags.split()))


def resolve_precision(precision: str, device: str = "cpu") -> str:
    """The precision ``auto`` stands for on ``device``: bfloat16 on a CPU that computes it
    natively, float32 otherwise (a GPU keeps float32: not measured here).

    Examples
    --------
    >>> resolve_precision("float32")
    'float32'
    >>> resolve_precision("auto", device="cuda")
    'float32'
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, not {precision!r}")
    if precision != "auto":
        return precision
    return "bfloat16" if device == "cpu" and native_bfloat16() else "float32"


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
    precision : {"auto", "float32", "bfloat16"}
        The arithmetic of the forward pass. ``bfloat16`` runs it under torch's CPU autocast
        (matrix products in bfloat16 with float32 accumulation, normalisations in float32);
        ``auto`` chooses it where the CPU computes bfloat16 natively
        (:func:`native_bfloat16`), float32 elsewhere. On this project's AMD EPYC
        (AVX512-BF16) the embeddings stage of the 10kGNAD run took 49.8 s instead of 83.1 s
        (``benchmarks/whole_run.py``), with the same search quality (README, *bfloat16*).
        The resolved precision is part of the fingerprint, so the cache never mixes the two.

    Notes
    -----
    In bfloat16 a passage's vector depends on the batch it is encoded in (up to 1e-3 per
    component, alone against in a batch; float32: 1e-7), so the encoder is then
    ``batch_dependent``: the embedding cache reuses its vectors only for the same list of
    texts, and the same batches give the same bytes.

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

    def __init__(
        self, model: str = "all-MiniLM-L6-v2", *, precision: Precision = "auto", **params: Any
    ) -> None:
        super().__init__(model, **params)
        self.precision = resolve_precision(precision, self.device)

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

    @property
    def batch_dependent(self) -> bool:
        """bfloat16 rounds a passage differently in another batch (see Notes)."""
        return self.precision == "bfloat16"

    def _fingerprint_extra(self) -> dict[str, Any]:
        # float32 adds nothing, so the vectors cached before this setting existed stay valid
        return {} if self.precision == "float32" else {"precision": self.precision}

    def _prepare(self) -> None:
        import torch

        torch.set_num_threads(self.threads or os.cpu_count() or 1)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Embed texts that fit the model as they are (one batch), not normalised."""
        import torch

        bfloat16 = self.precision == "bfloat16"
        with torch.autocast(self.device, dtype=torch.bfloat16) if bfloat16 else nullcontext():
            vectors = self.model.encode(
                list(texts),
                batch_size=len(texts),
                convert_to_numpy=True,
                normalize_embeddings=False,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)
