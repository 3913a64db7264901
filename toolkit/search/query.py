"""Free-text queries: which query vectors a mode needs, computed only when they count.

The model's query vector is computed only when the mode uses it with a weight above zero (by
default a free-text query is fused without it: on German text the English model's query vector
lowered the ranking, see :mod:`toolkit.search.index`), so a query does not load the model for
nothing.

Examples
--------
>>> from toolkit.search.index import SearchIndex
>>> index = SearchIndex(mode="lexical").fit(["a", "b"], [["nato", "gipfel"], ["wahl"]])
>>> [hit.id for hit in search_text(index, "Gipfel", analyze=lambda t: t.lower().split())]
['a']
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from toolkit.search.index import SearchIndex
from toolkit.search.ranking import Hit


def _wanted(name: str, mode: str, index: SearchIndex) -> bool:
    weight = index.query_weights().get(name, 0.0)
    return name in index.available_modes() and (mode == name or (mode == "hybrid" and weight > 0))


def search_text(
    index: SearchIndex,
    text: str,
    *,
    analyze: Callable[[str], list[str]],
    encoder: Any | None = None,
    lsa: Any | None = None,
    lsa_analyze: Callable[[str], list[str]] | None = None,
    k: int = 10,
    mode: str | None = None,
    mask: np.ndarray | None = None,
) -> list[Hit]:
    """The ``k`` articles of ``index`` nearest to ``text``.

    Parameters
    ----------
    index : SearchIndex
    text : str
        The query as written.
    analyze : callable
        Text -> tokens, the corpus's own text pipeline (``TextPipeline.transform_text``).
    encoder : Encoder, optional
        The model that made the index's dense vectors (for the ``dense`` mode).
    lsa : LsaEncoder, optional
        The LSA model of the index's ``lsa`` vectors.
    lsa_analyze : callable, optional
        Text -> the words LSA reads, when not ``analyze``'s (an LSA of the English gloss).
    k, mode, mask
        As in :meth:`SearchIndex.search`.
    """
    mode = index.check_mode(mode)
    tokens = analyze(text)
    if not tokens:
        # a vector of "und die der" would rank every article by noise
        raise ValueError(
            f"nothing to search for: {text!r} has no words left after stopword removal"
        )
    dense = None
    if encoder is not None and _wanted("dense", mode, index):
        dense = np.asarray(encoder.encode([text])[0])
    lsa_vector = None
    if lsa is not None and _wanted("lsa", mode, index):
        words = tokens if lsa_analyze is None else lsa_analyze(text)
        lsa_vector = np.asarray(lsa.transform([words])[0])
    return index.search(tokens, dense, lsa_vector, k=k, mode=mode, mask=mask)
