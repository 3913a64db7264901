"""The stages of the pipeline, in the one order they run (the only place that order is written).

Examples
--------
>>> [stage.name for stage in STAGES]
['corpus', 'text', 'topics', 'embeddings', 'clusters', 'themes', 'search']
"""

from __future__ import annotations

from typing import Any

from toolkit.experiment.schema import SECTIONS, ExperimentConfig
from toolkit.experiment.stages.base import Inputs, Stage
from toolkit.experiment.stages.clusters import ClustersStage
from toolkit.experiment.stages.corpus import CorpusOutput, CorpusStage
from toolkit.experiment.stages.embeddings import EmbeddingsOutput, EmbeddingsStage, encoder_for
from toolkit.experiment.stages.search import SearchStage
from toolkit.experiment.stages.text import TextOutput, TextStage
from toolkit.experiment.stages.themes import ThemesStage
from toolkit.experiment.stages.topics import TopicsStage

STAGES: tuple[Stage[Any], ...] = (
    CorpusStage(),
    TextStage(),
    TopicsStage(),
    EmbeddingsStage(),
    ClustersStage(),
    ThemesStage(),
    SearchStage(),
)
BY_NAME: dict[str, Stage[Any]] = {stage.name: stage for stage in STAGES}


def with_requirements(config: ExperimentConfig) -> ExperimentConfig:
    """``config`` with the sections its stages need added, at their defaults.

    >>> cfg = ExperimentConfig.model_validate({"name": "d", "corpus": {"path": "seeds"},
    ...     "themes": {"nato": {"description": "NATO", "seeds": ["Nato"]}}})
    >>> [s.name for s in enabled_stages(with_requirements(cfg))]
    ['corpus', 'text', 'embeddings', 'themes']
    """
    config = config.model_copy(deep=True)
    # later stages need earlier ones only, so one pass from the end adds every requirement
    for stage in reversed(STAGES):
        if not stage.enabled(config):
            continue
        for name in stage.needs(config):
            if not BY_NAME[name].enabled(config):
                setattr(config, name, SECTIONS[name]())
    return config


def enabled_stages(config: ExperimentConfig) -> list[Stage[Any]]:
    """The stages ``config`` runs, in pipeline order."""
    return [stage for stage in STAGES if stage.enabled(config)]


__all__ = [
    "BY_NAME",
    "STAGES",
    "ClustersStage",
    "CorpusOutput",
    "CorpusStage",
    "EmbeddingsOutput",
    "EmbeddingsStage",
    "Inputs",
    "SearchStage",
    "Stage",
    "TextOutput",
    "TextStage",
    "ThemesStage",
    "TopicsStage",
    "enabled_stages",
    "encoder_for",
    "with_requirements",
]
