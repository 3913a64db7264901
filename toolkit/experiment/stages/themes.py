"""The themes stage: every paragraph and article scored against the configured themes.

The theme scorer (terms, expansion, prototypes) is fitted on the client, on the sample's
paragraphs; then each partition's paragraphs are scored by a task, which writes its rows of
``themes.csv`` and ``theme_paragraphs.csv``; the client joins the partitions' rows into the two
files a partition at a time. Every row depends on its own article only, so the joined files
are those one table of every article would give.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from toolkit.experiment.partitions import Job, Once, jobs, sample_positions
from toolkit.experiment.schema import ExperimentConfig
from toolkit.experiment.stages.base import Inputs, Stage
from toolkit.experiment.stages.embeddings import EmbeddingsStage
from toolkit.experiment.stages.text import TextStage
from toolkit.experiment.stages.topics import TopicsStage
from toolkit.io import atomic_path, link_tree, read_csv, read_json, read_npy, write_csv, write_json
from toolkit.text.parquet import read_tokens
from toolkit.themes import ThemeScorer
from toolkit.themes.stage import evidence_kinds, share_metrics, theme_tables

TABLES = ("themes.csv", "theme_paragraphs.csv")


@dataclass
class ThemesOutput:
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

    @property
    def theme_names(self) -> list[str]:
        return list(self.metrics["themes"])


def paragraph_topic_scores(
    config: ExperimentConfig, inputs: Inputs, index: np.ndarray
) -> np.ndarray | None:
    """Per paragraph (rows of ``index``: document, paragraph), the share of each theme's
    seeded topic (themes order), if topics ran and weigh."""
    topics = inputs.get(TopicsStage)
    if topics is None or not topics.topic_themes or config.themes.settings.topic_weight == 0:
        return None
    names = list(config.themes.definitions)
    theme_topic = {theme: topic for topic, theme in topics.topic_themes.items()}
    if config.topics.unit == "paragraph":
        position = {tuple(u): i for i, u in enumerate(topics.unit_index)}
        rows = [position.get((int(d), int(p))) for d, p in index]
        shares = [None if r is None else topics.unit_topics[r] for r in rows]
    else:
        shares = [topics.doc_topics[d] for d, _ in index]
    scores = np.zeros((len(index), len(names)), dtype=np.float64)
    for i, row in enumerate(shares):
        if row is None:
            continue
        for j, name in enumerate(names):
            if name in theme_topic:
                scores[i, j] = row[theme_topic[name]]
    return scores


def score_partition(
    job: Job,
    scorer: ThemeScorer,
    vectors: str | None,
    bounds: np.ndarray,
    topic_scores: np.ndarray | None,
) -> dict[str, Any]:
    """Task: one partition's paragraphs scored, its rows of the two tables written as CSV.

    ``vectors`` is the paragraph vectors' file; partition ``i``'s rows in it (and in
    ``topic_scores``, every paragraph's, when topics weigh) are ``bounds[i]:bounds[i + 1]``.
    """
    doc_ids, paragraphs = read_tokens(job.sources[0])
    index = np.array([(d, p) for d, doc in enumerate(paragraphs) for p in range(len(doc))])
    tokens = [par for doc in paragraphs for par in doc]
    start, stop = int(bounds[job.number]), int(bounds[job.number + 1])
    matrix = None if vectors is None else np.asarray(read_npy(vectors, mmap=True)[start:stop])
    topics = None if topic_scores is None else topic_scores[start:stop]
    scores = scorer.score(tokens, matrix, topics)
    labels = scorer.assign(scores)
    themes, table = theme_tables(doc_ids, index, tokens, scores, labels, scorer.themes_)
    write_csv(job.target, themes)
    write_csv(job.target.with_name(f"{job.target.name}.paragraphs"), table)
    return {"paragraphs": Counter(labels), "documents": Counter(themes["theme"])}


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
    version: ClassVar[int] = 4
    requires: ClassVar[tuple[str, ...]] = ("corpus", "text", "embeddings")
    optional: ClassVar[tuple[str, ...]] = ("topics",)

    def settings(self, config: ExperimentConfig) -> dict[str, Any]:
        return {**config.themes.model_dump(mode="json"), "sample": config.compute.sample}

    def fit(self, config: ExperimentConfig, inputs: Inputs) -> tuple[ThemeScorer, bool]:
        """The scorer fitted on the sample's paragraphs; and whether it used vectors."""
        cfg, emb, text = config.themes, inputs[EmbeddingsStage], inputs[TextStage]
        positions = sample_positions(len(text.partitions), config.compute.sample, config.seed)
        _, tokens = text.sample(positions).paragraph_units()
        index = np.asarray(emb.embeddings.paragraph_index)
        rows = np.arange(len(index)) if positions is None else np.isin(index[:, 0], positions)
        encoder = emb.encoder
        vectors = None if encoder is None else np.asarray(emb.embeddings.paragraph_vectors[rows])
        scorer = ThemeScorer(cfg.definitions, cfg.settings, text.pipeline.transform_text, encoder)
        return scorer.fit(tokens, vectors), vectors is not None

    def compute(self, config: ExperimentConfig, inputs: Inputs) -> ThemesOutput:
        emb, text = inputs[EmbeddingsStage], inputs[TextStage]
        index = np.asarray(emb.embeddings.paragraph_index)
        topic_scores = paragraph_topic_scores(config, inputs, index)
        scorer, semantic = self.fit(config, inputs)
        # what a worker needs to score: not the encoder, nor the analysis of new text
        scoring = copy.copy(scorer)
        scoring.encoder, scoring.analyze = None, None
        work = inputs.work_folder()
        todo = jobs([text.partitions], work / "parts", "themes", ".csv")
        done = inputs.compute.map_partitions(
            Once(score_partition),
            todo,
            desc="themes: scoring",
            scorer=scoring,
            vectors=str(emb.folder / "paragraph_vectors.npy") if semantic else None,
            bounds=np.searchsorted(index[:, 0], text.partitions.offsets),
            topic_scores=topic_scores,
        )
        out = work / "out"
        join_csv([job.target for job in todo], out / "themes.csv")
        parts = [job.target.with_name(f"{job.target.name}.paragraphs") for job in todo]
        join_csv(parts, out / "theme_paragraphs.csv")
        paragraphs = sum((Counter(d["paragraphs"]) for d in done), Counter())
        documents = sum((Counter(d["documents"]) for d in done), Counter())
        metrics = {
            **share_metrics(paragraphs, documents, scorer.themes_),
            "settings": scorer.settings_,
            "evidence": evidence_kinds(scorer, np.zeros(0) if semantic else None, topic_scores),
        }
        write_json(out / "theme_terms.json", scorer.terms_)
        write_json(out / "theme_metrics.json", metrics)
        return ThemesOutput(out)

    def save(self, output: ThemesOutput, folder: Path, config: ExperimentConfig) -> None:
        link_tree(output.folder, folder)

    def load(self, folder: Path, config: ExperimentConfig) -> ThemesOutput:
        return ThemesOutput(folder)

    def metrics(self, output: ThemesOutput) -> dict[str, Any]:
        return output.metrics
