"""Building the configured encoder from the ``embeddings`` config section."""

from __future__ import annotations

from toolkit.config import EmbeddingsConfig
from toolkit.embeddings.base import Encoder
from toolkit.embeddings.sentence_transformers import SentenceTransformerEncoder
from toolkit.errors import ConfigError


def make_encoder(config: EmbeddingsConfig) -> Encoder:
    """The text encoder an ``embeddings`` section describes.

    Parameters
    ----------
    config : EmbeddingsConfig
        ``backend`` ``sentence-transformers`` or ``onnx``.

    Raises
    ------
    ConfigError
        For ``backend: lsa``: LSA is trained on the corpus's token lists, so it is built with
        :class:`~toolkit.embeddings.lsa.LsaEncoder` (``lsa_dims``, the experiment seed) instead.

    Examples
    --------
    >>> from toolkit.config import EmbeddingsConfig
    >>> make_encoder(EmbeddingsConfig(pooling="max")).pooling  # doctest: +SKIP
    'max'
    """
    kwargs = {
        "model": config.model,
        "batch_size": config.batch_size,
        "max_length": config.max_length,
        "normalize": config.normalize,
        "device": config.device,
        "pooling": config.pooling,
        "passage_overlap": config.passage_overlap,
        "threads": config.threads,
    }
    if config.backend == "sentence-transformers":
        return SentenceTransformerEncoder(**kwargs)
    if config.backend == "onnx":
        # Imported here: onnxruntime is only needed by configs that ask for it.
        from toolkit.embeddings.onnx import OnnxEncoder

        return OnnxEncoder(**kwargs, quantize=config.quantize)
    raise ConfigError(
        f"embeddings.backend {config.backend!r} is trained on the corpus, not built from a "
        "config alone: use toolkit.embeddings.LsaEncoder(dims=config.lsa_dims, seed=seed) "
        "with fit(token_lists), or embed_tokens(tokenized_corpus, LsaEncoder(...))"
    )
