"""The topics stage: a topic model of the corpus, evaluated, seeded by the themes.

The model is fitted and evaluated on the client, on the sample (every document of a corpus
that fits ``compute.sample``); then each partition's topic shares are inferred by a task from
the model's arrays alone (:func:`~toolkit.topics.infer_topics`: topic-word matrix, prior,
vocabulary), seeded per partition, so every document's shares come from the same procedure
wherever it runs.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from threadpoolctl import threadpool_limits

from toolkit.corpus.parquet import read_columns
from toolkit.experiment.partitions import Job, Once, jobs, sample_positions, stack_npy
from toolkit.experiment.schema import ExperimentConfig
from toolkit.experiment.stages.base import Inputs, Stage
from toolkit.experiment.stages.corpus import CorpusStage, open_corpus
from toolkit.experiment.stages.text import TextStage
from toolkit.io import read_npy, sha256_file, write_npy
from toolkit.text.parquet import read_tokens
from toolkit.topics.inference import infer_topics
from toolkit.topics.over_time import topics_over_time
from toolkit.topics.result import TopicsResult, article_index


def theme_seeds(config: ExperimentConfig) -> dict[str, list[str]] | None:
    """Theme name -> seed terms, when the config defines themes and seeds the topics."""
    if config.themes is None or not config.topics.seeded:
        return None
    return {name: list(t.seeds) for name, t in config.themes.definitions.items()}


def _units(
    paragraphs: list[list[list[str]]], vocabulary: set[str], unit: str
) -> tuple[list[tuple[int, int]], list[list[str]]]:
    """The modelling units with words of the model, ``(doc, paragraph or -1)``, and those words."""
    if unit == "paragraph":
        units = [((d, p), par) for d, doc in enumerate(paragraphs) for p, par in enumerate(doc)]
    else:
        units = [((d, -1), [t for par in doc for t in par]) for d, doc in enumerate(paragraphs)]
    kept = [(where, [t for t in tokens if t in vocabulary]) for where, tokens in units]
    kept = [(where, tokens) for where, tokens in kept if tokens]
    return [where for where, _ in kept], [tokens for _, tokens in kept]


def infer_partition(
    job: Job, model: dict[str, Any], unit: str, iterations: int, seed: int
) -> dict[str, Any]:
    """Task: the topic shares of one partition's documents (and paragraphs), written as npy.

    ``model`` holds the fitted arrays: ``topic_word``, ``alpha``, ``vocabulary`` and, for NMF,
    ``idf``. A document's shares are the token-weighted mean of its units' shares (the prior's
    for a document without words of the model).
    """
    from toolkit.topics.fit import document_shares

    _, paragraphs = read_tokens(job.sources[0])
    index, texts = _units(paragraphs, set(model["vocabulary"]), unit)
    # one seed per partition: the partitions are fixed by the config, not by the workers
    rng_seed = int(np.random.SeedSequence([seed, job.number]).generate_state(1)[0])
    shares = infer_topics(texts, iterations=iterations, seed=rng_seed, **model)
    alpha = np.asarray(model["alpha"], dtype=np.float64)
    lengths = np.array([len(t) for t in texts], dtype=np.float64)
    write_npy(job.target, document_shares(len(paragraphs), index, shares, lengths, alpha))
    if unit == "paragraph":
        write_npy(unit_file(job.target, "topics"), shares.reshape(-1, len(alpha)))
        write_npy(unit_file(job.target, "index"), np.asarray(index, dtype=np.int64).reshape(-1, 2))
    return {"documents": len(paragraphs)}


def unit_file(target: Path, name: str) -> Path:
    return target.with_name(f"{target.name}.units_{name}.npy")


class TopicsStage(Stage[TopicsResult]):
    name: ClassVar[str] = "topics"
    # 2: every unit fitted, seed-free NMF start, relevance ranking; 3: shares inferred per
    # partition; 4: the first words chosen for coherence; 5: gensim's dictionary file the same
    # whether the text stage was computed or read from the cache; 6: unit_index.npy; 7: the
    # fit on one BLAS thread
    version: ClassVar[int] = 7
    requires: ClassVar[tuple[str, ...]] = ("corpus", "text")

    def settings(self, config: ExperimentConfig) -> dict[str, Any]:
        cfg = config.topics
        settings = cfg.model_dump(mode="json", exclude={"reference_corpus"})
        if cfg.reference_corpus is not None:
            ref = open_corpus(config.corpus, cfg.reference_corpus)
            settings["reference_files"] = sorted(sha256_file(f) for f in ref.files())
        seeds = theme_seeds(config)
        # as pairs: the key's JSON sorts mapping keys, and the themes' order is the topics'
        settings["themes"] = None if seeds is None else [[n, s] for n, s in seeds.items()]
        settings["seed"] = config.seed
        settings["gensim_model"] = config.output.gensim_model
        settings["sample"] = config.compute.sample
        return settings

    def fit(self, config: ExperimentConfig, inputs: Inputs) -> TopicsResult:
        """The model fitted and evaluated on the sample, on the client."""
        cfg = config.topics
        text = inputs[TextStage]
        reference = None
        if cfg.reference_corpus is not None:
            ref_docs = open_corpus(config.corpus, cfg.reference_corpus).to_list()
            reference = text.pipeline.transform(ref_docs).documents()
        positions = sample_positions(len(text.partitions), config.compute.sample, config.seed)
        # imported here: gensim, scipy.optimize and scikit-learn are not needed to find the
        # stage in the cache
        from toolkit.topics.fit import fit_topics

        # One BLAS thread, wherever the fit runs: the same sums, so the same bytes, in this
        # process, beside it or on a Dask client; and beside the sentence encoder a second
        # thread only took a core from torch's two (the fit's wall time alone is the same)
        with threadpool_limits(1, "blas"):
            return fit_topics(
                text.sample(positions),
                **cfg.model_dump(exclude={"seeded", "reference_corpus"}),
                seed=config.seed,
                themes=theme_seeds(config),
                analyze=text.pipeline.transform_text,
                reference_texts=reference,
            )

    def compute(self, config: ExperimentConfig, inputs: Inputs) -> TopicsResult:
        cfg = config.topics
        fitted = self.fit(config, inputs)
        model = {"topic_word": fitted.topic_word, "alpha": fitted.alpha, "idf": fitted.idf}
        model["vocabulary"] = fitted.vocabulary
        work = inputs.work_folder()
        todo = jobs([inputs[TextStage].partitions], work, "doc_topics", ".npy")
        done = inputs.compute.map_partitions(
            Once(infer_partition),
            todo,
            desc="topics: inferring",
            model=model,
            unit=cfg.unit,
            iterations=cfg.iterations,
            seed=config.seed,
        )
        return self._everywhere(config, inputs, fitted, todo, done)

    def _everywhere(
        self,
        config: ExperimentConfig,
        inputs: Inputs,
        fitted: TopicsResult,
        todo: list[Job],
        done: list[dict[str, Any]],
    ) -> TopicsResult:
        """The fitted result with every document's shares and the topics over time."""
        work, targets = inputs.work_folder(), [job.target for job in todo]
        stack_npy(targets, work / "doc_topics.npy")
        doc_topics = read_npy(work / "doc_topics.npy")
        doc_ids = inputs[TextStage].doc_ids
        unit_index = article_index(len(doc_ids))
        unit_topics = doc_topics
        if config.topics.unit == "paragraph":
            shifts = np.concatenate([[0], np.cumsum([d["documents"] for d in done])])[:-1]
            stack_npy([unit_file(t, "topics") for t in targets], work / "unit_topics.npy")
            stack_npy([unit_file(t, "index") for t in targets], work / "unit_index.npy", shifts)
            unit_topics = read_npy(work / "unit_topics.npy")
            unit_index = read_npy(work / "unit_index.npy")
        dates = [
            date
            for path in inputs[CorpusStage].partitions.paths
            for date in read_columns(path, ["date"]).column("date").to_pylist()
        ]
        metrics = {**fitted.metrics, "num_documents": len(doc_ids)}
        metrics["fitted_documents"] = fitted.metrics["num_documents"]
        over_time = topics_over_time(doc_topics, dates, config.topics.period)
        metrics["undated_documents"] = (
            len(dates) if over_time is None else int(over_time.attrs["undated"])
        )
        return replace(
            fitted,
            doc_ids=list(doc_ids),
            doc_topics=doc_topics,
            unit_topics=unit_topics,
            unit_index=unit_index,
            metrics=metrics,
            over_time=over_time,
        )

    def save(self, output: TopicsResult, folder: Path, config: ExperimentConfig) -> None:
        # gensim's own (pickle-based) files are an extra the config may switch off
        output.save(folder, gensim_model=config.output.gensim_model)

    def load(self, folder: Path, config: ExperimentConfig) -> TopicsResult:
        return TopicsResult.load(folder)

    def metrics(self, output: TopicsResult) -> dict[str, Any]:
        return output.metrics

    def provenance(self, output: TopicsResult) -> dict[str, Any]:
        return {"timings": getattr(output, "timings", {})}
