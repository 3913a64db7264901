"""Theme terms from the seed terms alone: the seeds and their compound parts.

Few paragraphs repeat a user's seed term literally (*Rüstungsproduktion*), but many use one of
its parts in another compound (*Rüstungsfirma*, *Waffenschmiede*, *Verteidigungsetat*). Every
seed is therefore split into its parts with :func:`~toolkit.text.compounds.split_compound`
against the German lexicon of simplemma (so the split does not depend on the corpus), and the
parts join the theme with a lower weight:

* the seed itself weighs ``SEED_WEIGHT`` (a match inside a longer compound earns
  :data:`~toolkit.themes.lexical.COMPOUND_FACTOR` of it);
* a part (``rüstung``, ``waffe``, ``verteidigung``, ``produktion``, ``haushalt``) weighs
  ``PART_WEIGHT``: alone it stays below a seed, two parts together count as much as a seed.
  Heads (``produktion``) are more generic than modifiers (``rüstung``), but giving heads a
  lower weight (0.2-0.3) did not help on the dev sets (``benchmarks/themes_eval.py``).

Only nouns become parts (the lexicon writes them capitalised): number words and particles
(``zwei`` in ``Zwei-Prozent-Ziel``, ``sonder`` in ``Sondervermögen``) begin far too many
unrelated words (``zweitägig``). Derivational suffixes that the lexicon lists as words
(``mitglied|schaft``) are not parts, and a part claimed by two themes is dropped from both (it
cannot tell them apart).

Examples
--------
>>> terms = seed_terms([["Rüstungsproduktion"], ["Beitritt"]], lambda s: [s.lower()])
>>> terms[0] == {"rüstungsproduktion": 1.0, "rüstung": 0.5, "produktion": 0.5}
True
>>> terms[1]
{'beitritt': 1.0}
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from simplemma.strategies.dictionaries import DEFAULT_DICTIONARY_FACTORY

from toolkit.io import cache_root, write_text
from toolkit.text.compounds import split_compound

SEED_WEIGHT = 1.0
PART_WEIGHT = 0.5

MIN_PART = 4
"""Shortest part (characters) that becomes a theme term; shorter parts are too ambiguous."""

SUFFIXES = frozenset({"schaft", "heit", "keit", "tum", "nis", "ung"})
"""Derivational suffixes that a lexicon may list as words but that are never compound parts."""


def lemma_list_path() -> Path:
    """Where the German lemmas of the installed simplemma are kept as a word list."""
    return cache_root() / "lexicon" / f"simplemma-{version('simplemma')}-de.txt"


@lru_cache(maxsize=1)
def _lemmas() -> frozenset[str]:
    # Collecting the lemmas walks simplemma's 1.1 M dictionary entries (about 1.4 s, plus 2.5 s
    # to decode the dictionary when the text stage has not done so in this process); the word
    # list it leaves in the cache reads in a tenth of that.
    path = lemma_list_path()
    if path.is_file():
        return frozenset(path.read_text(encoding="utf-8").split("\n"))
    # simplemma's process-wide factory holds the dictionary its lemmatiser already decoded
    lemmas = frozenset(DEFAULT_DICTIONARY_FACTORY.get_dictionary("de").values())
    with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
        write_text(path, "\n".join(sorted(lemmas)))
    return lemmas


@lru_cache(maxsize=1)
def lexicon() -> frozenset[str]:
    """Lowercase German lemmas known to simplemma (the vocabulary for splitting seed terms)."""
    return frozenset(lemma.lower() for lemma in _lemmas())


@lru_cache(maxsize=1)
def nouns() -> frozenset[str]:
    """The lowercased nouns among the simplemma lemmas (German nouns are capitalised)."""
    return frozenset(lemma.lower() for lemma in _lemmas() if lemma[:1].isupper())


class _Excluding:
    """A vocabulary without one word, so a lexicalised compound still splits into its parts."""

    def __init__(self, vocabulary: Collection[str], word: str) -> None:
        self.vocabulary, self.word = vocabulary, word

    def __contains__(self, item: object) -> bool:
        return item != self.word and item in self.vocabulary


def seed_parts(term: str, vocabulary: Collection[str]) -> list[str]:
    """Compound parts of a lemmatised seed term (``[]`` when it does not split).

    >>> seed_parts("verteidigungsausgabe", {"verteidigung", "ausgabe"})
    ['verteidigung', 'ausgabe']
    """
    pieces = [piece for piece in term.split("_") if piece]
    parts = [p for piece in pieces for p in split_compound(piece, _Excluding(vocabulary, piece))]
    return parts if len(parts) > len(pieces) else []


def seed_terms(
    seeds: list[list[str]],
    analyze: Callable[[str], list[str]],
    vocabulary: Collection[str] | None = None,
    parts_allowed: Collection[str] | None = None,
) -> list[dict[str, float]]:
    """Term -> weight for every theme, from its seed terms and their compound parts.

    Parameters
    ----------
    seeds : list of list of str
        The seed terms of every theme, as configured.
    analyze : callable
        Text -> lemmatised lowercase tokens (the corpus analysis).
    vocabulary : collection of str, optional
        Words for splitting the seeds (default: :func:`lexicon`).
    parts_allowed : collection of str, optional
        The words that may become parts (default: :func:`nouns`).

    Returns
    -------
    list of dict of str to float
        ``result[k]``: the terms of theme ``k``; a theme whose seeds all vanish in the analysis
        (stopwords) gets an empty dict.
    """
    vocabulary = lexicon() if vocabulary is None else vocabulary
    parts_allowed = nouns() if parts_allowed is None else parts_allowed
    result: list[dict[str, float]] = []
    for theme_seeds in seeds:
        terms: dict[str, float] = {}
        for seed in theme_seeds:
            tokens = analyze(seed)
            if not tokens:
                continue
            term = "_".join(tokens)
            parts = seed_parts(term, vocabulary)
            for part in parts:
                if len(part) >= MIN_PART and part not in SUFFIXES and part in parts_allowed:
                    terms[part] = max(terms.get(part, 0.0), PART_WEIGHT)
            terms[term] = SEED_WEIGHT
        result.append(terms)
    claimed = Counter(term for terms in result for term in terms)
    # a seed is kept even when shared (the user asked for it); a shared part is not
    return [
        {t: w for t, w in terms.items() if w == SEED_WEIGHT or claimed[t] == 1} for terms in result
    ]


def theme_seed_terms(
    seeds: Mapping[str, Sequence[str]], analyze: Callable[[str], list[str]]
) -> tuple[list[dict[str, float]], list[dict[str, str]], list[dict[str, str]]]:
    """Per theme: the terms of :func:`seed_terms`, each term's kind, the seed each came from.

    The kind is ``seed`` or ``part``; the seed is written as the user wrote it (messages).

    >>> terms, kinds, labels = theme_seed_terms({"join": ["NATO-Beitritt"]}, str.split)
    >>> terms, kinds, labels
    ([{'NATO-Beitritt': 1.0}], [{'NATO-Beitritt': 'seed'}], [{'NATO-Beitritt': 'NATO-Beitritt'}])
    """
    terms = seed_terms([list(theme_seeds) for theme_seeds in seeds.values()], analyze)
    for (name, theme_seeds), found in zip(seeds.items(), terms, strict=True):
        if not found:
            raise ValueError(
                f"themes.{name}.seeds: none of {list(theme_seeds)} is left after text analysis "
                "(all stopwords?); give content words"
            )
    kinds = [{t: "seed" if w >= SEED_WEIGHT else "part" for t, w in th.items()} for th in terms]
    labels = [
        {"_".join(analyze(seed)): seed for seed in theme_seeds if analyze(seed)}
        for theme_seeds in seeds.values()
    ]
    return terms, kinds, labels
