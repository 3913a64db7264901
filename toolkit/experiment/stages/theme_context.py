"""The themes' context: every paragraph's English-gloss vector, computed a partition at a time.

The context is the whole-text sentence model on a paragraph's English gloss
(:class:`~toolkit.themes.scorer.ThemeScorer`, ``gloss``). With gloss input the embeddings'
paragraph vectors are exactly that. With static input (the default for the English model) each
partition's task screens its paragraphs (:mod:`toolkit.themes.screen`: a seed term, or static
gloss vectors that stand out for a theme; the screen's static evidence is fitted once, on the
client) and sends only those that pass through the model; the others get zero rows (no
context). With German input every paragraph's gloss goes through the model. A task builds the
model once per worker process from the sections' plain JSON and keeps its vectors in the
embedding cache, apart per partition (as the embeddings stage does).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from toolkit.corpus.parquet import read_documents
from toolkit.embeddings import EmbeddingCache, Encoder, encode_cached
from toolkit.embeddings.gloss import GlossEncoder
from toolkit.embeddings.inputs import resolve_input
from toolkit.experiment.partitions import Job, Once, jobs
from toolkit.experiment.schema import EmbeddingsConfig, ExperimentConfig, LexiconConfig
from toolkit.experiment.stages.base import Inputs
from toolkit.experiment.stages.corpus import CorpusStage
from toolkit.experiment.stages.embeddings import EmbeddingsStage, whole_text_model
from toolkit.experiment.stages.text import TextStage
from toolkit.io import cache_root, read_npy, sha256_file, write_npy
from toolkit.lexicon import Glosser, load_lexicon
from toolkit.progress import status
from toolkit.text.parquet import read_tokens
from toolkit.themes import ThemeSpec
from toolkit.themes.screen import screen, static_context
from toolkit.themes.semantic import SimilarityEvidence

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


def context_partition(
    job: Job,
    sections: tuple[str, str],
    static: str | None,
    bounds: np.ndarray,
    themes: dict[str, ThemeSpec],
    analyze: Any,
    screen_context: SimilarityEvidence | None,
    cache: str,
) -> dict[str, int]:
    """Task: one partition's gloss vectors (zero rows where the screen did not pass a
    paragraph), written to the job's target. ``static`` is the file of the embeddings' static
    paragraph vectors, screened with the fitted ``screen_context``; None: no screen."""
    documents = read_documents(job.sources[0])
    _, paragraphs = read_tokens(job.sources[1])
    index = [(d, p) for d, doc in enumerate(paragraphs) for p in range(len(doc))]
    tokens = [par for doc in paragraphs for par in doc]
    texts = [documents[d].paragraphs[p] for d, p in index]
    passed = np.ones(len(texts), dtype=bool)
    if static is not None and screen_context is not None:
        vectors = np.asarray(partition_rows(static, job.number, bounds))
        passed = screen(tokens, themes, analyze, vectors, None, context=screen_context)
    cfg = EmbeddingsConfig.model_validate_json(sections[0])
    encoder = context_encoder(cfg, LexiconConfig.model_validate_json(sections[1]))
    folder = Path(cache) / "partitions" / sha256_file(job.sources[0])
    out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    if passed.any():
        chosen = [texts[i] for i in np.flatnonzero(passed)]
        out[passed] = encode_cached(encoder, chosen, EmbeddingCache(folder, encoder.fingerprint()))
    write_npy(job.target, out)
    return {"paragraphs": len(texts), "passed": int(passed.sum())}


def context_vectors(
    config: ExperimentConfig, inputs: Inputs, bounds: np.ndarray
) -> tuple[Encoder | None, Rows | None]:
    """The encoder of the gloss and where the paragraphs' gloss vectors are, or
    ``(None, None)`` when the themes do not use the gloss (module docstring)."""
    if not uses_gloss(config):
        return None, None
    emb = inputs[EmbeddingsStage]
    vectors = str(emb.folder / "paragraph_vectors.npy")
    chosen = resolve_input(config.embeddings.input, config.embeddings.model)
    if chosen == "gloss":
        return emb.encoder, vectors
    themes = theme_specs(config)
    static = chosen == "static"
    todo = jobs(
        [inputs[CorpusStage].partitions, inputs[TextStage].partitions],
        inputs.work_folder() / "context",
        "gloss",
        ".npy",
    )
    done = inputs.compute.map_partitions(
        Once(context_partition),
        todo,
        desc="themes: context",
        sections=(config.embeddings.model_dump_json(), config.lexicon.model_dump_json()),
        static=vectors if static else None,
        bounds=bounds,
        themes=themes,
        analyze=inputs[TextStage].pipeline.transform_text,
        screen_context=static_context(emb.encoder, themes) if static else None,
        cache=str((inputs.cache_dir or cache_root()) / "embeddings"),
    )
    if static:
        passed, total = (sum(d[key] for d in done) for key in ("passed", "paragraphs"))
        status(f"themes: context of {passed} of {total} paragraphs (screened)")
    return context_encoder(config.embeddings, config.lexicon), [str(j.target) for j in todo]
