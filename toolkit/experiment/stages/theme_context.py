"""The themes' context: every paragraph's English-gloss vector, computed a partition at a time.

The context is a whole-text sentence model on a paragraph's English gloss
(:class:`~toolkit.themes.scorer.ThemeScorer`, ``gloss``). With gloss input (the default for the
English model when themes are configured,
:func:`~toolkit.experiment.stages.embeddings.embeddings_section`) the embeddings' paragraph
vectors are exactly that. Otherwise each partition's task sends every paragraph's gloss through
:func:`~toolkit.experiment.stages.embeddings.whole_text_model`: it builds the model once per
worker process from the sections' plain JSON and keeps the vectors in the embedding cache,
apart per partition (as the embeddings stage does). Static gloss vectors cannot stand in: the
themes, calibrated on whole-text vectors, fall from macro-F1 0.84 to 0.44 on them
(``benchmarks/themes_mixed.py --context static``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from toolkit.corpus.parquet import read_documents
from toolkit.embeddings import EmbeddingCache, Encoder, encode_cached
from toolkit.embeddings.gloss import GlossEncoder
from toolkit.experiment.partitions import Job, Once, jobs
from toolkit.experiment.schema import EmbeddingsConfig, ExperimentConfig, LexiconConfig
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
from toolkit.themes import ThemeSpec

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


def context_partition(job: Job, sections: tuple[str, str], cache: str) -> dict[str, int]:
    """Task: the gloss vectors of one partition's paragraphs, written to the job's target;
    ``sections`` are the resolved ``embeddings`` and the ``lexicon`` sections' JSON."""
    documents = read_documents(job.sources[0])
    _, paragraphs = read_tokens(job.sources[1])
    texts = [
        documents[d].paragraphs[p] for d, doc in enumerate(paragraphs) for p in range(len(doc))
    ]
    cfg = EmbeddingsConfig.model_validate_json(sections[0])
    encoder = context_encoder(cfg, LexiconConfig.model_validate_json(sections[1]))
    folder = Path(cache) / "partitions" / sha256_file(job.sources[0])
    vectors = encode_cached(encoder, texts, EmbeddingCache(folder, encoder.fingerprint()))
    write_npy(job.target, np.asarray(vectors, dtype=np.float32).reshape(len(texts), encoder.dim))
    return {"paragraphs": len(texts)}


def context_vectors(config: ExperimentConfig, inputs: Inputs) -> tuple[Encoder | None, Rows | None]:
    """The encoder of the gloss and where the paragraphs' gloss vectors are, or
    ``(None, None)`` when the themes do not use the gloss (module docstring)."""
    if not uses_gloss(config):
        return None, None
    emb = inputs[EmbeddingsStage]
    section = embeddings_section(config)
    if section.input == "gloss":
        return emb.encoder, str(emb.folder / "paragraph_vectors.npy")
    todo = jobs(
        [inputs[CorpusStage].partitions, inputs[TextStage].partitions],
        inputs.work_folder() / "context",
        "gloss",
        ".npy",
    )
    inputs.compute.map_partitions(
        Once(context_partition),
        todo,
        desc="themes: context",
        sections=(section.model_dump_json(), config.lexicon.model_dump_json()),
        cache=str((inputs.cache_dir or cache_root()) / "embeddings"),
    )
    return context_encoder(section, config.lexicon), [str(job.target) for job in todo]
