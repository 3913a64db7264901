"""The themes' context cascade: a first pass without context chooses the paragraphs the context
reads; the scorer treats the others (rows of NaN) as unread, hence ``none``."""

from __future__ import annotations

import numpy as np
import pytest

from toolkit.themes import ThemeScorer, ThemeSpec
from toolkit.themes.cascade import ContextSelector
from toolkit.themes.scorer import UNREAD


class KeywordEncoder:
    """A stand-in for the gloss encoder: counts of a few subject words, plus a constant."""

    name, dim = "keywords", 5
    WORDS = ("nato", "bündnis", "beitritt", "truppe")

    def fingerprint(self) -> str:
        return "keywords"

    def encode(self, texts: list[str]) -> np.ndarray:
        rows = [[t.lower().count(w) for w in self.WORDS] + [1.0] for t in texts]
        return np.asarray(rows, dtype=np.float64)


THEMES = {"membership": ThemeSpec("Beitritt zur NATO und zum Bündnis", ["Beitritt"])}
SEEDED = [f"schweden vollzieht den beitritt zur nato runde {i} bündnis" for i in range(6)]
# about the theme without its seed: the same subject words
PARAPHRASE = [f"das bündnis nato stationiert truppe im baltikum woche {i}" for i in range(4)]
ORDINARY = [f"das wetter in ort {i} bleibt freundlich am abend regen" for i in range(30)]
BACKGROUND = [f"das wetter in stadt {i} bleibt trüb am morgen nebel" for i in range(8)]


def tokens_of(texts: list[str]) -> list[list[str]]:
    return [t.split() for t in texts]


def selector(share: float) -> ContextSelector:
    texts = SEEDED + PARAPHRASE + ORDINARY
    tokens = tokens_of(texts)
    fitted = ContextSelector(THEMES, share=share, background=BACKGROUND).fit(tokens)
    seeded = fitted.seeded(tokens)
    first = np.where(seeded[:, None], KeywordEncoder().encode(texts), np.nan)
    return fitted.refine(tokens, first, KeywordEncoder())


def test_the_first_pass_reads_the_seeded_paragraphs_then_the_best_share() -> None:
    tokens = tokens_of(SEEDED + PARAPHRASE + ORDINARY)
    none = selector(0.0)
    assert none.seeded(tokens).tolist() == [True] * 6 + [False] * 34
    assert none.select(tokens).tolist() == none.seeded(tokens).tolist()
    # a tenth of 40: four more paragraphs, the paraphrases (TF-IDF like the seeded ones)
    tenth = selector(0.1).select(tokens)
    assert tenth[:10].all() and not tenth[10:].any()
    assert selector(1.0).select(tokens).all()


def test_the_selector_checks_its_share_and_its_order_of_use() -> None:
    with pytest.raises(ValueError, match="share"):
        ContextSelector(THEMES, share=1.5)
    with pytest.raises(RuntimeError, match="fit"):
        ContextSelector(THEMES).seeded([["beitritt"]])
    with pytest.raises(RuntimeError, match="refine"):
        ContextSelector(THEMES).fit(tokens_of(SEEDED)).select([["beitritt"]])


def test_an_unread_paragraph_is_none_and_supports_nothing() -> None:
    texts = SEEDED + PARAPHRASE + ORDINARY
    tokens = tokens_of(texts)
    encoder = KeywordEncoder()
    params = {"background": BACKGROUND, "gloss_encoder": encoder, "expand_terms": 0}
    vectors = encoder.encode(texts)
    whole = ThemeScorer(THEMES, **params).fit(tokens, gloss_vectors=vectors)
    assert whole.assign(whole.score(tokens, gloss_vectors=vectors))[:6] == ["membership"] * 6
    # the context of the first three seeded paragraphs was not read
    partial = vectors.copy()
    partial[:3] = np.nan
    scorer = ThemeScorer(THEMES, **params).fit(tokens, gloss_vectors=partial)
    evidence = scorer.evidence(tokens, gloss_vectors=partial)
    assert (evidence["gloss"][:3] == UNREAD).all() and np.isfinite(evidence["gloss"]).all()
    labels = scorer.assign(scorer.combine(evidence))
    assert labels[:3] == ["none"] * 3 and labels[3:6] == ["membership"] * 3
    # the seed's unread occurrences count as unsupported: 3 of its 6
    table = scorer.diagnostics_.set_index("term")
    assert table.loc["beitritt", "paragraphs"] == 6 and table.loc["beitritt", "supported"] == 3
