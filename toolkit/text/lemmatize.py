"""German lemmatisation with simplemma, memoised per surface form (the text stage's hot path).

Examples
--------
>>> lemmatize("NATO-Verteidigungsministern"), lemmatize("sagte"), lemmatize("Waffen")
('NATO-Verteidigungsminister', 'sagen', 'Waffe')
"""

from __future__ import annotations

from functools import lru_cache

import simplemma

LANGUAGE = "de"


@lru_cache(maxsize=1 << 18)
def lemmatize(token: str) -> str:
    """The lemma of one German token, capitalisation kept (simplemma uses it to find nouns).

    A hyphenated compound inflects only in its last part, so only that part is lemmatised:
    ``NATO-Verteidigungsministern`` becomes ``NATO-Verteidigungsminister``.

    Examples
    --------
    >>> lemmatize("US-amerikanischen"), lemmatize("Rüstungsproduktion")
    ('US-amerikanisch', 'Rüstungsproduktion')
    """
    head, hyphen, last = token.rpartition("-")
    if hyphen and head and last:
        return f"{head}-{simplemma.lemmatize(last, lang=LANGUAGE)}"
    return simplemma.lemmatize(token, lang=LANGUAGE)
