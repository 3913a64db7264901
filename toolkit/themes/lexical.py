"""Lexical theme evidence: weighted theme terms found in paragraph tokens, also inside compounds.

A token matches a theme term when it is the term, when the term is one of its parts (phrase
parts joined by ``_``, hyphen parts, compound parts from :func:`split_compound`), or when the
term is the head or the modifier of the token and the rest is a word-like piece of at least
``MIN_REST`` characters (``artilleriemunition`` for ``munition``, ``munitionsfabrik`` even when
``fabrik`` is not in the vocabulary). A match inside a compound counts ``COMPOUND_FACTOR`` of the
term's weight, because a compound narrows the meaning of its parts.

Examples
--------
>>> matcher = TermMatcher([{"munition": 1.0}, {"beitritt": 1.0}], vocabulary={"fabrik"})
>>> matcher.evidence([["munitionsfabrik", "beitritt", "wetter"]]).round(2).tolist()
[[0.8, 1.0]]
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from toolkit.text.compounds import LINKING_ELEMENTS, function_words, split_compound

COMPOUND_FACTOR = 0.8
"""Share of a term's weight that a match inside a compound earns."""

MIN_REST = 4
"""Shortest remainder (characters) when a term is matched as head or modifier of a token."""


class CompoundSplitter:
    """Parts of tokens (phrase parts, hyphen parts, compound parts), remembered per token.

    Parameters
    ----------
    vocabulary : collection of str
        Known words for :func:`split_compound`.

    Examples
    --------
    >>> sorted(CompoundSplitter({"munition", "fabrik"}).parts("munitionsfabrik_bau"))
    ['bau', 'fabrik', 'munition']
    """

    def __init__(self, vocabulary: Collection[str]) -> None:
        self.vocabulary = set(vocabulary)
        self._cache: dict[str, frozenset[str]] = {}
        self._affixes: dict[str, frozenset[str]] = {}

    def affixes(self, token: str) -> frozenset[str]:
        """:func:`affixes` of ``token``, remembered."""
        cached = self._affixes.get(token)
        if cached is None:
            cached = self._affixes[token] = affixes(token)
        return cached

    def parts(self, token: str) -> frozenset[str]:
        """The parts of ``token``, without the token itself."""
        cached = self._cache.get(token)
        if cached is None:
            pieces = [piece for piece in token.split("_") if piece]
            found = {part for piece in pieces for part in split_compound(piece, self.vocabulary)}
            found.discard(token)
            cached = self._cache[token] = frozenset(found)
        return cached


def affixes(token: str) -> frozenset[str]:
    """Every head and modifier of ``token`` that leaves a remainder of ``MIN_REST``+ characters.

    A head must not follow a function word (``aus|rüstung`` is not a kind of ``rüstung``); a
    modifier may be followed by a linking element. Computed once per token, for every term set.

    >>> sorted(affixes("munitionsfabrik"))[:3]
    ['abrik', 'brik', 'fabrik']
    """
    stop = function_words()
    found = set()
    for cut in range(MIN_REST, len(token) - 2):
        if token[:cut] not in stop:
            found.add(token[cut:])
    for cut in range(3, len(token) - MIN_REST + 1):
        rest = token[cut:]
        if any(
            rest.startswith(link) and len(rest) - len(link) >= MIN_REST for link in LINKING_ELEMENTS
        ):
            found.add(token[:cut])
    return frozenset(found)


def affix_terms(token: str, terms: Collection[str]) -> set[str]:
    """Terms that are the head or the modifier of ``token`` (see :func:`affixes`).

    >>> sorted(affix_terms("munitionsfabrik", {"munition", "fabrik"}))
    ['fabrik', 'munition']
    """
    return set(affixes(token) & set(terms))


class TermMatcher:
    """Sum, per paragraph and theme, the weights of the theme terms its tokens contain.

    Parameters
    ----------
    terms : list of dict of str to float
        ``terms[k]`` maps the lowercase terms of theme ``k`` to their weights. A term made of
        several tokens is written with ``_`` between them and matches the consecutive tokens.
    vocabulary : collection of str or CompoundSplitter
        Known words for compound splitting (the corpus tokens; the terms are added), or a
        splitter to share its remembered splits between matchers.

    Examples
    --------
    >>> TermMatcher([{"rüstung": 1.0}], vocabulary=()).token_weights("rüstungskonzern").tolist()
    [0.8]
    """

    def __init__(
        self, terms: list[dict[str, float]], vocabulary: Collection[str] | CompoundSplitter
    ) -> None:
        self.terms = terms
        if isinstance(vocabulary, CompoundSplitter):
            self.splitter = vocabulary
        else:
            known = set(vocabulary)
            known.update(
                part for theme_terms in terms for term in theme_terms for part in term.split("_")
            )
            self.splitter = CompoundSplitter(known)
        self.max_ngram = max((term.count("_") + 1 for t in terms for term in t), default=1)
        # term -> weight per theme, so a token is looked up once for all themes
        self._weights: dict[str, np.ndarray] = {}
        for k, theme_terms in enumerate(terms):
            for term, weight in theme_terms.items():
                self._weights.setdefault(term, np.zeros(len(terms)))[k] = weight
        self._single = frozenset(term for term in self._weights if "_" not in term)
        self._cache: dict[str, np.ndarray] = {}
        self._inside_cache: dict[str, frozenset[str]] = {}

    def _inside(self, unit: str) -> frozenset[str]:
        found = self._inside_cache.get(unit)
        if found is None:
            found = (self.splitter.parts(unit) & self._weights.keys()) | (
                self.splitter.affixes(unit) & self._single
            )
            self._inside_cache[unit] = found
        return found

    def unit_terms(self, unit: str) -> list[str]:
        """The terms ``unit`` (a token or joined n-gram) stands for: itself, else those inside.

        >>> TermMatcher([{"rüstung": 1.0}], vocabulary=()).unit_terms("rüstungskonzern")
        ['rüstung']
        """
        return [unit] if unit in self._weights else sorted(self._inside(unit))

    def token_weights(self, token: str) -> np.ndarray:
        """Best matching term weight of ``token`` for every theme (0 where nothing matches)."""
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        weights = np.zeros(len(self.terms))
        for term in self._inside(token):
            np.maximum(weights, COMPOUND_FACTOR * self._weights[term], out=weights)
        exact = self._weights.get(token)
        if exact is not None:
            weights = np.where(exact > 0, exact, weights)
        self._cache[token] = weights
        return weights

    def units(self, tokens: list[str]) -> list[str]:
        """The tokens, and the runs of consecutive tokens that are a multi-word term."""
        units = list(tokens)
        for n in range(2, self.max_ngram + 1):
            joined = ("_".join(tokens[j : j + n]) for j in range(len(tokens) - n + 1))
            units.extend(unit for unit in joined if unit in self._weights)
        return units

    def evidence(self, paragraph_tokens: list[list[str]]) -> np.ndarray:
        """``(n_paragraphs, n_themes)`` sums of the matched weights (every occurrence counts)."""
        out = np.zeros((len(paragraph_tokens), len(self.terms)))
        for i, tokens in enumerate(paragraph_tokens):
            for unit in self.units(tokens):
                out[i] += self.token_weights(unit)
        return out


def lexical_scores(evidence: np.ndarray, scale: float) -> np.ndarray:
    """Map evidence sums to ``[0, 1)``: ``1 - exp(-evidence / scale)`` (saturating, monotone).

    >>> lexical_scores(np.array([[0.0, 1.0]]), scale=1.0).round(3).tolist()
    [[0.0, 0.632]]
    """
    return 1.0 - np.exp(-np.asarray(evidence, dtype=float) / scale)
