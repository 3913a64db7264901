"""Building a text encoder by backend name (what a config's ``embeddings`` section names)."""

from __future__ import annotations

from typing import Any

from toolkit.embeddings.base import Encoder
from toolkit.embeddings.sentence_transformers import SentenceTransformerEncoder

BACKENDS = ("sentence-transformers", "onnx")


def make_encoder(
    backend: str = "sentence-transformers", *, quantize: bool = True, **params: Any
) -> Encoder:
    """The text encoder of ``backend`` with ``params``.

    Parameters
    ----------
    backend : {"sentence-transformers", "onnx"}
        sentence-transformers on torch, or the same model exported to ONNX Runtime.
    quantize : bool, default True
        ``onnx``: dynamic int8 quantisation of the weights.
    **params
        The :class:`~toolkit.embeddings.passage_encoder.PassageEncoder` parameters: ``model``,
        ``batch_size``, ``max_length``, ``normalize``, ``device``, ``pooling``,
        ``passage_overlap``, ``threads``; sentence-transformers also ``precision``.

    Raises
    ------
    ValueError
        For another backend (LSA is trained on the corpus's token lists: see
        :class:`~toolkit.embeddings.lsa.LsaEncoder`).

    Examples
    --------
    >>> make_encoder(pooling="max").pooling  # doctest: +SKIP
    'max'
    """
    if backend == "sentence-transformers":
        return SentenceTransformerEncoder(**params)
    if backend == "onnx":
        # Imported here: onnxruntime is only needed by configs that ask for it.
        from toolkit.embeddings.onnx import OnnxEncoder

        return OnnxEncoder(**params, quantize=quantize)
    raise ValueError(f"no text encoder for backend {backend!r}; choose one of {BACKENDS}")
