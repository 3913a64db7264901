"""The ONNX Runtime backend: the sentence-transformers encoder, exported and (optionally) int8.

The model is exported once to ONNX (and dynamically quantised), cached on disk (see
:mod:`toolkit.embeddings.onnx_export`), and run with ONNX Runtime. Texts are split into
passages, batched by length and pooled exactly as by
:class:`~toolkit.embeddings.sentence_transformers.SentenceTransformerEncoder`, and each
passage is embedded like sentence-transformers does it (the model's ``modules.json``: token
pooling from ``1_Pooling/config.json``, then ``Normalize`` if listed), so fp32 vectors agree
with that backend to a cosine of about 1.0.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from toolkit.embeddings.onnx_export import MODEL_INPUTS, export_settings, onnx_model_path
from toolkit.embeddings.passage_encoder import PassageEncoder
from toolkit.embeddings.passages import (
    Pooling,
)
from toolkit.errors import ModelNotFoundError, ToolkitError
from toolkit.io import read_json

# sentence-transformers concatenates the enabled token poolings in this order.
_TOKEN_POOLINGS = {
    "pooling_mode_cls_token": "cls",
    "pooling_mode_max_tokens": "max",
    "pooling_mode_mean_tokens": "mean",
    "pooling_mode_mean_sqrt_len_tokens": "mean_sqrt_len",
}
_SUPPORTED_MODULES = {
    "sentence_transformers.models.Transformer": "transformer",
    "sentence_transformers.models.Pooling": "pooling",
    "sentence_transformers.models.Normalize": "normalize",
}


def read_sentence_config(folder: Path) -> dict[str, Any]:
    """How sentence-transformers turns a model folder's token embeddings into one vector.

    Returns
    -------
    dict
        ``token_pooling`` (list of ``cls``/``max``/``mean``/``mean_sqrt_len``),
        ``normalize`` (bool), ``max_seq_length`` (int or None), ``do_lower_case`` (bool).
        A folder without ``modules.json`` is a plain transformer, which sentence-transformers
        mean-pools without normalising.

    Raises
    ------
    ToolkitError
        For a module this backend cannot reproduce (e.g. ``Dense``), naming it and the file.

    Examples
    --------
    >>> read_sentence_config(resolve_model("all-MiniLM-L6-v2"))["token_pooling"]  # doctest: +SKIP
    ['mean']
    """
    settings: dict[str, Any] = {
        "token_pooling": ["mean"],
        "normalize": False,
        "max_seq_length": None,
        "do_lower_case": False,
    }
    if (folder / "sentence_bert_config.json").is_file():
        bert_config = read_json(folder / "sentence_bert_config.json")
        settings["max_seq_length"] = bert_config.get("max_seq_length")
        settings["do_lower_case"] = bool(bert_config.get("do_lower_case", False))
    modules_file = folder / "modules.json"
    if not modules_file.is_file():
        return settings
    for module in read_json(modules_file):
        kind = _SUPPORTED_MODULES.get(module.get("type", ""))
        if kind is None:
            raise ToolkitError(
                f"{modules_file}: module {module.get('type')!r} is not supported by the onnx "
                "backend (only Transformer, Pooling, Normalize); use backend "
                "'sentence-transformers' for this model"
            )
        if kind == "normalize":
            settings["normalize"] = True
        elif kind == "pooling":
            pooling_file = folder / module.get("path", "") / "config.json"
            config = read_json(pooling_file)
            enabled = [
                key for key, value in config.items() if key.startswith("pooling_mode_") and value
            ]
            modes = [mode for key, mode in _TOKEN_POOLINGS.items() if key in enabled]
            unknown = [key for key in enabled if key not in _TOKEN_POOLINGS]
            if unknown or not modes:
                raise ToolkitError(
                    f"{pooling_file}: pooling {unknown or 'none'} is not supported by the onnx "
                    "backend (cls, max, mean, mean_sqrt_len)"
                )
            settings["token_pooling"] = modes
    return settings


def pool_tokens(hidden: np.ndarray, mask: np.ndarray, modes: list[str]) -> np.ndarray:
    """Pool token embeddings ``(batch, tokens, dim)`` into one row per sequence.

    Padding (``mask == 0``) never counts. Several modes are concatenated in the given order.

    >>> h = np.array([[[1.0, 2.0], [3.0, 4.0], [9.0, 9.0]]])
    >>> pool_tokens(h, np.array([[1, 1, 0]]), ["mean", "max"]).tolist()
    [[2.0, 3.0, 3.0, 4.0]]
    """
    hidden = hidden.astype(np.float32, copy=False)
    weights = mask[..., None].astype(np.float32)
    counts = np.maximum(weights.sum(axis=1), 1e-9)
    parts = []
    for mode in modes:
        if mode == "cls":
            parts.append(hidden[:, 0])
        elif mode == "max":
            parts.append(np.where(weights > 0, hidden, -1e9).max(axis=1))
        elif mode == "mean":
            parts.append((hidden * weights).sum(axis=1) / counts)
        elif mode == "mean_sqrt_len":
            parts.append((hidden * weights).sum(axis=1) / np.sqrt(counts))
        else:
            raise ValueError(f"unknown token pooling {mode!r}")
    return np.concatenate(parts, axis=1)


class OnnxEncoder(PassageEncoder):
    """Encode texts with an ONNX Runtime copy of a sentence-transformers model.

    Same passages, batches and pooling as
    :class:`~toolkit.embeddings.sentence_transformers.SentenceTransformerEncoder`; the model
    runs as an ONNX graph, by default with int8 weights (on 10kgnad, every passage encoded:
    1.8x plain sentence-transformers on a 2-core AVX2 CPU, cosine 0.988 to the fp32 vectors).
    The graph is exported on first use and cached.

    Parameters
    ----------
    model : str
        Model name or local folder (see :func:`toolkit.embeddings.models.resolve_model`).
    batch_size : int
        Passages per forward pass.
    max_length : int, optional
        Wordpieces per passage including special tokens (default: the model's
        ``max_seq_length``); at most the model's position limit.
    normalize : bool
        L2-normalise the pooled text vectors.
    device : str
        ``"cpu"``, or ``"cuda"``/``"cuda:N"`` when onnxruntime has the CUDA provider.
    pooling : {"mean", "max", "first"}
        How a text's passage vectors are combined (see the sentence-transformers backend).
    passage_overlap : int
        Wordpieces shared by consecutive passages of a text.
    threads : int, optional
        ONNX Runtime intra-op threads (default: all cores).
    quantize : bool
        Dynamic int8 quantisation of the weights.
    cache_dir : str or Path, optional
        Root of the export cache (default ``$TOOLKIT_CACHE`` or ``.cache/toolkit``).

    Notes
    -----
    int8 quantises each batch's activations with one scale per tensor, so a passage's vector
    depends slightly on the passages batched with it: on 10kgnad, the same articles encoded
    alone and within the whole corpus agree to a cosine of 0.996 (min 0.990). The same texts
    and settings always give the same vectors; the embedding cache therefore only reuses them
    for the same list of texts (``batch_dependent``), and a changed corpus is encoded anew.
    With ``batch_size=1`` every passage is encoded alone, its vector depends on nothing else
    and cached vectors are shared across corpora (measured here: as fast on 256-wordpiece
    passages, about 20 % slower on 50-wordpiece paragraphs).

    Examples
    --------
    >>> encoder = OnnxEncoder(quantize=True)  # doctest: +SKIP
    >>> encoder.encode(["Die NATO erhöht die Munitionsproduktion."]).shape  # doctest: +SKIP
    (1, 384)
    """

    backend = "onnx"
    progress_label = "embedding (onnx)"

    def __init__(
        self,
        model: str = "all-MiniLM-L6-v2",
        batch_size: int = 32,
        max_length: int | None = None,
        normalize: bool = True,
        device: str = "cpu",
        pooling: Pooling = "mean",
        passage_overlap: int = 16,
        threads: int | None = None,
        quantize: bool = True,
        cache_dir: str | Path | None = None,
    ) -> None:
        super().__init__(
            model, batch_size, max_length, normalize, device, pooling, passage_overlap, threads
        )
        self.quantize = quantize
        self.cache_dir = cache_dir
        path = self.path
        if not isinstance(path, Path):
            raise ModelNotFoundError(
                f"embedding model {model!r} is not on this machine: the onnx backend exports a "
                "local copy. Download it first (e.g. run the sentence-transformers backend "
                "once, or `huggingface-cli download`) and set `embeddings.model` to its folder"
            )
        self.path = path
        self.sentence_config = read_sentence_config(path)
        self._tokenizer: Any = None
        self._session: Any = None
        self._max_seq_length: int | None = None

    @property
    def tokenizer(self) -> Any:
        """The model's own fast tokenizer (loaded on first access)."""
        if self._tokenizer is None:
            from transformers import AutoTokenizer

            try:
                self._tokenizer = AutoTokenizer.from_pretrained(str(self.path))
            except Exception as exc:
                raise ModelNotFoundError(
                    f"the tokenizer of embedding model {self.path} could not be loaded: {exc}"
                ) from exc
        return self._tokenizer

    @property
    def max_seq_length(self) -> int:
        """Wordpieces per passage including special tokens, as sentence-transformers uses it."""
        if self._max_seq_length is None:
            limit = int(read_json(self.path / "config.json").get("max_position_embeddings", 512))
            if self.max_length is not None:
                if self.max_length > limit:
                    raise ValueError(
                        f"max_length={self.max_length} exceeds the {limit} positions of {self.name}"
                    )
                self._max_seq_length = self.max_length
            elif self.sentence_config["max_seq_length"]:
                self._max_seq_length = int(self.sentence_config["max_seq_length"])
            else:
                self._max_seq_length = min(limit, int(self.tokenizer.model_max_length))
        return self._max_seq_length

    @property
    def session(self) -> Any:
        """The ONNX Runtime session (the graph is exported and cached on first access)."""
        if self._session is None:
            self._session = self._load_session()
        return self._session

    def _providers(self) -> list[Any]:
        import onnxruntime as ort

        if self.device == "cpu":
            return ["CPUExecutionProvider"]
        kind, _, index = self.device.partition(":")
        if kind == "cuda" and "CUDAExecutionProvider" in ort.get_available_providers():
            cuda = ("CUDAExecutionProvider", {"device_id": int(index or 0)})
            return [cuda, "CPUExecutionProvider"]
        raise ValueError(
            f"device {self.device!r} is not available to onnxruntime "
            f"(providers: {', '.join(ort.get_available_providers())}); use device 'cpu'"
        )

    def _load_session(self) -> Any:
        import onnxruntime as ort

        graph = onnx_model_path(self.path, quantize=self.quantize, cache_dir=self.cache_dir)
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads or os.cpu_count() or 1
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        return ort.InferenceSession(str(graph), options, providers=self._providers())

    @property
    def dim(self) -> int:
        """Vector dimension."""
        hidden = int(read_json(self.path / "config.json")["hidden_size"])
        return hidden * len(self.sentence_config["token_pooling"])

    @property
    def batch_dependent(self) -> bool:
        """int8 scales a batch's activations as a whole (see Notes); alone, it does not."""
        return self.quantize and self.batch_size > 1

    def _fingerprint_extra(self) -> dict[str, Any]:
        return {"export": export_settings(self.quantize)}

    def _prepare(self) -> None:
        # export (if needed) before the progress bar starts, so its status line stays readable
        _ = self.session

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Embed texts that fit the model as they are, one forward pass per call.

        This is what sentence-transformers' ``encode`` computes for one batch: token
        embeddings, the model's token pooling, and its ``Normalize`` module if it has one.
        """
        config = self.sentence_config
        # sentence-transformers strips (and, if configured, lower-cases) before tokenising.
        texts = [t.strip().lower() if config["do_lower_case"] else t.strip() for t in texts]
        batch = self.tokenizer(
            texts,
            padding=True,
            truncation="longest_first",
            max_length=self.max_seq_length,
            return_tensors="np",
        )
        names = {node.name for node in self.session.get_inputs()}
        feeds = {k: batch[k].astype(np.int64) for k in MODEL_INPUTS if k in names}
        hidden = self.session.run(None, feeds)[0]
        vectors = pool_tokens(hidden, feeds["attention_mask"], config["token_pooling"])
        if config["normalize"]:
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            vectors = vectors / np.maximum(norms, 1e-12)
        return vectors.astype(np.float32)

    def __repr__(self) -> str:
        return (
            f"OnnxEncoder(model={self.name!r}, quantize={self.quantize}, "
            f"max_length={self.max_length}, pooling={self.pooling!r}, "
            f"passage_overlap={self.passage_overlap})"
        )
