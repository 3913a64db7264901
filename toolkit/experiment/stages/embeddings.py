"""The embeddings stage: paragraph and article vectors from the configured model, and LSA."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
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
from toolkit.embeddings.inputs import input_encoder, resolve_input
from toolkit.embeddings.models import check_downloadable
from toolkit.experiment.schema import EmbeddingsConfig, ExperimentConfig, LexiconConfig
from toolkit.experiment.stages.base import Inputs, Stage
from toolkit.experiment.stages.corpus import CorpusStage
from toolkit.experiment.stages.text import TextStage
from toolkit.io import cache_root, read_npy, write_bytes, write_npy
from toolkit.lexicon import load_lexicon

STATIC_WEIGHTS = "static_weights.json"


@functools.cache
def _model(section_json: str) -> Encoder:
    """The sentence model itself, loaded once per process per configuration."""
    section = EmbeddingsConfig.model_validate_json(section_json)
    params = section.model_dump(
        exclude={"backend", "quantize", "lsa_dims", "input", "static_weighting", "term_backend"}
    )
    return make_encoder(section.backend, quantize=section.quantize, **params)


@functools.cache
def _term_model(backend: str, model: str) -> Encoder:
    """The encoder of single terms for static input (fp32: the same vectors, faster)."""
    return make_encoder(backend, quantize=False, model=model, batch_size=256)


@functools.cache
def _whole_text_model(backend: str, model: str) -> Encoder:
    return make_encoder(backend, quantize=False, model=model)


def embeddings_section(config: ExperimentConfig) -> EmbeddingsConfig:
    """The embeddings section with ``input: auto`` resolved for this experiment.

    The bundled English model reads the static gloss terms, unless the themes read the gloss
    through the whole-text model anyway (themes configured, ``themes.settings.gloss`` on): then
    it reads the gloss, and one pass of the model over every paragraph serves search, clusters
    and themes (on 10kGNAD: label precision@10 0.649 against 0.644 with static input, clusters
    NMI 0.487 against 0.489, free-text MRR 0.765 against 0.816 and 0.714 for BM25; the whole run
    without the static pass, ``benchmarks/whole_run.py``). Any other model reads German.
    """
    cfg = config.embeddings
    if cfg.backend == "lsa" or cfg.input != "auto":
        return cfg
    chosen = resolve_input(cfg.input, cfg.model)
    if chosen == "static" and config.themes is not None and config.themes.settings.gloss:
        chosen = "gloss"
    return cfg.model_copy(update={"input": chosen})


def whole_text_model(cfg: EmbeddingsConfig) -> Encoder:
    """The sentence model over whole texts (the themes' context reads the gloss with it).

    With static input the embeddings never run the model over whole texts: the term backend
    serves, in fp32 (ONNX: the vectors of sentence-transformers, faster). Not int8: the themes
    were calibrated on fp32 vectors and lose 0.01-0.04 macro-F1 on int8 ones
    (``benchmarks/themes_mixed.py --context-model onnx-int8``). Otherwise the configured model.
    """
    if resolve_input(cfg.input, cfg.model) == "static":
        return _whole_text_model(cfg.term_backend, cfg.model)
    return _model(cfg.model_dump_json())


def encoder_for(
    cfg: EmbeddingsConfig | None, lexicon: LexiconConfig | None = None
) -> Encoder | None:
    """The configured text encoder: the model, reading the input the section asks for (a new
    wrapper each call; the model itself is loaded once per process). None for the lsa backend."""
    if cfg is None or cfg.backend == "lsa":
        return None
    model = _model(cfg.model_dump_json())
    lexicon = lexicon or LexiconConfig()
    terms = None
    if resolve_input(cfg.input, cfg.model) == "static":
        terms = _term_model(cfg.term_backend, cfg.model)
    return input_encoder(
        model,
        cfg.input,
        lexicon_path=lexicon.path,
        sense=lexicon.sense,
        keep_unknown=lexicon.keep_unknown,
        weighting=cfg.static_weighting,
        term_encoder=terms,
    )


@dataclass
class EmbeddingsOutput:
    """Model vectors (or LSA for the lsa backend), the corpus's LSA model and its vectors."""

    embeddings: Embeddings
    lsa: LsaEncoder
    lsa_doc_vectors: np.ndarray
    lsa_paragraph_vectors: np.ndarray
    section: EmbeddingsConfig
    lexicon: LexiconConfig
    static_weights: Path | None = None
    fitted_encoder: Encoder | None = field(default=None, repr=False)

    @property
    def encoder(self) -> Encoder | None:
        """The encoder that made ``embeddings`` (its model loaded on first use), for new text:
        with static input, weighted by the corpus's own term weights."""
        if self.fitted_encoder is None:
            encoder = encoder_for(self.section, self.lexicon)
            if self.static_weights is not None and hasattr(encoder, "load_weights"):
                encoder.load_weights(self.static_weights)
            self.fitted_encoder = encoder
        return self.fitted_encoder


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
    version: ClassVar[int] = 4
    requires: ClassVar[tuple[str, ...]] = ("corpus", "text")

    def check(self, config: ExperimentConfig) -> None:
        cfg = embeddings_section(config)
        if cfg.backend == "lsa":
            return
        check_downloadable(resolve_model(cfg.model))
        if resolve_input(cfg.input, cfg.model) != "german":
            load_lexicon(config.lexicon.path)  # a missing dictionary fails before any work

    def settings(self, config: ExperimentConfig) -> dict[str, Any]:
        cfg = embeddings_section(config)
        settings = cfg.model_dump(mode="json", exclude={"threads", "device"})
        if cfg.backend != "lsa":
            settings["model_hash"] = model_hash(resolve_model(cfg.model))
            settings["input"] = resolve_input(cfg.input, cfg.model)
            if settings["input"] != "german":
                lexicon = config.lexicon.model_dump(mode="json", exclude={"path"})
                settings["lexicon"] = {
                    **lexicon,
                    "source": load_lexicon(config.lexicon.path).source,
                }
        settings["seed"] = config.seed
        return settings

    def compute(self, config: ExperimentConfig, inputs: Inputs) -> EmbeddingsOutput:
        cfg = embeddings_section(config)
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
            return EmbeddingsOutput(embeddings, lsa, lsa_docs, lsa_paragraphs, cfg, config.lexicon)
        documents = inputs[CorpusStage].documents
        encoder = encoder_for(cfg, config.lexicon)
        if hasattr(encoder, "fit"):
            # static input: term weights (idf) from this corpus's paragraphs
            encoder.fit([p for doc in documents for p in doc.paragraphs if p.strip()])
        root = inputs.cache_dir or cache_root()
        embeddings = embed_corpus(documents, encoder, root / "embeddings")
        return EmbeddingsOutput(
            embeddings, lsa, lsa_docs, lsa_paragraphs, cfg, config.lexicon, fitted_encoder=encoder
        )

    def save(self, output: EmbeddingsOutput, folder: Path, config: ExperimentConfig) -> None:
        output.embeddings.save(folder)
        if output.static_weights is not None:
            write_bytes(folder / STATIC_WEIGHTS, output.static_weights.read_bytes())
        elif getattr(output.fitted_encoder, "weights_", None) is not None:
            output.fitted_encoder.save_weights(folder / STATIC_WEIGHTS)
        output.lsa.save(folder / "lsa")
        write_npy(folder / "lsa" / "doc_vectors.npy", output.lsa_doc_vectors)
        write_npy(folder / "lsa" / "paragraph_vectors.npy", output.lsa_paragraph_vectors)

    def load(self, folder: Path, config: ExperimentConfig) -> EmbeddingsOutput:
        weights = folder / STATIC_WEIGHTS
        return EmbeddingsOutput(
            Embeddings.load(folder),
            LsaEncoder.load(folder / "lsa"),
            read_npy(folder / "lsa" / "doc_vectors.npy"),
            read_npy(folder / "lsa" / "paragraph_vectors.npy"),
            embeddings_section(config),
            config.lexicon,
            weights if weights.is_file() else None,
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
