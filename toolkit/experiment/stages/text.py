"""The text stage: every paragraph through the German text pipeline.

The pipeline's phrases and dictionary are learned on the client from the sample (every
document of a corpus that fits ``compute.sample``); then each corpus partition is tokenised by
a task (on a worker when a cluster runs), which writes ``tokens-00000.parquet`` ….
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from toolkit.corpus.parquet import read_documents
from toolkit.errors import CorpusError
from toolkit.experiment.partitions import (
    Job,
    Once,
    PartitionedSequence,
    Partitions,
    Reiterable,
    jobs,
    sample_positions,
    sampled,
)
from toolkit.experiment.schema import ExperimentConfig, TextConfig
from toolkit.experiment.stages.base import Inputs, Stage
from toolkit.experiment.stages.corpus import CorpusStage
from toolkit.io import read_json, write_json
from toolkit.text.parquet import read_paragraph_row, read_token_ids, read_tokens, write_tokens
from toolkit.text.tokenized import TokenizedCorpus

if TYPE_CHECKING:
    from toolkit.text.pipeline import TextPipeline


def read_paragraphs(path: Path) -> list[list[list[str]]]:
    """The paragraph token lists of every document of one tokens partition."""
    return read_tokens(path)[1]


def read_rows(path: Path) -> list[tuple[str, list[list[str]]]]:
    """``(document id, paragraph token lists)`` of every document of one tokens partition."""
    doc_ids, paragraphs = read_tokens(path)
    return list(zip(doc_ids, paragraphs, strict=True))


@dataclass
class TextOutput:
    """The fitted pipeline (for new text: queries, seeds) and the corpus's token partitions.

    ``stats`` holds the corpus-wide counts (tokens) summed over the partitions.
    """

    pipeline: TextPipeline
    partitions: Partitions
    stats: dict[str, int]

    @cached_property
    def doc_ids(self) -> list[str]:
        """Every document id, in corpus order (read from the partitions' id columns)."""
        return [i for path in self.partitions.paths for i in read_token_ids(path)]

    def sample(self, positions: np.ndarray | None) -> TokenizedCorpus:
        """The tokens of the documents at ``positions`` (None: every one), held in memory: what
        a model is fitted on."""
        rows = sampled(self.partitions, positions, read_rows)
        doc_ids, paragraphs = zip(*rows, strict=True)
        return TokenizedCorpus(list(doc_ids), list(paragraphs), self.pipeline.dictionary_)

    @cached_property
    def tokens(self) -> TokenizedCorpus:
        """The tokens as a :class:`~toolkit.text.TokenizedCorpus` whose paragraphs are read a
        partition at a time."""
        paragraphs = PartitionedSequence(self.partitions, read_paragraphs, read_paragraph_row)
        return TokenizedCorpus(self.doc_ids, paragraphs, self.pipeline.dictionary_)


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


def tokenize_partition(job: Job, pipeline: TextPipeline) -> dict[str, int]:
    """Task: the final tokens of every paragraph of one corpus partition, written to Parquet."""
    documents = read_documents(job.sources[0])
    tokens = pipeline.transform(documents)
    write_tokens(tokens.doc_ids, tokens.paragraphs, job.target)
    return {"documents": len(documents), "tokens": sum(len(d) for d in tokens.documents())}


def fit_pipeline(config: ExperimentConfig, inputs: Inputs) -> TextPipeline:
    """The pipeline's phrases and dictionary, learned on the sample (streamed twice)."""
    parts = inputs[CorpusStage].partitions
    positions = sample_positions(len(parts), config.compute.sample, config.seed)
    size = len(parts) if positions is None else len(positions)
    documents = Reiterable(lambda: sampled(parts, positions, read_documents), size)
    # imported here, as where the pipeline is loaded: gensim and scikit-learn are not needed
    # to find the stage in the cache
    from toolkit.text.pipeline import TextPipeline

    return TextPipeline(**text_params(config.text)).fit(documents)


class TextStage(Stage[TextOutput]):
    name: ClassVar[str] = "text"
    version: ClassVar[int] = 4  # 3: boilerplate sentences dropped; 4: partitions
    requires: ClassVar[tuple[str, ...]] = ("corpus",)

    def settings(self, config: ExperimentConfig) -> dict[str, Any]:
        return {**config.text.model_dump(mode="json"), "sample": config.compute.sample}

    def compute(self, config: ExperimentConfig, inputs: Inputs) -> TextOutput:
        pipeline = fit_pipeline(config, inputs)
        work = inputs.work_folder()
        todo = jobs([inputs[CorpusStage].partitions], work, "tokens", ".parquet")
        done = inputs.compute.map_partitions(
            Once(tokenize_partition), todo, desc="text: tokenising", pipeline=pipeline
        )
        tokens = sum(summary["tokens"] for summary in done)
        if not tokens:
            raise CorpusError(
                f"{config.corpus.path}: no words are left after the text pipeline (every word "
                "is a stopword, a number or shorter than text.min_token_length)"
            )
        counts = tuple(summary["documents"] for summary in done)
        parts = Partitions(work, tuple(job.target.name for job in todo), counts)
        return TextOutput(pipeline, parts, {"tokens": tokens})

    def save(self, output: TextOutput, folder: Path, config: ExperimentConfig) -> None:
        from toolkit.text.dictionary import save_dictionary

        output.pipeline.save(folder / "pipeline")
        save_dictionary(output.pipeline.dictionary_, folder / "dictionary.txt")
        output.partitions.save(folder)
        write_json(folder / "stats.json", output.stats)

    def load(self, folder: Path, config: ExperimentConfig) -> TextOutput:
        from toolkit.text.pipeline import TextPipeline

        return TextOutput(
            TextPipeline.load(folder / "pipeline"),
            Partitions.load(folder),
            read_json(folder / "stats.json"),
        )

    def metrics(self, output: TextOutput) -> dict[str, Any]:
        boilerplate = output.pipeline.boilerplate_
        sentences = boilerplate.sentences_ if boilerplate is not None else {}
        return {
            "tokens": output.stats["tokens"],
            "vocabulary": len(output.pipeline.dictionary_),
            "boilerplate_sentences": len(sentences),
            "boilerplate_removed": int(sum(sentences.values())),
        }
