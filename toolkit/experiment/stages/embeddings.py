"""The embeddings stage: paragraph and article vectors from the configured model, and LSA.

LSA and what the encoder learns from the corpus (the static input's term weights) are fitted on
the client, on the sample; then each partition is embedded by a task (on a worker when a cluster
runs): its paragraphs and articles through the encoder (built once per worker process from the
sections' plain JSON, with the fitted weights read from their file) and through LSA. The client
concatenates the partitions' vectors into the stage's ``.npy`` files a partition at a time, and
later stages read them memory-mapped.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
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
from toolkit.embeddings.sentence_transformers import resolve_precision
from toolkit.experiment.partitions import Job, Once, jobs, sample_positions, sampled, stack_npy
from toolkit.experiment.schema import EmbeddingsConfig, ExperimentConfig, LexiconConfig
from toolkit.experiment.stages.base import Inputs, Stage
from toolkit.experiment.stages.corpus import CorpusStage
from toolkit.experiment.stages.lsa import (
    fit_lsa,
    gloss_words,
    lsa_glosser,
    lsa_reads,
    partition_lsa,
)
from toolkit.experiment.stages.text import TextStage
from toolkit.io import cache_root, link_tree, read_npy, sha256_file, write_json, write_npy
from toolkit.lexicon import gloss_source, require_dictionary

STATIC_WEIGHTS = "static_weights.json"
# the arrays one partition's task writes, beside its target name
PARTS = ("doc", "paragraph", "index", "lsa_doc", "lsa_paragraph")


@functools.cache
def _model(section_json: str) -> Encoder:
    """The sentence model itself, loaded once per process per configuration."""
    section = EmbeddingsConfig.model_validate_json(section_json)
    params = section.model_dump(
        exclude={"backend", "quantize", "lsa_dims", "input", "static_weighting", "term_backend"}
    )
    if section.backend != "sentence-transformers":
        del params["precision"]  # torch's autocast; ONNX Runtime runs its own graph
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
    and themes (on 10kGNAD: label precision@10 0.651 against 0.643 with static input, clusters
    NMI 0.493 against 0.484, free-text MRR 0.770 against 0.783 and 0.714 for BM25; the whole run
    without the static pass, ``benchmarks/whole_run.py``) — unless the themes read only some
    paragraphs (``themes.settings.context_share`` below 1). Any other model reads German.
    ``precision: auto`` is resolved on the client, so every worker computes in the same one.
    """
    cfg = config.embeddings
    if cfg.backend == "sentence-transformers":
        cfg = cfg.model_copy(update={"precision": resolve_precision(cfg.precision, cfg.device)})
    if cfg.backend == "lsa" or cfg.input != "auto":
        return cfg
    chosen = resolve_input(cfg.input, cfg.model)
    themes = config.themes
    # with the context cascade the themes read only some paragraphs: static input stays
    if chosen == "static" and themes is not None and themes.settings.gloss:
        chosen = "gloss" if themes.settings.context_share >= 1 else chosen
    return cfg.model_copy(update={"input": chosen})


def lexicon_settings(config: ExperimentConfig) -> dict[str, Any]:
    """What a stage that glosses keys its cache on: the lexicon section (not its path) and what
    decides the glosses (the dictionary's hash, the parse format, the gloss version)."""
    lexicon = config.lexicon.model_dump(mode="json", exclude={"path"})
    return {**lexicon, **gloss_source(config.lexicon.path)}


def whole_text_model(cfg: EmbeddingsConfig) -> Encoder:
    """The sentence model over whole texts (the themes' context reads the gloss with it).

    With static input the embeddings never run the model over whole texts: the term backend
    serves, in fp32 (ONNX: the vectors of sentence-transformers, faster). Not int8: the themes
    were calibrated on fp32 vectors and lose 0.01-0.04 macro-F1 on int8 ones
    (``benchmarks/themes_mixed.py --context-model onnx-int8``). Otherwise the configured model,
    in its ``precision`` (bfloat16 moved single paragraphs, net none: see the README).
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


def worker_encoder(sections: tuple[str, str], weights: str | None) -> Encoder:
    """On a worker: the encoder of the ``embeddings`` and ``lexicon`` sections given as JSON,
    with the term weights fitted on the sample (static input) read from ``weights``."""
    cfg = EmbeddingsConfig.model_validate_json(sections[0])
    encoder = encoder_for(cfg, LexiconConfig.model_validate_json(sections[1]))
    if weights is not None:
        encoder.load_weights(weights)  # type: ignore[union-attr]
    return encoder  # type: ignore[return-value]


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
    lexicon: LexiconConfig
    folder: Path
    fitted_encoder: Encoder | None = field(default=None, repr=False)

    @property
    def static_weights(self) -> Path | None:
        """The static input's term weights fitted on the corpus, if it has them."""
        path = self.folder / STATIC_WEIGHTS
        return path if path.is_file() else None

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

    @property
    def lsa_reads(self) -> str:
        """What the LSA vectors read: ``tokens`` (the text pipeline's) or ``gloss`` (its
        words); runs from before the gloss was read say nothing, and read tokens."""
        return str(self.embeddings.info.get("lsa_reads", "tokens"))

    def lsa_words(self, text: str) -> list[str]:
        """The words of new ``text`` as this LSA reads them, when it reads the gloss."""
        return gloss_words(lsa_glosser(self.lexicon.model_dump_json()), text)

    @classmethod
    def read(cls, folder: Path, config: ExperimentConfig) -> EmbeddingsOutput:
        return cls(
            Embeddings.load(folder, mmap=True),
            LsaEncoder.load(folder / "lsa"),
            read_npy(folder / "lsa" / "doc_vectors.npy", mmap=True),
            read_npy(folder / "lsa" / "paragraph_vectors.npy", mmap=True),
            embeddings_section(config),
            config.lexicon,
            folder,
        )


def fit_encoder(encoder: Any, config: ExperimentConfig, inputs: Inputs, out: Path) -> Path | None:
    """Fit what the encoder learns from the corpus (static input: the term weights) on the
    sample's paragraphs; returns the file of the weights, or None when it learns nothing."""
    if not hasattr(encoder, "fit"):
        return None
    parts = inputs[CorpusStage].partitions
    positions = sample_positions(len(parts), config.compute.sample, config.seed)
    documents = sampled(parts, positions, read_documents)
    encoder.fit([p for doc in documents for p in doc.paragraphs if p.strip()])
    if getattr(encoder, "weights_", None) is None:
        return None
    encoder.save_weights(out / STATIC_WEIGHTS)
    return out / STATIC_WEIGHTS


def embed_partition(
    job: Job,
    lsa: LsaEncoder,
    sections: tuple[str, str] | None,
    weights: str | None,
    cache: str | None,
    lsa_lexicon: str | None = None,
) -> dict[str, Any]:
    """Task: one partition's model and LSA vectors, each array written to its own ``.npy``.

    ``sections`` are the ``embeddings`` and ``lexicon`` sections' JSON (None: the lsa backend,
    whose vectors are LSA's own), ``weights`` the file of the fitted term weights; ``cache``
    the embedding cache's root, in which each partition keeps its paragraph vectors apart (by
    the hash of its file), so a task reads only its own entries however large the corpus.
    ``lsa_lexicon``: the lexicon section's JSON when LSA reads the gloss (:mod:`.lsa`).
    """
    # read once: the gloss LSA and the encoder both read the partition's documents
    documents = read_documents(job.sources[0]) if sections or lsa_lexicon else []
    arrays = partition_lsa(documents, str(job.sources[1]), lsa, lsa_lexicon)
    count = int(arrays["lsa_doc"].shape[0])
    stats = {"hits": 0, "misses": 0}
    if sections is None:
        arrays["doc"], arrays["paragraph"] = arrays["lsa_doc"], arrays["lsa_paragraph"]
    else:
        encoder = worker_encoder(sections, weights)
        folder = cache and Path(cache) / "partitions" / sha256_file(job.sources[0])
        embeddings = embed_corpus(documents, encoder, folder)
        arrays["doc"], arrays["paragraph"] = embeddings.doc_vectors, embeddings.paragraph_vectors
        arrays["index"] = embeddings.paragraph_index
        stats = {k: int(embeddings.stats[k]) for k in ("hits", "misses")}
    for name in PARTS:
        dtype = np.int32 if name == "index" else np.float32
        write_npy(part_file(job.target, name), np.asarray(arrays[name], dtype=dtype))
    return {"documents": count, "paragraphs": len(arrays["index"]), **stats}


def part_file(target: Path, name: str) -> Path:
    """The file of array ``name`` of the partition whose task writes ``target``."""
    return target.with_name(f"{target.name}.{name}.npy")


def assemble(jobs_done: list[Job], done: list[dict[str, Any]], out: Path, doc_ids: list) -> None:
    """The partitions' arrays concatenated into the stage's files, and the document ids."""
    targets = [job.target for job in jobs_done]
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
    write_json(out / "doc_ids.json", doc_ids)


def describe(model: Any, done: list[dict[str, Any]], lsa_only: bool) -> dict[str, Any]:
    """The stage's ``info.json``: the model, its fingerprint and the counts."""
    if lsa_only:
        return {"backend": "lsa", "model": model.name, "dim": model.dim}
    return {
        "backend": getattr(model, "backend", type(model).__name__),
        "model": model.name,
        "dim": int(model.dim),
        "fingerprint": model.fingerprint(),
        "n_docs": sum(d["documents"] for d in done),
        "n_paragraphs": sum(d["paragraphs"] for d in done),
        "article_pooling": "token-weighted mean of paragraphs",
    }


class EmbeddingsStage(Stage[EmbeddingsOutput]):
    name: ClassVar[str] = "embeddings"
    version: ClassVar[int] = 7
    requires: ClassVar[tuple[str, ...]] = ("corpus", "text")
    every_core: ClassVar[bool] = True  # torch's threads (LSA alone: numpy's)

    def check(self, config: ExperimentConfig) -> None:
        cfg = embeddings_section(config)
        if cfg.backend == "lsa":
            return
        check_downloadable(resolve_model(cfg.model))
        if resolve_input(cfg.input, cfg.model) != "german":
            require_dictionary(config.lexicon.path)  # a missing dictionary fails before any work

    def settings(self, config: ExperimentConfig) -> dict[str, Any]:
        cfg = embeddings_section(config)
        settings = cfg.model_dump(mode="json", exclude={"threads", "device"})
        if cfg.backend != "lsa":
            settings["model_hash"] = model_hash(resolve_model(cfg.model))
            settings["input"] = resolve_input(cfg.input, cfg.model)
            if settings["input"] != "german":
                settings["lexicon"] = lexicon_settings(config)
        settings["lsa_reads"] = lsa_reads(cfg)
        settings["seed"] = config.seed
        settings["sample"] = config.compute.sample
        return settings

    def compute(self, config: ExperimentConfig, inputs: Inputs) -> EmbeddingsOutput:
        cfg = embeddings_section(config)
        reads = lsa_reads(cfg)
        lsa = fit_lsa(config, inputs, reads)
        work = inputs.work_folder()
        out = work / "out"
        sources = [inputs[CorpusStage].partitions, inputs[TextStage].partitions]
        todo = jobs(sources, work / "parts", "embeddings", "")
        lsa_only = cfg.backend == "lsa"
        model = lsa if lsa_only else encoder_for(cfg, config.lexicon)
        weights = None if lsa_only else fit_encoder(model, config, inputs, out)
        sections = (cfg.model_dump_json(), config.lexicon.model_dump_json())
        done = inputs.compute.map_partitions(
            Once(embed_partition),
            todo,
            desc="embeddings",
            lsa=lsa,
            sections=None if lsa_only else sections,
            weights=None if weights is None else str(weights),
            cache=None if lsa_only else str((inputs.cache_dir or cache_root()) / "embeddings"),
            lsa_lexicon=config.lexicon.model_dump_json() if reads == "gloss" else None,
        )
        assemble(todo, done, out, inputs[TextStage].doc_ids)
        lsa.save(out / "lsa")
        info = {**describe(model, done, lsa_only), "lsa_reads": reads}
        if lsa_only:
            info["fingerprint"] = lsa.fingerprint()
        write_json(out / "info.json", info)
        output = EmbeddingsOutput.read(out, config)
        output.fitted_encoder = None if lsa_only else model
        output.embeddings.stats = {k: sum(d[k] for d in done) for k in ("hits", "misses")}
        return output

    def save(self, output: EmbeddingsOutput, folder: Path, config: ExperimentConfig) -> None:
        link_tree(output.folder, folder)

    def load(self, folder: Path, config: ExperimentConfig) -> EmbeddingsOutput:
        return EmbeddingsOutput.read(folder, config)

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
