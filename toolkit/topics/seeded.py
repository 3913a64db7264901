"""Seeded topics: turn theme seed terms into a topic-word (eta) prior for LDA."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from gensim.corpora import Dictionary


def default_analyze(term: str) -> list[str]:
    """Lowercased words of a term; a multi-word term is tried as one ``_``-joined phrase first."""
    words = term.lower().split()
    return ["_".join(words), *words] if len(words) > 1 else words


# A seed token also seeds a compound that ends with it (``artilleriemunition`` for
# ``munition``) when it is at least this long, so short stems do not match by accident.
MIN_HEAD_LENGTH = 5


def containing_token_ids(token: str, dictionary: Dictionary) -> set[int]:
    """Ids of ``token`` and of the dictionary tokens that contain it as a part.

    A part is a piece of a phrase (``aktionsplan_für_die_rüstungsproduktion``) or of a
    hyphenated compound (``nato-beitritt``), or the head of a closed compound
    (``artilleriemunition``). Phrases swallow the single tokens they are made of, so without
    this a seed such as ``Rüstungsproduktion`` can vanish from the vocabulary of a small corpus.

    Examples
    --------
    >>> d = Dictionary([["nato-beitritt", "beitritt", "artilleriemunition", "bei"]])
    >>> sorted(d[i] for i in containing_token_ids("beitritt", d))
    ['beitritt', 'nato-beitritt']
    >>> sorted(d[i] for i in containing_token_ids("munition", d))
    ['artilleriemunition']
    """
    ids = set()
    for candidate, token_id in dictionary.token2id.items():
        if candidate == token:
            ids.add(token_id)
            continue
        parts = candidate.replace("-", "_").split("_")
        if token in parts or (
            len(token) >= MIN_HEAD_LENGTH and any(p.endswith(token) for p in parts)
        ):
            ids.add(token_id)
    return ids


def seed_term_ids(
    themes: dict[str, list[str]],
    dictionary: Dictionary,
    analyze: Callable[[str], list[str]] | None = None,
) -> tuple[dict[str, list[int]], dict[str, list[str]]]:
    """Map each theme's seed terms to dictionary ids.

    A term maps to every dictionary token that is, or contains, a token ``analyze`` gives it
    (see :func:`containing_token_ids`); a term with no such token is reported as missing
    rather than dropped silently.

    Returns
    -------
    ids : dict
        Theme name -> sorted dictionary ids of its seed tokens.
    missing : dict
        Theme name -> seed terms with no token in the dictionary (only themes with some).

    Examples
    --------
    >>> d = Dictionary([["munition", "nato"]])
    >>> seed_term_ids({"arms": ["Munition", "Panzer"]}, d)
    ({'arms': [0]}, {'arms': ['Panzer']})
    """
    analyze = analyze or default_analyze
    ids: dict[str, list[int]] = {}
    missing: dict[str, list[str]] = {}
    for name, terms in themes.items():
        found: set[int] = set()
        for term in terms:
            term_ids: set[int] = set()
            for token in analyze(term):
                term_ids |= containing_token_ids(token, dictionary)
            if term_ids:
                found |= term_ids
            else:
                missing.setdefault(name, []).append(term)
        ids[name] = sorted(found)
    return ids, missing


def seeded_eta(
    themes: dict[str, list[str]],
    dictionary: Dictionary,
    num_topics: int,
    confidence: float = 0.9,
    base: float | None = None,
    analyze: Callable[[str], list[str]] | None = None,
) -> tuple[np.ndarray, dict[str, list[str]]]:
    """A K × V topic-word prior whose first ``len(themes)`` topics favour the themes' seed terms.

    Every topic gets the same total prior mass, ``base * V`` pseudo-counts (``base`` defaults
    to gensim's symmetric ``1 / K``). Free topics spread it evenly. A seeded topic puts the
    share ``confidence`` of it on its seed tokens (evenly) and the rest evenly on all other
    words, so the seed tokens start as that topic's most probable words and the data decide
    which co-occurring words join them. A theme none of whose terms is in the dictionary
    leaves its topic free.

    Returns
    -------
    eta : ndarray of shape (num_topics, len(dictionary))
    missing : dict
        Theme name -> seed terms not found in the dictionary.

    Raises
    ------
    ValueError
        When ``num_topics`` is smaller than the number of themes.

    Examples
    --------
    >>> d = Dictionary([["munition", "nato", "schweden", "beitritt"]])
    >>> eta, missing = seeded_eta({"arms": ["Munition"]}, d, num_topics=2, confidence=0.5)
    >>> eta.round(3).tolist()
    [[0.333, 1.0, 0.333, 0.333], [0.5, 0.5, 0.5, 0.5]]
    """
    if num_topics < len(themes):
        raise ValueError(
            f"topics.num_topics={num_topics} is smaller than the number of seeded themes "
            f"({len(themes)}: {', '.join(themes)}); "
            "raise topics.num_topics or set topics.seeded=false"
        )
    vocab_size = len(dictionary)
    base = 1.0 / num_topics if base is None else float(base)
    eta = np.full((num_topics, vocab_size), base)
    ids, missing = seed_term_ids(themes, dictionary, analyze)
    mass = base * vocab_size
    for k, name in enumerate(themes):
        seeds = ids[name]
        if not seeds or len(seeds) == vocab_size:
            continue
        eta[k, :] = (1.0 - confidence) * mass / (vocab_size - len(seeds))
        eta[k, seeds] = confidence * mass / len(seeds)
    return eta, missing


@dataclass(frozen=True)
class SeededPrior:
    """A seeded LDA prior and what it seeds.

    Attributes
    ----------
    eta : ndarray of shape (K, V)
        The prior (see :func:`seeded_eta`).
    seed_ids : list of list of int
        Seed-token ids of topics 0, 1, … (to place LDA's NMF start).
    topic_themes : dict of int to str
        Seeded topic -> theme name (themes none of whose terms is in the vocabulary seed
        nothing and are left out).
    missing : dict
        Theme name -> seed terms not found in the dictionary.
    """

    eta: np.ndarray
    seed_ids: list[list[int]]
    topic_themes: dict[int, str]
    missing: dict[str, list[str]]

    @classmethod
    def build(
        cls,
        themes: dict[str, list[str]],
        dictionary: Dictionary,
        num_topics: int,
        confidence: float = 0.9,
        base: float | None = None,
        analyze: Callable[[str], list[str]] | None = None,
    ) -> SeededPrior:
        """The prior of ``themes`` over ``dictionary`` (arguments as for :func:`seeded_eta`).

        Examples
        --------
        >>> d = Dictionary([["munition", "nato", "schweden"]])
        >>> prior = SeededPrior.build({"arms": ["Munition"], "x": ["Panzer"]}, d, num_topics=3)
        >>> prior.topic_themes, prior.missing
        ({0: 'arms'}, {'x': ['Panzer']})
        """
        eta, missing = seeded_eta(themes, dictionary, num_topics, confidence, base, analyze)
        ids, _ = seed_term_ids(themes, dictionary, analyze)
        topic_themes = {k: name for k, name in enumerate(themes) if ids[name]}
        return cls(eta, [ids[name] for name in themes], topic_themes, missing)
