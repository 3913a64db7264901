"""The themes stage: every paragraph and article scored against the configured themes."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from toolkit.experiment.schema import ExperimentConfig
from toolkit.experiment.stages.base import Inputs, Stage
from toolkit.experiment.stages.embeddings import EmbeddingsStage
from toolkit.experiment.stages.text import TextStage
from toolkit.experiment.stages.topics import TopicsStage
from toolkit.themes import ThemeResult, assign_themes


def paragraph_topic_scores(config: ExperimentConfig, inputs: Inputs) -> np.ndarray | None:
    """Per paragraph, the share of each theme's seeded topic (themes order), if topics ran."""
    topics = inputs.get(TopicsStage)
    if topics is None or not topics.topic_themes or config.themes.settings.topic_weight == 0:
        return None
    names = list(config.themes.definitions)
    index, _ = inputs[TextStage].tokens.paragraph_units()
    theme_topic = {theme: topic for topic, theme in topics.topic_themes.items()}
    if config.topics.unit == "paragraph":
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


class ThemesStage(Stage[ThemeResult]):
    name: ClassVar[str] = "themes"
    version: ClassVar[int] = 3
    requires: ClassVar[tuple[str, ...]] = ("corpus", "text", "embeddings")
    optional: ClassVar[tuple[str, ...]] = ("topics",)

    def settings(self, config: ExperimentConfig) -> dict[str, Any]:
        return config.themes.model_dump(mode="json")

    def compute(self, config: ExperimentConfig, inputs: Inputs) -> ThemeResult:
        cfg = config.themes
        emb = inputs[EmbeddingsStage]
        text = inputs[TextStage]
        _, paragraph_tokens = text.tokens.paragraph_units()
        encoder = emb.encoder
        return assign_themes(
            list(text.tokens.doc_ids),
            np.asarray(emb.embeddings.paragraph_index),
            paragraph_tokens,
            None if encoder is None else np.asarray(emb.embeddings.paragraph_vectors),
            cfg.definitions,
            cfg.settings,
            analyze=text.pipeline.transform_text,
            encoder=encoder,
            topic_scores=paragraph_topic_scores(config, inputs),
        )

    def save(self, output: ThemeResult, folder: Path, config: ExperimentConfig) -> None:
        output.save(folder)

    def load(self, folder: Path, config: ExperimentConfig) -> ThemeResult:
        return ThemeResult.load(folder)

    def metrics(self, output: ThemeResult) -> dict[str, Any]:
        return output.metrics
