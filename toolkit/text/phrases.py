"""Collocation detection with gensim ``Phrases`` and German connector words.

gensim's default connector words are English. With the German ones below, a phrase may carry
articles, prepositions and conjunctions inside it (``aktionsplan_für_die_rüstungsproduktion``)
but never start or end with one. The learned phrases are frozen and stored as JSON (each phrase
with its score), so a saved model is readable and loads without pickle.

Examples
--------
>>> clauses = [["aktionsplan", "für", "die", "rüstungsproduktion", "beschließen"]] * 3
>>> clauses += [["munition", "liefern"], ["gipfel", "beschließen"]]
>>> detector = PhraseDetector(min_count=2, threshold=0.5).fit(clauses)
>>> detector.transform(["der", "aktionsplan", "für", "die", "rüstungsproduktion"])
['der', 'aktionsplan_für_die_rüstungsproduktion']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

from gensim.models.phrases import FrozenPhrases, Phrases

from toolkit.errors import ToolkitError
from toolkit.io import read_json, write_json

# Articles, the prepositions and contractions that link noun phrases, and coordinating
# conjunctions: the words that may sit inside a multi-word expression but never end one.
GERMAN_CONNECTOR_WORDS: frozenset[str] = frozenset(
    {
        *("der", "die", "das", "des", "dem", "den"),
        *("ein", "eine", "einer", "eines", "einem", "einen"),
        *("und", "oder", "sowie"),
        *("von", "vom", "zu", "zum", "zur", "für", "mit", "im", "in", "ins", "am", "an", "ans"),
        *("auf", "aus", "bei", "beim", "nach", "über", "unter", "vor", "gegen", "durch", "ohne"),
        *("um", "bis", "seit", "zwischen", "hinter", "neben", "wegen"),
    }
)

FORMAT = "toolkit.phrases/1"


class PhraseDetector:
    """Learn frequent multi-word expressions on token lists and merge them into one token.

    Parameters
    ----------
    min_count : int
        Ignore word pairs seen fewer times in the training corpus.
    threshold : float
        Score a candidate must exceed (``npmi`` scores lie in [-1, 1]).
    scoring : {"npmi", "default"}
        gensim's normalised PMI, or its original Mikolov et al. score.
    connector_words : set of str
        Words allowed inside, never at the edge of, a phrase. Each is also matched
        capitalised, for pipelines that do not lowercase.
    excluded_edges : set of str
        Words a learned phrase may not start or end with (e.g. stopwords that are not
        connectors: ``sagen_stoltenberg`` is not an expression).
    delimiter : str
        Joins the words of a phrase token.

    Attributes
    ----------
    phrasegrams_ : dict of str to float
        Every learned phrase (joined by ``delimiter``) and its score.
    """

    def __init__(
        self,
        min_count: int = 5,
        threshold: float = 0.5,
        scoring: Literal["npmi", "default"] = "npmi",
        connector_words: Iterable[str] = GERMAN_CONNECTOR_WORDS,
        excluded_edges: Iterable[str] = frozenset(),
        delimiter: str = "_",
    ) -> None:
        self.min_count = min_count
        self.threshold = threshold
        self.scoring = scoring
        self.connector_words = frozenset(connector_words)
        self.excluded_edges = frozenset(excluded_edges)
        self.delimiter = delimiter
        self.phrasegrams_: dict[str, float] = {}
        self._frozen: FrozenPhrases | None = None

    def _model(self, sentences: Iterable[list[str]] | None = None) -> Phrases:
        connectors = self.connector_words | {w.capitalize() for w in self.connector_words}
        return Phrases(
            sentences,
            min_count=self.min_count,
            threshold=self.threshold,
            scoring=self.scoring,
            connector_words=frozenset(connectors),
            delimiter=self.delimiter,
        )

    def _freeze(self, phrasegrams: dict[str, float]) -> None:
        # An empty model frozen and given the phrase table scores exactly like the trained one:
        # FrozenPhrases only looks phrases up in that table.
        self.phrasegrams_ = dict(sorted(phrasegrams.items()))
        self._frozen = self._model().freeze()
        self._frozen.phrasegrams = self.phrasegrams_

    def fit(self, sentences: Iterable[list[str]]) -> PhraseDetector:
        """Learn the phrases of ``sentences`` (one pass; token lists, e.g. clauses).

        Examples
        --------
        >>> PhraseDetector(min_count=1, threshold=0.1).fit([["new", "york"]] * 2).phrasegrams_
        {'new_york': 1.0}
        """
        model = self._model(sentences)
        learned = {}
        for phrase, score in model.export_phrases().items():
            words = phrase.split(self.delimiter)
            if words[0].lower() in self.excluded_edges or words[-1].lower() in self.excluded_edges:
                continue
            learned[phrase] = float(score)
        self._freeze(learned)
        return self

    def _check_fitted(self) -> FrozenPhrases:
        if self._frozen is None:
            raise ToolkitError("PhraseDetector is not fitted: call fit() or load() first")
        return self._frozen

    def analyze(self, sentence: list[str]) -> Iterator[tuple[str, float | None]]:
        """Yield ``(token, score)``: a merged phrase with its score, or an input word with None."""
        return self._check_fitted().analyze_sentence(sentence)

    def transform(self, sentence: list[str]) -> list[str]:
        """``sentence`` with every detected phrase merged into one token."""
        return [token for token, _ in self.analyze(sentence)]

    def to_dict(self) -> dict:
        """The settings and learned phrases as plain JSON-ready data."""
        self._check_fitted()
        return {
            "format": FORMAT,
            "min_count": self.min_count,
            "threshold": self.threshold,
            "scoring": self.scoring,
            "delimiter": self.delimiter,
            "connector_words": sorted(self.connector_words),
            "excluded_edges": sorted(self.excluded_edges),
            "phrasegrams": self.phrasegrams_,
        }

    @classmethod
    def from_dict(cls, data: dict, source: str = "<dict>") -> PhraseDetector:
        """Inverse of :meth:`to_dict`; ``source`` names the origin in error messages."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ToolkitError(f"{source}: not a phrase model (expected format {FORMAT!r})")
        try:
            detector = cls(
                min_count=int(data["min_count"]),
                threshold=float(data["threshold"]),
                scoring=data["scoring"],
                connector_words=data["connector_words"],
                excluded_edges=data["excluded_edges"],
                delimiter=data["delimiter"],
            )
            phrasegrams = {str(k): float(v) for k, v in data["phrasegrams"].items()}
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ToolkitError(f"{source}: invalid phrase model: {exc!r}") from None
        detector._freeze(phrasegrams)
        return detector

    def save(self, path: str | Path) -> None:
        """Write the phrase model as JSON (atomically)."""
        write_json(path, self.to_dict())

    @classmethod
    def load(cls, path: str | Path) -> PhraseDetector:
        """Read a phrase model written by :meth:`save`."""
        path = Path(path)
        if not path.is_file():
            raise ToolkitError(f"phrase model not found: {path}")
        return cls.from_dict(read_json(path), str(path))
