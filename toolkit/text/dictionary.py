"""The vocabulary: a gensim ``Dictionary`` filtered by document frequency, stored as text.

Document frequency needs documents to mean anything: in a corpus of one article every word is
in 100 % of the documents, so ``no_above`` would remove the whole vocabulary (and with two
articles, every shared word). A corpus with fewer than :data:`MIN_DOCUMENTS` documents is
therefore counted over paragraphs instead (see :func:`frequency_unit`).

Examples
--------
>>> docs = [["nato", "gipfel"], ["nato", "munition"], ["nato", "gipfel", "litauen"]]
>>> sorted(build_dictionary(docs, no_below=2, no_above=0.9).token2id)
['gipfel']
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from gensim.corpora import Dictionary

from toolkit.errors import ToolkitError
from toolkit.io import atomic_path

MIN_DOCUMENTS = 10


def frequency_unit(num_documents: int) -> Literal["document", "paragraph"]:
    """The unit document frequencies are counted over for a corpus of ``num_documents``.

    >>> frequency_unit(1), frequency_unit(1028)
    ('paragraph', 'document')
    """
    return "document" if num_documents >= MIN_DOCUMENTS else "paragraph"


def build_dictionary(
    units: Iterable[list[str]],
    *,
    no_below: int = 2,
    no_above: float = 0.5,
    keep_n: int | None = 100_000,
) -> Dictionary:
    """Count the tokens of ``units`` (streamed once) and filter them by document frequency.

    Parameters
    ----------
    units : iterable of list of str
        The token lists frequencies are counted over (documents or paragraphs).
    no_below : int, default 2
        Keep tokens in at least this many units.
    no_above : float, default 0.5
        Drop tokens in more than this share of the units.
    keep_n : int or None, default 100000
        Most frequent tokens kept (None: all).

    Returns
    -------
    gensim.corpora.Dictionary
        Compact ids, in order of first appearance among the kept tokens.
    """
    dictionary = Dictionary(units)
    dictionary.filter_extremes(no_below=no_below, no_above=no_above, keep_n=keep_n)
    return dictionary


def save_dictionary(dictionary: Dictionary, path: str | Path) -> None:
    """Write ``dictionary`` in gensim's text format (``id<TAB>token<TAB>df``, sorted by token)."""
    with atomic_path(path) as tmp:
        dictionary.save_as_text(str(tmp))


def load_dictionary(path: str | Path) -> Dictionary:
    """Read a dictionary written by :func:`save_dictionary` (no pickle involved)."""
    path = Path(path)
    if not path.is_file():
        raise ToolkitError(f"dictionary file not found: {path}")
    try:
        return Dictionary.load_from_text(str(path))
    except (ValueError, KeyError) as exc:
        raise ToolkitError(f"{path}: invalid dictionary file: {exc}") from None
