"""``GlossEncoder``: an English sentence model reading the English gloss of German text.

The offline model (all-MiniLM-L6-v2) is English: given German it sees mostly word pieces. The
gloss (:class:`toolkit.lexicon.Glosser`: every word through a German-English dictionary,
compounds through their parts, names passed through) is text it was trained on. The wrapped
encoder does the splitting into passages and the pooling as usual, on the gloss.

A multilingual model reads German itself and needs no gloss: wrap only English models.

Examples
--------
>>> from toolkit.embeddings import SentenceTransformerEncoder
>>> encoder = GlossEncoder(SentenceTransformerEncoder(), Glosser())  # doctest: +SKIP
>>> encoder.encode(["Die Regierung erhöht die Verteidigungsausgaben."]).shape  # doctest: +SKIP
(1, 384)
"""

from __future__ import annotations

import numpy as np

from toolkit.embeddings.base import Encoder
from toolkit.io import hash_obj
from toolkit.lexicon import Glosser


class GlossEncoder:
    """Encode German texts by encoding their English gloss with another encoder.

    Parameters
    ----------
    encoder : Encoder
        The English sentence encoder (e.g. ``SentenceTransformerEncoder()``).
    glosser : Glosser
        Turns German text into English terms.

    Attributes
    ----------
    name, dim : as the wrapped encoder's (``name`` with ``+gloss``)
    """

    def __init__(self, encoder: Encoder, glosser: Glosser) -> None:
        self.encoder = encoder
        self.glosser = glosser

    @property
    def name(self) -> str:
        return f"{self.encoder.name}+gloss"

    @property
    def dim(self) -> int:
        return self.encoder.dim

    @property
    def backend(self) -> str:
        return f"gloss+{getattr(self.encoder, 'backend', type(self.encoder).__name__)}"

    @property
    def normalize(self) -> bool:
        return bool(getattr(self.encoder, "normalize", True))

    @property
    def batch_dependent(self) -> bool:
        return bool(getattr(self.encoder, "batch_dependent", False))

    def fingerprint(self) -> str:
        """Hash of the wrapped encoder's fingerprint and the glosser's."""
        return hash_obj(
            {"gloss": self.glosser.fingerprint(), "encoder": self.encoder.fingerprint()}
        )

    def glosses(self, texts: list[str]) -> list[str]:
        """The English gloss of each text; a text without any glossable word stays as it is."""
        return [self.glosser.gloss(text) or text for text in texts]

    def count_tokens(self, texts: list[str]) -> np.ndarray:
        """The wrapped encoder's token count of each gloss (paragraph weights when pooling)."""
        glosses = self.glosses(list(texts))
        count = getattr(self.encoder, "count_tokens", None)
        if count is not None:
            return np.asarray(count(glosses), dtype=np.int64)
        return np.array([max(len(g.split()), 1) for g in glosses], dtype=np.int64)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Vectors of the glosses of ``texts``, shape ``(len(texts), dim)``."""
        return self.encoder.encode(self.glosses(list(texts)))

    def __repr__(self) -> str:
        return f"GlossEncoder({self.encoder!r}, {self.glosser!r})"
