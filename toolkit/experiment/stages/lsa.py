"""The corpus's LSA, beside the model's vectors: what it reads, its fit on the sample, and each
partition's LSA vectors.

LSA reads the text pipeline's German tokens, or, when the English model reads the English gloss
(``embeddings.input`` gloss or static), the gloss's words: the dictionary maps a German word's
forms and its synonyms onto one English term, so TF-IDF counts them as one. Whole runs of
``experiments/10kgnad.yaml`` over five config seeds (``benchmarks/search_run_10kgnad.py``; with
the exact SVD of :class:`~toolkit.embeddings.LsaEncoder`): label precision@10 of the default
search 0.676 → 0.688, free-text MRR 0.792 → 0.825, the clusters' NMI 0.508 → 0.515 (the
README's *LSA reads the gloss*). A free-text query is glossed the same way
before LSA reads it (:meth:`EmbeddingsOutput.lsa_words
<toolkit.experiment.stages.embeddings.EmbeddingsOutput.lsa_words>`).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from toolkit.corpus.document import Document
from toolkit.corpus.parquet import read_documents
from toolkit.embeddings import LsaEncoder
from toolkit.embeddings.inputs import resolve_input
from toolkit.experiment.partitions import sample_positions, sampled
from toolkit.experiment.schema import EmbeddingsConfig, ExperimentConfig, LexiconConfig
from toolkit.experiment.stages.base import Inputs
from toolkit.experiment.stages.corpus import CorpusStage
from toolkit.experiment.stages.text import TextStage, read_paragraphs
from toolkit.lexicon import Glosser, shared_glosser

LsaReads = Literal["tokens", "gloss"]


def lsa_reads(cfg: EmbeddingsConfig) -> LsaReads:
    """``gloss`` when the model reads the English gloss (gloss or static input), else
    ``tokens`` (the German text's own model, and the lsa backend, which is LSA alone)."""
    if cfg.backend == "lsa" or resolve_input(cfg.input, cfg.model) == "german":
        return "tokens"
    return "gloss"


def lsa_glosser(lexicon_json: str) -> Glosser:
    """The process's glosser of the ``lexicon`` section given as JSON: the one the model's
    input reads through too, so a partition is glossed once (its memo warm for LSA)."""
    lexicon = LexiconConfig.model_validate_json(lexicon_json)
    return shared_glosser(lexicon.path, sense=lexicon.sense, keep_unknown=lexicon.keep_unknown)


def gloss_words(glosser: Glosser, text: str) -> list[str]:
    """The words of ``text``'s English gloss, as LSA reads them: multi-word terms split, in
    lower case (the gloss keeps the case of names and of terms such as *Armed Forces*)."""
    return glosser.gloss(text).lower().split()


def _paragraph_texts(doc: Document) -> list[str]:
    # the paragraphs the model encodes (embed_corpus), so the LSA rows line up with its rows
    return [text for text in doc.paragraphs if text.strip()]


def fit_lsa(config: ExperimentConfig, inputs: Inputs, reads: LsaReads) -> LsaEncoder:
    """LSA fitted on the sample's paragraphs: their gloss words, or the German tokens of the
    text stage's dictionary.

    Over the dictionary's tokens only: on 10kgnad k-means NMI 0.31 against 0.20 on all tokens
    (``benchmarks/embeddings_10kgnad.py``); transforming needs no filter, since LSA ignores
    the words it was not fitted on. The gloss needs none: its words are dictionary terms.
    """
    parts = inputs[CorpusStage].partitions
    positions = sample_positions(len(parts), config.compute.sample, config.seed)
    if reads == "gloss":
        glosser = lsa_glosser(config.lexicon.model_dump_json())
        units = (
            gloss_words(glosser, text)
            for doc in sampled(parts, positions, read_documents)
            for text in _paragraph_texts(doc)
        )
    else:
        text = inputs[TextStage]
        vocabulary = text.pipeline.dictionary_.token2id
        units = (
            [t for t in par if t in vocabulary]
            for doc in sampled(text.partitions, positions, read_paragraphs)
            for par in doc
        )
    lsa = LsaEncoder(dims=config.embeddings.lsa_dims, seed=config.seed)
    return lsa.fit([unit for unit in units if unit])


def lsa_arrays(paragraphs: list[list[list[str]]], lsa: LsaEncoder) -> dict[str, np.ndarray]:
    """LSA vectors of each paragraph (``lsa_paragraph``) and of each document, its paragraphs'
    words together (``lsa_doc``), with the paragraphs' ``(document, paragraph)`` index."""
    units = [par for doc in paragraphs for par in doc]
    index = [(d, p) for d, doc in enumerate(paragraphs) for p in range(len(doc))]
    return {
        "lsa_paragraph": lsa.transform(units),
        "lsa_doc": lsa.transform([[t for par in doc for t in par] for doc in paragraphs]),
        "index": np.asarray(index, dtype=np.int32).reshape(-1, 2),
    }


def partition_lsa(
    documents: list[Document], text_file: str, lsa: LsaEncoder, lexicon_json: str | None
) -> dict[str, np.ndarray]:
    """One partition's :func:`lsa_arrays`: of its ``documents``' gloss words when
    ``lexicon_json`` (the ``lexicon`` section) is given, else of the text stage's tokens."""
    if lexicon_json is None:
        return lsa_arrays(read_paragraphs(text_file), lsa)
    glosser = lsa_glosser(lexicon_json)
    words = [[gloss_words(glosser, text) for text in _paragraph_texts(doc)] for doc in documents]
    return lsa_arrays(words, lsa)
