"""Latent semantic analysis: TF-IDF plus truncated SVD over token lists, a corpus-trained baseline.

Unlike the transformer backends, LSA is trained on the corpus it embeds, so it works on the
text pipeline's token lists (lemmas, phrases) rather than raw text, and is saved as plain
arrays (vocabulary, idf, SVD components) so it can be reloaded without pickle.

Examples
--------
>>> docs = [["nato", "munition"], ["nato", "schweden"], ["wahl", "partei"], ["partei", "wahl"]]
>>> lsa = LsaEncoder(dims=2, seed=0).fit(docs)
>>> lsa.transform([["nato"]]).shape, lsa.effective_dims
((1, 2), 2)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

from toolkit.embeddings.passages import l2_normalize
from toolkit.io import hash_obj, read_json, read_npy, sha256_bytes, write_json, write_npy

_FORMAT = 1


class LsaEncoder:
    """TF-IDF (sublinear tf, smooth idf, L2 rows) followed by truncated SVD.

    Parameters
    ----------
    dims : int
        Requested SVD dimensions. A corpus too small for them gets fewer:
        ``min(dims, n_documents - 1, n_features - 1)`` (at least 1), kept in ``effective_dims``.
    seed : int
        Seed of the SVD's start vector: the exact SVD's similarities do not depend on it
        (only the signs of its components may).

    Attributes
    ----------
    vocabulary_ : list of str
        Feature tokens, in column order.
    idf_ : ndarray of shape (n_features,)
    components_ : ndarray of shape (effective_dims, n_features)
    effective_dims : int
    """

    backend = "lsa"

    def __init__(self, dims: int = 200, seed: int = 0) -> None:
        if dims < 1:
            raise ValueError(f"dims must be at least 1, not {dims}")
        self.dims = dims
        self.seed = seed
        self.vocabulary_: list[str] | None = None
        self.idf_: np.ndarray | None = None
        self.components_: np.ndarray | None = None
        self.effective_dims: int | None = None
        self._columns: dict[str, int] = {}

    @property
    def name(self) -> str:
        """Model name for manifests."""
        return f"lsa-{self.dims}"

    @property
    def dim(self) -> int:
        """Vector dimension (the effective SVD dimensions)."""
        return int(self._fitted().shape[0])

    def _fitted(self) -> np.ndarray:
        if self.components_ is None:
            raise RuntimeError("LsaEncoder is not fitted: call fit(token_lists) or LsaEncoder.load")
        return self.components_

    def _counts(self, token_lists: Sequence[Sequence[str]]) -> sp.csr_matrix:
        rows, cols = [], []
        for row, tokens in enumerate(token_lists):
            if isinstance(tokens, str):
                raise TypeError(f"document {row} is a string: LsaEncoder expects lists of tokens")
            for token in tokens:
                column = self._columns.get(token)
                if column is not None:
                    rows.append(row)
                    cols.append(column)
        data = np.ones(len(rows), dtype=np.float64)
        shape = (len(token_lists), len(self._columns))
        counts = sp.csr_matrix((data, (rows, cols)), shape=shape)
        counts.sum_duplicates()
        return counts

    def _tfidf(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        tfidf = counts.copy()
        tfidf.data = (1.0 + np.log(tfidf.data)) * self.idf_[tfidf.indices]
        norms = np.sqrt(np.asarray(tfidf.multiply(tfidf).sum(axis=1)).ravel())
        return sp.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ tfidf

    def fit(self, token_lists: Sequence[Sequence[str]]) -> LsaEncoder:
        """Learn vocabulary, idf and SVD components from ``token_lists`` (one list per document).

        Raises
        ------
        ValueError
            With fewer than two distinct tokens, where no SVD is possible.
        """
        self.vocabulary_ = sorted({token for tokens in token_lists for token in tokens})
        if len(self.vocabulary_) < 2:
            raise ValueError(
                f"LSA needs at least 2 distinct tokens, got {len(self.vocabulary_)} "
                f"in {len(token_lists)} documents"
            )
        self._columns = {token: i for i, token in enumerate(self.vocabulary_)}
        counts = self._counts(token_lists)
        n_docs, n_features = counts.shape
        df = np.bincount(counts.indices, minlength=n_features)
        self.idf_ = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
        self.effective_dims = max(1, min(self.dims, n_docs - 1, n_features - 1))
        # The exact (ARPACK) SVD, not the randomized one: with its default 5 power iterations
        # the trailing components moved with the seed, and with them the clusters (10kGNAD
        # NMI 0.496-0.520 over five seeds, 0.511-0.519 exact; the README's *Clusters*). ARPACK
        # works in 2k + 1 dimensions: with fewer rows (a small corpus, where k is most of the
        # rank) its restarts draw from a generator of its own and a re-run differs, so there
        # the seeded randomized SVD, which holds nearly the whole spectrum at that k anyway.
        exact = 2 * self.effective_dims + 1 < min(n_docs, n_features)
        algorithm = "arpack" if exact else "randomized"
        from sklearn.decomposition import TruncatedSVD  # here: loading a fitted LSA needs none

        svd = TruncatedSVD(self.effective_dims, algorithm=algorithm, random_state=self.seed)
        # One document has zero variance: sklearn's explained-variance ratio divides by it.
        # One BLAS thread: ARPACK's sums come out in another order on two, and a near-tie of
        # singular values turns that into other components (a run on a cluster fits on its
        # client, which must give the bytes a run in one process gives).
        with np.errstate(divide="ignore", invalid="ignore"), threadpool_limits(1, "blas"):
            svd.fit(self._tfidf(counts))
        self.components_ = svd.components_.astype(np.float32)
        return self

    def transform(self, token_lists: Sequence[Sequence[str]]) -> np.ndarray:
        """L2-normalised float32 LSA vectors; a document without known tokens is all zeros."""
        components = self._fitted()
        projected = self._tfidf(self._counts(token_lists)) @ components.T.astype(np.float64)
        return l2_normalize(np.asarray(projected))

    def fit_transform(self, token_lists: Sequence[Sequence[str]]) -> np.ndarray:
        """:meth:`fit`, then :meth:`transform` the same documents."""
        return self.fit(token_lists).transform(token_lists)

    def fingerprint(self) -> str:
        """Hash of the learned vocabulary, idf and components."""
        components = self._fitted()
        return hash_obj(
            {
                "backend": "lsa",
                "vocabulary": hash_obj(self.vocabulary_),
                "idf": sha256_bytes(np.ascontiguousarray(self.idf_).tobytes()),
                "components": sha256_bytes(np.ascontiguousarray(components).tobytes()),
            }
        )

    def save(self, folder: str | Path) -> None:
        """Write ``lsa.json``, ``vocabulary.json``, ``idf.npy`` and ``components.npy``."""
        folder = Path(folder)
        components = self._fitted()
        write_json(folder / "vocabulary.json", self.vocabulary_)
        write_npy(folder / "idf.npy", self.idf_)
        write_npy(folder / "components.npy", components)
        write_json(
            folder / "lsa.json",
            {
                "format": _FORMAT,
                "dims": self.dims,
                "seed": self.seed,
                "effective_dims": self.effective_dims,
                "n_features": len(self.vocabulary_),
                "fingerprint": self.fingerprint(),
            },
        )

    @classmethod
    def load(cls, folder: str | Path) -> LsaEncoder:
        """Read a model written by :meth:`save`."""
        folder = Path(folder)
        meta = read_json(folder / "lsa.json")
        encoder = cls(dims=int(meta["dims"]), seed=int(meta["seed"]))
        encoder.vocabulary_ = [str(token) for token in read_json(folder / "vocabulary.json")]
        encoder._columns = {token: i for i, token in enumerate(encoder.vocabulary_)}
        encoder.idf_ = read_npy(folder / "idf.npy")
        encoder.components_ = read_npy(folder / "components.npy")
        encoder.effective_dims = int(meta["effective_dims"])
        if encoder.components_.shape != (encoder.effective_dims, len(encoder.vocabulary_)):
            raise ValueError(
                f"{folder}: components.npy has shape {encoder.components_.shape}, expected "
                f"({encoder.effective_dims}, {len(encoder.vocabulary_)}) from lsa.json"
            )
        return encoder

    def __repr__(self) -> str:
        return f"LsaEncoder(dims={self.dims}, seed={self.seed})"
