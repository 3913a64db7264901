"""What the sentence model reads: the German text, its English gloss, or static gloss terms.

:func:`input_encoder` wraps a model encoder for one of the three inputs, with plain keyword
parameters (the experiment adapter maps its config section onto them). ``auto`` glosses for the
bundled English model only: a multilingual model reads German itself and is left unchanged.

Examples
--------
>>> from toolkit.embeddings import SentenceTransformerEncoder
>>> model = SentenceTransformerEncoder()  # doctest: +SKIP
>>> encoder = input_encoder(model, "static", weighting="idf")  # doctest: +SKIP
>>> encoder.fit(paragraph_texts).encode(["Die Regierung erhöht die Ausgaben."])  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from toolkit.embeddings.base import Encoder
from toolkit.embeddings.gloss import GlossEncoder
from toolkit.embeddings.models import DEFAULT_MODEL
from toolkit.embeddings.static import StaticTermEncoder, Weighting
from toolkit.lexicon import DEFAULT_PATH, shared_glosser

Input = Literal["auto", "german", "gloss", "static"]
INPUTS = ("auto", "german", "gloss", "static")
# Model names that are English-only: "auto" glosses for them.
ENGLISH_MODELS = frozenset({DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"})


def resolve_input(input: Input, model_name: str) -> str:
    """``auto`` becomes ``static`` for the bundled English model and ``german`` otherwise.

    >>> resolve_input("auto", "all-MiniLM-L6-v2"), resolve_input("auto", "models/multi-minilm")
    ('static', 'german')
    >>> resolve_input("gloss", "models/multi-minilm")
    'gloss'
    """
    if input not in INPUTS:
        raise ValueError(f"input must be one of {INPUTS}, not {input!r}")
    if input != "auto":
        return input
    return "static" if model_name in ENGLISH_MODELS else "german"


def input_encoder(
    encoder: Encoder,
    input: Input = "auto",
    *,
    lexicon_path: str | Path = DEFAULT_PATH,
    sense: Literal["rich", "typed", "first"] = "rich",
    keep_unknown: bool = True,
    weighting: Weighting = "idf",
    term_encoder: Encoder | None = None,
    cache_dir: str | Path | bool | None = True,
) -> Any:
    """``encoder`` wrapped to read ``input``.

    Parameters
    ----------
    encoder : Encoder
        The sentence model encoder (``SentenceTransformerEncoder``, ``OnnxEncoder``).
    input : {"auto", "german", "gloss", "static"}
        See the module docstring and :func:`resolve_input`.
    lexicon_path : Path
        The Ding dictionary (``gloss`` and ``static``).
    sense, keep_unknown
        :class:`~toolkit.lexicon.Glosser` settings.
    weighting : {"count", "sublinear", "idf", "sif"}
        ``static``: term weighting; ``idf`` and ``sif`` need ``fit(texts)`` on the corpus.
    term_encoder : Encoder, optional
        ``static``: the encoder of single terms (default ``encoder``); an fp32 ONNX export of
        the same model gives the same vectors faster.
    cache_dir : Path, True or None
        ``static``: where term vectors are cached (``True``: ``cache_root()/embeddings``).

    Raises
    ------
    LexiconNotFoundError
        For ``gloss`` or ``static`` when the dictionary file is missing (says how to install
        it, or to set the input to ``german``).
    """
    chosen = resolve_input(input, encoder.name)
    if chosen == "german":
        return encoder
    glosser = shared_glosser(lexicon_path, sense=sense, keep_unknown=keep_unknown)
    if chosen == "gloss":
        return GlossEncoder(encoder, glosser)
    return StaticTermEncoder(
        term_encoder if term_encoder is not None else encoder,
        lambda text: glosser.gloss_tokens(glosser.tokens(text)),
        weighting=weighting,
        cache_dir=cache_dir,
        analyzer_id=glosser.fingerprint(),
    )
