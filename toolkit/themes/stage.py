"""The themes stage: per-paragraph theme scores and per-article theme profiles.

Files written by :meth:`ThemeResult.save` (and read by :meth:`ThemeResult.load`):

``theme_paragraphs.csv``
    One row per paragraph: ``doc_id``, ``paragraph`` (position in the document), ``n_tokens``,
    ``theme`` (best theme or ``none``), ``score`` (score of the best theme), then one score
    column per theme, named after the theme.
``themes.csv``
    One row per article: ``doc_id``, ``theme`` (the theme with the largest share, ties broken by
    the article score; ``none`` when no paragraph has a theme), ``score`` (the article score of
    that theme, 0 for ``none``), then one column per theme and ``none`` with the article's
    *profile*: the share of its tokens in paragraphs assigned to that theme (paragraphs weighted
    by length in tokens, every paragraph at least 1), then ``score_<theme>`` per theme: the
    length-weighted mean of the paragraph scores.
``theme_terms.json``
    Every theme's terms and weights (seeds and expansion).
``theme_metrics.json``
    The themes in column order, share of paragraphs per theme and ``none``, share of articles
    per best theme, the resolved settings (threshold, weights) and the evidence used.

Examples
--------
>>> from toolkit.config import ThemeDefinition, ThemeSettings
>>> defs = {"arms": ThemeDefinition(description="Rüstung", seeds=["Munition"])}
>>> result = assign_themes(["a"], np.array([[0, 0], [0, 1]]), [["munition"], ["wetter"]], None,
...                        defs, ThemeSettings(), lambda s: [s.lower()], None)
>>> result.themes[["doc_id", "theme", "arms", "none"]].values.tolist()
[['a', 'arms', 0.5, 0.5]]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.config import ThemeDefinition, ThemeSettings
from toolkit.embeddings.base import Encoder
from toolkit.io import read_csv, read_json, require_files, write_csv, write_json
from toolkit.progress import status
from toolkit.themes.scorer import NONE, ThemeScorer

FILES = ("themes.csv", "theme_paragraphs.csv", "theme_terms.json", "theme_metrics.json")


@dataclass
class ThemeResult:
    """The output of :func:`assign_themes` (columns documented in the module docstring).

    Attributes
    ----------
    themes : pandas.DataFrame
        One row per article (``themes.csv``).
    paragraphs : pandas.DataFrame
        One row per paragraph (``theme_paragraphs.csv``).
    terms : dict
        Theme -> term -> weight (``theme_terms.json``).
    metrics : dict
        Shares, threshold and weights (``theme_metrics.json``).
    """

    themes: pd.DataFrame
    paragraphs: pd.DataFrame
    terms: dict
    metrics: dict

    @property
    def theme_names(self) -> list[str]:
        """The configured themes, in column order."""
        return list(self.metrics["themes"])

    def save(self, folder: str | Path) -> None:
        """Write the four files of the stage into ``folder``."""
        folder = Path(folder)
        write_csv(folder / "themes.csv", self.themes)
        write_csv(folder / "theme_paragraphs.csv", self.paragraphs)
        write_json(folder / "theme_terms.json", self.terms)
        write_json(folder / "theme_metrics.json", self.metrics)

    @classmethod
    def load(cls, folder: str | Path) -> ThemeResult:
        """Read what :meth:`save` wrote."""
        folder = Path(folder)
        require_files(folder, FILES, "theme results are")
        return cls(
            themes=read_csv(folder / "themes.csv", dtype={"theme": str}),
            paragraphs=read_csv(folder / "theme_paragraphs.csv", dtype={"theme": str}),
            terms=read_json(folder / "theme_terms.json"),
            metrics=read_json(folder / "theme_metrics.json"),
        )


def _article_table(
    doc_ids: list[str],
    docs: np.ndarray,
    lengths: np.ndarray,
    scores: np.ndarray,
    labels: list[str],
    names: list[str],
) -> pd.DataFrame:
    n_docs, n_themes = len(doc_ids), len(names)
    label_index = {name: k for k, name in enumerate([*names, NONE])}
    share = np.zeros((n_docs, n_themes + 1))
    np.add.at(share, (docs, [label_index[label] for label in labels]), lengths)
    weighted = np.zeros((n_docs, n_themes))
    np.add.at(weighted, docs, scores * lengths[:, None])
    totals = share.sum(axis=1, keepdims=True)
    share = np.divide(share, totals, out=np.zeros_like(share), where=totals > 0)
    article_scores = np.divide(weighted, totals, out=np.zeros_like(weighted), where=totals > 0)
    best, best_score = [], []
    for d in range(n_docs):
        if share[d, :n_themes].max(initial=0.0) <= 0:
            best.append(NONE)
            best_score.append(0.0)
            continue
        k = max(range(n_themes), key=lambda j: (share[d, j], article_scores[d, j], -j))
        best.append(names[k])
        best_score.append(float(article_scores[d, k]))
    table = pd.DataFrame({"doc_id": doc_ids, "theme": best, "score": best_score})
    for k, name in enumerate([*names, NONE]):
        table[name] = share[:, k]
    for k, name in enumerate(names):
        table[f"score_{name}"] = article_scores[:, k]
    return table


def assign_themes(
    doc_ids: list[str],
    paragraph_index: np.ndarray,
    paragraph_tokens: list[list[str]],
    paragraph_vectors: np.ndarray | None,
    definitions: dict[str, ThemeDefinition],
    settings: ThemeSettings,
    analyze: Callable[[str], list[str]],
    encoder: Encoder | None,
    topic_scores: np.ndarray | None = None,
) -> ThemeResult:
    """Score every paragraph against the themes and build the article profiles.

    Parameters
    ----------
    doc_ids : list of str
        Document ids, in corpus order.
    paragraph_index : ndarray of int, shape (n_paragraphs, 2)
        ``(document position, paragraph position)`` of every paragraph.
    paragraph_tokens : list of list of str
        Final tokens of every paragraph (the text stage's output, in the same order).
    paragraph_vectors : ndarray of shape (n_paragraphs, dim) or None
        Paragraph embeddings (None: lexical and topic evidence only).
    definitions, settings
        The ``themes`` config section.
    analyze : callable
        The text pipeline's analysis, for the seed terms.
    encoder : Encoder or None
        Encodes the theme definitions.
    topic_scores : ndarray of shape (n_paragraphs, n_themes), optional
        Share of each theme's seeded topic in each paragraph.

    Returns
    -------
    ThemeResult
    """
    index = np.asarray(paragraph_index, dtype=np.int64).reshape(-1, 2)
    if len(index) != len(paragraph_tokens):
        raise ValueError(
            f"paragraph_index has {len(index)} rows for {len(paragraph_tokens)} paragraphs"
        )
    if len(index) and (index[:, 0].min() < 0 or index[:, 0].max() >= len(doc_ids)):
        raise ValueError(f"paragraph_index refers to documents outside 0..{len(doc_ids) - 1}")
    status(f"themes: scoring {len(index)} paragraphs against {len(definitions)} themes")
    scorer = ThemeScorer(definitions, settings, analyze, encoder).fit(
        paragraph_tokens, paragraph_vectors
    )
    scores = scorer.score(paragraph_tokens, paragraph_vectors, topic_scores)
    labels = scorer.assign(scores)
    themes, paragraphs = theme_tables(
        doc_ids, index, paragraph_tokens, scores, labels, scorer.themes_
    )
    metrics = {
        **share_metrics(Counter(labels), Counter(themes["theme"]), scorer.themes_),
        "settings": scorer.settings_,
        "evidence": evidence_kinds(scorer, paragraph_vectors, topic_scores),
    }
    return ThemeResult(themes=themes, paragraphs=paragraphs, terms=scorer.terms_, metrics=metrics)


def theme_tables(
    doc_ids: list[str],
    paragraph_index: np.ndarray,
    paragraph_tokens: list[list[str]],
    scores: np.ndarray,
    labels: list[str],
    names: list[str],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``themes.csv`` and ``theme_paragraphs.csv`` of scored paragraphs (module docstring).

    The tables of consecutive runs of documents, written one after the other, are the tables of
    all of them: every row depends on its own document only.
    """
    index = np.asarray(paragraph_index, dtype=np.int64).reshape(-1, 2)
    lengths = np.array([max(len(tokens), 1) for tokens in paragraph_tokens], dtype=np.float64)
    paragraphs = pd.DataFrame(
        {
            "doc_id": [doc_ids[d] for d in index[:, 0]],
            "paragraph": index[:, 1],
            "n_tokens": [len(tokens) for tokens in paragraph_tokens],
            "theme": labels,
            "score": scores.max(axis=1) if len(scores) else np.zeros(0),
        }
    )
    for k, name in enumerate(names):
        paragraphs[name] = scores[:, k]
    themes = _article_table(doc_ids, index[:, 0], lengths, scores, labels, names)
    return themes, paragraphs


def share_metrics(
    paragraph_counts: Mapping[str, int], document_counts: Mapping[str, int], names: list[str]
) -> dict[str, object]:
    """Numbers and shares of paragraphs and articles per theme (and ``none``), from the counts
    of their labels (the counts of several runs of articles add up).

    >>> share_metrics({"a": 1, "none": 1}, {"a": 1}, ["a"])["paragraph_share"]
    {'a': 0.5, 'none': 0.5}
    """
    n_paragraphs, n_documents = sum(paragraph_counts.values()), sum(document_counts.values())
    return {
        "themes": names,
        "paragraphs": n_paragraphs,
        "documents": n_documents,
        "paragraph_share": {
            n: paragraph_counts.get(n, 0) / max(n_paragraphs, 1) for n in [*names, NONE]
        },
        "document_share": {
            n: document_counts.get(n, 0) / max(n_documents, 1) for n in [*names, NONE]
        },
    }


def evidence_kinds(
    scorer: ThemeScorer, paragraph_vectors: np.ndarray | None, topic_scores: np.ndarray | None
) -> list[str]:
    """The kinds of evidence the scores combined."""
    semantic = paragraph_vectors is not None and scorer.prototypes_ is not None
    return (
        ["lexical"]
        + (["tfidf"] if scorer.tfidf_ is not None else [])
        + (["semantic"] if semantic else [])
        + (["topic"] if topic_scores is not None else [])
    )
