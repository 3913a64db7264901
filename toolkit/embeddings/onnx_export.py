"""Exporting a transformer to ONNX, quantising it, and caching the result on disk.

The export runs once per source model and export setting: the graph is written under
``<cache root>/onnx/<key>/model.onnx``, where the key hashes the source model's files
(:func:`~toolkit.embeddings.models.model_hash`) and :func:`export_settings`. The folder is
built under a temporary name and renamed into place, so a half-finished export is never
reused and concurrent processes at worst export twice.

Examples
--------
>>> from toolkit.embeddings.models import resolve_model
>>> path = onnx_model_path(resolve_model("all-MiniLM-L6-v2"), quantize=True)  # doctest: +SKIP
>>> path.name  # doctest: +SKIP
'model.onnx'
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from toolkit.embeddings.models import model_hash
from toolkit.errors import ToolkitError
from toolkit.io import cache_root, hash_obj, write_json
from toolkit.progress import quiet_libraries, status

OPSET = 17
# Bumped whenever the export or quantisation code changes the graph it produces.
EXPORT_FORMAT = 2
# Model types whose graphs ONNX Runtime's transformer optimizer fuses (one Attention node per
# layer, SkipLayerNormalization, BiasGelu). Fused, the int8 graph quantises the query/key/value
# products as one QAttention: measured 5-10 % faster than the unfused int8 graph on 10kgnad
# passages, same cosine to fp32. Only BERT itself is fused (all-MiniLM-L6-v2 and
# paraphrase-multilingual-MiniLM-L12-v2 are BERT); other types are exported unfused.
FUSED_MODEL_TYPES = frozenset({"bert"})
MODEL_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# Chosen from measurements on all-MiniLM-L6-v2 / 10kgnad passages (AVX2 CPU, no VNNI): one
# scale per output channel is what keeps int8 close to fp32 (per-tensor scales: cosine 0.84);
# signed weights with 7-bit range avoid the int16 overflow of AVX2 u8·s8 products and ran
# faster than unsigned weights at about the same cosine (0.985 vs 0.988). Only products with
# a constant weight are quantised: the attention products (Q·Kᵀ, softmax·V) stay fp32.
QUANTIZATION = {
    "weight_type": "QInt8",
    "per_channel": True,
    "reduce_range": True,
    "const_weights_only": True,
}
_FP32_TOLERANCE = 1e-3


class OnnxExportError(ToolkitError):
    """Exporting, quantising or checking an ONNX copy of a model failed."""


def export_settings(quantize: bool) -> dict[str, Any]:
    """Every setting that changes the exported graph (part of the cache key and fingerprint).

    >>> export_settings(False)["quantization"]
    'fp32'
    """
    return {
        "format": EXPORT_FORMAT,
        "opset": OPSET,
        "fusion": "onnxruntime.transformers bert, opt_level 0",
        "quantization": dict(QUANTIZATION) if quantize else "fp32",
    }


def default_onnx_root() -> Path:
    """``$TOOLKIT_CACHE/onnx``, else ``.cache/toolkit/onnx``."""
    return cache_root() / "onnx"


def onnx_model_path(
    model_path: str | Path, quantize: bool = True, cache_dir: str | Path | None = None
) -> Path:
    """The cached ONNX graph of a local model folder, exported (and quantised) on first use.

    Parameters
    ----------
    model_path : str or Path
        Folder of a Hugging Face transformer (``config.json``, weights, tokenizer).
    quantize : bool
        Dynamic int8 quantisation of the weights (see ``QUANTIZATION``).
    cache_dir : str or Path, optional
        Cache root; the graph lives in ``<cache_dir>/onnx/<key>/``. Default:
        ``$TOOLKIT_CACHE`` or ``.cache/toolkit``.

    Returns
    -------
    Path
        ``.../onnx/<key>/model.onnx``. An int8 graph is quantised from the fp32 graph,
        which is exported (and cached) first.

    Raises
    ------
    OnnxExportError
        Naming the model and the step (load, export, check, quantise) that failed.
    """
    model_path = Path(model_path)
    settings = export_settings(quantize)
    root = Path(cache_dir) / "onnx" if cache_dir is not None else default_onnx_root()
    key = hash_obj({"model": model_hash(model_path), **settings})
    folder = root / key
    target = folder / "model.onnx"
    if (folder / "export.json").is_file() and target.is_file():
        return target
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{key[:16]}.", dir=root))
    # mkdtemp makes a private folder; the cache is as readable as any other output.
    tmp.chmod(0o755)
    try:
        if quantize:
            # The int8 graph is made from the cached fp32 one, so both backends share one export.
            source = onnx_model_path(model_path, quantize=False, cache_dir=cache_dir)
            status(f"quantising the ONNX copy of {model_path} to int8; cached in {folder}")
            quantize_onnx(source, tmp / "model.onnx", model_path)
        else:
            status(f"exporting {model_path} to ONNX; cached in {folder}")
            export_onnx(model_path, tmp / "model.onnx")
        # Written last: a folder with export.json is complete.
        write_json(tmp / "export.json", {"source": str(model_path), "key": key, **settings})
        try:
            os.replace(tmp, folder)
        except OSError:
            # Another process finished the same export first; its copy is as good as ours.
            if not (folder / "export.json").is_file():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _fail(model_path: Path, step: str, exc: Exception) -> OnnxExportError:
    return OnnxExportError(f"ONNX export of model {model_path} failed at step {step!r}: {exc}")


def _token_embeddings_module(model: Any, input_names: list[str]) -> Any:
    """The transformer as a module of positional inputs returning ``last_hidden_state``."""
    import torch

    class TokenEmbeddings(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *inputs: Any) -> Any:
            # Keyword inputs: the positional order of forward() differs between versions.
            return self.model(**dict(zip(input_names, inputs, strict=True))).last_hidden_state

    # eval(): the exporter restores the wrapper's mode afterwards, which would enable dropout.
    return TokenEmbeddings().eval()


def export_onnx(model_path: str | Path, destination: str | Path) -> None:
    """Export a transformer's token embeddings (``last_hidden_state``) to an fp32 ONNX graph.

    The graph takes the inputs the model's tokenizer produces (``input_ids``,
    ``attention_mask`` and, for BERT-like models, ``token_type_ids``) with dynamic batch and
    sequence axes; BERT graphs are fused (:func:`fuse_transformer`). The final graph is
    checked against PyTorch on a padded batch of another shape.

    Raises
    ------
    OnnxExportError
        Naming the model and the failing step.
    """
    import torch
    from transformers import AutoModel, AutoTokenizer

    model_path = Path(model_path)
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(model_path))
        # Eager attention exports as plain MatMul/Softmax, which ONNX Runtime fuses and quantises.
        quiet_libraries()
        model = AutoModel.from_pretrained(str(model_path), attn_implementation="eager").eval()
    except Exception as exc:
        raise _fail(model_path, "load model with transformers", exc) from exc
    input_names = [name for name in MODEL_INPUTS if name in tokenizer.model_input_names]
    sample = tokenizer(
        ["Die NATO erhöht die Produktion.", "Schweden ist Mitglied."],
        padding=True,
        return_tensors="pt",
    )
    axes = {name: {0: "batch", 1: "sequence"} for name in [*input_names, "last_hidden_state"]}
    destination = Path(destination)
    raw = destination.with_name(f"unfused.{destination.name}")
    try:
        with torch.no_grad(), warnings.catch_warnings():
            # Tracer warnings concern Python branches on shapes that are fixed for an encoder.
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _token_embeddings_module(model, input_names),
                tuple(sample[name] for name in input_names),
                str(raw),
                input_names=input_names,
                output_names=["last_hidden_state"],
                dynamic_axes=axes,
                opset_version=OPSET,
                dynamo=False,
            )
    except Exception as exc:
        raise _fail(model_path, "torch.onnx.export", exc) from exc
    fuse_transformer(raw, destination, model.config, model_path)
    raw.unlink(missing_ok=True)
    _check_export(model_path, model, tokenizer, input_names, destination)


def fuse_transformer(source: Path, destination: Path, config: Any, model_path: Path) -> bool:
    """Fuse a BERT graph's attention, layer norms and GELU (``FUSED_MODEL_TYPES``), else move it.

    The fused graph uses ONNX Runtime's contrib operators, which is what runs it. Returns
    whether it was fused.

    Raises
    ------
    OnnxExportError
        When the optimizer fails on a model it should handle.
    """
    if getattr(config, "model_type", None) not in FUSED_MODEL_TYPES:
        os.replace(source, destination)
        return False
    from onnxruntime.transformers.optimizer import optimize_model

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fused = optimize_model(
                str(source),
                model_type="bert",
                num_heads=int(config.num_attention_heads),
                hidden_size=int(config.hidden_size),
                opt_level=0,  # graph fusions only: no hardware-specific ONNX Runtime rewrites
                use_gpu=False,
            )
            fused.save_model_to_file(str(destination))
    except Exception as exc:
        raise _fail(model_path, "onnxruntime.transformers fusion", exc) from exc
    return True


def _check_export(
    model_path: Path, model: Any, tokenizer: Any, input_names: list[str], path: Path
) -> None:
    """Compare the graph with PyTorch on a padded batch of a shape the trace never saw."""
    import onnxruntime as ort
    import torch

    texts = [
        "Kurz.",
        "Die Mitgliedstaaten verfehlen das Zwei-Prozent-Ziel, obwohl die Ausgaben steigen.",
        "Munition wird knapp.",
    ]
    batch = tokenizer(texts, padding=True, return_tensors="np")
    feeds = {name: batch[name].astype(np.int64) for name in input_names}
    try:
        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        got = session.run(None, feeds)[0]
    except Exception as exc:
        raise _fail(model_path, "load exported graph in onnxruntime", exc) from exc
    with torch.no_grad():
        expected = model(**{k: torch.from_numpy(v) for k, v in feeds.items()}).last_hidden_state
    mask = feeds["attention_mask"][..., None].astype(bool)
    error = float(np.abs(np.where(mask, got - expected.numpy(), 0.0)).max())
    if error > _FP32_TOLERANCE:
        raise _fail(
            model_path,
            "check exported graph against PyTorch",
            ValueError(f"token embeddings differ by up to {error:.2g}"),
        )


def quantize_onnx(source: str | Path, destination: str | Path, model_path: str | Path) -> None:
    """Dynamically quantise the weights of an fp32 graph to int8 (``QUANTIZATION``).

    Raises
    ------
    OnnxExportError
        Naming ``model_path`` and the quantisation step.
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    try:
        quantize_dynamic(
            str(source),
            str(destination),
            weight_type=getattr(QuantType, QUANTIZATION["weight_type"]),
            per_channel=QUANTIZATION["per_channel"],
            reduce_range=QUANTIZATION["reduce_range"],
            extra_options={
                "MatMulConstBOnly": QUANTIZATION["const_weights_only"],
                # shape inference cannot type the outputs of fused contrib operators
                "DefaultTensorType": onnx.TensorProto.FLOAT,
            },
            use_external_data_format=Path(source).stat().st_size > 1_900_000_000,
        )
    except Exception as exc:
        raise _fail(Path(model_path), "onnxruntime quantize_dynamic", exc) from exc
