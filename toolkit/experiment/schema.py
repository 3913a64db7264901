"""The typed schema of an experiment config: one pydantic model per section.

A config has the fixed sections ``name``, ``seed``, ``corpus``, ``text``, ``topics``,
``embeddings``, ``clusters``, ``themes``, ``search``, ``compute`` and ``output``. A stage whose
section is absent is not run; an empty section runs it with its defaults (and the stages it
needs are added with theirs, see :func:`toolkit.experiment.stages.with_requirements`). Unknown
keys, wrong types and impossible values are errors naming the key; every field says what it
means here. Two sections have modules of their own: ``themes``
(:mod:`toolkit.experiment.theme_config`) and ``compute`` (:mod:`toolkit.experiment.compute`).

Examples
--------
>>> cfg = ExperimentConfig.model_validate({"name": "demo", "corpus": {"path": "seeds"}})
>>> cfg.topics is None, cfg.seed
(True, 0)
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, Strict, field_validator

from toolkit.corpus import FORMATS
from toolkit.embeddings.sentence_transformers import Precision
from toolkit.experiment.compute import ComputeConfig
from toolkit.experiment.section import Section
from toolkit.experiment.theme_config import ThemesConfig

# paths come from YAML as strings: the one place where strict types convert
LaxPath = Annotated[Path, Strict(False)]


# ---------------------------------------------------------------------------------------------
# corpus


class CorpusConfig(Section):
    """Where the articles are and how to read them."""

    path: LaxPath | list[LaxPath] = Field(
        description="a file or folder, or a list of them read as one corpus"
    )

    @field_validator("path")
    @classmethod
    def _some_path(cls, value: Path | list[Path]) -> Path | list[Path]:
        if isinstance(value, list) and not value:
            raise ValueError("give at least one file or folder")
        return value

    @property
    def paths(self) -> list[Path]:
        """The corpus path(s) as a list."""
        return list(self.path) if isinstance(self.path, list) else [self.path]

    format: Literal[FORMATS] = "auto"  # type: ignore[valid-type]
    encoding: str = "utf-8"
    delimiter: str | None = Field(None, description="CSV delimiter; None sniffs (`,` `;` tab `|`)")
    quotechar: str = '"'
    header: bool = True
    columns: dict[Literal["id", "text", "title", "date", "label", "source"], str | int] | None = (
        Field(None, description="CSV field -> column name (with header) or 0-based index (without)")
    )
    on_error: Literal["raise", "skip"] = Field(
        "raise", description="raise on the first bad row/file, or skip it and report the count"
    )
    split_long_paragraphs: int = Field(
        150, ge=0, description="cut paragraphs over this many words at sentence ends (0: off)"
    )
    limit: int | None = Field(None, ge=1, description="read only the first N documents")

    @field_validator("delimiter", "quotechar")
    @classmethod
    def _one_character(cls, value: str | None) -> str | None:
        if value is not None and len(value) != 1:
            raise ValueError("must be a single character")
        return value


# ---------------------------------------------------------------------------------------------
# text


class PhrasesConfig(Section):
    enabled: bool = True
    min_count: int = Field(5, ge=1)
    threshold: float = Field(0.5, description="gensim Phrases threshold (npmi scoring: in (-1, 1])")
    scoring: Literal["npmi", "default"] = "npmi"


class DictionaryConfig(Section):
    no_below: int = Field(2, ge=1, description="keep tokens in at least this many documents")
    no_above: float = Field(0.5, gt=0, le=1, description="drop tokens in more than this share")
    keep_n: int | None = Field(100_000, ge=1)


class BoilerplateConfig(Section):
    enabled: bool = Field(True, description="drop sentences repeated verbatim across articles")
    min_share: float = Field(
        0.005, gt=0, lt=1, description="in more than this share of the articles (0.5 %)"
    )
    min_documents: int = Field(5, ge=1, description="and in at least this many articles")


class TextConfig(Section):
    """The German text pipeline: boilerplate, tokenise, stopwords, lemmatise, phrases,
    dictionary."""

    lowercase: bool = True
    lemmatize: bool = True
    stopwords: Literal["iso", "none"] = "iso"
    news_stopwords: bool = True
    extra_stopwords: list[str] = Field(default_factory=list)
    keep_numbers: bool = False
    min_token_length: int = Field(2, ge=1)
    phrases: PhrasesConfig = Field(default_factory=PhrasesConfig)
    dictionary: DictionaryConfig = Field(default_factory=DictionaryConfig)
    boilerplate: BoilerplateConfig = Field(default_factory=BoilerplateConfig)


# ---------------------------------------------------------------------------------------------
# topics


class TopicsConfig(Section):
    """Topic models (gensim LDA, or scikit-learn NMF as a baseline) and their evaluation."""

    model: Literal["lda", "lda_multicore", "nmf"] = "lda"
    num_topics: int = Field(10, ge=1)
    unit: Literal["article", "paragraph"] = "article"
    passes: int = Field(10, ge=1)
    iterations: int = Field(400, ge=1)
    alpha: float | Literal["auto", "symmetric", "asymmetric"] = "auto"
    eta: float | Literal["auto", "symmetric"] | None = None
    chunksize: int = Field(2000, ge=1)
    init: Literal["nmf", "random"] = Field(
        "nmf", description="LDA start: NMF-on-TF-IDF topics (stable, better), or gensim's random"
    )
    workers: int | None = Field(None, ge=1, description="lda_multicore worker processes")
    seeded: bool = Field(True, description="turn the config's themes into an eta prior")
    seed_confidence: float = Field(
        0.9, gt=0, lt=1, description="share of a seeded topic's prior mass on its seed terms"
    )
    top_n: int = Field(20, ge=1, description="words per topic in the topic table")
    coherence: list[Literal["c_npmi", "c_v", "u_mass"]] = Field(
        default_factory=lambda: ["c_npmi", "c_v", "u_mass"]
    )
    coherence_top_n: int = Field(10, ge=2)
    reference_corpus: Path | None = Field(
        None, strict=False, description="another corpus for coherence"
    )
    stability_seeds: int = Field(3, ge=0, description="extra fits with other seeds (0: off)")
    holdout: float = Field(
        0.1, ge=0, lt=1, description="share of units held out of a separate perplexity fit"
    )
    relevance: float = Field(
        0.8, ge=0, le=1, description="rank topic words by relevance with this weight (1: p(w|k))"
    )
    word_candidates: int = Field(
        30, ge=0, description="coherence_top_n words picked for co-occurrence among this many"
    )
    period: Literal["year", "quarter", "month", "day"] = "month"


# ---------------------------------------------------------------------------------------------
# embeddings


class EmbeddingsConfig(Section):
    """Document and paragraph vectors."""

    backend: Literal["sentence-transformers", "onnx", "lsa"] = "sentence-transformers"
    model: str = Field(
        "all-MiniLM-L6-v2",
        description="model name or local path; all-MiniLM-L6-v2 resolves to the bundled copy",
    )
    batch_size: int = Field(32, ge=1)
    max_length: int | None = Field(None, ge=8, description="wordpieces per passage (model max)")
    normalize: bool = True
    device: str = "cpu"
    pooling: Literal["mean", "max", "first"] = "mean"
    passage_overlap: int = Field(16, ge=0, description="wordpieces shared by consecutive passages")
    quantize: bool = Field(True, description="onnx backend: dynamic int8 quantisation")
    precision: Precision = Field(
        "auto", description="sentence-transformers: auto is bfloat16 on a CPU that has it natively"
    )
    threads: int | None = Field(None, ge=1, description="CPU threads (default: all cores)")
    lsa_dims: int = Field(200, ge=2, description="lsa backend: SVD dimensions")
    input: Literal["auto", "german", "gloss", "static"] = Field(
        "auto",
        description="what the model reads: the German text, its English gloss (lexicon), or "
        "static vectors of the gloss terms; auto: static for the bundled English model, "
        "german for any other (a multilingual model reads German itself)",
    )
    static_weighting: Literal["count", "sublinear", "idf", "sif"] = Field(
        "idf", description="static input: how a term's occurrences weigh"
    )
    term_backend: Literal["sentence-transformers", "onnx"] = Field(
        "onnx", description="static input: the model that encodes single terms (onnx: fp32)"
    )


class LexiconConfig(Section):
    """The German-English dictionary that glosses German for an English model."""

    path: LaxPath = Field(
        Path("/usr/share/trans/de-en"),
        description="a dictionary in the Ding format (Debian's trans-de-en installs this one)",
    )
    sense: Literal["rich", "typed", "first"] = Field(
        "rich", description="which sense of a word: the richest entry, by word class, or first"
    )
    keep_unknown: bool = Field(True, description="pass words the dictionary lacks (names) on")


# ---------------------------------------------------------------------------------------------
# clusters


class ReduceConfig(Section):
    method: Literal["umap", "none"] = "umap"
    n_components: int = Field(5, ge=2)
    n_neighbors: int = Field(
        30, ge=2, description="UMAP's neighbourhood (measured: toolkit.clusters.reduce.Reduction)"
    )
    min_dist: float = Field(0.0, ge=0)
    metric: str = "cosine"


class ClustersConfig(Section):
    """Reduce, cluster and label documents."""

    unit: Literal["article", "paragraph"] = Field(
        "article", description="cluster articles, or paragraphs (small corpora such as the seed)"
    )
    vectors: Literal["embeddings", "lsa", "combined"] = Field(
        "combined", description="what to cluster: model embeddings, LSA, or both concatenated"
    )
    centre_embeddings: bool = Field(
        True,
        description="take the direction the model's vectors share out of them before "
        "clustering (toolkit.clusters.combine); LSA is left as it is",
    )
    reduce: ReduceConfig = Field(default_factory=ReduceConfig)
    method: Literal["hdbscan", "kmeans"] = "kmeans"
    num_clusters: int | Literal["auto"] = "auto"
    min_cluster_size: int | None = Field(None, ge=2, description="hdbscan (default: by size)")
    min_samples: int | None = Field(None, ge=1)
    assign_outliers: bool = False
    layout: bool = Field(True, description="also compute a 2-D UMAP layout for plots")
    label_words: int = Field(8, ge=1)
    word_candidates: int = Field(
        30, ge=0, description="choose the label words for co-occurrence among this many best"
    )


# ---------------------------------------------------------------------------------------------
# search


class AnnConfig(Section):
    min_size: int = Field(200_000, ge=1, description="build an approximate index from this size on")
    M: int = Field(16, ge=2)
    ef_construction: int = Field(200, ge=8)
    ef_search: int = Field(128, ge=8, description="the candidate list the build starts from")
    target_recall: float | None = Field(
        0.95,
        gt=0,
        le=1,
        description="double ef_search (to 1024 at most) until the recall@10 measured at build "
        "time reaches this; null keeps ef_search",
    )


class SearchConfig(Section):
    mode: Literal["hybrid", "dense", "lexical", "topics"] = "hybrid"
    rrf_k: int = Field(60, ge=1)
    weights: dict[Literal["dense", "lexical", "lsa", "topics"], float] | None = Field(
        None, description="fusion weights (default: chosen on evidence, see README)"
    )
    bm25_k1: float = Field(1.5, gt=0)
    bm25_b: float = Field(0.75, ge=0, le=1)
    ann: AnnConfig = Field(default_factory=AnnConfig)
    centre_dense: bool = Field(
        True,
        description="take the direction the model's article vectors share out of them and of "
        "every query (the mean of the fitted articles' unit vectors)",
    )
    duplicate_threshold: float = Field(0.95, gt=0, le=1)


# ---------------------------------------------------------------------------------------------
# output


class OutputConfig(Section):
    dir: Path = Field(
        Path("runs"), strict=False, description="parent of run folders (relative to the config)"
    )
    cache_dir: Path | None = Field(
        None, strict=False, description="stage cache (default: $TOOLKIT_CACHE or the user cache)"
    )
    plots: bool = True
    report: bool = False
    gensim_model: bool = Field(
        True, description="also save gensim's own (pickle-based) model files"
    )


class ExperimentConfig(Section):
    """One experiment. Absent sections are stages that do not run."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.\-]+$")
    seed: int = Field(0, ge=0)
    corpus: CorpusConfig
    text: TextConfig | None = None
    topics: TopicsConfig | None = None
    embeddings: EmbeddingsConfig | None = None
    clusters: ClustersConfig | None = None
    themes: ThemesConfig | None = None
    search: SearchConfig | None = None
    lexicon: LexiconConfig = Field(default_factory=LexiconConfig)
    compute: ComputeConfig = Field(default_factory=ComputeConfig)
    output: OutputConfig = Field(default_factory=OutputConfig)


#: The optional sections, by name: a stage that needs one adds it at its defaults.
SECTIONS: dict[str, type[Section]] = {
    "text": TextConfig,
    "topics": TopicsConfig,
    "embeddings": EmbeddingsConfig,
    "clusters": ClustersConfig,
    "themes": ThemesConfig,
    "search": SearchConfig,
}
