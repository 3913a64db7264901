"""The embeddings stage: paragraph and article vectors from the configured model, and LSA.

LSA is fitted on the client, on the sample's paragraphs; then each partition is embedded by a
task (on a worker when a cluster runs): its paragraphs and articles through the model (loaded
once per worker process from the section's plain parameters) and through LSA. The client
concatenates the partitions' vectors into the stage's ``.npy`` files a partition at a time,
and later stages read them memory-mapped.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from toolkit.corpus.parquet import read_documents
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
from toolkit.experiment.partitions import (
    Job,
    Once,
    jobs,
    sample_positions,
    sampled,
    stack_npy,
)
from toolkit.experiment.schema import EmbeddingsConfig, ExperimentConfig
from toolkit.experiment.stages.base import Inputs, Stage
from toolkit.experiment.stages.corpus import CorpusStage
from toolkit.experiment.stages.text import TextStage, read_paragraphs
from toolkit.io import cache_root, link_tree, read_npy, sha256_file, write_json, write_npy
from toolkit.lexicon.lexicon import DEFAULT_PATH, missing_dictionary

# the arrays one partition's task writes, beside its target name
PARTS = ("doc", "paragraph", "index", "lsa_doc", "lsa_paragraph")
# the static input's term weights, fitted on the sample
WEIGHTS = "term_weights.json"


@functools.cache
def encoder_from_json(section_json: str) -> Encoder:
    """The encoder of an ``embeddings`` section given as JSON, loaded once per process (what
    it reads, German text or the English gloss, wrapped around the model)."""
    params = json.loads(section_json)
    backend, quantize = params.pop("backend"), params.pop("quantize")
    reads, weighting = params.pop("input"), params.pop("weighting")
    params.pop("lsa_dims")
    model = make_encoder(backend, quantize=quantize, **params)
    return input_encoder(model, reads, weighting=weighting)


def with_weights(encoder: Encoder, weights: Path | None) -> Encoder:
    """``encoder`` with the term weights fitted on the sample (static input), if any."""
    if weights is not None:
        encoder.load_weights(weights)  # type: ignore[attr-defined]
    return encoder


def fit_encoder(
    encoder: Encoder, config: ExperimentConfig, inputs: Inputs, out: Path
) -> Path | None:
    """Fit what the encoder learns from the corpus (the static input's term weights) on the
    sample's paragraphs; returns the weights' file, or None when it learns nothing."""
    if getattr(encoder, "weighting", None) not in ("idf", "sif"):
        return None
    parts = inputs[CorpusStage].partitions
    positions = sample_positions(len(parts), config.compute.sample, config.seed)
    texts = [
        p for doc in sampled(parts, positions, read_documents) for p in doc.paragraphs if p.strip()
    ]
    encoder.fit(texts)  # type: ignore[attr-defined]
    encoder.save_weights(out / WEIGHTS)  # type: ignore[attr-defined]
    return out / WEIGHTS


def encoder_params(cfg: EmbeddingsConfig) -> str:
    """The section as the plain JSON a worker builds its encoder from."""
    return json.dumps(cfg.model_dump(mode="json"), sort_keys=True)


def encoder_for(cfg: EmbeddingsConfig | None) -> Encoder | None:
    """The configured text encoder, loaded once per process (None for the lsa backend)."""
    if cfg is None or cfg.backend == "lsa":
        return None
    return encoder_from_json(encoder_params(cfg))


@dataclass
class EmbeddingsOutput:
    """Model vectors (or LSA for the lsa backend), the corpus's LSA model and its vectors.

    The arrays are memory-mapped from ``folder`` (the stage's files), so a large corpus's
    vectors are read as needed.
    """

    embeddings: Embeddings
    lsa: LsaEncoder
    lsa_doc_vectors: np.ndarray
    lsa_paragraph_vectors: np.ndarray
    section: EmbeddingsConfig
    folder: Path

    @property
    def encoder(self) -> Encoder | None:
        """The model that made ``embeddings`` (loaded on first use), for new text."""
        encoder = encoder_for(self.section)
        weights = self.folder / WEIGHTS
        return (
            None
            if encoder is None
            else with_weights(encoder, weights if weights.is_file() else None)
        )

    @classmethod
    def read(cls, folder: Path, section: EmbeddingsConfig) -> EmbeddingsOutput:
        return cls(
            Embeddings.load(folder, mmap=True),
            LsaEncoder.load(folder / "lsa"),
            read_npy(folder / "lsa" / "doc_vectors.npy", mmap=True),
            read_npy(folder / "lsa" / "paragraph_vectors.npy", mmap=True),
            section,
            folder,
        )


def fit_lsa(config: ExperimentConfig, inputs: Inputs) -> LsaEncoder:
    """LSA fitted on the sample's paragraphs, over the dictionary's tokens.

    Over the dictionary's tokens only: on 10kgnad k-means NMI 0.31 against 0.20 on all tokens
    (``benchmarks/embeddings_10kgnad.py``); transforming needs no filter, since LSA ignores
    the words it was not fitted on.
    """
    text = inputs[TextStage]
    vocabulary = text.pipeline.dictionary_.token2id
    positions = sample_positions(len(text.partitions), config.compute.sample, config.seed)
    paragraphs = (
        kept
        for doc in sampled(text.partitions, positions, read_paragraphs)
        for par in doc
        if (kept := [t for t in par if t in vocabulary])
    )
    return LsaEncoder(dims=config.embeddings.lsa_dims, seed=config.seed).fit(list(paragraphs))


def _lsa_embeddings(paragraphs: list[list[list[str]]], lsa: LsaEncoder) -> dict[str, np.ndarray]:
    units = [par for doc in paragraphs for par in doc]
    index = [(d, p) for d, doc in enumerate(paragraphs) for p in range(len(doc))]
    return {
        "lsa_paragraph": lsa.transform(units),
        "lsa_doc": lsa.transform([[t for par in doc for t in par] for doc in paragraphs]),
        "index": np.asarray(index, dtype=np.int32).reshape(-1, 2),
    }


def embed_partition(
    job: Job, lsa: LsaEncoder, encoder: str | None, weights: str | None, cache: str | None
) -> dict[str, Any]:
    """Task: one partition's model and LSA vectors, each array written to its own ``.npy``.

    ``encoder`` is the section's JSON (None: the lsa backend, whose vectors are LSA's own) and
    ``weights`` the file of its fitted term weights; ``cache`` the embedding cache's root, in
    which each partition keeps its paragraph vectors apart (by the hash of its file), so a task
    reads only its own entries however large the corpus.
    """
    paragraphs = read_paragraphs(job.sources[1])
    arrays = _lsa_embeddings(paragraphs, lsa)
    stats = {"hits": 0, "misses": 0}
    if encoder is None:
        arrays["doc"], arrays["paragraph"] = arrays["lsa_doc"], arrays["lsa_paragraph"]
    else:
        model = with_weights(encoder_from_json(encoder), weights and Path(weights))
        folder = cache and Path(cache) / "partitions" / sha256_file(job.sources[0])
        embeddings = embed_corpus(read_documents(job.sources[0]), model, folder)
        arrays["doc"], arrays["paragraph"] = embeddings.doc_vectors, embeddings.paragraph_vectors
        arrays["index"] = embeddings.paragraph_index
        stats = {k: int(embeddings.stats[k]) for k in ("hits", "misses")}
    for name in PARTS:
        dtype = np.int32 if name == "index" else np.float32
        write_npy(part_file(job.target, name), np.asarray(arrays[name], dtype=dtype))
    return {"documents": len(paragraphs), "paragraphs": len(arrays["index"]), **stats}


def part_file(target: Path, name: str) -> Path:
    """The file of array ``name`` of the partition whose task writes ``target``."""
    return target.with_name(f"{target.name}.{name}.npy")


class EmbeddingsStage(Stage[EmbeddingsOutput]):
    name: ClassVar[str] = "embeddings"
    version: ClassVar[int] = 4
    requires: ClassVar[tuple[str, ...]] = ("corpus", "text")

    def check(self, config: ExperimentConfig) -> None:
        cfg = config.embeddings
        if cfg.backend != "lsa":
            check_downloadable(resolve_model(cfg.model))
            if resolve_input(cfg.input, cfg.model) != "german" and not DEFAULT_PATH.is_file():
                raise missing_dictionary(DEFAULT_PATH)

    def settings(self, config: ExperimentConfig) -> dict[str, Any]:
        cfg = config.embeddings
        settings = cfg.model_dump(mode="json", exclude={"threads", "device"})
        if cfg.backend != "lsa":
            settings["model_hash"] = model_hash(resolve_model(cfg.model))
        settings["seed"] = config.seed
        settings["sample"] = config.compute.sample
        return settings

    def compute(self, config: ExperimentConfig, inputs: Inputs) -> EmbeddingsOutput:
        cfg = config.embeddings
        lsa = fit_lsa(config, inputs)
        work = inputs.work_folder()
        out = work / "out"
        sources = [inputs[CorpusStage].partitions, inputs[TextStage].partitions]
        todo = jobs(sources, work / "parts", "embeddings", "")
        lsa_only = cfg.backend == "lsa"
        model = lsa if lsa_only else encoder_for(cfg)
        weights = None if lsa_only else fit_encoder(model, config, inputs, out)
        done = inputs.compute.map_partitions(
            Once(embed_partition),
            todo,
            desc="embeddings",
            lsa=lsa,
            encoder=None if lsa_only else encoder_params(cfg),
            weights=None if weights is None else str(weights),
            cache=None if lsa_only else str((inputs.cache_dir or cache_root()) / "embeddings"),
        )
        self._assemble(todo, done, out, inputs)
        lsa.save(out / "lsa")
        write_json(out / "info.json", self._info(model, done, lsa_only))
        output = EmbeddingsOutput.read(out, cfg)
        output.embeddings.stats = {k: sum(d[k] for d in done) for k in ("hits", "misses")}
        return output

    @staticmethod
    def _assemble(todo: list[Job], done: list[dict[str, Any]], out: Path, inputs: Inputs) -> None:
        """The partitions' arrays concatenated into the stage's files, and the document ids."""
        targets = [job.target for job in todo]
        shifts = np.concatenate([[0], np.cumsum([d["documents"] for d in done])])[:-1]
        files = {
            "doc": out / "doc_vectors.npy",
            "paragraph": out / "paragraph_vectors.npy",
            "lsa_doc": out / "lsa" / "doc_vectors.npy",
            "lsa_paragraph": out / "lsa" / "paragraph_vectors.npy",
        }
        for name, target in files.items():
            stack_npy([part_file(t, name) for t in targets], target)
        stack_npy([part_file(t, "index") for t in targets], out / "paragraph_index.npy", shifts)
        write_json(out / "doc_ids.json", inputs[TextStage].doc_ids)

    @staticmethod
    def _info(model: Any, done: list[dict[str, Any]], lsa_only: bool) -> dict[str, Any]:
        documents = sum(d["documents"] for d in done)
        if lsa_only:
            fingerprint = model.fingerprint()
            return {
                "backend": "lsa",
                "model": model.name,
                "dim": model.dim,
                "fingerprint": fingerprint,
            }
        return {
            "backend": getattr(model, "backend", type(model).__name__),
            "model": model.name,
            "dim": int(model.dim),
            "fingerprint": model.fingerprint(),
            "n_docs": documents,
            "n_paragraphs": sum(d["paragraphs"] for d in done),
            "article_pooling": "token-weighted mean of paragraphs",
        }

    def save(self, output: EmbeddingsOutput, folder: Path, config: ExperimentConfig) -> None:
        link_tree(output.folder, folder)

    def load(self, folder: Path, config: ExperimentConfig) -> EmbeddingsOutput:
        return EmbeddingsOutput.read(folder, config.embeddings)

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
