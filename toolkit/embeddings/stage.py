"""The embeddings stage: paragraph vectors, and article vectors pooled from them.

Every paragraph is encoded (split into passages by the encoder when long) and each article
vector is the token-length-weighted mean of its paragraph vectors, renormalised, so every
passage is encoded once and no text is cut. :func:`embed_tokens` does the same for the LSA
baseline, which works on the text pipeline's token lists.

Examples
--------
>>> from toolkit.corpus.document import Document
>>> docs = [Document.from_text("a", "Die NATO tagt.\\n\\nSchweden tritt bei.")]
>>> emb = embed_corpus(docs, SentenceTransformerEncoder(), cache_dir=None)  # doctest: +SKIP
>>> emb.doc_vectors.shape, emb.paragraph_index.tolist()  # doctest: +SKIP
((1, 384), [[0, 0], [0, 1]])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from toolkit.corpus.document import Document
from toolkit.embeddings.base import Encoder
from toolkit.embeddings.cache import EmbeddingCache, encode_cached
from toolkit.embeddings.lsa import LsaEncoder
from toolkit.embeddings.passages import pool
from toolkit.errors import CorpusError, RunError
from toolkit.io import read_json, read_npy, require_files, write_json, write_npy
from toolkit.text.tokenized import TokenizedCorpus

_FILES = (
    "doc_ids.json",
    "doc_vectors.npy",
    "paragraph_index.npy",
    "paragraph_vectors.npy",
    "info.json",
)


@dataclass
class Embeddings:
    """Article and paragraph vectors of a corpus.

    Attributes
    ----------
    doc_ids : list of str
    doc_vectors : ndarray of shape (n_docs, d), float32
    paragraph_index : ndarray of shape (n_paragraphs, 2), int32
        ``(document position, paragraph position)`` of each row of ``paragraph_vectors``.
    paragraph_vectors : ndarray of shape (n_paragraphs, d), float32
    info : dict
        Deterministic description: model, backend, dim, fingerprint, counts.
    stats : dict
        Run-dependent counts (cache hits / misses); not saved.
    """

    doc_ids: list[str]
    doc_vectors: np.ndarray
    paragraph_index: np.ndarray
    paragraph_vectors: np.ndarray
    info: dict[str, Any]
    stats: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.doc_ids)

    def paragraphs_of(self, position: int) -> np.ndarray:
        """Paragraph vectors of the document at ``position``, in paragraph order."""
        return self.paragraph_vectors[self.paragraph_index[:, 0] == position]

    def save(self, folder: str | Path) -> None:
        """Write ``doc_ids.json``, ``doc_vectors.npy``, ``paragraph_index.npy``,
        ``paragraph_vectors.npy`` and ``info.json`` into ``folder``."""
        folder = Path(folder)
        write_npy(folder / "doc_vectors.npy", self.doc_vectors.astype(np.float32, copy=False))
        write_npy(
            folder / "paragraph_vectors.npy", self.paragraph_vectors.astype(np.float32, copy=False)
        )
        write_npy(folder / "paragraph_index.npy", self.paragraph_index.astype(np.int32, copy=False))
        write_json(folder / "doc_ids.json", list(self.doc_ids))
        write_json(folder / "info.json", self.info)

    @classmethod
    def load(cls, folder: str | Path, mmap: bool = False) -> Embeddings:
        """Read what :meth:`save` wrote; ``mmap=True`` maps the vector files read-only."""
        folder = Path(folder)
        require_files(folder, _FILES, "embeddings are")
        embeddings = cls(
            doc_ids=[str(i) for i in read_json(folder / "doc_ids.json")],
            doc_vectors=read_npy(folder / "doc_vectors.npy", mmap=mmap),
            paragraph_index=read_npy(folder / "paragraph_index.npy"),
            paragraph_vectors=read_npy(folder / "paragraph_vectors.npy", mmap=mmap),
            info=read_json(folder / "info.json"),
        )
        if embeddings.doc_vectors.shape[0] != len(embeddings.doc_ids):
            raise RunError(
                f"{folder}: doc_vectors.npy has {embeddings.doc_vectors.shape[0]} rows "
                f"for {len(embeddings.doc_ids)} ids in doc_ids.json"
            )
        return embeddings


def _paragraph_units(docs: list[Document]) -> tuple[np.ndarray, list[str]]:
    index: list[tuple[int, int]] = []
    texts: list[str] = []
    seen: set[str] = set()
    for d, doc in enumerate(docs):
        if doc.id in seen:
            raise CorpusError(f"duplicate document id {doc.id!r}")
        seen.add(doc.id)
        units = [(p, text) for p, text in enumerate(doc.paragraphs) if text.strip()]
        if not units:
            raise CorpusError(f"document {doc.id!r} has no text to embed")
        for p, text in units:
            index.append((d, p))
            texts.append(text)
    return np.array(index, dtype=np.int32).reshape(-1, 2), texts


def _token_weights(encoder: Encoder, texts: list[str]) -> np.ndarray:
    count = getattr(encoder, "count_tokens", None)
    if count is not None:
        return np.asarray(count(texts), dtype=np.float64)
    # Backends without a tokenizer at hand weigh paragraphs by their words.
    return np.array([max(len(text.split()), 1) for text in texts], dtype=np.float64)


def embed_corpus(
    docs: list[Document], encoder: Encoder, cache_dir: str | Path | None
) -> Embeddings:
    """Encode every paragraph of ``docs`` and pool them into article vectors.

    Parameters
    ----------
    docs : list of Document
    encoder : Encoder
        E.g. :class:`~toolkit.embeddings.sentence_transformers.SentenceTransformerEncoder`.
    cache_dir : Path or None
        Root of the embedding cache (paragraph vectors are reused across runs);
        ``None`` encodes everything.

    Returns
    -------
    Embeddings
        Article vectors are the paragraph vectors' mean weighted by token count, L2-normalised
        when the encoder normalises (its ``normalize`` attribute, default true).

    Raises
    ------
    CorpusError
        For a document without text or a duplicate id.
    """
    index, texts = _paragraph_units(docs)
    cache = EmbeddingCache(cache_dir, encoder.fingerprint()) if cache_dir is not None else None
    paragraph_vectors = encode_cached(encoder, texts, cache)
    weights = _token_weights(encoder, texts)
    normalize = bool(getattr(encoder, "normalize", True))
    doc_vectors = pool(paragraph_vectors, index[:, 0], len(docs), "mean", weights, normalize)
    info = {
        "backend": getattr(encoder, "backend", type(encoder).__name__),
        "model": encoder.name,
        "dim": int(paragraph_vectors.shape[1]),
        "fingerprint": encoder.fingerprint(),
        "n_docs": len(docs),
        "n_paragraphs": len(texts),
        "article_pooling": "token-weighted mean of paragraphs",
    }
    stats = dict(cache.stats) if cache is not None else {"hits": 0, "misses": len(texts)}
    return Embeddings([doc.id for doc in docs], doc_vectors, index, paragraph_vectors, info, stats)


def embed_tokens(
    corpus: TokenizedCorpus, encoder: LsaEncoder, use_dictionary: bool = True
) -> Embeddings:
    """LSA vectors of a tokenised corpus: fitted on its paragraphs unless already fitted.

    Paragraph vectors are the LSA projections of the paragraphs; article vectors are the
    projections of whole articles (their paragraphs' tokens together), which TF-IDF weighs
    better than an average of paragraph vectors would. Empty paragraphs are left out.

    With ``use_dictionary`` only tokens in ``corpus.dictionary`` (the text stage's filtered
    vocabulary) count: on 10kgnad that lifts k-means NMI of the article vectors from about
    0.20 to 0.31 (``benchmarks/embeddings_10kgnad.py``).

    Examples
    --------
    >>> emb = embed_tokens(tokenized, LsaEncoder(dims=100, seed=0))  # doctest: +SKIP
    """
    if use_dictionary:
        vocabulary = corpus.dictionary.token2id
        paragraphs = [
            [[t for t in par if t in vocabulary] for par in doc] for doc in corpus.paragraphs
        ]
        corpus = TokenizedCorpus(corpus.doc_ids, paragraphs, corpus.dictionary)
    units, tokens = corpus.paragraph_units()
    keep = [i for i, toks in enumerate(tokens) if toks]
    index = np.array([units[i] for i in keep], dtype=np.int32).reshape(-1, 2)
    tokens = [tokens[i] for i in keep]
    if encoder.components_ is None:
        encoder.fit(tokens)
    info = {
        "backend": "lsa",
        "model": encoder.name,
        "dim": encoder.dim,
        "fingerprint": encoder.fingerprint(),
        "n_docs": len(corpus),
        "n_paragraphs": len(tokens),
        "article_pooling": "projection of the whole article",
    }
    return Embeddings(
        list(corpus.doc_ids),
        encoder.transform(corpus.documents()),
        index,
        encoder.transform(tokens),
        info,
    )
