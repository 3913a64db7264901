"""Embeddings: text encoders that never cut long texts, an embedding cache, and the stage.

Examples
--------
>>> from toolkit.embeddings import SentenceTransformerEncoder, embed_corpus
>>> encoder = SentenceTransformerEncoder("all-MiniLM-L6-v2")  # doctest: +SKIP
>>> embeddings = embed_corpus(docs, encoder, cache_dir=None)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.lazy import lazy_attributes

if TYPE_CHECKING:
    from toolkit.embeddings.base import Encoder
    from toolkit.embeddings.cache import EmbeddingCache, default_cache_root, encode_cached
    from toolkit.embeddings.factory import make_encoder
    from toolkit.embeddings.gloss import GlossEncoder
    from toolkit.embeddings.inputs import input_encoder, resolve_input
    from toolkit.embeddings.lsa import LsaEncoder
    from toolkit.embeddings.models import model_hash, resolve_model
    from toolkit.embeddings.sentence_transformers import SentenceTransformerEncoder
    from toolkit.embeddings.stage import Embeddings, embed_corpus, embed_tokens
    from toolkit.embeddings.static import StaticTermEncoder

_WHERE = {
    "EmbeddingCache": "cache",
    "Embeddings": "stage",
    "Encoder": "base",
    "GlossEncoder": "gloss",
    "LsaEncoder": "lsa",
    "SentenceTransformerEncoder": "sentence_transformers",
    "StaticTermEncoder": "static",
    "default_cache_root": "cache",
    "embed_corpus": "stage",
    "embed_tokens": "stage",
    "encode_cached": "cache",
    "input_encoder": "inputs",
    "make_encoder": "factory",
    "model_hash": "models",
    "resolve_input": "inputs",
    "resolve_model": "models",
}

__all__ = [
    "EmbeddingCache",
    "Embeddings",
    "Encoder",
    "GlossEncoder",
    "LsaEncoder",
    "SentenceTransformerEncoder",
    "StaticTermEncoder",
    "default_cache_root",
    "embed_corpus",
    "embed_tokens",
    "encode_cached",
    "input_encoder",
    "make_encoder",
    "model_hash",
    "resolve_input",
    "resolve_model",
]

__getattr__, __dir__ = lazy_attributes(__name__, _WHERE)
