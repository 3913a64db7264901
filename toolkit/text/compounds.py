"""Splitting German compounds into known parts (``munitionsfabrik`` -> ``munition``, ``fabrik``).

A compound is split by dynamic programming over a vocabulary of known words: every part must
be a known word of at least ``min_part`` characters that is not a function word, and between
two parts a linking element (*Fugenelement*: ``s``, ``es``, ``n``, ``en``, ``er``, ``e``) may
stand. The same endings are accepted after the last part, so an inflected compound that the
lemmatiser did not know (``rüstungskonzernen``) still splits. Among all splits the one with the
fewest parts wins, then the one with the longest leading part. Hyphenated words are first cut
at their hyphens.

Function words are never parts because German particles and prepositions begin a great many
simple words (``bei|tritt``, ``mit|glied``, ``auf|nahme``, ``aus|gabe``) that are not compounds
in any useful sense.

Examples
--------
>>> vocab = {"munition", "fabrik", "rüstung", "konzern", "nato", "beitritt", "tritt"}
>>> split_compound("munitionsfabrik", vocab)
['munition', 'fabrik']
>>> split_compound("rüstungskonzernen", vocab)
['rüstung', 'konzern']
>>> split_compound("nato-beitritt", vocab)
['nato', 'beitritt']
>>> split_compound("beitritt", vocab)
['beitritt']
"""

from __future__ import annotations

from collections.abc import Collection
from functools import lru_cache

import stopwordsiso

LINKING_ELEMENTS: tuple[str, ...] = ("", "s", "es", "n", "en", "er", "e")
"""Linking elements allowed between parts and endings allowed after the last part."""


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """German function words (stopwords-iso), which are never compound parts."""
    return frozenset(stopwordsiso.stopwords("de"))


def _split_solid(word: str, vocabulary: Collection[str], min_part: int) -> list[str] | None:
    """Best split of a hyphen-free ``word`` into at least two known parts, or None."""
    stop = function_words()
    n = len(word)
    # best[i]: (number of parts, negative lengths of the parts, parts) for the suffix word[i:]
    best: list[tuple[int, tuple[int, ...], list[str]] | None] = [None] * (n + 1)
    for start in range(n - min_part, -1, -1):
        for end in range(start + min_part, n + 1):
            part = word[start:end]
            if part not in vocabulary or part in stop:
                continue
            for link in LINKING_ELEMENTS:
                rest = end + len(link)
                if rest > n or word[end:rest] != link:
                    continue
                if rest == n:
                    candidate = (1, (-len(part),), [part])
                elif best[rest] is not None:
                    count, lengths, parts = best[rest]
                    candidate = (count + 1, (-len(part), *lengths), [part, *parts])
                else:
                    continue
                if best[start] is None or candidate[:2] < best[start][:2]:
                    best[start] = candidate
    result = best[0]
    if result is None or result[0] < 2:
        return None
    return result[2]


def split_compound(word: str, vocabulary: Collection[str], min_part: int = 3) -> list[str]:
    """Split a lowercase German compound into parts from ``vocabulary``.

    Parameters
    ----------
    word : str
        A lowercase word (a lemma or an inflected form).
    vocabulary : collection of str
        Known lowercase words; use a set for speed.
    min_part : int, default 3
        Shortest allowed part, in characters.

    Returns
    -------
    list of str
        The parts in order, without linking elements or endings; ``[word]`` when the word
        cannot be split into at least two known parts. A hyphenated word always splits at its
        hyphens, each piece being split further when possible.

    Examples
    --------
    >>> split_compound("verteidigungsausgaben", {"verteidigung", "ausgabe"})
    ['verteidigung', 'ausgabe']
    >>> split_compound("zwei-prozent-ziel", set())
    ['zwei', 'prozent', 'ziel']
    """
    if "-" in word:
        pieces = [piece for piece in word.split("-") if piece]
        if len(pieces) > 1:
            return [
                part for piece in pieces for part in split_compound(piece, vocabulary, min_part)
            ]
        word = pieces[0] if pieces else word
    parts = _split_solid(word, vocabulary, min_part) if len(word) >= 2 * min_part else None
    return parts if parts is not None else [word]


def compound_parts(word: str, vocabulary: Collection[str], min_part: int = 3) -> set[str]:
    """The set of parts of ``word`` (``{word}`` itself when it does not split).

    >>> sorted(compound_parts("munitionsfabrik", {"munition", "fabrik"}))
    ['fabrik', 'munition']
    """
    return set(split_compound(word, vocabulary, min_part))
