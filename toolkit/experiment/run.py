"""``Run``: a finished run folder, loaded for reading and querying.

Loading a run never executes code from it: configs are YAML, tables CSV, arrays ``.npy``
(read with ``allow_pickle=False``), models JSON and text. gensim's own pickle-based model
files sit beside them as an extra that is only read by :meth:`Run.gensim_model` with
``trust=True``.
"""

from __future__ import annotations

import difflib
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from toolkit.config import ExperimentConfig, validate
from toolkit.corpus import Document
from toolkit.errors import RunError
from toolkit.io import read_csv, read_json, read_jsonl, require_files

STAGE_ORDER = ("corpus", "text", "topics", "embeddings", "clusters", "themes", "search")
# manifest.json is written last; plots and the report also read a run that is being finished
REQUIRED_FILES = ("config.yaml", "metrics.json", "documents.csv")


class Run:
    """A run folder: config, manifest, metrics, documents and each stage's artifacts.

    Examples
    --------
    >>> run = load_run("runs/seed-20261125-120000")  # doctest: +SKIP
    >>> run.search("Munitionsproduktion in Europa", k=3)  # doctest: +SKIP
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).resolve()
        if not self.path.is_dir():
            raise RunError(f"run folder not found: {self.path}")
        require_files(self.path, REQUIRED_FILES, "the run folder is")

    def __repr__(self) -> str:
        return f"Run({str(self.path)!r}, stages={self.stages})"

    # -- what every run has ------------------------------------------------------------------

    @cached_property
    def config(self) -> ExperimentConfig:
        """The fully resolved config the run was made with."""
        import yaml

        data = yaml.safe_load((self.path / "config.yaml").read_text(encoding="utf-8"))
        return validate(data, str(self.path / "config.yaml"))

    @cached_property
    def manifest(self) -> dict[str, Any]:
        path = self.path / "manifest.json"
        return read_json(path) if path.is_file() else {}

    @cached_property
    def metrics(self) -> dict[str, Any]:
        return read_json(self.path / "metrics.json")

    @cached_property
    def documents(self) -> pd.DataFrame:
        """One row per document: id, title, date, label, source, words, paragraphs."""
        return read_csv(
            self.path / "documents.csv", dtype={"date": str, "label": str, "source": str}
        )

    @property
    def stages(self) -> list[str]:
        """The stages whose artifacts the run folder holds, in pipeline order."""
        return [s for s in STAGE_ORDER if (self.path / s).is_dir()]

    def has(self, stage: str) -> bool:
        return (self.path / stage).is_dir()

    def _stage_dir(self, stage: str) -> Path:
        folder = self.path / stage
        if not folder.is_dir():
            raise RunError(
                f"{self.path} has no '{stage}' stage: "
                f"add a '{stage}:' section to the config and re-run"
            )
        return folder

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

    @cached_property
    def corpus(self) -> list[Document]:
        """The documents with their full text and paragraphs."""
        rows = read_jsonl(self._stage_dir("corpus") / "documents.jsonl")
        return [Document.from_dict(row) for row in rows]

    def document(self, doc_id: str) -> Document:
        """The full document with id ``doc_id``."""
        return self.corpus[self._doc_position(doc_id)]

    # -- text --------------------------------------------------------------------------------

    @cached_property
    def pipeline(self) -> Any:
        """The text pipeline of the run (phrases and dictionary as learned), for new text."""
        from toolkit.text import TextPipeline

        return TextPipeline.load(self._stage_dir("text") / "pipeline")

    # -- topics ------------------------------------------------------------------------------

    @cached_property
    def topic_model(self) -> Any:
        from toolkit.topics import TopicsResult

        return TopicsResult.load(self._stage_dir("topics"))

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
                "the text has no tokens the run's vocabulary knows (empty after the text pipeline)"
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
        from gensim.models import LdaModel

        path = self._stage_dir("topics") / "gensim" / "lda.model"
        if not path.exists():
            raise RunError(
                f"{path} not found (output.gensim_model was off, or the model is not LDA)"
            )
        return LdaModel.load(str(path))

    # -- clusters and themes -----------------------------------------------------------------

    @cached_property
    def clusters(self) -> pd.DataFrame:
        """doc_id, cluster, x, y."""
        return read_csv(self._stage_dir("clusters") / "clusters.csv")

    @cached_property
    def cluster_labels(self) -> pd.DataFrame:
        return read_csv(self._stage_dir("clusters") / "cluster_labels.csv")

    @cached_property
    def cluster_names(self) -> dict[int, str]:
        """Cluster id -> its three most distinctive words joined."""
        from toolkit.clusters import cluster_names

        clusters = sorted(int(c) for c in self.clusters["cluster"].unique())
        return cluster_names(self.cluster_labels, clusters=clusters)

    @cached_property
    def themes(self) -> pd.DataFrame:
        """Per article: best theme, its score, and the theme profile."""
        return read_csv(self._stage_dir("themes") / "themes.csv")

    @cached_property
    def theme_paragraphs(self) -> pd.DataFrame:
        """Per paragraph: best theme and scores."""
        return read_csv(self._stage_dir("themes") / "theme_paragraphs.csv")

    # -- search ------------------------------------------------------------------------------

    @cached_property
    def index(self) -> Any:
        from toolkit.search import SearchIndex

        return SearchIndex.load(self._stage_dir("search"))

    @cached_property
    def _encoder(self) -> Any:
        from toolkit.embeddings import make_encoder

        cfg = self.config.embeddings
        if cfg is None or cfg.backend == "lsa":
            return None
        return make_encoder(cfg)

    @cached_property
    def _lsa(self) -> Any:
        from toolkit.embeddings import LsaEncoder

        return LsaEncoder.load(self._stage_dir("embeddings") / "lsa")

    def _mask(
        self, date_from: str | None, date_to: str | None, label: str | None, theme: str | None
    ) -> np.ndarray | None:
        if not any((date_from, date_to, label, theme)):
            return None
        docs = self.documents
        mask = np.ones(len(docs), dtype=bool)
        dates = docs["date"].fillna("").astype(str)
        if date_from:
            mask &= np.array([bool(d) and d[: len(date_from)] >= date_from for d in dates])
        if date_to:
            mask &= np.array([bool(d) and d[: len(date_to)] <= date_to for d in dates])
        if label:
            mask &= (docs["label"].fillna("") == label).to_numpy()
        if theme:
            mask &= self._theme_mask(theme)
        return mask

    def _theme_mask(self, theme: str) -> np.ndarray:
        themes = self.themes
        names = list(self.config.themes.definitions) if self.config.themes else []
        if theme not in names:
            raise RunError(
                f"unknown theme {theme!r}; the run's themes are: {', '.join(names) or 'none'}"
            )
        by_id = themes.set_index("doc_id")
        has_theme = (by_id["theme"] == theme) | (by_id[theme] >= THEME_FILTER_SHARE)
        return self.documents["id"].map(has_theme).fillna(False).to_numpy(dtype=bool)

    def _frame(
        self, hits: list[Any], query_tokens: set[str] | None, source: int | None
    ) -> pd.DataFrame:
        docs = self.documents
        rows = []
        themes = (
            self.themes.set_index("doc_id")["theme"] if (self.path / "themes").is_dir() else None
        )
        topic_of = None
        if (self.path / "topics").is_dir():
            result = self.topic_model
            topic_of = [result.labels[i] for i in np.asarray(result.doc_topics).argmax(axis=1)]
        for hit in hits:
            row = docs.iloc[hit.index]
            entry = {
                "id": hit.id,
                "score": float(hit.score),
                "title": row["title"],
                "date": row["date"],
                "label": row["label"],
                "snippet": self._snippet(hit.index, query_tokens),
                "shared_terms": ", ".join(hit.shared_terms),
            }
            if themes is not None:
                entry["theme"] = themes.get(hit.id)
                if source is not None:
                    own = themes.get(docs.iloc[source]["id"])
                    entry["shared_theme"] = own if own == entry["theme"] and own != "none" else None
            if topic_of is not None:
                entry["topic"] = topic_of[hit.index]
                if source is not None:
                    entry["shared_topic"] = (
                        topic_of[source] if topic_of[source] == entry["topic"] else None
                    )
            rows.append(entry)
        columns = ["id", "score", "title", "date", "label", "snippet", "shared_terms"]
        frame = pd.DataFrame(
            rows, columns=columns + [c for c in (rows[0] if rows else {}) if c not in columns]
        )
        return frame

    def _snippet(self, position: int, query_tokens: set[str] | None, width: int = 200) -> str:
        paragraphs = self.corpus[position].paragraphs
        best = paragraphs[0] if paragraphs else ""
        if query_tokens:
            scored = [
                (len(query_tokens & set(self.pipeline.transform_text(p))), -i, p)
                for i, p in enumerate(paragraphs)
            ]
            best = max(scored)[2]
        return best if len(best) <= width else best[: width - 1].rstrip() + "…"

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

        Returns a DataFrame with columns id, score, title, date, label, snippet, shared_terms
        (and theme / shared_theme, topic / shared_topic where the run has those stages).
        """
        position = self._doc_position(doc_id)
        hits = self.index.similar(
            doc_id, k=k, mode=mode, mask=self._mask(date_from, date_to, label, theme)
        )
        return self._frame(hits, None, position)

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
        from toolkit.search.index import QUERY_WEIGHTS

        index = self.index
        mode = mode or index.config.mode
        tokens = self.pipeline.transform_text(text)
        weights = index.config.weights or QUERY_WEIGHTS
        modes = index.available_modes()
        # the model is loaded (and the query encoded) only when its vector counts for the ranking
        wants_dense = mode == "dense" or (mode == "hybrid" and weights.get("dense", 0) > 0)
        dense = None
        if wants_dense and self._encoder is not None and "dense" in modes:
            dense = self._encoder.encode([text])[0]
        wants_lsa = mode == "lsa" or (mode == "hybrid" and weights.get("lsa", 0) > 0)
        lsa = self._lsa.transform([tokens])[0] if wants_lsa and "lsa" in modes else None
        hits = index.search(
            tokens,
            query_dense=dense,
            query_lsa=lsa,
            k=k,
            mode=mode,
            mask=self._mask(date_from, date_to, label, theme),
        )
        return self._frame(hits, set(tokens), None)

    def duplicates(self, threshold: float | None = None) -> pd.DataFrame:
        """Pairs of near-identical articles: id_a, id_b, score (cosine) and jaccard (shingles)."""
        from toolkit.io import read_npy
        from toolkit.search import near_duplicates
        from toolkit.text import load_tokenized

        emb_dir = self._stage_dir("embeddings")
        vectors = read_npy(emb_dir / "doc_vectors.npy", mmap=True)
        ids = read_json(emb_dir / "doc_ids.json")
        if threshold is None:
            threshold = self.config.search.duplicate_threshold if self.config.search else 0.95
        tokens = load_tokenized(self._stage_dir("text")).documents()
        return near_duplicates(np.asarray(vectors), ids, threshold=threshold, doc_tokens=tokens)


# An article passes a theme filter when the theme is its best theme or covers this share of it.
THEME_FILTER_SHARE = 0.25


def load_run(path: str | Path) -> Run:
    """Load a run folder (never runs code from it)."""
    return Run(path)


def list_runs(parent: str | Path = "runs") -> pd.DataFrame:
    """Run folders below ``parent``, sweep points included: run, name, finished, stages, seconds."""
    parent = Path(parent)
    rows = []
    for manifest in sorted(parent.rglob("manifest.json")):
        folder = manifest.parent
        if folder.name.startswith("."):
            continue
        data = read_json(manifest)
        rows.append(
            {
                "run": str(folder.relative_to(parent)),
                "name": data.get("name"),
                "finished": data.get("finished"),
                "stages": ",".join(data.get("stages", {})),
                "seconds": data.get("seconds"),
            }
        )
    return pd.DataFrame(rows, columns=["run", "name", "finished", "stages", "seconds"])
