"""``ThemeScorer``: how strongly each paragraph is about each configured theme (method: package
docstring, :mod:`toolkit.themes`).

Examples
--------
>>> themes = {"arms": ThemeSpec("Rüstung", ["Munition"]),
...           "join": ThemeSpec("Beitritt", ["Beitritt"])}
>>> scorer = ThemeScorer(themes, threshold=2.5, analyze=lambda s: [s.lower()])  # lexical only
>>> paragraphs = [["munition", "werk"], ["beitritt", "schweden"], ["fußball"]]
>>> scorer.fit(paragraphs).assign(scorer.score(paragraphs))
['arms', 'join', 'none']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

from toolkit.embeddings.base import Encoder
from toolkit.themes.background import bundled_background
from toolkit.themes.diagnostics import diagnose_terms, seed_warnings, weighted_terms
from toolkit.themes.expand import expand_terms
from toolkit.themes.lexical import CompoundSplitter, TermMatcher, lexical_scores
from toolkit.themes.persist import load_scorer, save_scorer
from toolkit.themes.seeds import theme_seed_terms
from toolkit.themes.semantic import SimilarityEvidence, unit
from toolkit.themes.spec import NONE, ThemeSpec, check_themes
from toolkit.themes.tfidf import TfidfSpace
from toolkit.themes.training import first_members, fit_prototypes, members_from_scores

# Calibrated on dev and dev2, alone and mixed into 10kGNAD (benchmarks/themes_mixed.py
# --calibrate); dev3 is the check. Units: background z-scores (see toolkit.themes.background).
DEFAULT_THRESHOLD = 3.25
DEFAULT_LEXICAL_WEIGHT = 0.5
DEFAULT_GLOSS_WEIGHT = 2.0
DEFAULT_PROTOTYPE_WEIGHT = 2.0
DEFAULT_TFIDF_WEIGHT = 1.0
DEFAULT_EMBEDDING_WEIGHT = 0.0
DEFAULT_SUPPORT_Z = 2.0
DEFAULT_MEMBER_Z = 4.5
DEFAULT_ROUNDS = 2

LEXICAL_SCALE = 5.0
"""z-units of a saturated lexical score: one seed (score 0.63) counts 3.2, two seeds 4.3."""
CLIP = 5.0
"""No single kind of evidence counts more than this many z-units (one cannot outvote all)."""
UNREAD = -CLIP
"""Context and prototype evidence of a paragraph the model did not read (a row of NaN in the
gloss vectors: the context cascade ruled it out, :mod:`toolkit.themes.cascade`): it is ``none``."""
MEMBER_LEXICAL = 0.5
"""Lexical score from which a paragraph with context support is a first member of its theme."""
MEMBER_SCORE = 3.0
"""Least combined score of a self-trained member (fixed, so the members and everything learnt
from them do not move with the threshold)."""
EXPANSION_WEIGHT = 0.5


def lowercase_words(text: str) -> list[str]:
    """The default analysis: lowercase whitespace-separated words.

    >>> lowercase_words("NATO-Beitritt Schwedens")
    ['nato-beitritt', 'schwedens']
    """
    return text.lower().split()


class ThemeScorer:
    """Score paragraphs against themes (a description and seeds each), scikit-learn style.

    Parameters
    ----------
    themes : dict of str to ThemeSpec
        Theme name -> description and seed terms, in column order.
    threshold : float
        Least combined score (background z-units) of a theme; below it a paragraph is ``none``.
    lexical_weight, gloss_weight, prototype_weight, tfidf_weight, embedding_weight, topic_weight
        Weights of the evidence in the combined score (a weighted mean of what is available):
        seed terms; similarity of the paragraph's English gloss to the glossed description;
        gloss similarity to the theme's self-trained members; TF-IDF similarity to them;
        sentence-vector similarity to them; the theme's seeded topic.
    support_z : float
        Least context z-score (gloss similarity to the description) that supports a seed's
        occurrence (:mod:`toolkit.themes.diagnostics`).
    member_z : float
        Least context z-score of a self-trained member: members need evidence that is
        independent of the seeds and of the other members.
    self_training_rounds : int
        Rounds of learning the prototypes (and expansion) from the assigned paragraphs.
    expand_terms : int
        Co-occurring corpus words added per theme (0: none).
    min_expansion_paragraphs : int
        Expand only corpora of at least this many paragraphs.
    background : sequence of str, optional
        Ordinary news the themes must stand out from (default: the bundled sample,
        :func:`~toolkit.themes.background.bundled_background`).
    analyze : callable, optional
        Text -> tokens, the same analysis as the corpus tokens (default :func:`lowercase_words`).
    encoder : Encoder, optional
        Encodes the background for the sentence-vector evidence.
    gloss_encoder : Encoder, optional
        Encodes German text through its English gloss (``GlossEncoder``): the description and
        the background; the corpus paragraphs' gloss vectors are given to :meth:`fit`.

    Attributes
    ----------
    themes_ : list of str
    terms_ : list of dict of str to float
        Every theme's terms and their weights after the seed diagnostics.
    diagnostics_ : pandas.DataFrame
        One row per theme and term (:data:`toolkit.themes.diagnostics.COLUMNS`).
    warnings_ : list of str
        One message per ambiguous seed.
    """

    def __init__(
        self,
        themes: Mapping[str, ThemeSpec],
        *,
        threshold: float = DEFAULT_THRESHOLD,
        lexical_weight: float = DEFAULT_LEXICAL_WEIGHT,
        gloss_weight: float = DEFAULT_GLOSS_WEIGHT,
        prototype_weight: float = DEFAULT_PROTOTYPE_WEIGHT,
        tfidf_weight: float = DEFAULT_TFIDF_WEIGHT,
        embedding_weight: float = DEFAULT_EMBEDDING_WEIGHT,
        topic_weight: float = 0.0,
        support_z: float = DEFAULT_SUPPORT_Z,
        member_z: float = DEFAULT_MEMBER_Z,
        self_training_rounds: int = DEFAULT_ROUNDS,
        expand_terms: int = 10,
        min_expansion_paragraphs: int = 50,
        background: Sequence[str] | None = None,
        analyze: Callable[[str], list[str]] | None = None,
        encoder: Encoder | None = None,
        gloss_encoder: Encoder | None = None,
    ) -> None:
        self.themes = dict(themes)
        self.threshold = threshold
        self.lexical_weight = lexical_weight
        self.gloss_weight = gloss_weight
        self.prototype_weight = prototype_weight
        self.tfidf_weight = tfidf_weight
        self.embedding_weight = embedding_weight
        self.topic_weight = topic_weight
        self.support_z = support_z
        self.member_z = member_z
        self.self_training_rounds = self_training_rounds
        self.expand_terms = expand_terms
        self.min_expansion_paragraphs = min_expansion_paragraphs
        self.background = background
        self.analyze = analyze
        self.encoder = encoder
        self.gloss_encoder = gloss_encoder

    def get_params(self) -> dict[str, float | int]:
        """The numeric parameters (what the run records as the theme settings)."""
        names = ["threshold", "lexical_weight", "gloss_weight", "prototype_weight"]
        names += ["tfidf_weight", "embedding_weight", "topic_weight", "support_z", "member_z"]
        names += ["self_training_rounds", "expand_terms", "min_expansion_paragraphs"]
        return {name: getattr(self, name) for name in names}

    # -- fitting -------------------------------------------------------------------------------

    def fit(
        self,
        paragraph_tokens: Sequence[Sequence[str]],
        paragraph_vectors: np.ndarray | None = None,
        gloss_vectors: np.ndarray | None = None,
    ) -> ThemeScorer:
        """Learn term weights, prototypes and the background's statistics from the corpus.

        Parameters
        ----------
        paragraph_tokens : list of list of str
            Tokens of every corpus paragraph.
        paragraph_vectors : ndarray of shape (n_paragraphs, dim), optional
            Sentence vectors (the embedding evidence; needs ``encoder``).
        gloss_vectors : ndarray of shape (n_paragraphs, dim), optional
            Vectors of the paragraphs' English gloss (context, seed diagnostics and prototype
            evidence; needs ``gloss_encoder``). A row of NaN is a paragraph whose gloss was not
            read (:data:`UNREAD`): it supports no seed, is no member, and scores 0.
        """
        tokens = [list(t) for t in paragraph_tokens]
        _check_rows(len(tokens), paragraph_vectors=paragraph_vectors, gloss_vectors=gloss_vectors)
        self.themes_ = check_themes(self.themes)
        analyze = self.analyze or lowercase_words
        self._seeds = theme_seed_terms({n: self.themes[n].seeds for n in self.themes_}, analyze)
        vocabulary = {part for t in tokens for token in t for part in token.split("_")}
        self._splitter = CompoundSplitter(
            vocabulary | {p for terms in self._seeds[0] for t in terms for p in t.split("_")}
        )
        background = list(self.background or bundled_background())
        self._context = self._fit_context(gloss_vectors, background)
        self._extra: list[dict[str, float]] = [{} for _ in self.themes_]
        self._weigh_terms(tokens)
        lexical = lexical_scores(self._matcher.evidence(tokens), 1.0)
        members = first_members(lexical, self._context, MEMBER_LEXICAL, self.member_z)
        tfidf = self._fit_tfidf(tokens)
        vectors = {"embedding": paragraph_vectors, "prototype": gloss_vectors, "tfidf": tfidf}
        background_rows = self._background_rows(background, list(map(analyze, background)), vectors)
        for round_ in range(self.self_training_rounds + 1):
            if self.expand_terms > 0 and len(tokens) >= self.min_expansion_paragraphs:
                seed_words = {t for terms in self._seeds[0] for t in terms}
                self._extra = expand_terms(
                    tokens, members, self.expand_terms, seed_words, EXPANSION_WEIGHT
                )
                self._weigh_terms(tokens)
            anchors = None if self.gloss_ is None else self.gloss_.prototypes_
            self.prototypes_ = fit_prototypes(vectors, background_rows, members, anchors)
            if round_ < self.self_training_rounds:
                scores = self.score(tokens, paragraph_vectors, gloss_vectors, tfidf=tfidf)
                members = members_from_scores(scores, self._context, MEMBER_SCORE, self.member_z)
        self.diagnostics_ = self._weigh_terms(tokens, members)
        descriptions = {name: self.themes[name].description for name in self.themes_}
        self.warnings_ = seed_warnings(self.diagnostics_, descriptions)
        return self

    def _weigh_terms(self, tokens: list[list[str]], members: np.ndarray | None = None):
        """Diagnose the seed and expansion terms; their weights become ``terms_``."""
        base, kinds, labels = self._seeds
        table = diagnose_terms(
            self._splitter,
            tokens,
            self.themes_,
            base,
            kinds,
            labels,
            self._extra,
            self._context,
            support_z=self.support_z,
            members=members,
        )
        self.terms_ = weighted_terms(table, self.themes_)
        self._matcher = TermMatcher(self.terms_, self._splitter)
        return table

    def _fit_context(
        self, gloss_vectors: np.ndarray | None, background: list[str]
    ) -> np.ndarray | None:
        """The glossed descriptions against the background; the corpus's context z-scores."""
        self.gloss_: SimilarityEvidence | None = None
        if gloss_vectors is None or self.gloss_encoder is None:
            return None
        descriptions = [self.themes[name].description for name in self.themes_]
        anchors = unit(np.asarray(self.gloss_encoder.encode(descriptions), dtype=np.float64))
        self._background_gloss = np.asarray(self.gloss_encoder.encode(background), np.float64)
        self.gloss_ = SimilarityEvidence().fit(anchors, self._background_gloss)
        return self.gloss_.transform(gloss_vectors, unread=UNREAD)

    def _fit_tfidf(self, tokens: list[list[str]]) -> sparse.csr_matrix | None:
        self.tfidf_: TfidfSpace | None = None
        if self.tfidf_weight <= 0:
            return None
        space = TfidfSpace(self._splitter.parts).fit(tokens)
        if not space.vocabulary_:  # no word in two paragraphs: no evidence at all
            return None
        self.tfidf_ = space
        return space.transform(tokens)

    def _background_rows(
        self, background: list[str], background_tokens: list[list[str]], vectors: dict
    ) -> dict:
        """The background as each kind of prototype evidence reads it (what is available)."""
        rows: dict = {}
        # a kind of evidence with weight 0 is not computed at all
        if vectors["embedding"] is not None and self.encoder is not None and self.embedding_weight:
            rows["embedding"] = np.asarray(self.encoder.encode(background), dtype=np.float64)
        if vectors["prototype"] is not None and self.gloss_ is not None and self.prototype_weight:
            rows["prototype"] = self._background_gloss
        if vectors["tfidf"] is not None and self.tfidf_ is not None:
            rows["tfidf"] = self.tfidf_.transform(background_tokens)
        return rows

    # -- scoring -------------------------------------------------------------------------------

    def evidence(
        self,
        paragraph_tokens: Sequence[Sequence[str]],
        paragraph_vectors: np.ndarray | None = None,
        gloss_vectors: np.ndarray | None = None,
        topic_scores: np.ndarray | None = None,
        tfidf: sparse.csr_matrix | None = None,
    ) -> dict[str, np.ndarray]:
        """Every available kind of evidence, ``(n_paragraphs, n_themes)`` in z-units.

        ``tfidf`` is the paragraphs' TF-IDF matrix when already computed (during ``fit``).
        """
        if not hasattr(self, "terms_"):
            raise RuntimeError("ThemeScorer is not fitted: call fit(paragraph_tokens) first")
        tokens = [list(t) for t in paragraph_tokens]
        _check_rows(
            len(tokens),
            paragraph_vectors=paragraph_vectors,
            gloss_vectors=gloss_vectors,
            topic_scores=topic_scores,
        )
        lexical = lexical_scores(self._matcher.evidence(tokens), 1.0)
        out = {"lexical": LEXICAL_SCALE * lexical}
        if gloss_vectors is not None and self.gloss_ is not None:
            out["gloss"] = self.gloss_.transform(gloss_vectors, unread=UNREAD)
        inputs = {"embedding": paragraph_vectors, "prototype": gloss_vectors}
        if "tfidf" in self.prototypes_:
            inputs["tfidf"] = self.tfidf_.transform(tokens) if tfidf is None else tfidf
        for kind, evidence in self.prototypes_.items():
            if inputs.get(kind) is not None:
                out[kind] = evidence.transform(inputs[kind], unread=UNREAD)
        if topic_scores is not None:
            out["topic"] = LEXICAL_SCALE * np.clip(np.asarray(topic_scores, float), 0.0, 1.0)
        return out

    def combine(self, evidence: Mapping[str, np.ndarray]) -> np.ndarray:
        """Context and corpus evidence together: both must stand out from the background.

        The corpus evidence (everything but ``gloss``) is a weighted mean, each kind clipped to
        ``[-CLIP, CLIP]``; with the context (``gloss``) it forms a weighted geometric mean,
        ``gloss ** a * corpus ** (1 - a)`` with ``a = gloss_weight / (gloss_weight + 1)`` and
        negative values taken as 0. Either kind alone is its own score.
        """
        weights = {
            "lexical": self.lexical_weight,
            "prototype": self.prototype_weight,
            "tfidf": self.tfidf_weight,
            "embedding": self.embedding_weight,
            "topic": self.topic_weight,
        }
        used = [(weights[k], v) for k, v in evidence.items() if k != "gloss" and weights[k] > 0]
        context = evidence.get("gloss") if self.gloss_weight > 0 else None
        if not used and context is None:
            raise ValueError("every available kind of theme evidence has weight 0")
        if context is not None:
            context = np.clip(context, -CLIP, CLIP)
        if not used:
            return context
        total = sum(w for w, _ in used)
        corpus = sum(w * np.clip(value, -CLIP, CLIP) for w, value in used) / total
        if context is None:
            return corpus
        share = self.gloss_weight / (self.gloss_weight + 1.0)
        return np.maximum(context, 0.0) ** share * np.maximum(corpus, 0.0) ** (1.0 - share)

    def score(
        self,
        paragraph_tokens: Sequence[Sequence[str]],
        paragraph_vectors: np.ndarray | None = None,
        gloss_vectors: np.ndarray | None = None,
        topic_scores: np.ndarray | None = None,
        tfidf: sparse.csr_matrix | None = None,
    ) -> np.ndarray:
        """``(n_paragraphs, n_themes)`` combined scores, columns in ``themes_`` order."""
        evidence = self.evidence(
            paragraph_tokens, paragraph_vectors, gloss_vectors, topic_scores, tfidf
        )
        return self.combine(evidence)

    def assign(self, scores: np.ndarray) -> list[str]:
        """Best theme of every row of ``scores``, or ``"none"`` below the threshold."""
        scores = np.asarray(scores, dtype=np.float64)
        if scores.shape[0] == 0:
            return []
        best = scores.argmax(axis=1)
        top = scores[np.arange(len(scores)), best]
        return [
            self.themes_[k] if s >= self.threshold else NONE for k, s in zip(best, top, strict=True)
        ]

    # -- storage -------------------------------------------------------------------------------

    def save(self, folder: str | Path) -> None:
        """Write the fitted state (:func:`toolkit.themes.persist.save_scorer`)."""
        save_scorer(self, folder)

    @classmethod
    def load(cls, folder: str | Path, themes: Mapping[str, ThemeSpec], **params) -> ThemeScorer:
        """Inverse of :meth:`save` (:func:`toolkit.themes.persist.load_scorer`)."""
        return load_scorer(folder, themes, cls, **params)


def _check_rows(n: int, **arrays: np.ndarray | None) -> None:
    for name, array in arrays.items():
        if array is not None and len(array) != n:
            raise ValueError(f"{name} has {len(array)} rows for {n} paragraphs")
