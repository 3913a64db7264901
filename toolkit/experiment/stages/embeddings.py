"""The embeddings stage: paragraph and article vectors from the configured model, and LSA."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from toolkit.embeddings import (
    Embeddings,
    Encoder,
    LsaEncoder,
    embed_corpus,
    make_encoder,
    model_hash,
    resolve_model,
)
from toolkit.embeddings.models import check_downloadable
from toolkit.experiment.schema import EmbeddingsConfig, ExperimentConfig
from toolkit.experiment.stages.base import Inputs, Stage
from toolkit.experiment.stages.corpus import CorpusStage
from toolkit.experiment.stages.text import TextStage
from toolkit.io import cache_root, read_npy, write_npy


@functools.cache
def _encoder(section_json: str) -> Encoder:
    params = json.loads(section_json)
    backend = params.pop("backend")
    quantize = params.pop("quantize")
    params.pop("lsa_dims")
    return make_encoder(backend, quantize=quantize, **params)


def encoder_for(cfg: EmbeddingsConfig | None) -> Encoder | None:
    """The configured text encoder, loaded once per process (None for the lsa backend)."""
    if cfg is None or cfg.backend == "lsa":
        return None
    return _encoder(json.dumps(cfg.model_dump(mode="json"), sort_keys=True))


@dataclass
class EmbeddingsOutput:
    """Model vectors (or LSA for the lsa backend), the corpus's LSA model and its vectors."""

    embeddings: Embeddings
    lsa: LsaEncoder
    lsa_doc_vectors: np.ndarray
    lsa_paragraph_vectors: np.ndarray
    section: EmbeddingsConfig

    @property
    def encoder(self) -> Encoder | None:
        """The model that made ``embeddings`` (loaded on first use), for new text."""
        return encoder_for(self.section)


def lsa_vectors(tokens: Any, dims: int, seed: int) -> tuple[LsaEncoder, np.ndarray, np.ndarray]:
    """LSA fitted on the paragraphs, over the dictionary's tokens; paragraph and doc vectors.

    Over the dictionary's tokens only: on 10kgnad k-means NMI 0.31 against 0.20 on all tokens
    (``benchmarks/embeddings_10kgnad.py``); empty paragraphs get a zero vector.
    """
    _, paragraph_tokens = tokens.paragraph_units()
    vocabulary = tokens.dictionary.token2id
    kept = [[t for t in par if t in vocabulary] for par in paragraph_tokens]
    lsa = LsaEncoder(dims=dims, seed=seed).fit([p for p in kept if p])
    docs = [[t for t in doc if t in vocabulary] for doc in tokens.documents()]
    return lsa, lsa.transform(kept), lsa.transform(docs)


class EmbeddingsStage(Stage[EmbeddingsOutput]):
    name: ClassVar[str] = "embeddings"
    version: ClassVar[int] = 3
    requires: ClassVar[tuple[str, ...]] = ("corpus", "text")

    def check(self, config: ExperimentConfig) -> None:
        cfg = config.embeddings
        if cfg.backend != "lsa":
            check_downloadable(resolve_model(cfg.model))

    def settings(self, config: ExperimentConfig) -> dict[str, Any]:
        cfg = config.embeddings
        settings = cfg.model_dump(mode="json", exclude={"threads", "device"})
        if cfg.backend != "lsa":
            settings["model_hash"] = model_hash(resolve_model(cfg.model))
        settings["seed"] = config.seed
        return settings

    def compute(self, config: ExperimentConfig, inputs: Inputs) -> EmbeddingsOutput:
        cfg = config.embeddings
        tokens = inputs[TextStage].tokens
        lsa, lsa_paragraphs, lsa_docs = lsa_vectors(tokens, cfg.lsa_dims, config.seed)
        if cfg.backend == "lsa":
            index, _ = tokens.paragraph_units()
            embeddings = Embeddings(
                doc_ids=list(tokens.doc_ids),
                doc_vectors=lsa_docs,
                paragraph_index=np.asarray(index, dtype=np.int32).reshape(-1, 2),
                paragraph_vectors=lsa_paragraphs,
                info={
                    "backend": "lsa",
                    "model": lsa.name,
                    "dim": int(lsa_docs.shape[1]),
                    "fingerprint": lsa.fingerprint(),
                },
            )
        else:
            documents = inputs[CorpusStage].documents
            root = inputs.cache_dir or cache_root()
            embeddings = embed_corpus(documents, encoder_for(cfg), root / "embeddings")
        return EmbeddingsOutput(embeddings, lsa, lsa_docs, lsa_paragraphs, cfg)

    def save(self, output: EmbeddingsOutput, folder: Path, config: ExperimentConfig) -> None:
        output.embeddings.save(folder)
        output.lsa.save(folder / "lsa")
        write_npy(folder / "lsa" / "doc_vectors.npy", output.lsa_doc_vectors)
        write_npy(folder / "lsa" / "paragraph_vectors.npy", output.lsa_paragraph_vectors)

    def load(self, folder: Path, config: ExperimentConfig) -> EmbeddingsOutput:
        return EmbeddingsOutput(
            Embeddings.load(folder),
            LsaEncoder.load(folder / "lsa"),
            read_npy(folder / "lsa" / "doc_vectors.npy"),
            read_npy(folder / "lsa" / "paragraph_vectors.npy"),
            config.embeddings,
        )

    def metrics(self, output: EmbeddingsOutput) -> dict[str, Any]:
        emb = output.embeddings
        return {
            "documents": len(emb.doc_ids),
            "paragraphs": len(emb.paragraph_vectors),
            "dim": int(emb.doc_vectors.shape[1]),
            "lsa_dim": int(output.lsa_doc_vectors.shape[1]),
        }

    def provenance(self, output: EmbeddingsOutput) -> dict[str, Any]:
        return {"embedding_cache": dict(output.embeddings.stats)}
