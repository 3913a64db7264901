"""A cheap screen before the context: only paragraphs that could be on a theme are glossed through
the full sentence model.

The context evidence (:class:`~toolkit.themes.scorer.ThemeScorer`, ``gloss``) is the sentence
model's similarity of a paragraph's English gloss to the theme's glossed description. It is the
evidence that tells ``Aufnahme der Ukraine in die NATO`` from ``Aufnahme von Flüchtlingen``, and
it is the expensive one: every paragraph through the transformer. Static gloss vectors (the
embeddings' default input: a weighted mean of per-term vectors, milliseconds for a corpus)
order paragraphs by closeness to a theme about as the full model does, but on a compressed
scale the calibrated scorer cannot use (macro-F1 0.36 instead of 0.84 on the labelled dev set,
``benchmarks/themes_mixed.py --context static``). So they serve as a screen: a paragraph is
glossed through the full model when a seed term of any theme occurs in it or when its static
similarity to a description stands out from ordinary news (z-score at least ``screen_z``
against the bundled background); every other paragraph gets a zero vector, which the scorer
reads as a context far below the background (never themed, never a member).

Examples
--------
>>> themes = {"arms": ThemeSpec("Rüstung", ["Munition"])}
>>> seed_term_paragraphs([["munitionswerk"], ["wetter"]], themes, lambda s: [s.lower()]).tolist()
[True, False]
>>> vectors = np.array([[1.0, 0.0], [0.0, 1.0]])
>>> screened_vectors(vectors, np.array([False, True])).tolist()
[[0.0, 0.0], [0.0, 1.0]]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from toolkit.embeddings.base import Encoder
from toolkit.themes.background import bundled_background
from toolkit.themes.lexical import TermMatcher
from toolkit.themes.seeds import theme_seed_terms
from toolkit.themes.semantic import SimilarityEvidence, unit
from toolkit.themes.spec import ThemeSpec

SCREEN_Z = 1.0
"""Least static-gloss z-score (against the background) that sends a paragraph to the full
model; chosen on dev and dev2 mixed into 10kGNAD (``benchmarks/themes_mixed.py --context
cascade``) so that the screen loses no on-theme paragraph the full context would theme."""


def seed_term_paragraphs(
    paragraph_tokens: Sequence[Sequence[str]],
    themes: Mapping[str, ThemeSpec],
    analyze: Callable[[str], list[str]],
) -> np.ndarray:
    """Which paragraphs contain a seed term of any theme (also inside a compound)."""
    terms, _, _ = theme_seed_terms({name: spec.seeds for name, spec in themes.items()}, analyze)
    vocabulary = {part for tokens in paragraph_tokens for t in tokens for part in t.split("_")}
    matcher = TermMatcher(terms, vocabulary)
    return (matcher.evidence([list(t) for t in paragraph_tokens]) > 0).any(axis=1)


def static_context(
    static_encoder: Encoder,
    themes: Mapping[str, ThemeSpec],
    background: Sequence[str] | None = None,
) -> SimilarityEvidence:
    """Each theme's description against the background, both read by the static encoder: the
    fitted evidence whose ``transform`` of static gloss vectors gives :func:`static_context_z`
    (fitted once, it screens any number of batches of paragraphs)."""
    descriptions = [spec.description for spec in themes.values()]
    anchors = unit(np.asarray(static_encoder.encode(descriptions), dtype=np.float64))
    texts = list(background) if background is not None else bundled_background()
    reference = np.asarray(static_encoder.encode(texts), dtype=np.float64)
    return SimilarityEvidence().fit(anchors, reference)


def static_context_z(
    static_vectors: np.ndarray,
    static_encoder: Encoder,
    themes: Mapping[str, ThemeSpec],
    background: Sequence[str] | None = None,
) -> np.ndarray:
    """``(n_paragraphs, n_themes)`` z-scores of the static gloss vectors' similarity to each
    theme's description, against the background read the same way."""
    return static_context(static_encoder, themes, background).transform(static_vectors)


def screen(
    paragraph_tokens: Sequence[Sequence[str]],
    themes: Mapping[str, ThemeSpec],
    analyze: Callable[[str], list[str]],
    static_vectors: np.ndarray,
    static_encoder: Encoder | None,
    *,
    screen_z: float = SCREEN_Z,
    background: Sequence[str] | None = None,
    context: SimilarityEvidence | None = None,
) -> np.ndarray:
    """The paragraphs that go through the full model: a seed term, or static z at least
    ``screen_z`` for some theme (see the module docstring). ``context`` is the fitted
    :func:`static_context` of ``static_encoder`` and ``background``, when already at hand."""
    if len(static_vectors) != len(paragraph_tokens):
        raise ValueError(
            f"static_vectors has {len(static_vectors)} rows for {len(paragraph_tokens)} paragraphs"
        )
    if context is None:
        if static_encoder is None:
            raise ValueError("screen needs the static encoder or its fitted static context")
        context = static_context(static_encoder, themes, background)
    close = context.transform(static_vectors)
    return seed_term_paragraphs(paragraph_tokens, themes, analyze) | (
        close.max(axis=1, initial=-np.inf) >= screen_z
    )


def screened_vectors(vectors: np.ndarray, passed: np.ndarray) -> np.ndarray:
    """``vectors`` with the rows that did not pass set to zero (no context)."""
    out = np.array(vectors, dtype=np.float32, copy=True)
    out[~np.asarray(passed, dtype=bool)] = 0.0
    return out
