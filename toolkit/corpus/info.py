"""Corpus statistics: sizes, word counts, date range, labels and sources.

Examples
--------
>>> from toolkit.corpus.document import Document
>>> docs = [Document.from_text("a", "Ein Tor.", label="Sport", date="2023-06")]
>>> info = corpus_info(docs)
>>> info["documents"], info["words"]["total"], info["labels"]
(1, 2, {'Sport': 1})
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np

from toolkit.corpus.document import Document


def corpus_info(docs: Iterable[Document]) -> dict[str, Any]:
    """Summarise documents in one pass (only per-document counts are kept, not the texts).

    Returns
    -------
    dict
        ``documents``; ``paragraphs`` (total) and ``subheadings`` (total); ``words`` with
        ``total``, ``min``, ``median``, ``mean``, ``p90``, ``max`` (``None`` for no documents);
        ``dates`` with ``first``, ``last`` and ``count`` (documents with a date); ``labels`` and
        ``sources`` as counts, most frequent first (ties by name).
    """
    words: list[int] = []
    paragraphs = subheadings = dated = 0
    first = last = None
    labels: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    for doc in docs:
        words.append(doc.num_words)
        paragraphs += len(doc.paragraphs)
        subheadings += len(doc.subheadings)
        if doc.date is not None:
            dated += 1
            first = doc.date if first is None else min(first, doc.date)
            last = doc.date if last is None else max(last, doc.date)
        if doc.label is not None:
            labels[doc.label] += 1
        if doc.source is not None:
            sources[doc.source] += 1
    counts = np.asarray(words, dtype=np.int64)
    word_stats: dict[str, int | float | None] = dict.fromkeys(
        ("total", "min", "median", "mean", "p90", "max")
    )
    if counts.size:
        word_stats = {
            "total": int(counts.sum()),
            "min": int(counts.min()),
            "median": float(np.median(counts)),
            "mean": float(counts.mean()),
            "p90": float(np.percentile(counts, 90)),
            "max": int(counts.max()),
        }
    return {
        "documents": len(words),
        "paragraphs": paragraphs,
        "subheadings": subheadings,
        "words": word_stats,
        "dates": {"first": first, "last": last, "count": dated},
        "labels": _ranked(labels),
        "sources": _ranked(sources),
    }


def format_corpus_info(info: dict[str, Any]) -> str:
    """A readable multi-line summary of :func:`corpus_info` (for ``toolkit corpus info``).

    Examples
    --------
    >>> print(format_corpus_info(corpus_info([])).splitlines()[0])
    documents    0
    """
    words = info["words"]
    dates = info["dates"]
    lines = [
        f"documents    {info['documents']:,}",
        f"paragraphs   {info['paragraphs']:,} ({info['subheadings']:,} subheadings)",
    ]
    if words["total"] is not None:
        lines.append(
            f"words        {words['total']:,} in all; per document min {words['min']:,}, "
            f"median {words['median']:,.0f}, mean {words['mean']:,.1f}, "
            f"p90 {words['p90']:,.0f}, max {words['max']:,}"
        )
    if dates["count"]:
        lines.append(
            f"dates        {dates['first']} .. {dates['last']} "
            f"({dates['count']:,} of {info['documents']:,} documents dated)"
        )
    else:
        lines.append("dates        none")
    for name in ("labels", "sources"):
        counts = info[name]
        if counts:
            lines.append(f"{name:<12} {len(counts)}:")
            width = max(len(key) for key in counts)
            lines.extend(f"  {key:<{width}}  {n:>7,}" for key, n in counts.items())
        else:
            lines.append(f"{name:<12} none")
    return "\n".join(lines)


def _ranked(counts: Counter[str]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
