"""The typed schema of an experiment config, and loading it from YAML.

A config is a YAML file under ``experiments/`` with the fixed sections ``name``, ``seed``,
``corpus``, ``text``, ``topics``, ``embeddings``, ``clusters``, ``themes``, ``search`` and
``output``. A stage whose section is absent is not run; an empty section runs it with its
defaults. Unknown keys, wrong types and impossible values are errors naming the key and the file.

Examples
--------
>>> cfg = ExperimentConfig.model_validate({"name": "demo", "corpus": {"path": "seeds"}})
>>> cfg.topics is None, cfg.seed
(True, 0)
"""

from __future__ import annotations

import copy
import itertools
import os
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from toolkit.errors import ConfigError


class Section(BaseModel):
    """Base of every config section: unknown keys are errors, values are validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


# ---------------------------------------------------------------------------------------------
# corpus


class CorpusConfig(Section):
    """Where the articles are and how to read them."""

    path: Path
    format: Literal["auto", "seed", "txt", "csv", "tsv", "jsonl"] = "auto"
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
        150,
        ge=0,
        description="cut paragraphs longer than this many words at sentence ends (0: off)",
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


class TextConfig(Section):
    """The German text pipeline: tokenise, stopwords, lemmatise, phrases, dictionary."""

    lowercase: bool = True
    lemmatize: bool = True
    stopwords: Literal["iso", "none"] = "iso"
    news_stopwords: bool = True
    extra_stopwords: list[str] = Field(default_factory=list)
    keep_numbers: bool = False
    min_token_length: int = Field(2, ge=1)
    phrases: PhrasesConfig = Field(default_factory=PhrasesConfig)
    dictionary: DictionaryConfig = Field(default_factory=DictionaryConfig)


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
    reference_corpus: Path | None = Field(None, description="another corpus for coherence")
    stability_seeds: int = Field(3, ge=0, description="extra fits with other seeds (0: off)")
    holdout: float = Field(0.1, ge=0, lt=1, description="share of units held out for perplexity")
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
    threads: int | None = Field(None, ge=1, description="CPU threads (default: all cores)")
    lsa_dims: int = Field(200, ge=2, description="lsa backend: SVD dimensions")


# ---------------------------------------------------------------------------------------------
# clusters


class ReduceConfig(Section):
    method: Literal["umap", "none"] = "umap"
    n_components: int = Field(5, ge=2)
    n_neighbors: int = Field(15, ge=2)
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
    reduce: ReduceConfig = Field(default_factory=ReduceConfig)
    method: Literal["hdbscan", "kmeans"] = "kmeans"
    num_clusters: int | Literal["auto"] = "auto"
    min_cluster_size: int | None = Field(
        None, ge=2, description="hdbscan (default: from corpus size)"
    )
    min_samples: int | None = Field(None, ge=1)
    assign_outliers: bool = False
    layout: bool = Field(True, description="also compute a 2-D UMAP layout for plots")
    label_words: int = Field(8, ge=1)


# ---------------------------------------------------------------------------------------------
# themes


class ThemeDefinition(Section):
    description: str
    seeds: list[str] = Field(min_length=1)


class ThemeSettings(Section):
    """How themes are scored; lives under ``themes.settings``. ``None``: the library's
    calibrated default (``toolkit.themes.scorer.DEFAULT_*``)."""

    threshold: float | None = Field(
        None, ge=0, description="least combined score (background z-units); below: `none`"
    )
    lexical_weight: float | None = Field(None, ge=0, description="seed and expansion terms")
    gloss_weight: float | None = Field(
        None, ge=0, description="English-gloss similarity to the description (the context)"
    )
    prototype_weight: float | None = Field(
        None, ge=0, description="gloss similarity to the theme's self-trained paragraphs"
    )
    tfidf_weight: float | None = Field(
        None, ge=0, description="TF-IDF similarity (lemmas and compound parts) to them"
    )
    embedding_weight: float | None = Field(
        None, ge=0, description="sentence-vector similarity to them"
    )
    topic_weight: float = Field(0.0, ge=0)
    support_z: float | None = Field(
        None, description="least context z-score that supports a seed occurrence"
    )
    member_z: float | None = Field(
        None, description="least context z-score of a self-trained member paragraph"
    )
    self_training_rounds: int | None = Field(None, ge=0)
    expand_terms: int = Field(10, ge=0, description="co-occurring terms added per theme")
    min_expansion_paragraphs: int = Field(
        50,
        ge=0,
        description="expand the seed terms with co-occurring corpus terms only when the corpus "
        "has at least this many paragraphs (below, the associations are mostly noise; "
        "expansion helped on dev subsets of 50 paragraphs and more)",
    )
    gloss: bool = Field(
        True,
        description="use the English gloss through the Ding dictionary (/usr/share/trans/de-en) "
        "when it is installed",
    )


class ThemesConfig(Section):
    """``themes: {settings: {...}, <name>: {description, seeds}, ...}``."""

    settings: ThemeSettings = Field(default_factory=ThemeSettings)
    definitions: dict[str, ThemeDefinition] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _split_definitions(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "definitions" in data:
            return data
        data = dict(data)
        settings = data.pop("settings", {})
        return {"settings": settings, "definitions": data}

    @field_validator("definitions")
    @classmethod
    def _at_least_one(cls, value: dict[str, ThemeDefinition]) -> dict[str, ThemeDefinition]:
        if not value:
            raise ValueError("define at least one theme: {name: {description: ..., seeds: [...]}}")
        for name in value:
            if name == "none" or not re.fullmatch(r"[A-Za-z0-9_\-]+", name):
                raise ValueError(f"theme name {name!r}: use letters, digits, _ or -, not 'none'")
        return value


# ---------------------------------------------------------------------------------------------
# search


class AnnConfig(Section):
    min_size: int = Field(200_000, ge=1, description="build an approximate index from this size on")
    M: int = Field(16, ge=2)
    ef_construction: int = Field(200, ge=8)
    ef_search: int = Field(128, ge=8)


class SearchConfig(Section):
    mode: Literal["hybrid", "dense", "lexical", "topics"] = "hybrid"
    rrf_k: int = Field(60, ge=1)
    weights: dict[Literal["dense", "lexical", "lsa"], float] | None = Field(
        None, description="fusion weights (default: chosen on evidence, see README)"
    )
    bm25_k1: float = Field(1.5, gt=0)
    bm25_b: float = Field(0.75, ge=0, le=1)
    ann: AnnConfig = Field(default_factory=AnnConfig)
    duplicate_threshold: float = Field(0.95, gt=0, le=1)


# ---------------------------------------------------------------------------------------------
# output


class OutputConfig(Section):
    dir: Path = Field(Path("runs"), description="parent of run folders (relative to the config)")
    cache_dir: Path | None = Field(
        None, description="stage cache (default: $TOOLKIT_CACHE or .cache/toolkit)"
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
    output: OutputConfig = Field(default_factory=OutputConfig)

    @model_validator(mode="after")
    def _pull_in_requirements(self) -> ExperimentConfig:
        """A stage pulls in what it needs, with defaults."""
        # embeddings read the text stage too: the LSA vectors beside the model's use its lemmas
        needs_text = any(
            s is not None
            for s in (self.topics, self.embeddings, self.clusters, self.themes, self.search)
        )
        if needs_text and self.text is None:
            self.text = TextConfig()
        needs_embeddings = (
            self.themes is not None
            or self.clusters is not None
            or (self.search is not None and self.search.mode in ("dense", "hybrid"))
        )
        if needs_embeddings and self.embeddings is None:
            self.embeddings = EmbeddingsConfig()
            if self.text is None:
                self.text = TextConfig()
        return self

    def stages(self) -> list[str]:
        """Names of the stages this config runs, in pipeline order."""
        order = ["corpus", "text", "topics", "embeddings", "clusters", "themes", "search"]
        return [s for s in order if s == "corpus" or getattr(self, s) is not None]


# ---------------------------------------------------------------------------------------------
# loading

_ENV_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
PATH_KEYS = (
    ("corpus", "path"),
    ("topics", "reference_corpus"),
    ("output", "dir"),
    ("output", "cache_dir"),
)


def _expand_env(value: Any, file: Path, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _expand_env(v, file, f"{key}.{k}" if key else str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand_env(v, file, f"{key}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, str):

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in os.environ:
                raise ConfigError(
                    f"{file}: key '{key}' uses ${{{name}}}, "
                    f"but the environment variable {name} is not set"
                )
            return os.environ[name]

        return _ENV_VAR.sub(substitute, value)
    return value


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Merge ``override`` into a copy of ``base``; nested mappings merge, other values replace."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc})") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path}: a config must be a mapping of sections, not {type(data).__name__}"
        )
    return data


def _resolve_paths(data: dict[str, Any], base_dir: Path) -> dict[str, Any]:
    """Make relative paths absolute against the folder of the file that set them."""
    for section, key in PATH_KEYS:
        block = data.get(section)
        if isinstance(block, dict) and isinstance(block.get(key), str | Path):
            value = Path(block[key]).expanduser()
            block[key] = str(value if value.is_absolute() else (base_dir / value).resolve())
    return data


def load_raw(path: str | Path, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Read a config file with ``extends`` composition, env variables and paths resolved."""
    path = Path(path).resolve()
    if path in _seen:
        raise ConfigError(
            f"{path}: 'extends' forms a cycle: {' -> '.join(map(str, (*_seen, path)))}"
        )
    data = _expand_env(_read_yaml(path), path)
    data = _resolve_paths(data, path.parent)
    parents = data.pop("extends", None)
    if parents is None:
        return data
    if isinstance(parents, str):
        parents = [parents]
    if not isinstance(parents, list) or not all(isinstance(p, str) for p in parents):
        raise ConfigError(f"{path}: key 'extends' must be a file name or a list of file names")
    merged: dict[str, Any] = {}
    for parent in parents:
        merged = deep_merge(merged, load_raw(path.parent / parent, (*_seen, path)))
    return deep_merge(merged, data)


def parse_assignment(assignment: str) -> tuple[list[str], Any]:
    """Split ``a.b.c=value`` into the key path and the YAML-parsed value."""
    if "=" not in assignment:
        raise ConfigError(f"override {assignment!r}: expected KEY=VALUE, e.g. topics.num_topics=12")
    key, raw = assignment.split("=", 1)
    parts = [p for p in key.strip().split(".") if p]
    if not parts:
        raise ConfigError(f"override {assignment!r}: empty key")
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError as exc:
        raise ConfigError(f"override {assignment!r}: value is not valid YAML: {exc}") from exc
    return parts, value


def apply_overrides(data: dict[str, Any], assignments: list[str], base_dir: Path) -> dict[str, Any]:
    """Apply ``--set key.path=value`` overrides (relative paths resolve against ``base_dir``)."""
    data = copy.deepcopy(data)
    for assignment in assignments:
        parts, value = parse_assignment(assignment)
        target = data
        for part in parts[:-1]:
            if target.get(part) is None:
                target[part] = {}
            if not isinstance(target[part], dict):
                raise ConfigError(f"override {assignment!r}: '{part}' is not a section")
            target = target[part]
        target[parts[-1]] = value
        if len(parts) == 2 and tuple(parts) in PATH_KEYS and isinstance(value, str):
            _resolve_paths({parts[0]: target}, base_dir)
    return data


def sweep_points(sweeps: list[str]) -> list[list[str]]:
    """Expand ``--sweep key=v1,v2`` specs into the override lists of every grid point."""
    axes: list[list[str]] = []
    for spec in sweeps:
        if "=" not in spec:
            raise ConfigError(
                f"sweep {spec!r}: expected KEY=V1,V2,..., e.g. topics.num_topics=5,10,20"
            )
        key, values = spec.split("=", 1)
        options = [v.strip() for v in values.split(",") if v.strip()]
        if not options:
            raise ConfigError(f"sweep {spec!r}: no values")
        axes.append([f"{key.strip()}={v}" for v in options])
    return [list(point) for point in itertools.product(*axes)] if axes else [[]]


def _format_error(exc: ValidationError, file: str) -> str:
    lines = [f"{file}: invalid config"]
    for error in exc.errors():
        loc = ".".join(str(p) for p in error["loc"] if p != "definitions")
        if error["type"] == "extra_forbidden":
            lines.append(f"  unknown key '{loc}' (check its spelling)")
        elif error["type"] == "missing":
            lines.append(f"  missing key '{loc}'")
        else:
            lines.append(f"  key '{loc}': {error['msg']} (got {error.get('input')!r})")
    return "\n".join(lines)


def validate(data: dict[str, Any], file: str = "<config>") -> ExperimentConfig:
    """Validate a raw mapping; errors name the key and the file."""
    try:
        return ExperimentConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_format_error(exc, file)) from None


def load_config(path: str | Path, overrides: list[str] | None = None) -> ExperimentConfig:
    """Load, compose, override and validate an experiment config.

    Parameters
    ----------
    path : str or Path
        The YAML file.
    overrides : list of str, optional
        ``key.path=value`` assignments applied after composition.

    Examples
    --------
    >>> cfg = load_config("experiments/seed.yaml", ["topics.num_topics=4"])  # doctest: +SKIP
    """
    path = Path(path)
    data = load_raw(path)
    data = apply_overrides(data, overrides or [], Path.cwd())
    return validate(data, str(path))


def config_from_mapping(
    data: dict[str, Any], base_dir: str | Path | None = None
) -> ExperimentConfig:
    """Validate a config given as a Python mapping (relative paths resolve against ``base_dir``)."""
    data = _resolve_paths(
        copy.deepcopy(_expand_env(data, Path("<mapping>"))), Path(base_dir or Path.cwd())
    )
    return validate(data, "<mapping>")


def to_yaml(config: ExperimentConfig) -> str:
    """The fully resolved config as YAML (every default written out, stable key order)."""
    data = config.model_dump(mode="json", exclude_none=False)
    if data.get("themes"):
        themes = data["themes"]
        data["themes"] = {"settings": themes["settings"], **themes["definitions"]}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def portable_dict(config: ExperimentConfig) -> dict[str, Any]:
    """Config as a dict with machine-specific paths and output settings removed, for cache keys."""
    return config.model_dump(mode="json", exclude={"output"})
