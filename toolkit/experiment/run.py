"""``Run``: a finished run folder, loaded for reading and querying.

A ``Run`` is the run's stage outputs, each loaded on first use by the stage's own ``load`` (the
same code the runner's cache uses), plus the queries of :mod:`toolkit.search`. Before a stage's
files are read they are checked against the checksums in ``manifest.json``, so a damaged file is
named instead of failing somewhere inside a reader. Loading never executes code from the folder:
YAML, JSON, CSV, text and ``.npy`` with ``allow_pickle=False``; gensim's own pickle-based model
files are read only by :meth:`Run.gensim_model` with ``trust=True``.
"""

from __future__ import annotations

import difflib
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from toolkit.corpus import Document
from toolkit.errors import RunError, ToolkitError
from toolkit.experiment import folder as layout
from toolkit.experiment.loading import parse_yaml, validate
from toolkit.experiment.schema import ExperimentConfig
from toolkit.experiment.stages import (
    STAGES,
    ClustersStage,
    CorpusStage,
    EmbeddingsStage,
    SearchStage,
    Stage,
    TextStage,
    ThemesStage,
    TopicsStage,
)
from toolkit.io import read_csv, read_json
from toolkit.search import near_duplicates
from toolkit.search.filters import document_mask
from toolkit.search.query import search_text
from toolkit.search.results import best_passage, cut_around, hits_table

T = TypeVar("T")


class Run:
    """A run folder: config, manifest, metrics, documents and each stage's output.

    Examples
    --------
    >>> run = load_run("runs/seed-20261125-120000")  # doctest: +SKIP
    >>> run.search("Munitionsproduktion in Europa", k=3)  # doctest: +SKIP
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).resolve()
        if not self.path.is_dir():
            raise RunError(f"run folder not found: {self.path}")
        missing = [n for n in (layout.CONFIG, layout.METRICS, layout.DOCUMENTS) if not self._has(n)]
        if missing:
            raise RunError(f"{self.path}: not a complete run folder (missing {', '.join(missing)})")
        self._outputs: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"Run({str(self.path)!r}, stages={self.stages})"

    def _has(self, name: str) -> bool:
        return (self.path / name).exists()

    def _read(self, name: str, reader: Any) -> Any:
        """``reader(path)`` of a run-level file, checked first; damage is a RunError naming it."""
        layout.verify(self.path, name)
        try:
            return reader(self.path / name)
        except (ValueError, KeyError, OSError, UnicodeDecodeError) as exc:
            raise RunError(f"{self.path / name}: cannot be read ({exc})") from None

    # -- what every run has ------------------------------------------------------------------

    @cached_property
    def config(self) -> ExperimentConfig:
        """The fully resolved config the run was made with."""
        data = self._read(layout.CONFIG, lambda p: parse_yaml(p.read_text("utf-8"), str(p)))
        return validate(data, str(self.path / layout.CONFIG))

    @cached_property
    def manifest(self) -> dict[str, Any]:
        return read_json(self.path / layout.MANIFEST) if self._has(layout.MANIFEST) else {}

    @cached_property
    def metrics(self) -> dict[str, Any]:
        return self._read(layout.METRICS, read_json)

    @cached_property
    def documents(self) -> pd.DataFrame:
        """One row per document: id, title, date, label, source, words, paragraphs."""
        dtypes = {"date": str, "label": str, "source": str, "title": str}
        return self._read(layout.DOCUMENTS, lambda p: read_csv(p, dtype=dtypes))

    @property
    def stages(self) -> list[str]:
        """The stages whose outputs the run folder holds, in pipeline order."""
        return [stage.name for stage in STAGES if self.has(stage.name)]

    def has(self, stage: str) -> bool:
        return (self.path / stage).is_dir()

    def output(self, stage: type[Stage[T]]) -> T:
        """A stage's output, loaded (and checked) on first use by the stage's own ``load``."""
        if stage.name not in self._outputs:
            if not self.has(stage.name):
                raise RunError(
                    f"{self.path} has no '{stage.name}' stage: add a '{stage.name}:' section "
                    "to the config and re-run"
                )
            layout.verify(self.path, stage.name)
            try:
                output = stage().load(self.path / stage.name, self.config)
            except ToolkitError:
                raise
            except (ValueError, KeyError, OSError, EOFError, IndexError) as exc:
                raise RunError(
                    f"{self.path / stage.name}: the stage's files cannot be read ({exc}); "
                    "re-run the experiment"
                ) from None
            self._outputs[stage.name] = output
        return self._outputs[stage.name]

    @cached_property
    def _position(self) -> dict[str, int]:
        return {doc_id: i for i, doc_id in enumerate(self.documents["id"])}

    def _doc_position(self, doc_id: str) -> int:
        try:
            return self._position[doc_id]
        except KeyError:
            close = difflib.get_close_matches(doc_id, list(self._position), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise RunError(f"unknown document id {doc_id!r} in {self.path.name}{hint}") from None

    @property
    def corpus(self) -> list[Document]:
        """The documents with their full text and paragraphs."""
        return self.output(CorpusStage).documents

    def document(self, doc_id: str) -> Document:
        """The full document with id ``doc_id``."""
        return self.corpus[self._doc_position(doc_id)]

    # -- text and topics ---------------------------------------------------------------------

    @property
    def pipeline(self) -> Any:
        """The text pipeline of the run (phrases and dictionary as learned), for new text."""
        return self.output(TextStage).pipeline

    @property
    def topic_model(self) -> Any:
        return self.output(TopicsStage)

    @property
    def topic_table(self) -> pd.DataFrame:
        """Topic, rank, word, weight: the top words of every topic."""
        return self.topic_model.topic_table

    @property
    def topic_labels(self) -> list[str]:
        return list(self.topic_model.labels)

    @property
    def doc_topics(self) -> pd.DataFrame:
        """Documents × topics (shares), indexed by document id, columns named by topic label."""
        result = self.topic_model
        return pd.DataFrame(
            result.doc_topics, index=pd.Index(result.doc_ids, name="id"), columns=result.labels
        )

    @property
    def topics_over_time(self) -> pd.DataFrame | None:
        return self.topic_model.over_time

    def topics_of(self, text: str) -> pd.DataFrame:
        """Topic shares of a new text: columns topic, label, share (largest first)."""
        tokens = self.pipeline.transform_text(text)
        if not tokens:
            raise ValueError(
                "the text has no words the run's topics know (nothing is left after stopwords)"
            )
        result = self.topic_model
        shares = result.infer([tokens], seed=self.config.seed)[0]
        table = pd.DataFrame({"topic": range(len(shares)), "label": result.labels, "share": shares})
        return table.sort_values("share", ascending=False, kind="stable").reset_index(drop=True)

    def gensim_model(self, trust: bool = False) -> Any:
        """gensim's own saved model (pickle-based), only with ``trust=True``."""
        if not trust:
            raise RunError(
                "gensim's model files are pickles and can run code when loaded; call "
                "gensim_model(trust=True) only for run folders you trust (the topic arrays in "
                "topics/ need no such trust)"
            )
        return self.topic_model.load_gensim(self.path / TopicsStage.name)

    # -- clusters and themes -----------------------------------------------------------------

    @property
    def clusters(self) -> pd.DataFrame:
        """doc_id, cluster, outlier, x, y (and paragraph when paragraphs were clustered)."""
        return self.output(ClustersStage).assignments

    @property
    def cluster_labels(self) -> pd.DataFrame:
        return self.output(ClustersStage).labels

    @property
    def cluster_names(self) -> dict[int, str]:
        """Cluster id -> its three most distinctive words joined."""
        return self.output(ClustersStage).cluster_names

    @property
    def themes(self) -> pd.DataFrame:
        """Per article: best theme, its score, and the theme profile."""
        return self.output(ThemesStage).themes

    @property
    def theme_paragraphs(self) -> pd.DataFrame:
        """Per paragraph: best theme and scores."""
        return self.output(ThemesStage).paragraphs

    def seed_diagnostics(self, theme: str | None = None) -> pd.DataFrame:
        """Per theme and term (seeds, their parts, expansion terms): where it occurs, how often
        its context supports the theme, its weight, and one example context of each kind
        (``supported_context``, ``unsupported_context``; the term's sentence in the article).
        """
        table = self.output(ThemesStage).diagnostics
        if theme is not None:
            if theme not in set(table["theme"]):
                known = ", ".join(dict.fromkeys(table["theme"]))
                raise ValueError(f"no theme {theme!r} in this run (themes: {known})")
            table = table[table["theme"] == theme]
        table = table.copy()
        for kind in ("supported", "unsupported"):
            table[f"{kind}_context"] = [
                self._example_context(refs, term, compounds)
                for refs, term, compounds in zip(
                    table[f"{kind}_examples"], table["term"], table["compounds"], strict=True
                )
            ]
        return table.reset_index(drop=True)

    def _example_context(self, refs: str, term: str, compounds: str) -> str:
        """The first referenced paragraph (``doc_id#paragraph``), cut around the term."""
        if not refs:
            return ""
        doc_id, _, paragraph = refs.split("; ")[0].rpartition("#")
        text = self.document(doc_id).paragraphs[int(paragraph)]
        forms = [f.rsplit(" ", 1)[0] for f in compounds.split("; ") if f]
        return cut_around(text, [*term.split("_"), *forms], width=110)

    # -- search ------------------------------------------------------------------------------

    @property
    def index(self) -> Any:
        return self.output(SearchStage)

    def _mask(self, date_from: Any, date_to: Any, label: Any, theme: Any) -> np.ndarray | None:
        themes = self.themes if theme and self.has(ThemesStage.name) else None
        return document_mask(self.documents, date_from, date_to, label, theme, themes)

    def _surface(self, position: int, terms: list[str], top: int = 5) -> list[str]:
        """``terms`` (lemmas) as the article writes them, nouns and names first (German
        capitalises them: they explain a match better than verbs), at most ``top``."""
        words = self.pipeline.surface_forms(self.corpus[position].text)
        written = [" ".join(words.get(part, part) for part in t.split("_")) for t in terms]
        return sorted(written, key=lambda w: not w[:1].isupper())[:top]

    def _frame(self, hits: list[Any], query_terms: set[str], source: int | None) -> pd.DataFrame:
        paragraphs = self.output(TextStage).tokens.paragraphs
        for hit in hits:
            hit.shared_terms = self._surface(hit.index, hit.shared_terms)

        def passage(position: int, hit: Any) -> str:
            terms = query_terms or set(self.pipeline.transform_text(" ".join(hit.shared_terms)))
            texts = self.corpus[position].paragraphs
            best = best_passage(paragraphs[position], terms)
            return cut_around(texts[best], hit.shared_terms) if texts else ""

        return hits_table(hits, self.documents, passage, self._context(source))

    def _context(self, source: int | None) -> Any:
        """Theme and topic columns of a hit (and whether they match the query article's)."""
        theme_of = self.themes.set_index("doc_id")["theme"] if self.has(ThemesStage.name) else None
        topic_of = None
        if self.has(TopicsStage.name):
            result = self.topic_model
            topic_of = [result.labels[i] for i in np.asarray(result.doc_topics).argmax(axis=1)]
        ids = self.documents["id"]

        def extra(hit: Any) -> dict[str, Any]:
            row: dict[str, Any] = {}
            if theme_of is not None:
                row["theme"] = theme_of.get(hit.id, "")
                if source is not None:
                    own = theme_of.get(ids.iloc[source])
                    row["shared_theme"] = own if own == row["theme"] and own != "none" else ""
            if topic_of is not None:
                row["topic"] = topic_of[hit.index]
                if source is not None:
                    same = topic_of[source] == row["topic"]
                    row["shared_topic"] = topic_of[source] if same else ""
            return row

        return extra

    def similar(
        self,
        doc_id: str,
        k: int = 10,
        mode: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        label: str | None = None,
        theme: str | None = None,
    ) -> pd.DataFrame:
        """The ``k`` articles nearest to article ``doc_id`` (itself excluded), best first.

        Returns a DataFrame with columns rank, id, score, title, date, label, snippet (the
        passage sharing the most terms), shared_terms, theme / shared_theme and topic /
        shared_topic where the run has those stages, and channels (each mode's score).
        """
        position = self._doc_position(doc_id)
        mask = self._mask(date_from, date_to, label, theme)
        hits = self.index.similar(doc_id, k=k, mode=mode, mask=mask)
        return self._frame(hits, set(), position)

    def search(
        self,
        text: str,
        k: int = 10,
        mode: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        label: str | None = None,
        theme: str | None = None,
    ) -> pd.DataFrame:
        """The ``k`` articles nearest to free ``text``, best first (columns as :meth:`similar`)."""
        if not text or not text.strip():
            raise ValueError("empty query: give some words to search for")
        embeddings = self.output(EmbeddingsStage) if self.has(EmbeddingsStage.name) else None
        mask = self._mask(date_from, date_to, label, theme)
        hits = search_text(
            self.index,
            text,
            analyze=self.pipeline.transform_text,
            encoder=None if embeddings is None else embeddings.encoder,
            lsa=None if embeddings is None else embeddings.lsa,
            lsa_analyze=embeddings.lsa_words
            if embeddings is not None and embeddings.lsa_reads == "gloss"
            else None,
            k=k,
            mode=mode,
            mask=mask,
        )
        return self._frame(hits, set(self.pipeline.transform_text(text)), None)

    def duplicates(self, threshold: float | None = None) -> pd.DataFrame:
        """Pairs of near-identical articles: id_a, id_b, score (cosine) and jaccard (shingles)."""
        embeddings = self.output(EmbeddingsStage).embeddings
        if threshold is None:
            threshold = self.config.search.duplicate_threshold if self.config.search else 0.95
        tokens = self.output(TextStage).tokens.documents()
        vectors = np.asarray(embeddings.doc_vectors)
        return near_duplicates(vectors, embeddings.doc_ids, threshold=threshold, doc_tokens=tokens)


def load_run(path: str | Path) -> Run:
    """Load a run folder (never runs code from it)."""
    return Run(path)
