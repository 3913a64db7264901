"""The ONNX Runtime encoder agrees with the sentence-transformers backend and caches its export."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from toolkit.embeddings import onnx_export
from toolkit.embeddings.factory import make_encoder
from toolkit.embeddings.onnx import OnnxEncoder, pool_tokens, read_sentence_config
from toolkit.embeddings.onnx_export import OnnxExportError, export_settings, onnx_model_path
from toolkit.embeddings.passages import pool
from toolkit.embeddings.sentence_transformers import SentenceTransformerEncoder
from toolkit.errors import ModelNotFoundError, ToolkitError
from toolkit.io import read_json, write_json

SENTENCES = [
    "Die NATO will die Produktion von Munition deutlich erhöhen.",
    "Schweden ist seit dem vergangenen Jahr Mitglied des Bündnisses.",
    "Viele Mitgliedstaaten verfehlen das Zwei-Prozent-Ziel bei den Verteidigungsausgaben.",
    "Der FC Bayern gewann das Spiel gegen Dortmund mit 3:1.",
    "Die Inflation in Österreich ist im Oktober leicht gesunken.",
    "Forscher haben ein neues Verfahren zur Speicherung von Solarstrom entwickelt.",
    "Die Regierung plant eine Reform des Mietrechts.",
    "Das Konzert in der Wiener Staatsoper war ausverkauft.",
]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("onnx-cache")


@pytest.fixture(scope="module")
def reference() -> SentenceTransformerEncoder:
    return SentenceTransformerEncoder()


@pytest.fixture(scope="module")
def fp32(cache_dir: Path) -> OnnxEncoder:
    return OnnxEncoder(quantize=False, cache_dir=cache_dir)


@pytest.fixture(scope="module")
def int8(cache_dir: Path) -> OnnxEncoder:
    return OnnxEncoder(quantize=True, cache_dir=cache_dir)


def test_bert_graph_is_fused_and_quantised_as_one_attention(
    fp32: OnnxEncoder, int8: OnnxEncoder, cache_dir: Path
) -> None:
    import onnx

    def operators(quantize: bool) -> set[str]:
        path = onnx_model_path(fp32.path, quantize=quantize, cache_dir=cache_dir)
        return {node.op_type for node in onnx.load(str(path)).graph.node}

    assert {"Attention", "SkipLayerNormalization", "BiasGelu"} <= operators(False)
    assert {"QAttention", "MatMulInteger"} <= operators(True)
    assert "Softmax" not in operators(True)


def test_fp32_matches_sentence_transformers(
    fp32: OnnxEncoder, reference: SentenceTransformerEncoder
) -> None:
    got = fp32.encode(SENTENCES)
    expected = reference.encode(SENTENCES)
    assert got.shape == (len(SENTENCES), 384) and got.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert np.min(np.sum(got * expected, axis=1)) > 0.999


def test_passage_vectors_match_plain_sentence_transformers(
    fp32: OnnxEncoder, reference: SentenceTransformerEncoder
) -> None:
    # Mixed lengths in one batch: padding must not leak into the pooled vectors.
    got = fp32.encode_passages(SENTENCES[:3])
    expected = reference.model.encode(SENTENCES[:3], convert_to_numpy=True)
    assert np.min(np.sum(got * expected, axis=1)) > 0.999


def test_int8_stays_close_to_fp32(int8: OnnxEncoder, reference: SentenceTransformerEncoder) -> None:
    cosine = np.sum(int8.encode(SENTENCES) * reference.encode(SENTENCES), axis=1)
    assert cosine.mean() >= 0.98
    assert cosine.min() >= 0.95


def test_int8_with_batch_size_one_ignores_the_other_texts(cache_dir: Path) -> None:
    # int8 scales a batch's activations as a whole; alone, a passage depends only on itself
    alone = OnnxEncoder(quantize=True, batch_size=1, cache_dir=cache_dir)
    assert not alone.batch_dependent and OnnxEncoder(quantize=True).batch_dependent
    assert not OnnxEncoder(quantize=False).batch_dependent
    together = alone.encode(SENTENCES)
    for i in (0, 3):
        assert np.array_equal(alone.encode([SENTENCES[i]])[0], together[i])


def test_long_text_is_split_and_pooled_like_sentence_transformers(
    cache_dir: Path, seed_file: Path
) -> None:
    text = seed_file.read_text(encoding="utf-8")
    onnx = OnnxEncoder(quantize=False, cache_dir=cache_dir, max_length=64, passage_overlap=8)
    st = SentenceTransformerEncoder(max_length=64, passage_overlap=8)
    passages = onnx.passages([text, SENTENCES[0]])
    assert [(p.start, p.end) for p in passages] == [
        (p.start, p.end) for p in st.passages([text, SENTENCES[0]])
    ]
    assert sum(p.text_index == 0 for p in passages) > 3
    got = onnx.encode([text, SENTENCES[0]])
    assert np.min(np.sum(got * st.encode([text, SENTENCES[0]]), axis=1)) > 0.999
    # The text vector is the token-weighted mean of its passage vectors.
    vectors = onnx.encode_passages([p.text for p in passages])
    groups = [p.text_index for p in passages]
    weights = [p.n_tokens for p in passages]
    np.testing.assert_allclose(got, pool(vectors, groups, 2, "mean", weights), atol=1e-5)


def test_export_is_cached_and_reused(
    fp32: OnnxEncoder, int8: OnnxEncoder, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fp32.encode(SENTENCES[:1])
    int8.encode(SENTENCES[:1])
    folders = sorted(p for p in (cache_dir / "onnx").iterdir() if not p.name.startswith("."))
    assert len(folders) == 2
    assert {read_json(f / "export.json")["quantization"] == "fp32" for f in folders} == {
        True,
        False,
    }

    def no_export(*args: object, **kwargs: object) -> None:
        raise AssertionError("the cached ONNX graph should have been reused")

    monkeypatch.setattr(onnx_export, "export_onnx", no_export)
    monkeypatch.setattr(onnx_export, "quantize_onnx", no_export)
    for quantize, first in ((False, fp32), (True, int8)):
        again = OnnxEncoder(quantize=quantize, cache_dir=cache_dir)
        np.testing.assert_array_equal(again.encode(SENTENCES[:2]), first.encode(SENTENCES[:2]))


def test_fingerprint_separates_quantisation_and_settings(cache_dir: Path) -> None:
    fp32 = OnnxEncoder(quantize=False, cache_dir=cache_dir)
    int8 = OnnxEncoder(quantize=True, cache_dir=cache_dir)
    assert fp32.fingerprint() != int8.fingerprint()
    assert int8.fingerprint() == OnnxEncoder(quantize=True).fingerprint()
    assert int8.fingerprint() != OnnxEncoder(quantize=True, pooling="max").fingerprint()
    assert fp32.fingerprint() != SentenceTransformerEncoder().fingerprint()
    assert export_settings(True) != export_settings(False)


def test_factory_builds_the_onnx_backend() -> None:
    encoder = make_encoder("onnx", quantize=False, threads=1)
    assert isinstance(encoder, OnnxEncoder)
    assert (encoder.quantize, encoder.threads, encoder.dim) == (False, 1, 384)


def test_empty_input_and_bad_text(fp32: OnnxEncoder) -> None:
    assert fp32.encode([]).shape == (0, 384)
    with pytest.raises(ValueError, match="text 1 is empty"):
        fp32.encode(["Ein Satz.", "   "])


def test_missing_model_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="no-such-model"):
        OnnxEncoder(model=str(tmp_path / "no-such-model"))


def test_export_failure_names_model_and_step(tmp_path: Path) -> None:
    broken = tmp_path / "broken-model"
    write_json(broken / "config.json", {"model_type": "bert"})
    with pytest.raises(OnnxExportError, match=r"broken-model.*load model"):
        onnx_model_path(broken, quantize=True, cache_dir=tmp_path / "cache")
    # Nothing half-exported is left where a later run would pick it up.
    assert [p.name for p in (tmp_path / "cache" / "onnx").iterdir()] == []


def test_sentence_config_follows_the_model_folder(tmp_path: Path, fp32: OnnxEncoder) -> None:
    assert read_sentence_config(fp32.path) == {
        "token_pooling": ["mean"],
        "normalize": True,
        "max_seq_length": 256,
        "do_lower_case": False,
    }
    write_json(tmp_path / "modules.json", [{"type": "sentence_transformers.models.Dense"}])
    with pytest.raises(ToolkitError, match="Dense"):
        read_sentence_config(tmp_path)


def test_pool_tokens_ignores_padding() -> None:
    hidden = np.array([[[1.0, 5.0], [3.0, 1.0], [100.0, 100.0]]])
    mask = np.array([[1, 1, 0]])
    pooled = pool_tokens(hidden, mask, ["cls", "max", "mean", "mean_sqrt_len"])
    np.testing.assert_allclose(pooled, [[1, 5, 3, 5, 2, 3, 4 / np.sqrt(2), 6 / np.sqrt(2)]])
