"""``TopicsResult``: what the topics stage returns, saved and loaded as open files."""

from __future__ import annotations

import copy
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from toolkit import io
from toolkit.topics.inference import infer_topics


@dataclass
class TopicsResult:
    """A fitted topic model's topics, document shares and evaluation.

    Attributes
    ----------
    topic_table : DataFrame
        Columns ``topic, rank, word, weight``: the ``top_n`` words of each topic.
    labels : list of str
        A label per topic: the theme name of a seeded topic, else its top three words.
    topic_themes : dict of int to str
        Seeded topic -> theme name.
    doc_ids : list of str
    doc_topics : ndarray of shape (n_docs, K)
        Topic shares of every document (rows sum to 1).
    unit_topics : ndarray of shape (n_units, K)
        Topic shares of every modelling unit (paragraphs with known tokens, or articles).
    unit_index : ndarray of shape (n_units, 2), int64
        ``(document position, paragraph position)`` of each unit; ``(d, -1)`` for articles.
        An array, not a list of pairs: a Python pair costs 100 bytes, a row 16.
    topic_word : ndarray of shape (K, V)
        Word distribution of each topic (rows sum to 1), columns in ``vocabulary`` order.
    vocabulary : list of str
        The dictionary's words in id order.
    alpha : ndarray of shape (K,)
        The document-topic prior (uniform for NMF, which has none).
    metrics : dict
        Flat, JSON-ready evaluation; identical across runs with the same inputs and seed
        (for bit-reproducible models).
    over_time : DataFrame or None
        Columns ``period, topic, share, documents`` when documents have dates.
    idf : ndarray or None
        NMF only: the inverse document frequencies its TF-IDF weights used.
    model : object or None
        The fitted gensim / scikit-learn model (None after :meth:`load`).
    timings : dict
        Seconds spent per step; kept out of ``metrics`` because it varies between runs.

    Examples
    --------
    >>> from gensim.corpora import Dictionary
    >>> from toolkit.text.tokenized import TokenizedCorpus
    >>> from toolkit.topics import fit_topics
    >>> pars = [[["nato", "munition"], ["zins", "bank"]]] * 4
    >>> corpus = TokenizedCorpus([str(i) for i in range(4)], pars, Dictionary(pars[0]))
    >>> result = fit_topics(corpus, num_topics=2, unit="paragraph", stability_seeds=0, holdout=0)
    >>> folder = tempfile.mkdtemp()
    >>> result.save(folder, gensim_model=False)
    >>> loaded = TopicsResult.load(folder)
    >>> loaded.model is None, loaded.infer([["nato", "munition"]]).shape
    (True, (1, 2))
    """

    topic_table: pd.DataFrame
    labels: list[str]
    topic_themes: dict[int, str]
    doc_ids: list[str]
    doc_topics: np.ndarray
    unit_topics: np.ndarray
    unit_index: np.ndarray
    topic_word: np.ndarray
    vocabulary: list[str]
    alpha: np.ndarray
    metrics: dict[str, Any]
    over_time: pd.DataFrame | None = None
    idf: np.ndarray | None = None
    model: Any = field(default=None, repr=False)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def num_topics(self) -> int:
        return int(self.topic_word.shape[0])

    def infer(self, tokens: list[list[str]], iterations: int = 100, seed: int = 0) -> np.ndarray:
        """Topic shares of new token lists from the saved arrays (see :func:`infer_topics`)."""
        return infer_topics(
            tokens, self.topic_word, self.alpha, self.vocabulary, iterations, seed, idf=self.idf
        )

    def save(self, folder: str | Path, gensim_model: bool = True) -> None:
        """Write the result as npy / JSON / CSV files into ``folder``.

        With ``gensim_model`` and a gensim model, gensim's own ``model.save()`` files go to
        ``folder/gensim/`` as well, for users who want to continue in gensim. Those files are
        pickle-based; :meth:`load` never reads them.
        """
        folder = Path(folder)
        io.write_csv(folder / "topics.csv", self.topic_table)
        io.write_npy(folder / "doc_topics.npy", self.doc_topics)
        io.write_json(folder / "doc_ids.json", list(self.doc_ids))
        io.write_npy(folder / "unit_topics.npy", self.unit_topics)
        io.write_npy(folder / "unit_index.npy", np.asarray(self.unit_index, dtype=np.int64))
        io.write_npy(folder / "topic_word.npy", self.topic_word)
        io.write_npy(folder / "alpha.npy", self.alpha)
        io.write_json(folder / "vocabulary.json", list(self.vocabulary))
        themes = {str(k): v for k, v in self.topic_themes.items()}
        io.write_json(folder / "labels.json", {"labels": self.labels, "topic_themes": themes})
        io.write_json(folder / "metrics.json", self.metrics)
        if self.over_time is not None:
            io.write_csv(folder / "over_time.csv", self.over_time)
        if self.idf is not None:
            io.write_npy(folder / "idf.npy", self.idf)
        if gensim_model and hasattr(self.model, "save") and hasattr(self.model, "id2word"):
            # gensim logs lifecycle events with wall-clock times into the pickle; without them
            # two runs of the same config write the same bytes
            for part in (self.model, getattr(self.model, "state", None), self.model.id2word):
                if part is not None:
                    part.lifecycle_events = None
            with tempfile.TemporaryDirectory(dir=folder) as tmp:
                save_lda(self.model, Path(tmp) / "lda.model")
                io.copy_tree_atomic(tmp, folder / "gensim")

    @staticmethod
    def load_gensim(folder: str | Path) -> Any:
        """gensim's own model saved beside the arrays (a pickle: only for trusted folders)."""
        from gensim.models import LdaModel

        from toolkit.errors import RunError

        path = Path(folder) / "gensim" / "lda.model"
        if not path.exists():
            raise RunError(f"{path} not found (gensim's files were switched off, or not LDA)")
        return LdaModel.load(str(path))

    @classmethod
    def load(cls, folder: str | Path) -> TopicsResult:
        """Read a result written by :meth:`save` (open formats only; ``model`` is None)."""
        folder = Path(folder)
        labels = io.read_json(folder / "labels.json")
        over_time_path, idf_path = folder / "over_time.csv", folder / "idf.npy"
        over_time = None
        if over_time_path.is_file():
            over_time = io.read_csv(over_time_path, dtype={"period": str})
        return cls(
            topic_table=io.read_csv(folder / "topics.csv", dtype={"word": str}),
            labels=list(labels["labels"]),
            topic_themes={int(k): v for k, v in labels["topic_themes"].items()},
            doc_ids=list(io.read_json(folder / "doc_ids.json")),
            doc_topics=io.read_npy(folder / "doc_topics.npy"),
            unit_topics=io.read_npy(folder / "unit_topics.npy"),
            unit_index=_read_unit_index(folder),
            topic_word=io.read_npy(folder / "topic_word.npy"),
            vocabulary=list(io.read_json(folder / "vocabulary.json")),
            alpha=io.read_npy(folder / "alpha.npy"),
            metrics=io.read_json(folder / "metrics.json"),
            over_time=over_time,
            idf=io.read_npy(idf_path) if idf_path.is_file() else None,
        )


def save_lda(model: Any, path: Path) -> None:
    """gensim's ``LdaModel.save`` files, written the same way by every process.

    gensim gathers the attributes it stores apart in a set and pickles them as a list in that
    set's order, which changes with the process's hash seed: the same model would be written
    as other bytes by the next run. Here they are listed in sorted order; ``LdaModel.load``
    reads the files as its own.
    """
    from gensim.utils import SaveLoad, pickle

    if getattr(model, "state", None) is not None:
        model.state.save(f"{path}.state")
    # only what the text stage's dictionary file keeps (ids, tokens, document frequencies),
    # in id order: a dictionary read back from the stage cache has no collection counts or
    # reverse map and other insertion orders, and the file must not depend on which one the
    # model was fitted with
    dictionary = copy.copy(model.id2word)
    dictionary.token2id = dict(sorted(dictionary.token2id.items(), key=lambda item: item[1]))
    dictionary.dfs = dict(sorted(dictionary.dfs.items()))
    dictionary.cfs, dictionary.id2token = {}, {}
    dictionary.num_pos = dictionary.num_nnz = 0
    pickle(dictionary, f"{path}.id2word")
    apart = ["expElogbeta", "sstats"]
    for name in ("alpha", "eta"):  # as gensim: learnt ('auto') or not one vector
        value = getattr(model, name)
        if isinstance(value, str) or (isinstance(value, np.ndarray) and value.ndim != 1):
            apart.append(name)
    SaveLoad.save(
        model, str(path), separately=sorted(apart), ignore=["dispatcher", "id2word", "state"]
    )


def _read_unit_index(folder: Path) -> np.ndarray:
    """``unit_index.npy`` (memory-mapped), or the ``unit_index.json`` of an older run folder."""
    if (folder / "unit_index.npy").is_file():
        return io.read_npy(folder / "unit_index.npy", mmap=True)
    pairs = io.read_json(folder / "unit_index.json")
    return np.asarray(pairs, dtype=np.int64).reshape(-1, 2)


def article_index(n_docs: int) -> np.ndarray:
    """The unit index of articles as units: ``(d, -1)`` for each document ``d``.

    >>> article_index(2).tolist()
    [[0, -1], [1, -1]]
    """
    return np.column_stack([np.arange(n_docs, dtype=np.int64), np.full(n_docs, -1, np.int64)])
