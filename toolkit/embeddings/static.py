"""``StaticTermEncoder``: a text vector as the weighted mean of its terms' model vectors.

Every distinct term is encoded once by a sentence model (``encode(["government"])``) and its
vector kept in the embedding cache under the model's fingerprint and the term's hash, so terms
are shared across corpora and runs; a text's vector is then a weighted mean of a few hundred
cached rows — no transformer pass per text. The terms are the English gloss of the German text
(:class:`toolkit.lexicon.Glosser`) by default.

Weighting of a term that occurs ``tf`` times in a text:

``count``
    ``tf`` (every occurrence counts once).
``sublinear``
    ``1 + log(tf)``.
``idf``
    ``(1 + log(tf)) * idf``, ``idf = log((1 + n) / (1 + df)) + 1`` over the texts given to
    :meth:`~StaticTermEncoder.fit`.
``sif``
    ``tf * a / (a + p)`` with ``p`` the term's share of all term occurrences in the fitted
    texts (smooth inverse frequency, Arora et al. 2017).

``idf`` and ``sif`` need :meth:`~StaticTermEncoder.fit`; the fitted weights are part of the
fingerprint, so cached vectors never mix fits.

Examples
--------
>>> import numpy as np
>>> class Toy:  # a stand-in for a sentence model: one-hot vectors of known terms
...     name, dim, normalize = "toy", 3, True
...     def fingerprint(self): return "toy"
...     def encode(self, texts):
...         return np.eye(3, dtype=np.float32)[[["nato", "war", "goal"].index(t) for t in texts]]
>>> encoder = StaticTermEncoder(Toy(), analyzer=str.split, cache_dir=None)
>>> encoder.encode(["nato war war", "goal"]).astype(float).round(3).tolist()
[[0.447, 0.894, 0.0], [0.0, 0.0, 1.0]]
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import numpy as np

from toolkit.embeddings.base import Encoder
from toolkit.embeddings.cache import EmbeddingCache, default_cache_root, encode_cached
from toolkit.io import hash_obj
from toolkit.progress import progress

Weighting = Literal["count", "sublinear", "idf", "sif"]
WEIGHTINGS = ("count", "sublinear", "idf", "sif")
_FITTED = ("idf", "sif")


class StaticTermEncoder:
    """Weighted mean of cached per-term model vectors.

    Parameters
    ----------
    model : Encoder
        Encodes single terms (e.g. ``SentenceTransformerEncoder(batch_size=256)``).
    analyzer : callable, optional
        Text to its list of terms; default the English gloss, ``Glosser().gloss_tokens`` of the
        glosser's word split (needs the dictionary; see :class:`toolkit.lexicon.Glosser`).
    weighting : {"count", "sublinear", "idf", "sif"}
        How a term's occurrences in a text weigh (see the module docstring).
    sif_a : float
        The ``a`` of ``sif``.
    cache_dir : Path, True or None
        Root of the embedding cache for term vectors; ``True`` (default) for
        ``cache_root()/embeddings``, ``None`` or ``False`` to keep them in memory only.
    normalize : bool
        L2-normalise the text vectors.
    analyzer_id : str, optional
        What identifies a custom ``analyzer`` in the fingerprint (default: the glosser's
        fingerprint, or the analyzer's qualified name).
    """

    backend = "static"

    def __init__(
        self,
        model: Encoder,
        analyzer: Callable[[str], list[str]] | None = None,
        *,
        weighting: Weighting = "count",
        sif_a: float = 1e-3,
        cache_dir: str | Path | bool | None = True,
        normalize: bool = True,
        analyzer_id: str | None = None,
    ) -> None:
        if weighting not in WEIGHTINGS:
            raise ValueError(f"weighting must be one of {WEIGHTINGS}, not {weighting!r}")
        if sif_a <= 0:
            raise ValueError(f"sif_a must be positive, not {sif_a}")
        self.model = model
        if analyzer is None:
            from toolkit.lexicon import Glosser

            glosser = Glosser()
            analyzer = lambda text: glosser.gloss_tokens(glosser.tokens(text))  # noqa: E731
            analyzer_id = analyzer_id or glosser.fingerprint()
        self.analyzer = analyzer
        self.analyzer_id = analyzer_id or getattr(analyzer, "__qualname__", repr(analyzer))
        self.weighting = weighting
        self.sif_a = sif_a
        self.cache_dir = cache_dir
        self.normalize = normalize
        self.weights_: dict[str, float] | None = None
        self.default_weight_ = 1.0
        self._vectors: dict[str, np.ndarray] = {}

    @property
    def name(self) -> str:
        return f"static:{self.model.name}"

    @property
    def dim(self) -> int:
        return self.model.dim

    def fingerprint(self) -> str:
        """Hash of the model, the analyzer, the weighting and the fitted term weights."""
        return hash_obj(
            {
                "backend": self.backend,
                "model": self.model.fingerprint(),
                "analyzer": self.analyzer_id,
                "weighting": self.weighting,
                "sif_a": self.sif_a if self.weighting == "sif" else None,
                "weights": hash_obj(sorted(self.weights_.items())) if self.weights_ else None,
                "normalize": self.normalize,
            }
        )

    def fit(self, texts: list[str]) -> StaticTermEncoder:
        """Learn term weights (``idf``, ``sif``) from ``texts``; other weightings ignore it."""
        if self.weighting not in _FITTED:
            return self
        documents = Counter()
        occurrences = Counter()
        for terms in map(self.analyzer, progress(texts, "static: term weights", unit="text")):
            occurrences.update(terms)
            documents.update(set(terms))
        n = len(texts)
        if self.weighting == "idf":
            self.weights_ = {t: math.log((1 + n) / (1 + df)) + 1 for t, df in documents.items()}
            self.default_weight_ = math.log(1 + n) + 1
        else:
            total = max(sum(occurrences.values()), 1)
            a = self.sif_a
            self.weights_ = {t: a / (a + c / total) for t, c in occurrences.items()}
            self.default_weight_ = 1.0
        return self

    def term_vectors(self, terms: list[str]) -> np.ndarray:
        """The model vector of each term (encoded once; cached in memory and on disk)."""
        todo = [t for t in dict.fromkeys(terms) if t not in self._vectors]
        if todo:
            cache = None
            if self.cache_dir is True:
                cache = EmbeddingCache(default_cache_root(), self.model.fingerprint())
            elif self.cache_dir:
                cache = EmbeddingCache(Path(self.cache_dir), self.model.fingerprint())
            vectors = encode_cached(self.model, todo, cache)
            self._vectors.update(zip(todo, vectors, strict=True))
        if not terms:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vectors[t] for t in terms])

    def _weights(self, counts: Counter) -> np.ndarray:
        tf = np.array(list(counts.values()), dtype=np.float64)
        if self.weighting == "count":
            return tf
        if self.weighting == "sublinear":
            return 1.0 + np.log(tf)
        if self.weights_ is None:
            raise ValueError(f"weighting {self.weighting!r} needs fit(texts) before encode")
        idf = np.array([self.weights_.get(t, self.default_weight_) for t in counts])
        return tf * idf if self.weighting == "sif" else (1.0 + np.log(tf)) * idf

    def count_tokens(self, texts: list[str]) -> np.ndarray:
        """Terms per text (at least 1): a text's weight when texts are pooled into articles."""
        return np.array([max(len(self.analyzer(text)), 1) for text in texts], dtype=np.int64)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Weighted mean term vector of each text; a text without terms gets a zero vector."""
        counts = [Counter(self.analyzer(text)) for text in texts]
        vocabulary = list(dict.fromkeys(t for c in counts for t in c))
        self.term_vectors(vocabulary)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, count in enumerate(counts):
            if not count:
                continue
            weights = self._weights(count)
            vectors = np.stack([self._vectors[t] for t in count])
            out[i] = weights @ vectors / weights.sum()
        if self.normalize:
            norms = np.linalg.norm(out, axis=1, keepdims=True)
            out /= np.where(norms > 0, norms, 1.0)
        return out

    def __repr__(self) -> str:
        return f"StaticTermEncoder({self.model!r}, weighting={self.weighting!r})"
