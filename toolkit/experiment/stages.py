"""The pipeline's stages as the runner sees them: settings, compute, save and load.

Each stage here is a thin adapter over the stage's own package (``toolkit.corpus``,
``toolkit.text``, ``toolkit.topics`` …): it picks the config section and the upstream outputs
that the package function needs, and names the folder layout. The runner alone decides
whether to compute or to load from the cache.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from toolkit.config import ExperimentConfig, TextConfig
from toolkit.corpus import Corpus, Document, corpus_info
from toolkit.io import (
    read_json,
    read_jsonl,
    read_npy,
    sha256_file,
    write_csv,
    write_json,
    write_jsonl,
    write_npy,
)
from toolkit.progress import status

# Bump a stage's version when its code changes what it writes: old cache entries then miss.
STAGE_VERSIONS = {
    "corpus": 1,
    "text": 2,
    "topics": 1,
    "embeddings": 3,
    "clusters": 1,
    "themes": 4,
    "search": 1,
}


@dataclass
class Context:
    """What stages share within one run: the config, the outputs so far, lazily built models."""

    config: ExperimentConfig
    cache_dir: Path
    outputs: dict[str, Any] = field(default_factory=dict)
    extra_manifest: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def encoder(self) -> Any:
        """The configured text encoder, loaded once per process (None for the lsa backend)."""
        from toolkit.embeddings import make_encoder

        cfg = self.config.embeddings
        if cfg is None or cfg.backend == "lsa":
            return None
        return make_encoder(cfg)


# ---------------------------------------------------------------------------------------------
# corpus


@dataclass
class CorpusOutput:
    documents: list[Document]
    info: dict[str, Any]
    skipped: list[dict[str, Any]]


def documents_table(documents: list[Document]) -> pd.DataFrame:
    """One row per document: id, title, date, label, source, words, paragraphs."""
    return pd.DataFrame(
        {
            "id": [d.id for d in documents],
            "title": [d.display_title for d in documents],
            "date": [d.date for d in documents],
            "label": [d.label for d in documents],
            "source": [d.source for d in documents],
            "words": [d.num_words for d in documents],
            "paragraphs": [len(d.paragraphs) for d in documents],
        }
    )


class CorpusStage:
    name: ClassVar[str] = "corpus"
    requires: ClassVar[tuple[str, ...]] = ()

    def settings(self, ctx: Context) -> dict[str, Any]:
        cfg = ctx.config.corpus
        root = cfg.path if cfg.path.is_dir() else cfg.path.parent
        hashes = {path: sha256_file(path) for path in Corpus.from_config(cfg).files()}
        ctx.extra_manifest["inputs"] = {str(path): digest for path, digest in hashes.items()}
        # relative names in the key, so moving the data folder keeps the cache valid
        files = {path.relative_to(root).as_posix(): digest for path, digest in hashes.items()}
        return {"settings": cfg.model_dump(mode="json", exclude={"path"}), "files": files}

    def compute(self, ctx: Context) -> CorpusOutput:
        corpus = Corpus.from_config(ctx.config.corpus)
        documents = corpus.to_list()
        if not documents:
            raise ValueError(f"corpus.path {ctx.config.corpus.path}: no documents were read")
        skipped = [dict(vars(s)) if not isinstance(s, dict) else s for s in corpus.skipped]
        return CorpusOutput(documents, corpus_info(documents), skipped)

    def save(self, output: CorpusOutput, folder: Path, ctx: Context) -> None:
        write_jsonl(folder / "documents.jsonl", (d.to_dict() for d in output.documents))
        write_json(folder / "info.json", output.info)
        write_json(folder / "skipped.json", output.skipped)

    def load(self, folder: Path, ctx: Context) -> CorpusOutput:
        documents = [Document.from_dict(row) for row in read_jsonl(folder / "documents.jsonl")]
        return CorpusOutput(
            documents, read_json(folder / "info.json"), read_json(folder / "skipped.json")
        )

    def metrics(self, output: CorpusOutput) -> dict[str, Any]:
        return {"documents": len(output.documents), "skipped": len(output.skipped)}


# ---------------------------------------------------------------------------------------------
# text


@dataclass
class TextOutput:
    pipeline: Any  # toolkit.text.TextPipeline
    tokens: Any  # toolkit.text.TokenizedCorpus


def text_params(cfg: TextConfig) -> dict[str, Any]:
    """The ``text`` section as :class:`~toolkit.text.TextPipeline` parameters."""
    flat = cfg.model_dump(exclude={"phrases", "dictionary"})
    return {
        **flat,
        "phrases": cfg.phrases.enabled,
        "phrase_min_count": cfg.phrases.min_count,
        "phrase_threshold": cfg.phrases.threshold,
        "phrase_scoring": cfg.phrases.scoring,
        **cfg.dictionary.model_dump(),
    }


class TextStage:
    name: ClassVar[str] = "text"
    requires: ClassVar[tuple[str, ...]] = ("corpus",)

    def settings(self, ctx: Context) -> dict[str, Any]:
        return ctx.config.text.model_dump(mode="json")

    def compute(self, ctx: Context) -> TextOutput:
        from toolkit.text import TextPipeline

        pipeline = TextPipeline(**text_params(ctx.config.text))
        tokens = pipeline.fit_transform(ctx.outputs["corpus"].documents)
        return TextOutput(pipeline, tokens)

    def save(self, output: TextOutput, folder: Path, ctx: Context) -> None:
        from toolkit.text import save_tokenized

        output.pipeline.save(folder / "pipeline")
        save_tokenized(output.tokens, folder)

    def load(self, folder: Path, ctx: Context) -> TextOutput:
        from toolkit.text import TextPipeline, load_tokenized

        return TextOutput(TextPipeline.load(folder / "pipeline"), load_tokenized(folder))

    def metrics(self, output: TextOutput) -> dict[str, Any]:
        docs = output.tokens.documents()
        return {
            "tokens": int(sum(len(d) for d in docs)),
            "vocabulary": len(output.pipeline.dictionary_),
        }


# ---------------------------------------------------------------------------------------------
# topics


def theme_seeds(config: ExperimentConfig) -> dict[str, list[str]] | None:
    """Theme name -> seed terms, when the config defines themes."""
    if config.themes is None:
        return None
    return {name: list(t.seeds) for name, t in config.themes.definitions.items()}


class TopicsStage:
    name: ClassVar[str] = "topics"
    requires: ClassVar[tuple[str, ...]] = ("corpus", "text")

    def settings(self, ctx: Context) -> dict[str, Any]:
        cfg = ctx.config.topics
        settings = cfg.model_dump(mode="json", exclude={"reference_corpus"})
        if cfg.reference_corpus is not None:
            ref = Corpus(cfg.reference_corpus)
            settings["reference_files"] = sorted(sha256_file(f) for f in ref.files())
        settings["themes"] = theme_seeds(ctx.config) if cfg.seeded else None
        settings["seed"] = ctx.config.seed
        settings["gensim_model"] = ctx.config.output.gensim_model
        return settings

    def compute(self, ctx: Context) -> Any:
        from toolkit.topics import fit_topics

        cfg = ctx.config.topics
        text: TextOutput = ctx.outputs["text"]
        reference = None
        if cfg.reference_corpus is not None:
            ref_docs = Corpus(cfg.reference_corpus).to_list()
            reference = text.pipeline.transform(ref_docs).documents()
        result = fit_topics(
            text.tokens,
            cfg,
            seed=ctx.config.seed,
            themes=theme_seeds(ctx.config) if cfg.seeded else None,
            analyze=text.pipeline.transform_text,
            reference_texts=reference,
            dates=[d.date for d in ctx.outputs["corpus"].documents],
        )
        ctx.extra_manifest.setdefault("timings_detail", {})["topics"] = getattr(
            result, "timings", {}
        )
        ctx.extra_manifest["topics_bit_reproducible"] = cfg.model != "lda_multicore"
        return result

    def save(self, output: Any, folder: Path, ctx: Context) -> None:
        output.save(folder, gensim_model=ctx.config.output.gensim_model)

    def load(self, folder: Path, ctx: Context) -> Any:
        from toolkit.topics import TopicsResult

        return TopicsResult.load(folder)

    def metrics(self, output: Any) -> dict[str, Any]:
        return output.metrics


# ---------------------------------------------------------------------------------------------
# embeddings


@dataclass
class EmbeddingsOutput:
    embeddings: Any  # toolkit.embeddings.Embeddings (model vectors, or LSA for backend lsa)
    lsa: Any  # toolkit.embeddings.LsaEncoder fitted on the corpus
    lsa_doc_vectors: np.ndarray
    lsa_paragraph_vectors: np.ndarray


class EmbeddingsStage:
    name: ClassVar[str] = "embeddings"
    requires: ClassVar[tuple[str, ...]] = ("corpus", "text")

    def settings(self, ctx: Context) -> dict[str, Any]:
        cfg = ctx.config.embeddings
        settings = cfg.model_dump(mode="json", exclude={"threads", "device"})
        if cfg.backend != "lsa":
            from toolkit.embeddings import resolve_model
            from toolkit.embeddings.models import model_hash

            settings["model_hash"] = model_hash(resolve_model(cfg.model))
        settings["seed"] = ctx.config.seed
        return settings

    def compute(self, ctx: Context) -> EmbeddingsOutput:
        from toolkit.embeddings import Embeddings, LsaEncoder, embed_corpus

        cfg = ctx.config.embeddings
        documents = ctx.outputs["corpus"].documents
        tokens = ctx.outputs["text"].tokens
        index, paragraph_tokens = tokens.paragraph_units()
        # LSA over the dictionary's tokens only: on 10kgnad k-means NMI 0.31 against 0.20 on
        # all tokens (benchmarks/embeddings_10kgnad.py); empty paragraphs get a zero vector
        vocabulary = tokens.dictionary.token2id
        kept = [[t for t in par if t in vocabulary] for par in paragraph_tokens]
        lsa = LsaEncoder(dims=cfg.lsa_dims, seed=ctx.config.seed).fit([p for p in kept if p])
        lsa_paragraphs = lsa.transform(kept)
        lsa_docs = lsa.transform(
            [[t for t in doc if t in vocabulary] for doc in tokens.documents()]
        )
        if cfg.backend == "lsa":
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
            embeddings = embed_corpus(documents, ctx.encoder, ctx.cache_dir / "embeddings")
            ctx.extra_manifest["embedding_cache"] = dict(embeddings.stats)
        return EmbeddingsOutput(embeddings, lsa, lsa_docs, lsa_paragraphs)

    def save(self, output: EmbeddingsOutput, folder: Path, ctx: Context) -> None:
        output.embeddings.save(folder)
        output.lsa.save(folder / "lsa")
        write_npy(folder / "lsa" / "doc_vectors.npy", output.lsa_doc_vectors)
        write_npy(folder / "lsa" / "paragraph_vectors.npy", output.lsa_paragraph_vectors)

    def load(self, folder: Path, ctx: Context) -> EmbeddingsOutput:
        from toolkit.embeddings import Embeddings, LsaEncoder

        return EmbeddingsOutput(
            Embeddings.load(folder),
            LsaEncoder.load(folder / "lsa"),
            read_npy(folder / "lsa" / "doc_vectors.npy"),
            read_npy(folder / "lsa" / "paragraph_vectors.npy"),
        )

    def metrics(self, output: EmbeddingsOutput) -> dict[str, Any]:
        emb = output.embeddings
        return {
            "documents": len(emb.doc_ids),
            "paragraphs": len(emb.paragraph_vectors),
            "dim": int(emb.doc_vectors.shape[1]),
            "lsa_dim": int(output.lsa_doc_vectors.shape[1]),
        }


# ---------------------------------------------------------------------------------------------
# clusters


def cluster_input(config: ExperimentConfig, emb: EmbeddingsOutput) -> np.ndarray:
    """The vectors the config asks to cluster, of articles or of paragraphs."""
    from toolkit.clusters import combine_vectors

    paragraphs = config.clusters.unit == "paragraph"
    model = np.asarray(
        emb.embeddings.paragraph_vectors if paragraphs else emb.embeddings.doc_vectors
    )
    lsa = np.asarray(emb.lsa_paragraph_vectors if paragraphs else emb.lsa_doc_vectors)
    choice = config.clusters.vectors
    if choice == "embeddings":
        return model
    if choice == "lsa":
        return lsa
    return combine_vectors([model, lsa], [1.0, 1.0])


class ClustersStage:
    name: ClassVar[str] = "clusters"
    requires: ClassVar[tuple[str, ...]] = ("corpus", "text", "embeddings")

    def settings(self, ctx: Context) -> dict[str, Any]:
        return {**ctx.config.clusters.model_dump(mode="json"), "seed": ctx.config.seed}

    def compute(self, ctx: Context) -> Any:
        from toolkit.clusters import fit_clusters

        documents = ctx.outputs["corpus"].documents
        tokens = ctx.outputs["text"].tokens
        labels = [d.label for d in documents]
        if ctx.config.clusters.unit == "paragraph":
            index, unit_tokens = tokens.paragraph_units()
            unit_ids = [f"{documents[d].id}#{p}" for d, p in index]
            labels = [labels[d] for d, _ in index]
        else:
            index, unit_ids, unit_tokens = None, [d.id for d in documents], tokens.documents()
        result = fit_clusters(
            unit_ids,
            cluster_input(ctx.config, ctx.outputs["embeddings"]),
            unit_tokens,
            ctx.config.clusters,
            seed=ctx.config.seed,
            true_labels=labels if any(label is not None for label in labels) else None,
        )
        if index is not None:
            # clusters.csv keeps doc_id a real document id and says which paragraph
            result.assignments["doc_id"] = [documents[d].id for d, _ in index]
            result.assignments.insert(1, "paragraph", [p for _, p in index])
        return result

    def save(self, output: Any, folder: Path, ctx: Context) -> None:
        output.save(folder)

    def load(self, folder: Path, ctx: Context) -> Any:
        from toolkit.clusters import ClusterResult

        return ClusterResult.load(folder)

    def metrics(self, output: Any) -> dict[str, Any]:
        return output.metrics


# ---------------------------------------------------------------------------------------------
# themes


def paragraph_topic_scores(ctx: Context) -> np.ndarray | None:
    """Per paragraph, the share of each theme's seeded topic (themes order), if topics ran."""
    topics = ctx.outputs.get("topics")
    if topics is None or not topics.topic_themes or ctx.config.themes.settings.topic_weight == 0:
        return None
    names = list(ctx.config.themes.definitions)
    index, _ = ctx.outputs["text"].tokens.paragraph_units()
    theme_topic = {theme: topic for topic, theme in topics.topic_themes.items()}
    if ctx.config.topics.unit == "paragraph":
        position = {tuple(u): i for i, u in enumerate(topics.unit_index)}
        rows = [topics.unit_topics[position[u]] if u in position else None for u in index]
    else:
        rows = [topics.doc_topics[d] for d, _ in index]
    scores = np.zeros((len(index), len(names)), dtype=np.float64)
    for i, row in enumerate(rows):
        if row is None:
            continue
        for j, name in enumerate(names):
            if name in theme_topic:
                scores[i, j] = row[theme_topic[name]]
    return scores


def theme_params(cfg: Any) -> dict[str, Any]:
    """The ``themes.settings`` that are set, as ``ThemeScorer`` keyword parameters."""
    params = cfg.settings.model_dump(exclude={"gloss"})
    return {key: value for key, value in params.items() if value is not None}


def theme_gloss(ctx: Context, index: list) -> tuple[Any, np.ndarray | None]:
    """The gloss encoder and the paragraphs' gloss vectors (cached), or ``(None, None)``."""
    if ctx.encoder is None or not ctx.config.themes.settings.gloss:
        return None, None
    from toolkit.embeddings import EmbeddingCache, encode_cached
    from toolkit.embeddings.gloss import GlossEncoder
    from toolkit.lexicon import Glosser, LexiconNotFoundError

    try:
        glosser = Glosser()
    except LexiconNotFoundError as error:
        status(f"themes: no English gloss ({error}); scoring without it")
        return None, None
    encoder = GlossEncoder(ctx.encoder, glosser)
    documents = ctx.outputs["corpus"].documents
    texts = [documents[d].paragraphs[p] for d, p in index]
    cache = EmbeddingCache(ctx.cache_dir / "embeddings", encoder.fingerprint())
    return encoder, encode_cached(encoder, texts, cache)


class ThemesStage:
    name: ClassVar[str] = "themes"
    requires: ClassVar[tuple[str, ...]] = ("corpus", "text", "embeddings")

    def settings(self, ctx: Context) -> dict[str, Any]:
        from toolkit.lexicon import DEFAULT_PATH
        from toolkit.themes import ThemeScorer, ThemeSpec

        cfg = ctx.config.themes
        settings = cfg.model_dump(mode="json")
        # the library's defaults, resolved: a new calibration must not hit an old cache entry
        themes = {name: ThemeSpec(d.description, d.seeds) for name, d in cfg.definitions.items()}
        settings["params"] = ThemeScorer(themes, **theme_params(cfg)).get_params()
        # the gloss depends on the installed dictionary
        settings["dictionary"] = sha256_file(DEFAULT_PATH) if DEFAULT_PATH.is_file() else None
        return settings

    def compute(self, ctx: Context) -> Any:
        from toolkit.themes import ThemeSpec, assign_themes

        cfg = ctx.config.themes
        emb: EmbeddingsOutput = ctx.outputs["embeddings"]
        text: TextOutput = ctx.outputs["text"]
        index, paragraph_tokens = text.tokens.paragraph_units()
        themes = {name: ThemeSpec(d.description, d.seeds) for name, d in cfg.definitions.items()}
        gloss_encoder, gloss_vectors = theme_gloss(ctx, index)
        return assign_themes(
            list(text.tokens.doc_ids),
            np.asarray(emb.embeddings.paragraph_index),
            paragraph_tokens,
            themes,
            paragraph_vectors=None
            if ctx.encoder is None
            else np.asarray(emb.embeddings.paragraph_vectors),
            gloss_vectors=gloss_vectors,
            topic_scores=paragraph_topic_scores(ctx),
            analyze=text.pipeline.transform_text,
            encoder=ctx.encoder,
            gloss_encoder=gloss_encoder,
            **theme_params(cfg),
        )

    def save(self, output: Any, folder: Path, ctx: Context) -> None:
        output.save(folder)

    def load(self, folder: Path, ctx: Context) -> Any:
        from toolkit.themes import ThemeResult

        return ThemeResult.load(folder)

    def metrics(self, output: Any) -> dict[str, Any]:
        return output.metrics


# ---------------------------------------------------------------------------------------------
# search


class SearchStage:
    name: ClassVar[str] = "search"
    requires: ClassVar[tuple[str, ...]] = ("corpus", "text", "embeddings")

    def settings(self, ctx: Context) -> dict[str, Any]:
        return {**ctx.config.search.model_dump(mode="json"), "seed": ctx.config.seed}

    def compute(self, ctx: Context) -> Any:
        from toolkit.search import SearchIndex

        text: TextOutput = ctx.outputs["text"]
        emb: EmbeddingsOutput | None = ctx.outputs.get("embeddings")
        topics = ctx.outputs.get("topics")
        index = SearchIndex.build(
            list(text.tokens.doc_ids),
            text.tokens.documents(),
            ctx.config.search,
            dense=None if emb is None else np.asarray(emb.embeddings.doc_vectors),
            lsa=None if emb is None else np.asarray(emb.lsa_doc_vectors),
            topics=None if topics is None else np.asarray(topics.doc_topics),
            seed=ctx.config.seed,
        )
        return index

    def save(self, output: Any, folder: Path, ctx: Context) -> None:
        output.save(folder)

    def load(self, folder: Path, ctx: Context) -> Any:
        from toolkit.search import SearchIndex

        return SearchIndex.load(folder)

    def metrics(self, output: Any) -> dict[str, Any]:
        info = output.info()
        return {"documents": info["num_docs"], "modes": info["modes"], "ann": info["ann"]}


STAGES = {
    stage.name: stage
    for stage in (
        CorpusStage(),
        TextStage(),
        TopicsStage(),
        EmbeddingsStage(),
        ClustersStage(),
        ThemesStage(),
        SearchStage(),
    )
}


def write_documents_table(documents: list[Document], path: Path) -> None:
    """``documents.csv`` of a run folder."""
    write_csv(path, documents_table(documents))
