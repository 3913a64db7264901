"""``ContextSelector``: which paragraphs the themes' context reads, for archives too large for it.

The context (a sentence model over a paragraph's English gloss) is the most expensive evidence
of the themes, and on ordinary news almost every paragraph is ``none``. The cascade reads it
in two steps, the first pass fitted on the corpus (or its sample, so every partition of a
large corpus is selected alike):

1. :meth:`~ContextSelector.fit` learns the seed terms; :meth:`~ContextSelector.seeded` marks
   the paragraphs with a whole seed (or two parts of a compound seed), whose context is read
   first: the seed diagnostics weigh a seed by how often context supports its occurrences.
2. :meth:`~ContextSelector.refine` fits the themes on that context (NaN rows elsewhere) and
   learns the cut of ``share``: :meth:`~ContextSelector.select` adds, of the paragraphs without
   a seed, the ``share`` that the corpus evidence alone (seed and expansion terms, TF-IDF
   similarity to the self-trained members) scores highest.

The context of the other paragraphs is never read: their gloss-vector rows are NaN and the
scorer makes them ``none`` (:data:`~toolkit.themes.scorer.UNREAD`).

It costs accuracy, which is why a run reads every paragraph unless told otherwise
(``themes.settings.context_share``). On the labelled theme paragraphs mixed into 10kGNAD
(``python benchmarks/themes_cascade.py``), with share 0.3 the context reads 41 % of the
paragraphs and macro-F1 falls by 0.004-0.05 (see the README): the paragraphs about a theme
without its seeds are found by the TF-IDF of members that the full context recruited, and a
first pass that has read only the seeded paragraphs recruits fewer of them.

Examples
--------
>>> import numpy as np
>>> from toolkit.themes.spec import ThemeSpec
>>> class Words:  # a stand-in for the gloss encoder: counts of subject words
...     name, dim = "words", 3
...     def fingerprint(self): return "words"
...     def encode(self, texts):
...         return np.array([[t.lower().count(w) for w in ("nato", "bündnis")] + [1.0]
...                          for t in texts], dtype=float)
>>> texts = [f"der beitritt zur nato runde {i} bündnis" for i in range(6)]
>>> texts += [f"das bündnis nato stationiert truppe woche {i}" for i in range(4)]
>>> texts += [f"das wetter in ort {i} bleibt freundlich" for i in range(30)]
>>> paragraphs = [t.split() for t in texts]
>>> selector = ContextSelector({"nato": ThemeSpec("Beitritt zur NATO", ["Beitritt"])},
...                            share=0.1, background=[f"das wetter in stadt {i} bleibt trüb"
...                                                   for i in range(8)])
>>> seeded = selector.fit(paragraphs).seeded(paragraphs)
>>> first = np.where(seeded[:, None], Words().encode(texts), np.nan)  # read the seeded
>>> keep = selector.refine(paragraphs, first, Words()).select(paragraphs)
>>> int(seeded.sum()), int(keep.sum()), bool(keep[6:10].all())  # the 4 paraphrases added
(6, 10, True)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from toolkit.themes.lexical import lexical_scores
from toolkit.themes.scorer import LEXICAL_SCALE, ThemeScorer
from toolkit.themes.spec import ThemeSpec

DEFAULT_SHARE = 0.3
SEEDED = 1.0
"""Least seed-term weight of a paragraph read first: one whole seed, or two of its parts (a
compound seed's parts weigh half: ``verteidigung``, ``ausgabe``); a single generic part such
as ``prozent`` or ``ziel`` occurs in a third of the news and is left to the share."""


class ContextSelector:
    """A first pass of the themes: which paragraphs the context must read (module docstring).

    Parameters
    ----------
    themes : dict of str to ThemeSpec
    share : float in [0, 1]
        Besides every paragraph with a seed term, this share of the fitted paragraphs, those the
        corpus evidence scores highest (1: every paragraph, no cascade).
    analyze : callable, optional
        Text -> tokens, as for :class:`~toolkit.themes.scorer.ThemeScorer`.
    background : sequence of str, optional
        Ordinary news (default: the bundled sample).
    **params
        Further :class:`~toolkit.themes.scorer.ThemeScorer` parameters of the first pass.

    Attributes
    ----------
    seeds_ : ThemeScorer
        The seed terms alone (:meth:`fit`).
    scorer_ : ThemeScorer
        The themes fitted with the context of the seeded paragraphs only (:meth:`refine`).
    cut_ : float
        Least corpus-evidence score kept by ``share`` (``inf`` when ``share`` is 0).
    """

    def __init__(
        self,
        themes: Mapping[str, ThemeSpec],
        *,
        share: float = DEFAULT_SHARE,
        analyze: Callable[[str], list[str]] | None = None,
        background: Sequence[str] | None = None,
        **params: Any,
    ) -> None:
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"share must be between 0 and 1, not {share}")
        self.themes = dict(themes)
        self.share = share
        self.analyze = analyze
        self.background = background
        self.params = params

    def _scorer(self, **params: Any) -> ThemeScorer:
        return ThemeScorer(
            self.themes,
            analyze=self.analyze,
            background=self.background,
            **{**self.params, **params},
        )

    def fit(self, paragraph_tokens: Sequence[Sequence[str]]) -> ContextSelector:
        """Learn the seed terms (their compound parts in this corpus)."""
        self.seeds_ = self._scorer(expand_terms=0, self_training_rounds=0, tfidf_weight=0.0)
        self.seeds_.fit(paragraph_tokens)
        return self

    def seeded(self, paragraph_tokens: Sequence[Sequence[str]]) -> np.ndarray:
        """Boolean mask of the paragraphs with a seed term: their context is read first."""
        if not hasattr(self, "seeds_"):
            raise RuntimeError("ContextSelector is not fitted: call fit(paragraph_tokens) first")
        lexical = self.seeds_.evidence(paragraph_tokens)["lexical"] / LEXICAL_SCALE
        return (lexical >= lexical_scores(np.array(SEEDED), 1.0) - 1e-9).any(axis=1)

    def refine(
        self,
        paragraph_tokens: Sequence[Sequence[str]],
        gloss_vectors: np.ndarray,
        gloss_encoder: Any,
    ) -> ContextSelector:
        """Fit the themes on the context read so far (rows of NaN elsewhere) and learn the cut
        of ``share`` on their corpus evidence (seed and expansion terms, TF-IDF prototypes):
        ``share`` of the paragraphs, taken among those without a seed."""
        tokens = [list(t) for t in paragraph_tokens]
        self.scorer_ = self._scorer(gloss_encoder=gloss_encoder).fit(tokens, None, gloss_vectors)
        best = self._corpus_scores(tokens)[~self.seeded(tokens)]
        positive = np.sort(best[best > 0])[::-1]
        kept = round(self.share * len(tokens))
        if kept == 0 or len(positive) == 0:
            self.cut_ = float("inf")
        else:  # fewer positive scores than the share: all of them
            self.cut_ = float(positive[min(kept, len(positive)) - 1])
        return self

    def _corpus_scores(self, tokens: list[list[str]]) -> np.ndarray:
        evidence = self.scorer_.evidence(tokens)  # no vectors: the corpus evidence alone
        scores = self.scorer_.combine(evidence)
        return scores.max(axis=1) if scores.size else np.zeros(len(tokens))

    def select(self, paragraph_tokens: Sequence[Sequence[str]]) -> np.ndarray:
        """Boolean mask of the paragraphs the context must read (seeded ones included)."""
        if not hasattr(self, "scorer_"):
            raise RuntimeError("ContextSelector is not refined: call refine(...) first")
        tokens = [list(t) for t in paragraph_tokens]
        if self.share >= 1.0:
            return np.ones(len(tokens), dtype=bool)
        return self.seeded(tokens) | (self._corpus_scores(tokens) >= self.cut_)
