"""Seed diagnostics: where each theme term occurs, how often its context agrees, what it weighs.

A seed can be ambiguous: ``Aufnahme`` is the *admission* of a country to NATO, but in general
news mostly the reception of refugees (``Erstaufnahmezentrum``, ``Aufnahme von Flüchtlingen``),
a photograph (``Momentaufnahme``) or a loan taken out (``Aufnahme eines Kredits``). Counting
every occurrence would theme all of those paragraphs. So every term of a theme (seed, seed part,
expansion term) is checked against the evidence that does not come from the term itself:

* **context**: the paragraph's similarity to the theme's glossed description stands out from
  ordinary news (z-score at least ``support_z``, :mod:`toolkit.themes.background`);
* **co-occurring seeds**: another seed of the theme, itself mostly supported by context, occurs
  in the paragraph;
* **members**: the paragraph is one of the theme's self-trained member paragraphs (reported).

The share of supported occurrences, smoothed towards ``PRIOR_PRECISION`` by ``PRIOR_STRENGTH``
pseudo-occurrences (a term seen twice is not judged on two paragraphs), is the term's
precision; a term keeps its full weight from ``FULL_PRECISION`` on and is scaled down
proportionally below. A term with at least ``MIN_OCCURRENCES`` paragraphs left with less than
``AMBIGUOUS`` of its weight is reported as ambiguous. Without context evidence (no gloss) the
weights are left as they are: nothing independent says which occurrences are on the theme.

Examples
--------
>>> found = {"aufnahme": TermOccurrences(list(range(10)), 7, {"erstaufnahmezentrum": 3})}
>>> context = np.array([[3.0]] + [[0.1]] * 9)  # one paragraph stands out from ordinary news
>>> table = support_table([found], ["membership"], [{"aufnahme": 1.0}], context)
>>> table[["term", "paragraphs", "supported", "weight", "ambiguous"]].values.tolist()
[['aufnahme', 10, 1, 0.3333, True]]
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from toolkit.themes.lexical import CompoundSplitter, TermMatcher

PRIOR_STRENGTH = 2.0
PRIOR_PRECISION = 0.5
FULL_PRECISION = 0.5
MIN_OCCURRENCES = 5
AMBIGUOUS = 0.5

COLUMNS = [
    "theme",
    "term",
    "kind",
    "seed",
    "base_weight",
    "paragraphs",
    "exact",
    "compounds",
    "supported",
    "members",
    "weight",
    "ambiguous",
    "supported_examples",
    "unsupported_examples",
]
"""Columns of the diagnostics table (``seed_diagnostics.csv``); the examples are paragraph
positions (at most ``EXAMPLES`` of each, space-separated) whose context does and does not
support the theme."""

EXAMPLES = 2


@dataclass
class TermOccurrences:
    """Where one term of one theme occurs.

    Attributes
    ----------
    paragraphs : list of int
        Positions of the paragraphs it occurs in (each once), ascending.
    exact : int
        How many of them contain the term itself (not only inside a compound).
    forms : dict of str to int
        Longer words (compounds, phrases) that matched it -> number of occurrences.
    """

    paragraphs: list[int]
    exact: int
    forms: dict[str, int] = field(default_factory=dict)


def term_occurrences(
    matcher: TermMatcher, paragraph_tokens: Sequence[Sequence[str]]
) -> list[dict[str, TermOccurrences]]:
    """Occurrences of every term of every theme of ``matcher`` (terms that never occur too).

    >>> matcher = TermMatcher([{"aufnahme": 1.0}], vocabulary={"zentrum"})
    >>> found = term_occurrences(matcher, [["aufnahmezentrum"], ["aufnahme"], ["wetter"]])
    >>> found[0]["aufnahme"]
    TermOccurrences(paragraphs=[0, 1], exact=1, forms={'aufnahmezentrum': 1})
    """
    paragraphs: dict[str, set[int]] = {}
    exact: dict[str, set[int]] = {}
    forms: dict[str, Counter] = {}
    for i, tokens in enumerate(paragraph_tokens):
        for unit in matcher.units(list(tokens)):
            for term in matcher.unit_terms(unit):
                paragraphs.setdefault(term, set()).add(i)
                if term == unit:
                    exact.setdefault(term, set()).add(i)
                else:
                    forms.setdefault(term, Counter())[unit] += 1
    return [
        {
            term: TermOccurrences(
                sorted(paragraphs.get(term, ())),
                len(exact.get(term, ())),
                dict(sorted(forms.get(term, Counter()).items(), key=lambda f: (-f[1], f[0]))),
            )
            for term in theme_terms
        }
        for theme_terms in matcher.terms
    ]


def _precision_factor(supported: int, n: int) -> float:
    precision = (supported + PRIOR_STRENGTH * PRIOR_PRECISION) / (n + PRIOR_STRENGTH)
    return min(1.0, precision / FULL_PRECISION)


def support_table(
    occurrences: Sequence[Mapping[str, TermOccurrences]],
    themes: Sequence[str],
    terms: Sequence[Mapping[str, float]],
    context_z: np.ndarray | None,
    *,
    support_z: float = 2.0,
    kinds: Sequence[Mapping[str, str]] | None = None,
    seeds: Sequence[Mapping[str, str]] | None = None,
    members: np.ndarray | None = None,
) -> pd.DataFrame:
    """The diagnostics table: one row per theme and term (columns ``COLUMNS``).

    Parameters
    ----------
    occurrences, themes, terms
        Per theme (names in ``themes``): :func:`term_occurrences`, term -> weight before.
    context_z : ndarray of shape (n_paragraphs, n_themes) or None
        Context similarity z-scores (None: weights are kept, nothing is judged).
    support_z : float
        Least context z-score of a supported occurrence.
    kinds : list of dict of str to str, optional
        Per theme, term -> ``seed``, ``part`` or ``expansion`` (default: ``seed``).
    seeds : list of dict of str to str, optional
        Per theme, term -> the seed as the user wrote it (for messages).
    members : ndarray of bool, shape (n_paragraphs, n_themes), optional
        The theme's self-trained members, counted in ``members``.
    """
    rows = []
    for k, theme in enumerate(themes):
        kind = {term: (kinds[k] if kinds else {}).get(term, "seed") for term in terms[k]}
        found = {term: occurrences[k].get(term, TermOccurrences([], 0)) for term in terms[k]}
        context = None if context_z is None else context_z[:, k]
        supported = _supported(found, kind, context, support_z)
        for term, base in terms[k].items():
            n = len(found[term].paragraphs)
            factor = 1.0 if context_z is None else _precision_factor(len(supported[term]), n)
            in_members = 0
            if members is not None and n:
                in_members = int(members[found[term].paragraphs, k].sum())
            rows.append(
                {
                    "theme": theme,
                    "term": term,
                    "kind": kind[term],
                    "seed": seeds[k].get(term, "") if seeds else "",
                    "base_weight": float(base),
                    "paragraphs": n,
                    "exact": found[term].exact,
                    "compounds": "; ".join(f"{f} {c}" for f, c in found[term].forms.items()),
                    "supported": len(supported[term]),
                    "members": in_members,
                    "weight": round(float(base) * factor, 4),
                    "ambiguous": bool(n >= MIN_OCCURRENCES and factor < AMBIGUOUS),
                    **_examples(found[term].paragraphs, supported[term]),
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def _examples(paragraphs: Sequence[int], supported: set[int]) -> dict[str, str]:
    """The first paragraphs of a term whose context does and does not support its theme."""
    on = [p for p in paragraphs if p in supported][:EXAMPLES]
    off = [p for p in paragraphs if p not in supported][:EXAMPLES]
    return {
        "supported_examples": " ".join(map(str, on)),
        "unsupported_examples": " ".join(map(str, off)),
    }


def _supported(
    found: Mapping[str, TermOccurrences],
    kind: Mapping[str, str],
    context: np.ndarray | None,
    support_z: float,
) -> dict[str, set[int]]:
    """Per term, its paragraphs that context or another trusted seed supports."""
    if context is None:
        return {term: set() for term in found}
    by_context = {
        term: {p for p in f.paragraphs if context[p] >= support_z} for term, f in found.items()
    }
    # a seed whose own occurrences context mostly supports vouches for the others
    trusted = {
        term: set(f.paragraphs)
        for term, f in found.items()
        if kind[term] == "seed"
        and _precision_factor(len(by_context[term]), len(f.paragraphs)) >= 1.0
        and f.paragraphs
    }
    return {
        term: by_context[term]
        | {
            p
            for p in f.paragraphs
            if any(p in paragraphs for other, paragraphs in trusted.items() if other != term)
        }
        for term, f in found.items()
    }


def diagnose_terms(
    splitter: CompoundSplitter,
    paragraph_tokens: Sequence[Sequence[str]],
    themes: Sequence[str],
    seed_terms: Sequence[Mapping[str, float]],
    kinds: Sequence[Mapping[str, str]],
    seeds: Sequence[Mapping[str, str]],
    expansion: Sequence[Mapping[str, float]],
    context_z: np.ndarray | None,
    *,
    support_z: float,
    members: np.ndarray | None = None,
) -> pd.DataFrame:
    """:func:`support_table` of the seed terms and the ``expansion`` terms of every theme."""
    terms = [{**extra, **base} for base, extra in zip(seed_terms, expansion, strict=True)]
    kinds = [
        {**{t: "expansion" for t in extra}, **kind}
        for kind, extra in zip(kinds, expansion, strict=True)
    ]
    found = term_occurrences(TermMatcher(terms, splitter), paragraph_tokens)
    return support_table(
        found,
        themes,
        terms,
        context_z,
        support_z=support_z,
        kinds=kinds,
        seeds=seeds,
        members=members,
    )


def weighted_terms(table: pd.DataFrame, themes: Sequence[str]) -> list[dict[str, float]]:
    """Per theme, term -> its weight after the diagnostics (terms of weight 0 left out).

    >>> weighted_terms(pd.DataFrame({"theme": ["a"], "term": ["x"], "weight": [0.5]}), ["a"])
    [{'x': 0.5}]
    """
    out: list[dict[str, float]] = [{} for _ in themes]
    index = {theme: k for k, theme in enumerate(themes)}
    for theme, term, weight in table[["theme", "term", "weight"]].itertuples(index=False):
        if weight > 0:
            out[index[theme]][term] = float(weight)
    return out


def _example_compound(seed: str, description: str) -> str:
    """A more specific compound for a message: the description's acronym before the seed."""
    acronyms = re.findall(r"\b[A-ZÄÖÜ]{2,}\b", description)
    return f"'{acronyms[0]}-{seed}'" if acronyms else f"'<Thema>-{seed}'"


def seed_warnings(
    table: pd.DataFrame, descriptions: Mapping[str, str] | None = None, max_forms: int = 4
) -> list[str]:
    """One message per ambiguous seed, with the compounds it matched and a suggestion.

    >>> table = pd.DataFrame([{"theme": "membership", "term": "aufnahme", "kind": "seed",
    ...     "seed": "Aufnahme", "base_weight": 1.0, "paragraphs": 85, "exact": 54,
    ...     "compounds": "erstaufnahmezentrum 7; aufnahmelager 3", "supported": 2,
    ...     "members": 0, "weight": 0.06, "ambiguous": True}])
    >>> print(seed_warnings(table, {"membership": "Beitritt zur NATO"})[0])
    ... # doctest: +NORMALIZE_WHITESPACE
    themes.membership: seed 'Aufnahme' occurs in 85 paragraphs (31 only inside compounds:
    erstaufnahmezentrum 7, aufnahmelager 3), and their context supports the theme in 2; its
    weight drops from 1 to 0.06. Use a more specific compound (e.g. 'NATO-Aufnahme') or
    remove it.
    """
    messages = []
    rows = table[table["ambiguous"] & (table["kind"] == "seed")]
    for row in rows.itertuples(index=False):
        seed = row.seed or row.term
        forms = [f for f in str(row.compounds).split("; ") if f and f != "nan"][:max_forms]
        inside = int(row.paragraphs) - int(row.exact)
        where = f" ({inside} only inside compounds: {', '.join(forms)})" if inside else ""
        example = _example_compound(seed, (descriptions or {}).get(row.theme, ""))
        messages.append(
            f"themes.{row.theme}: seed '{seed}' occurs in {row.paragraphs} paragraphs{where}, "
            f"and their context supports the theme in {row.supported}; its weight drops from "
            f"{row.base_weight:g} to {row.weight:g}. Use a more specific compound "
            f"(e.g. {example}) or remove it."
        )
    return messages


def format_seed_diagnostics(
    table: pd.DataFrame, theme: str | None = None, max_forms: int = 3
) -> str:
    """The table as text for the terminal, one block per theme (``!`` marks ambiguous terms).

    >>> table = pd.DataFrame([{"theme": "arms", "term": "munition", "kind": "seed",
    ...     "seed": "Munition", "base_weight": 1.0, "paragraphs": 10, "exact": 7,
    ...     "compounds": "artilleriemunition 2", "supported": 8, "members": 6,
    ...     "weight": 1.0, "ambiguous": False}])
    >>> print(format_seed_diagnostics(table))  # doctest: +NORMALIZE_WHITESPACE
    arms
      term      kind       paragraphs  exact  supported  members  weight    compounds
      munition  seed               10      7    8 (80%)        6    1.00    artilleriemunition 2
    """
    blocks = []
    themes = [theme] if theme is not None else list(dict.fromkeys(table["theme"]))
    for name in themes:
        rows = table[table["theme"] == name]
        width = max([len("term"), *(len(t) for t in rows["term"])])
        lines = [
            name,
            f"  {'term':<{width}}  {'kind':<9}  paragraphs  exact  supported  members  weight    "
            "compounds",
        ]
        for row in rows.itertuples(index=False):
            share = f"{row.supported / row.paragraphs:.0%}" if row.paragraphs else "-"
            forms = "; ".join(
                [f for f in str(row.compounds).split("; ") if f and f != "nan"][:max_forms]
            )
            flag = "!" if row.ambiguous else " "
            lines.append(
                f"  {row.term:<{width}}  {row.kind:<9}  {row.paragraphs:>10}  {row.exact:>5}  "
                f"{f'{row.supported} ({share})':>9}  {row.members:>7}  {row.weight:>6.2f} {flag}  "
                f"{forms}".rstrip()
            )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
