"""The text stage: every paragraph through the German text pipeline."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from toolkit.errors import CorpusError
from toolkit.experiment.schema import ExperimentConfig, TextConfig
from toolkit.experiment.stages.base import Inputs, Stage
from toolkit.experiment.stages.corpus import CorpusStage
from toolkit.text import TextPipeline, TokenizedCorpus, load_tokenized, save_tokenized


@dataclass
class TextOutput:
    """The fitted pipeline (for new text: queries, seeds) and the corpus's tokens."""

    pipeline: TextPipeline
    tokens: TokenizedCorpus


def text_params(cfg: TextConfig) -> dict[str, Any]:
    """The ``text`` section as :class:`~toolkit.text.TextPipeline` parameters."""
    flat = cfg.model_dump(exclude={"phrases", "dictionary", "boilerplate"})
    return {
        **flat,
        "phrases": cfg.phrases.enabled,
        "phrase_min_count": cfg.phrases.min_count,
        "phrase_threshold": cfg.phrases.threshold,
        "phrase_scoring": cfg.phrases.scoring,
        **cfg.dictionary.model_dump(),
        "boilerplate": cfg.boilerplate.enabled,
        "boilerplate_min_share": cfg.boilerplate.min_share,
        "boilerplate_min_documents": cfg.boilerplate.min_documents,
    }


class TextStage(Stage[TextOutput]):
    name: ClassVar[str] = "text"
    version: ClassVar[int] = 3  # 3: boilerplate sentences are dropped (text.boilerplate)
    requires: ClassVar[tuple[str, ...]] = ("corpus",)

    def settings(self, config: ExperimentConfig) -> dict[str, Any]:
        return config.text.model_dump(mode="json")

    def compute(self, config: ExperimentConfig, inputs: Inputs) -> TextOutput:
        pipeline = TextPipeline(**text_params(config.text))
        tokens = pipeline.fit_transform(inputs[CorpusStage].documents)
        if not any(tokens.documents()):
            raise CorpusError(
                f"{config.corpus.path}: no words are left after the text pipeline (every word "
                "is a stopword, a number or shorter than text.min_token_length)"
            )
        return TextOutput(pipeline, tokens)

    def save(self, output: TextOutput, folder: Path, config: ExperimentConfig) -> None:
        output.pipeline.save(folder / "pipeline")
        save_tokenized(output.tokens, folder)

    def load(self, folder: Path, config: ExperimentConfig) -> TextOutput:
        return TextOutput(TextPipeline.load(folder / "pipeline"), load_tokenized(folder))

    def metrics(self, output: TextOutput) -> dict[str, Any]:
        docs = output.tokens.documents()
        boilerplate = output.pipeline.boilerplate_
        sentences = boilerplate.sentences_ if boilerplate is not None else {}
        return {
            "tokens": int(sum(len(d) for d in docs)),
            "vocabulary": len(output.pipeline.dictionary_),
            "boilerplate_sentences": len(sentences),
            "boilerplate_removed": int(sum(sentences.values())),
        }
