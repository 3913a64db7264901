"""The themes stage: every paragraph and article scored against the configured themes.

First each partition's gloss vectors (the context) are computed by a task
(:mod:`~toolkit.experiment.stages.theme_context`). The theme scorer (terms, expansion,
prototypes, seed diagnostics) is then fitted on the client, on the sample's paragraphs; each
partition's paragraphs are scored by a task, which writes its rows of ``themes.csv`` and
``theme_paragraphs.csv``; the client joins the partitions' rows into the two files a partition
at a time. Every row depends on its own article only, so the joined files are those one table
of every article would give. The seed diagnostics' example paragraphs are the sample's.
"""

from __future__ import annotations

import copy
import warnings
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from toolkit.embeddings import Encoder
from toolkit.errors import ConfigError, ToolkitWarning
from toolkit.experiment.partitions import Job, Once, jobs
from toolkit.experiment.schema import ExperimentConfig
from toolkit.experiment.stages.base import Inputs, Stage
from toolkit.experiment.stages.embeddings import (
    EmbeddingsStage,
    embeddings_section,
    lexicon_settings,
    whole_text_model,
)
from toolkit.experiment.stages.text import TextStage
from toolkit.experiment.stages.theme_context import (
    Rows,
    context_vectors,
    partition_rows,
    sample_paragraphs,
    sample_rows,
    scorer_params,
    theme_specs,
    uses_gloss,
)
from toolkit.experiment.stages.topics import TopicsStage
from toolkit.io import atomic_path, link_tree, read_csv, read_json, write_csv, write_json
from toolkit.lexicon import require_dictionary
from toolkit.text.parquet import read_tokens
from toolkit.themes import ThemeScorer
from toolkit.themes.stage import (
    ThemeReadings,
    example_refs,
    read_diagnostics,
    theme_metrics,
    theme_tables,
)


@dataclass
class ThemesOutput(ThemeReadings):
    """The stage's files in ``folder``; the tables are read when first asked for."""

    folder: Path

    @cached_property
    def themes(self) -> pd.DataFrame:
        """Per article: best theme, its score, and the theme profile."""
        return read_csv(self.folder / "themes.csv", dtype={"theme": str})

    @cached_property
    def paragraphs(self) -> pd.DataFrame:
        """Per paragraph: best theme and scores."""
        return read_csv(self.folder / "theme_paragraphs.csv", dtype={"theme": str})

    @cached_property
    def terms(self) -> dict[str, Any]:
        return read_json(self.folder / "theme_terms.json")

    @cached_property
    def metrics(self) -> dict[str, Any]:
        return read_json(self.folder / "theme_metrics.json")

    @cached_property
    def diagnostics(self) -> pd.DataFrame:
        """Per theme and term: occurrences, support, weight, example paragraphs."""
        return read_diagnostics(self.folder / "seed_diagnostics.csv")


def paragraph_topic_scores(
    config: ExperimentConfig, inputs: Inputs, index: np.ndarray
) -> np.ndarray | None:
    """Per paragraph (rows of ``index``: document, paragraph), the share of each theme's
    seeded topic (themes order), if topics ran and weigh."""
    topics = inputs.get(TopicsStage)
    if topics is None or not topics.topic_themes or config.themes.settings.topic_weight == 0:
        return None
    theme_topic = {theme: topic for topic, theme in topics.topic_themes.items()}
    # arrays throughout: a million articles have 3.5 million paragraphs
    if config.topics.unit == "paragraph":
        source = np.asarray(topics.unit_topics)
        rows = unit_rows(np.asarray(topics.unit_index), index)
    else:
        source, rows = np.asarray(topics.doc_topics), index[:, 0].astype(np.int64)
    scores = np.zeros((len(index), len(config.themes.definitions)), dtype=np.float64)
    found = rows >= 0
    for j, name in enumerate(config.themes.definitions):
        if name in theme_topic:
            scores[found, j] = source[rows[found], theme_topic[name]]
    return scores


def unit_rows(unit_index: np.ndarray, index: np.ndarray) -> np.ndarray:
    """For each ``(document, paragraph)`` row of ``index``, its row in ``unit_index``, or -1
    (a paragraph without words of the topic model is no unit).

    >>> unit_rows(np.array([[0, 0], [0, 2], [3, 1]]), np.array([[0, 1], [0, 2], [3, 1]])).tolist()
    [-1, 1, 2]
    """
    if not len(unit_index) or not len(index):
        return np.full(len(index), -1, dtype=np.int64)
    width = int(max(unit_index[:, 1].max(), index[:, 1].max())) + 1
    keys = unit_index[:, 0].astype(np.int64) * width + unit_index[:, 1]
    wanted = index[:, 0].astype(np.int64) * width + index[:, 1]
    order = np.argsort(keys, kind="stable")
    at = np.minimum(np.searchsorted(keys[order], wanted), len(keys) - 1)
    return np.where(keys[order][at] == wanted, order[at], -1)


def fit_scorer(
    config: ExperimentConfig,
    inputs: Inputs,
    bounds: np.ndarray,
    gloss: tuple[Encoder | None, Rows | None],
) -> tuple[ThemeScorer, pd.DataFrame]:
    """The scorer fitted on the sample's paragraphs, and its seed diagnostics with the example
    paragraphs as ``doc_id#paragraph`` references."""
    emb, text = inputs[EmbeddingsStage], inputs[TextStage]
    sample, rows = sample_paragraphs(config, inputs)
    sample_index, tokens = sample.paragraph_units()
    encoder = emb.encoder
    vectors = None if encoder is None else np.asarray(emb.embeddings.paragraph_vectors[rows])
    gloss_encoder, source = gloss
    gloss_vectors = None if source is None else sample_rows(source, rows, bounds)
    scorer = ThemeScorer(
        theme_specs(config),
        analyze=text.pipeline.transform_text,
        encoder=encoder,
        gloss_encoder=gloss_encoder,
        **scorer_params(config.themes),
    )
    scorer.fit(tokens, vectors, gloss_vectors)
    refs = example_refs(scorer.diagnostics_, sample.doc_ids, np.asarray(sample_index))
    return scorer, refs


def score_partition(
    job: Job,
    scorer: ThemeScorer,
    vectors: str | None,
    gloss: Rows | None,
    bounds: np.ndarray,
    topic_scores: np.ndarray | None,
) -> dict[str, Any]:
    """Task: one partition's paragraphs scored, its rows of the two tables written as CSV.

    ``vectors`` is the paragraph vectors' file, ``gloss`` where the gloss vectors are
    (:func:`~toolkit.experiment.stages.theme_context.partition_rows`); partition ``i``'s rows
    in them (and in ``topic_scores``, every paragraph's, when topics weigh) are
    ``bounds[i]:bounds[i + 1]``.
    """
    doc_ids, paragraphs = read_tokens(job.sources[0])
    index = np.array([(d, p) for d, doc in enumerate(paragraphs) for p in range(len(doc))])
    tokens = [par for doc in paragraphs for par in doc]
    start, stop = int(bounds[job.number]), int(bounds[job.number + 1])
    matrix = None if vectors is None else np.asarray(partition_rows(vectors, job.number, bounds))
    context = None if gloss is None else np.asarray(partition_rows(gloss, job.number, bounds))
    topics = None if topic_scores is None else topic_scores[start:stop]
    evidence = scorer.evidence(tokens, matrix, context, topics)
    scores = scorer.combine(evidence)
    labels = scorer.assign(scores)
    themes, table = theme_tables(doc_ids, index, tokens, scores, labels, scorer.themes_)
    write_csv(job.target, themes)
    write_csv(job.target.with_name(f"{job.target.name}.paragraphs"), table)
    return {
        "paragraphs": Counter(labels),
        "documents": Counter(themes["theme"]),
        "evidence": sorted(evidence),
    }


def join_csv(parts: list[Path], target: Path) -> None:
    """The CSV files of the partitions as one file: the first header, then every row."""
    with atomic_path(target) as tmp, open(tmp, "wb") as out:
        for number, part in enumerate(parts):
            with open(part, "rb") as handle:
                header = handle.readline()
                if number == 0:
                    out.write(header)
                out.write(handle.read())


class ThemesStage(Stage[ThemesOutput]):
    name: ClassVar[str] = "themes"
    # 5: gloss context and seed diagnostics; 6: partitions; 7: the context cascade
    version: ClassVar[int] = 7
    requires: ClassVar[tuple[str, ...]] = ("corpus", "text", "embeddings")
    optional: ClassVar[tuple[str, ...]] = ("topics",)

    def reads(self, config: ExperimentConfig) -> tuple[str, ...]:
        # the topics only weigh through seeded topics (see paragraph_topic_scores)
        weigh = config.topics is not None and config.topics.seeded
        weigh = weigh and config.themes.settings.topic_weight != 0
        return (*self.needs(config), *(self.optional if weigh else ()))

    def check(self, config: ExperimentConfig) -> None:
        if uses_gloss(config):
            require_dictionary(config.lexicon.path)  # a missing dictionary fails before any work
            share = config.themes.settings.context_share
            if share < 1 and embeddings_section(config).input == "gloss":
                raise ConfigError(
                    f"themes.settings.context_share: {share} reads the context of some "
                    "paragraphs only, but embeddings.input: gloss reads every paragraph's gloss "
                    "anyway; set embeddings.input to auto or static, or context_share to 1"
                )

    def settings(self, config: ExperimentConfig) -> dict[str, Any]:
        cfg = config.themes
        settings = cfg.model_dump(mode="json")
        settings["order"] = list(cfg.definitions)  # the key's JSON sorts mapping keys
        # the library's defaults, resolved: a new calibration must not hit an old cache entry
        settings["params"] = ThemeScorer(theme_specs(config), **scorer_params(cfg)).get_params()
        if uses_gloss(config):
            settings["context_model"] = whole_text_model(embeddings_section(config)).fingerprint()
            settings["lexicon"] = lexicon_settings(config)
        settings["sample"] = config.compute.sample
        return settings

    def compute(self, config: ExperimentConfig, inputs: Inputs) -> ThemesOutput:
        emb, text = inputs[EmbeddingsStage], inputs[TextStage]
        index = np.asarray(emb.embeddings.paragraph_index)
        bounds = np.searchsorted(index[:, 0], text.partitions.offsets)
        gloss_encoder, source, read = context_vectors(config, inputs, bounds)
        gloss = (gloss_encoder, source)
        scorer, diagnostics = fit_scorer(config, inputs, bounds, gloss)
        # what a worker needs to score: not the encoders, nor the analysis of new text
        scoring = copy.copy(scorer)
        scoring.encoder, scoring.gloss_encoder, scoring.analyze = None, None, None
        work = inputs.work_folder()
        todo = jobs([text.partitions], work / "parts", "themes", ".csv")
        done = inputs.compute.map_partitions(
            Once(score_partition),
            todo,
            desc="themes: scoring",
            scorer=scoring,
            vectors=None if emb.encoder is None else str(emb.folder / "paragraph_vectors.npy"),
            gloss=gloss[1],
            bounds=bounds,
            topic_scores=paragraph_topic_scores(config, inputs, index),
        )
        out = work / "out"
        join_csv([job.target for job in todo], out / "themes.csv")
        parts = [job.target.with_name(f"{job.target.name}.paragraphs") for job in todo]
        join_csv(parts, out / "theme_paragraphs.csv")
        evidence = {kind for d in done for kind in d["evidence"]}
        paragraphs = sum((Counter(d["paragraphs"]) for d in done), Counter())
        documents = sum((Counter(d["documents"]) for d in done), Counter())
        metrics = theme_metrics(scorer, evidence, paragraphs, documents)
        if read is not None:  # how much of the corpus the context read (the cascade: less)
            metrics["context_read"] = read
        write_json(out / "theme_terms.json", dict(zip(scorer.themes_, scorer.terms_, strict=True)))
        write_json(out / "theme_metrics.json", metrics)
        write_csv(out / "seed_diagnostics.csv", diagnostics)
        for message in scorer.warnings_:  # said again at the end of every run that uses them
            warnings.warn(message, ToolkitWarning, stacklevel=2)
        return ThemesOutput(out)

    def save(self, output: ThemesOutput, folder: Path, config: ExperimentConfig) -> None:
        link_tree(output.folder, folder)

    def load(self, folder: Path, config: ExperimentConfig) -> ThemesOutput:
        return ThemesOutput(folder)

    def metrics(self, output: ThemesOutput) -> dict[str, Any]:
        return output.metrics
