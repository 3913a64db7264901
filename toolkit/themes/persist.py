"""Saving a fitted ``ThemeScorer`` as JSON and ``.npy`` files, and loading it without pickle.

Files in the folder:

``theme_scorer.json``
    Themes, parameters, the weighted terms, the corpus vocabulary (for compound splitting), the
    TF-IDF vocabulary and IDF weights, the background centre and scale of every evidence.
``theme_<evidence>_prototypes.npy``
    The prototypes of each similarity evidence (``gloss``: the glossed descriptions).

Examples
--------
>>> import tempfile
>>> from toolkit.themes import ThemeScorer, ThemeSpec
>>> scorer = ThemeScorer({"arms": ThemeSpec("Rüstung", ["Munition"])}).fit([["munition"], ["x"]])
>>> folder = tempfile.mkdtemp()
>>> save_scorer(scorer, folder)
>>> load_scorer(folder, {"arms": ThemeSpec("Rüstung", ["Munition"])}, ThemeScorer).terms_
[{'munition': 1.0}]
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from toolkit.errors import RunError
from toolkit.io import read_json, read_npy, write_json, write_npy
from toolkit.themes.lexical import CompoundSplitter, TermMatcher
from toolkit.themes.semantic import SimilarityEvidence
from toolkit.themes.spec import ThemeSpec
from toolkit.themes.tfidf import TfidfSpace

STATE = "theme_scorer.json"


def save_scorer(scorer: Any, folder: str | Path) -> None:
    """Write a fitted :class:`~toolkit.themes.scorer.ThemeScorer`'s state into ``folder``."""
    if not hasattr(scorer, "terms_"):
        raise RuntimeError("ThemeScorer is not fitted: call fit(paragraph_tokens) first")
    folder = Path(folder)
    evidences = dict(scorer.prototypes_)
    if scorer.gloss_ is not None:
        evidences["gloss"] = scorer.gloss_
    state = {
        "themes": scorer.themes_,
        "params": scorer.get_params(),
        "terms": scorer.terms_,
        "vocabulary": sorted(scorer._splitter.vocabulary),
        "tfidf": None if scorer.tfidf_ is None else scorer.tfidf_.state(),
        "evidence": {kind: evidence.state() for kind, evidence in sorted(evidences.items())},
    }
    write_json(folder / STATE, state)
    for kind, evidence in evidences.items():
        write_npy(folder / f"theme_{kind}_prototypes.npy", evidence.prototypes_)


def load_scorer(
    folder: str | Path, themes: Mapping[str, ThemeSpec], scorer_class: type, **params: Any
) -> Any:
    """Inverse of :func:`save_scorer`: a ``scorer_class`` (``ThemeScorer``, which passes itself,
    so that this module stays below it) with the saved state; ``themes`` must name the same
    themes, ``params`` give the callables (``analyze``, ``encoder``, ``gloss_encoder``) — the
    numbers come from the file."""
    folder = Path(folder)
    path = folder / STATE
    if not path.is_file():
        raise RunError(f"no fitted theme scorer in {folder} (missing {path.name})")
    state = read_json(path)
    if list(themes) != state["themes"]:
        raise ValueError(f"{path}: fitted for themes {state['themes']}, not {list(themes)}")
    scorer = scorer_class(themes, **{**params, **state["params"]})
    scorer.themes_ = list(state["themes"])
    scorer.terms_ = [dict(terms) for terms in state["terms"]]
    scorer._splitter = CompoundSplitter(state["vocabulary"])
    scorer._matcher = TermMatcher(scorer.terms_, scorer._splitter)
    scorer.tfidf_ = None
    if state["tfidf"] is not None:
        scorer.tfidf_ = TfidfSpace.from_state(state["tfidf"], scorer._splitter.parts)
    evidences = {
        kind: SimilarityEvidence.from_state(
            evidence, read_npy(folder / f"theme_{kind}_prototypes.npy")
        )
        for kind, evidence in state["evidence"].items()
    }
    scorer.gloss_ = evidences.pop("gloss", None)
    scorer.prototypes_ = evidences
    return scorer
