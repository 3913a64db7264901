"""The themes stage: every paragraph and article scored against the configured themes."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from toolkit.embeddings import EmbeddingCache, Encoder, encode_cached
from toolkit.embeddings.gloss import GlossEncoder
from toolkit.errors import ToolkitWarning
from toolkit.experiment.schema import ExperimentConfig, ThemesConfig
from toolkit.experiment.stages.base import Inputs, Stage
from toolkit.experiment.stages.corpus import CorpusStage
from toolkit.experiment.stages.embeddings import (
    EmbeddingsOutput,
    EmbeddingsStage,
    embeddings_section,
    whole_text_model,
)
from toolkit.experiment.stages.text import TextStage
from toolkit.experiment.stages.topics import TopicsStage
from toolkit.lexicon import Glosser, load_lexicon
from toolkit.themes import ThemeResult, ThemeScorer, ThemeSpec, assign_themes


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


def theme_specs(cfg: ThemesConfig) -> dict[str, ThemeSpec]:
    """The configured themes as the library's :class:`ThemeSpec`, in config order."""
    return {name: ThemeSpec(d.description, d.seeds) for name, d in cfg.definitions.items()}


def scorer_params(cfg: ThemesConfig) -> dict[str, Any]:
    """The ``themes.settings`` that are set, as :class:`ThemeScorer` keyword parameters (the
    rest are the library's calibrated defaults)."""
    params = cfg.settings.model_dump(exclude={"gloss"})
    return {key: value for key, value in params.items() if value is not None}


def uses_gloss(config: ExperimentConfig) -> bool:
    """Whether the themes judge context through the English gloss."""
    return config.themes.settings.gloss and config.embeddings.backend != "lsa"


def context_vectors(
    config: ExperimentConfig, inputs: Inputs, emb: EmbeddingsOutput
) -> tuple[Encoder | None, np.ndarray | None]:
    """The encoder of the gloss and the paragraphs' gloss vectors, or ``(None, None)``.

    The context is a whole-text sentence model on each paragraph's English gloss. With gloss
    input (the default for the English model when themes are configured,
    :func:`embeddings_section`) the embeddings' paragraph vectors are exactly that. Otherwise
    every paragraph's gloss goes through :func:`whole_text_model` once (cached). Static gloss
    vectors cannot stand in: the themes, calibrated on whole-text vectors, fall from macro-F1
    0.84 to 0.44 on them (``benchmarks/themes_mixed.py --context static``).
    """
    if not uses_gloss(config):
        return None, None
    section = embeddings_section(config)
    if section.input == "gloss":
        return emb.encoder, np.asarray(emb.embeddings.paragraph_vectors)
    lexicon = config.lexicon
    glosser = Glosser(
        load_lexicon(lexicon.path), sense=lexicon.sense, keep_unknown=lexicon.keep_unknown
    )
    encoder = GlossEncoder(whole_text_model(section), glosser)
    documents = inputs[CorpusStage].documents
    index, _ = inputs[TextStage].tokens.paragraph_units()
    texts = [documents[d].paragraphs[p] for d, p in index]
    cache = EmbeddingCache(inputs.cache_dir / "embeddings", encoder.fingerprint())
    return encoder, encode_cached(encoder, texts, cache)


class ThemesStage(Stage[ThemeResult]):
    name: ClassVar[str] = "themes"
    version: ClassVar[int] = 5
    requires: ClassVar[tuple[str, ...]] = ("corpus", "text", "embeddings")
    optional: ClassVar[tuple[str, ...]] = ("topics",)

    def check(self, config: ExperimentConfig) -> None:
        if uses_gloss(config):
            load_lexicon(config.lexicon.path)  # a missing dictionary fails before any work

    def settings(self, config: ExperimentConfig) -> dict[str, Any]:
        cfg = config.themes
        settings = cfg.model_dump(mode="json")
        # the library's defaults, resolved: a new calibration must not hit an old cache entry
        settings["params"] = ThemeScorer(theme_specs(cfg), **scorer_params(cfg)).get_params()
        if uses_gloss(config):
            settings["context_model"] = whole_text_model(embeddings_section(config)).fingerprint()
            settings["lexicon"] = {
                **config.lexicon.model_dump(mode="json", exclude={"path"}),
                "source": load_lexicon(config.lexicon.path).source,
            }
        return settings

    def compute(self, config: ExperimentConfig, inputs: Inputs) -> ThemeResult:
        emb = inputs[EmbeddingsStage]
        text = inputs[TextStage]
        _, paragraph_tokens = text.tokens.paragraph_units()
        encoder = emb.encoder
        gloss_encoder, gloss_vectors = context_vectors(config, inputs, emb)
        result = assign_themes(
            list(text.tokens.doc_ids),
            np.asarray(emb.embeddings.paragraph_index),
            paragraph_tokens,
            theme_specs(config.themes),
            paragraph_vectors=None if encoder is None else emb.embeddings.paragraph_vectors,
            gloss_vectors=gloss_vectors,
            topic_scores=paragraph_topic_scores(config, inputs),
            analyze=text.pipeline.transform_text,
            encoder=encoder,
            gloss_encoder=gloss_encoder,
            **scorer_params(config.themes),
        )
        for message in result.warnings:  # said again at the end of every run that uses them
            warnings.warn(message, ToolkitWarning, stacklevel=2)
        return result

    def save(self, output: ThemeResult, folder: Path, config: ExperimentConfig) -> None:
        output.save(folder)

    def load(self, folder: Path, config: ExperimentConfig) -> ThemeResult:
        return ThemeResult.load(folder)

    def metrics(self, output: ThemeResult) -> dict[str, Any]:
        return output.metrics
