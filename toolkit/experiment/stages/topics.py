"""The topics stage: a topic model of the corpus, evaluated, seeded by the themes."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from toolkit.experiment.schema import ExperimentConfig
from toolkit.experiment.stages.base import Inputs, Stage
from toolkit.experiment.stages.corpus import CorpusStage, open_corpus
from toolkit.experiment.stages.text import TextStage
from toolkit.io import sha256_file
from toolkit.topics import TopicsResult, fit_topics


def theme_seeds(config: ExperimentConfig) -> dict[str, list[str]] | None:
    """Theme name -> seed terms, when the config defines themes and seeds the topics."""
    if config.themes is None or not config.topics.seeded:
        return None
    return {name: list(t.seeds) for name, t in config.themes.definitions.items()}


class TopicsStage(Stage[TopicsResult]):
    name: ClassVar[str] = "topics"
    version: ClassVar[int] = 2  # 2: every unit fitted, seed-free NMF start, relevance ranking
    requires: ClassVar[tuple[str, ...]] = ("corpus", "text")

    def settings(self, config: ExperimentConfig) -> dict[str, Any]:
        cfg = config.topics
        settings = cfg.model_dump(mode="json", exclude={"reference_corpus"})
        if cfg.reference_corpus is not None:
            ref = open_corpus(config.corpus, cfg.reference_corpus)
            settings["reference_files"] = sorted(sha256_file(f) for f in ref.files())
        settings["themes"] = theme_seeds(config)
        settings["seed"] = config.seed
        settings["gensim_model"] = config.output.gensim_model
        return settings

    def compute(self, config: ExperimentConfig, inputs: Inputs) -> TopicsResult:
        cfg = config.topics
        text = inputs[TextStage]
        reference = None
        if cfg.reference_corpus is not None:
            ref_docs = open_corpus(config.corpus, cfg.reference_corpus).to_list()
            reference = text.pipeline.transform(ref_docs).documents()
        result = fit_topics(
            text.tokens,
            **cfg.model_dump(exclude={"seeded", "reference_corpus"}),
            seed=config.seed,
            themes=theme_seeds(config),
            analyze=text.pipeline.transform_text,
            reference_texts=reference,
            dates=[d.date for d in inputs[CorpusStage].documents],
        )
        return result

    def save(self, output: TopicsResult, folder: Path, config: ExperimentConfig) -> None:
        # gensim's own (pickle-based) files are an extra the config may switch off
        output.save(folder, gensim_model=config.output.gensim_model)

    def load(self, folder: Path, config: ExperimentConfig) -> TopicsResult:
        return TopicsResult.load(folder)

    def metrics(self, output: TopicsResult) -> dict[str, Any]:
        return output.metrics

    def provenance(self, output: TopicsResult) -> dict[str, Any]:
        return {"timings": getattr(output, "timings", {})}
