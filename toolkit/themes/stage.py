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
    per best theme, the scorer's settings (threshold, weights), the evidence used and the
    ``seed_warnings`` (one message per ambiguous seed).
``seed_diagnostics.csv``
    One row per theme and term: where it occurs, how often its context supports the theme,
    the weight it therefore gets (:mod:`toolkit.themes.diagnostics`), and example paragraphs
    whose context does and does not support it, as ``doc_id#paragraph`` (``; ``-separated).

Examples
--------
>>> themes = {"arms": ThemeSpec("Rüstung", ["Munition"])}
>>> result = assign_themes(["a"], np.array([[0, 0], [0, 1]]), [["munition"], ["wetter"]], themes,
...                        threshold=2.5)
>>> result.themes[["doc_id", "theme", "arms", "none"]].values.tolist()
[['a', 'arms', 0.5, 0.5]]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from toolkit.io import read_csv, read_json, require_files, write_csv, write_json
from toolkit.progress import status
from toolkit.themes.diagnostics import format_seed_diagnostics
from toolkit.themes.scorer import ThemeScorer
from toolkit.themes.spec import NONE, ThemeSpec

FILES = (
    "themes.csv",
    "theme_paragraphs.csv",
    "theme_terms.json",
    "theme_metrics.json",
    "seed_diagnostics.csv",
)

# diagnostics columns read as text (an empty cell is "", not NaN)
TEXT_COLUMNS = dict.fromkeys(
    ["term", "seed", "compounds", "supported_examples", "unsupported_examples"], str
)


def example_refs(table: pd.DataFrame, doc_ids: Sequence[str], index: np.ndarray) -> pd.DataFrame:
    """The diagnostics' example paragraph positions (rows of ``index``: document position,
    paragraph position) as ``doc_id#paragraph`` references.

    >>> table = pd.DataFrame({"supported_examples": ["1 0"], "unsupported_examples": [""]})
    >>> example_refs(table, ["a", "b"], np.array([[0, 0], [1, 3]])).values.tolist()
    [['b#3; a#0', '']]
    """

    def refs(cell: str) -> str:
        rows = [index[int(p)] for p in str(cell).split()]
        return "; ".join(f"{doc_ids[d]}#{p}" for d, p in rows)

    table = table.copy()
    for column in ("supported_examples", "unsupported_examples"):
        table[column] = table[column].map(refs)
    return table


def read_diagnostics(path: str | Path) -> pd.DataFrame:
    """``seed_diagnostics.csv`` as written, the text columns as text (an empty cell is "")."""
    # a term without compounds has an empty cell, read as NaN
    return read_csv(path, dtype=TEXT_COLUMNS).fillna(dict.fromkeys(TEXT_COLUMNS, ""))


class ThemeReadings:
    """What the stage's output says beyond its tables, for an output held in memory
    (:class:`ThemeResult`) or read from a run folder on demand (the experiment's themes
    output): both have ``metrics`` and ``diagnostics``."""

    metrics: dict
    diagnostics: pd.DataFrame

    @property
    def theme_names(self) -> list[str]:
        """The configured themes, in column order."""
        return list(self.metrics["themes"])

    @property
    def warnings(self) -> list[str]:
        """One message per ambiguous seed, with a suggestion (printed at the end of a run)."""
        return list(self.metrics.get("seed_warnings", []))

    def format_diagnostics(self, theme: str | None = None) -> str:
        """The seed diagnostics as text for the terminal (one theme, or all)."""
        return format_seed_diagnostics(self.diagnostics, theme)


@dataclass
class ThemeResult(ThemeReadings):
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
        Shares, settings, evidence and seed warnings (``theme_metrics.json``).
    diagnostics : pandas.DataFrame
        One row per theme and term (``seed_diagnostics.csv``).
    """

    themes: pd.DataFrame
    paragraphs: pd.DataFrame
    terms: dict
    metrics: dict
    diagnostics: pd.DataFrame

    def save(self, folder: str | Path) -> None:
        """Write the four files of the stage into ``folder``."""
        folder = Path(folder)
        write_csv(folder / "themes.csv", self.themes)
        write_csv(folder / "theme_paragraphs.csv", self.paragraphs)
        write_json(folder / "theme_terms.json", self.terms)
        write_json(folder / "theme_metrics.json", self.metrics)
        write_csv(folder / "seed_diagnostics.csv", self.diagnostics)

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
            diagnostics=read_diagnostics(folder / "seed_diagnostics.csv"),
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


def theme_tables(
    doc_ids: Sequence[str],
    paragraph_index: np.ndarray,
    paragraph_tokens: Sequence[Sequence[str]],
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
    themes = _article_table(list(doc_ids), index[:, 0], lengths, scores, labels, names)
    return themes, paragraphs


def share_metrics(
    paragraph_counts: Mapping[str, int], document_counts: Mapping[str, int], names: list[str]
) -> dict[str, Any]:
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


def theme_metrics(
    scorer: ThemeScorer,
    evidence: Iterable[str],
    paragraph_counts: Mapping[str, int],
    document_counts: Mapping[str, int],
) -> dict[str, Any]:
    """``theme_metrics.json``: the shares, the fitted scorer's settings and seed warnings, and
    the kinds of ``evidence`` the scores combined."""
    return {
        **share_metrics(paragraph_counts, document_counts, scorer.themes_),
        "settings": scorer.get_params(),
        "evidence": sorted(evidence),
        "seed_warnings": scorer.warnings_,
    }


def _check_index(paragraph_index: np.ndarray, n_paragraphs: int, n_docs: int) -> np.ndarray:
    index = np.asarray(paragraph_index, dtype=np.int64).reshape(-1, 2)
    if len(index) != n_paragraphs:
        raise ValueError(f"paragraph_index has {len(index)} rows for {n_paragraphs} paragraphs")
    if len(index) and (index[:, 0].min() < 0 or index[:, 0].max() >= n_docs):
        raise ValueError(f"paragraph_index refers to documents outside 0..{n_docs - 1}")
    return index


def assign_themes(
    doc_ids: Sequence[str],
    paragraph_index: np.ndarray,
    paragraph_tokens: Sequence[Sequence[str]],
    themes: Mapping[str, ThemeSpec],
    *,
    paragraph_vectors: np.ndarray | None = None,
    gloss_vectors: np.ndarray | None = None,
    topic_scores: np.ndarray | None = None,
    **scorer_params: Any,
) -> ThemeResult:
    """Score every paragraph against the themes and build the article profiles.

    Parameters
    ----------
    doc_ids, paragraph_index
        Document ids in corpus order; ``(document position, paragraph position)`` per paragraph.
    paragraph_tokens : list of list of str
        Final tokens of every paragraph (the text stage's output, in the same order).
    themes : dict of str to ThemeSpec
        The themes, in column order.
    paragraph_vectors, gloss_vectors : ndarray of shape (n_paragraphs, dim), optional
        Sentence vectors of the paragraphs and of their gloss (:meth:`ThemeScorer.fit`).
    topic_scores : ndarray of shape (n_paragraphs, n_themes), optional
        Share of each theme's seeded topic in each paragraph.
    **scorer_params
        Keyword parameters of :class:`ThemeScorer` (``threshold``, weights, ``analyze``,
        ``encoder``, ``gloss_encoder``, ...).

    Returns
    -------
    ThemeResult
    """
    index = _check_index(paragraph_index, len(paragraph_tokens), len(doc_ids))
    status(f"themes: scoring {len(index)} paragraphs against {len(themes)} themes")
    scorer = ThemeScorer(themes, **scorer_params)
    scorer.fit(paragraph_tokens, paragraph_vectors, gloss_vectors)
    evidence = scorer.evidence(paragraph_tokens, paragraph_vectors, gloss_vectors, topic_scores)
    scores = scorer.combine(evidence)
    labels = scorer.assign(scores)
    names = scorer.themes_
    table, paragraphs = theme_tables(doc_ids, index, paragraph_tokens, scores, labels, names)
    metrics = theme_metrics(scorer, evidence, Counter(labels), Counter(table["theme"]))
    terms = dict(zip(names, scorer.terms_, strict=True))
    diagnostics = example_refs(scorer.diagnostics_, doc_ids, index)
    return ThemeResult(table, paragraphs, terms, metrics, diagnostics)
