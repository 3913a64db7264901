"""The themes' context: every paragraph's English-gloss vector, computed a partition at a time.

The context is a whole-text sentence model on a paragraph's English gloss
(:class:`~toolkit.themes.scorer.ThemeScorer`, ``gloss``). With gloss input (the default for the
English model when themes are configured,
:func:`~toolkit.experiment.stages.embeddings.embeddings_section`) the embeddings' paragraph
vectors are exactly that. Otherwise each partition's task sends every paragraph's gloss through
:func:`~toolkit.experiment.stages.embeddings.whole_text_model`: it builds the model once per
worker process from the sections' plain JSON and keeps the vectors in the embedding cache,
apart per partition (as the embeddings stage does). With ``themes.settings.context_share``
below 1 (the cascade, :mod:`toolkit.themes.cascade`) its first pass is fitted on the client on
the sample, the seeded paragraphs' context is read by one round of tasks and the selected rest
by a second (the seeded ones again from the cache); unread rows are NaN. Static gloss vectors
cannot stand in: the themes, calibrated on whole-text vectors, fall from macro-F1 0.84 to 0.44
on them (``benchmarks/themes_mixed.py --context static``).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np

from toolkit.corpus.parquet import read_documents
from toolkit.embeddings import EmbeddingCache, Encoder, encode_cached
from toolkit.embeddings.gloss import GlossEncoder
from toolkit.experiment.partitions import Job, Once, jobs, sample_positions
from toolkit.experiment.schema import (
    EmbeddingsConfig,
    ExperimentConfig,
    LexiconConfig,
    ThemesConfig,
)
from toolkit.experiment.stages.base import Inputs
from toolkit.experiment.stages.corpus import CorpusStage
from toolkit.experiment.stages.embeddings import (
    EmbeddingsStage,
    embeddings_section,
    whole_text_model,
)
from toolkit.experiment.stages.text import TextStage
from toolkit.io import cache_root, read_npy, sha256_file, write_npy
from toolkit.lexicon import Glosser, load_lexicon
from toolkit.text.parquet import read_tokens
from toolkit.text.tokenized import TokenizedCorpus
from toolkit.themes import ThemeSpec
from toolkit.themes.cascade import ContextSelector

# where a paragraph's rows come from: one file of every paragraph (sliced by the partitions'
# paragraph bounds), or a file per partition
Rows = str | list[str]


def theme_specs(config: ExperimentConfig) -> dict[str, ThemeSpec]:
    """The configured themes as the library's :class:`ThemeSpec`, in config order."""
    return {
        name: ThemeSpec(d.description, d.seeds) for name, d in config.themes.definitions.items()
    }


def uses_gloss(config: ExperimentConfig) -> bool:
    """Whether the themes judge context through the English gloss."""
    return config.themes.settings.gloss and config.embeddings.backend != "lsa"


def context_encoder(embeddings: EmbeddingsConfig, lexicon: LexiconConfig) -> Encoder:
    """The whole-text sentence model reading each text's English gloss."""
    glosser = Glosser(
        load_lexicon(lexicon.path), sense=lexicon.sense, keep_unknown=lexicon.keep_unknown
    )
    return GlossEncoder(whole_text_model(embeddings), glosser)


def partition_rows(source: Rows, number: int, bounds: np.ndarray) -> np.ndarray:
    """Partition ``number``'s rows of a per-paragraph array, memory-mapped: its own file, or
    rows ``bounds[number]:bounds[number + 1]`` of one file of every paragraph."""
    if isinstance(source, str):
        return read_npy(source, mmap=True)[int(bounds[number]) : int(bounds[number + 1])]
    return read_npy(source[number], mmap=True)


def scorer_params(cfg: ThemesConfig) -> dict[str, Any]:
    """The ``themes.settings`` that are set, as :class:`ThemeScorer` keyword parameters (the
    rest are the library's calibrated defaults)."""
    params = cfg.settings.model_dump(exclude={"gloss", "context_share"})
    return {key: value for key, value in params.items() if value is not None}


def sample_rows(source: Rows, rows: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """The rows of a per-paragraph array where ``rows`` (a mask of every paragraph) is true,
    gathered a partition at a time."""
    parts = range(len(bounds) - 1)
    return np.concatenate(
        [partition_rows(source, i, bounds)[rows[bounds[i] : bounds[i + 1]]] for i in parts]
    )


def sample_paragraphs(
    config: ExperimentConfig, inputs: Inputs
) -> tuple[TokenizedCorpus, np.ndarray]:
    """The sample the themes are fitted on (its tokenised articles), and which rows of the
    per-paragraph arrays are its paragraphs (a mask of every paragraph)."""
    text = inputs[TextStage]
    positions = sample_positions(len(text.partitions), config.compute.sample, config.seed)
    index = np.asarray(inputs[EmbeddingsStage].embeddings.paragraph_index)
    rows = np.ones(len(index), bool) if positions is None else np.isin(index[:, 0], positions)
    return text.sample(positions), rows


def portable(selector: ContextSelector) -> ContextSelector:
    """A copy of ``selector`` to send to the workers: without the analysis of new text and the
    model, which selecting does not use."""
    out = copy.copy(selector)
    out.analyze = None
    for name in ("seeds_", "scorer_"):
        if hasattr(selector, name):
            scorer = copy.copy(getattr(selector, name))
            scorer.analyze = scorer.encoder = scorer.gloss_encoder = None
            setattr(out, name, scorer)
    return out


def context_partition(
    job: Job,
    sections: tuple[str, str],
    cache: str,
    selector: ContextSelector | None = None,
    step: str = "select",
) -> dict[str, int]:
    """Task: the gloss vectors of one partition's paragraphs, written to the job's target;
    ``sections`` are the resolved ``embeddings`` and the ``lexicon`` sections' JSON. With a
    ``selector``, only the paragraphs it keeps (``step``: ``seeded`` or ``select``) are read,
    the other rows are NaN."""
    documents = read_documents(job.sources[0])
    _, paragraphs = read_tokens(job.sources[1])
    texts = [
        documents[d].paragraphs[p] for d, doc in enumerate(paragraphs) for p in range(len(doc))
    ]
    tokens = [par for doc in paragraphs for par in doc]
    read = np.ones(len(texts), dtype=bool)
    if selector is not None:
        read = selector.seeded(tokens) if step == "seeded" else selector.select(tokens)
    cfg = EmbeddingsConfig.model_validate_json(sections[0])
    encoder = context_encoder(cfg, LexiconConfig.model_validate_json(sections[1]))
    folder = Path(cache) / "partitions" / sha256_file(job.sources[0])
    vectors = np.full((len(texts), encoder.dim), np.nan, dtype=np.float32)
    chosen = [text for text, keep in zip(texts, read, strict=True) if keep]
    if chosen:
        cached = EmbeddingCache(folder, encoder.fingerprint())
        vectors[read] = np.asarray(encode_cached(encoder, chosen, cached), dtype=np.float32)
    write_npy(job.target, vectors)
    return {"paragraphs": len(texts), "read": int(read.sum())}


def _read_context(
    inputs: Inputs, name: str, selector: ContextSelector | None, step: str, **kwargs: Any
) -> tuple[list[str], int]:
    """Every partition's gloss vectors (``context_partition``): the files and the paragraphs
    read."""
    todo = jobs(
        [inputs[CorpusStage].partitions, inputs[TextStage].partitions],
        inputs.work_folder() / "context",
        name,
        ".npy",
    )
    done = inputs.compute.map_partitions(
        Once(context_partition),
        todo,
        desc=f"themes: context ({name})",
        selector=None if selector is None else portable(selector),
        step=step,
        **kwargs,
    )
    return [str(job.target) for job in todo], sum(d["read"] for d in done)


def fit_selector(
    config: ExperimentConfig, inputs: Inputs, bounds: np.ndarray, **kwargs: Any
) -> ContextSelector:
    """The context cascade's first pass (:mod:`toolkit.themes.cascade`), fitted on the sample:
    the seed terms, the context of the seeded paragraphs, the cut of the share."""
    sample, rows = sample_paragraphs(config, inputs)
    _, tokens = sample.paragraph_units()
    selector = ContextSelector(
        theme_specs(config),
        share=config.themes.settings.context_share,
        analyze=inputs[TextStage].pipeline.transform_text,
        **scorer_params(config.themes),
    ).fit(tokens)
    seeded, _ = _read_context(inputs, "seeded", selector, "seeded", **kwargs)
    encoder = context_encoder(embeddings_section(config), config.lexicon)
    return selector.refine(tokens, sample_rows(seeded, rows, bounds), encoder)


def context_vectors(
    config: ExperimentConfig, inputs: Inputs, bounds: np.ndarray
) -> tuple[Encoder | None, Rows | None, int | None]:
    """The encoder of the gloss, where the paragraphs' gloss vectors are and how many of them
    were read, or ``(None, None, None)`` when the themes do not use the gloss (module
    docstring)."""
    if not uses_gloss(config):
        return None, None, None
    emb = inputs[EmbeddingsStage]
    section = embeddings_section(config)
    if section.input == "gloss":
        read = len(emb.embeddings.paragraph_index)
        return emb.encoder, str(emb.folder / "paragraph_vectors.npy"), read
    kwargs = {
        "sections": (section.model_dump_json(), config.lexicon.model_dump_json()),
        "cache": str((inputs.cache_dir or cache_root()) / "embeddings"),
    }
    selector = None
    if config.themes.settings.context_share < 1:
        selector = fit_selector(config, inputs, bounds, **kwargs)
    files, read = _read_context(inputs, "gloss", selector, "select", **kwargs)
    return context_encoder(section, config.lexicon), files, read
