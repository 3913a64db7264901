"""Tests of the embeddings stage: model resolution, passages, pooling, cache, LSA, the stage."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pytest
from gensim.corpora import Dictionary

from toolkit.corpus.document import Document
from toolkit.embeddings import (
    EmbeddingCache,
    Embeddings,
    Encoder,
    LsaEncoder,
    SentenceTransformerEncoder,
    embed_corpus,
    embed_tokens,
    encode_cached,
    make_encoder,
    model_hash,
    resolve_model,
)
from toolkit.embeddings.passages import length_batches, passage_budget, pool
from toolkit.embeddings.sentence_transformers import native_bfloat16, resolve_precision
from toolkit.errors import CorpusError, ModelNotFoundError
from toolkit.io import read_npy
from toolkit.text.tokenized import TokenizedCorpus

SEED_FILE = Path(__file__).resolve().parents[1] / "seeds" / "000_f8d3ef48d24ec83a.txt"
SPORT = (
    "Der FC Bayern München hat am Samstag im ausverkauften Stadion gegen Borussia Dortmund "
    "mit drei zu eins gewonnen. Der Trainer lobte nach dem Abpfiff die Abwehr und den "
    "Torwart, der in der zweiten Halbzeit einen Elfmeter hielt. Die Fans feierten die "
    "Mannschaft noch lange nach dem Spiel, denn damit rückt die Meisterschaft näher."
)


@pytest.fixture(scope="module")
def encoder() -> SentenceTransformerEncoder:
    # float32 on every machine: these tests compare vectors at 1e-6 (bfloat16 has its own)
    return SentenceTransformerEncoder("all-MiniLM-L6-v2", batch_size=16, precision="float32")


def variant(encoder: SentenceTransformerEncoder, **settings: object) -> SentenceTransformerEncoder:
    """Another encoder with different settings that reuses the loaded model."""
    settings = {"precision": "float32", **settings}
    other = SentenceTransformerEncoder("all-MiniLM-L6-v2", batch_size=16, **settings)
    other._model = encoder.model
    return other


@pytest.fixture(scope="module")
def long_text(seed_text: str) -> str:
    """About 2,000 words: the NATO seed article followed by a long football report."""
    sport = "\n\n".join(f"{SPORT} Das war der {i}. Spieltag der Saison." for i in range(24))
    return seed_text + "\n\n" + sport


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED_FILE.read_text(encoding="utf-8")


class CountingEncoder:
    """Wraps an encoder and records how many texts it was asked to encode."""

    def __init__(self, inner: SentenceTransformerEncoder) -> None:
        self.inner = inner
        self.name = inner.name
        self.calls: list[int] = []

    @property
    def dim(self) -> int:
        return self.inner.dim

    def fingerprint(self) -> str:
        return self.inner.fingerprint()

    def count_tokens(self, texts: list[str]) -> np.ndarray:
        return self.inner.count_tokens(texts)

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls.append(len(texts))
        return self.inner.encode(texts)


# --- model resolution -------------------------------------------------------------------------


def test_bundled_default_model_is_found() -> None:
    path = resolve_model("all-MiniLM-L6-v2")
    assert isinstance(path, Path) and (path / "config.json").is_file()
    assert resolve_model("sentence-transformers/all-MiniLM-L6-v2") == path
    assert re.fullmatch(r"[0-9a-f]{64}", model_hash(path))


def test_unknown_model_offline_raises_helpful_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ModelNotFoundError) as info:
        resolve_model("no-such-org/no-such-model-xyz")
    message = str(info.value)
    assert "no-such-org/no-such-model-xyz" in message
    assert "huggingface-cli download no-such-org/no-such-model-xyz" in message
    assert "embeddings.model" in message and "HF_HUB_OFFLINE" in message
    with pytest.raises(ModelNotFoundError, match="no such folder"):
        resolve_model("./models/missing")
    with pytest.raises(ModelNotFoundError, match="not a saved model"):
        resolve_model(str(tmp_path))


def test_local_model_folder_is_used_as_is() -> None:
    path = resolve_model("all-MiniLM-L6-v2")
    assert resolve_model(str(path)) == path
    local = SentenceTransformerEncoder(str(path))
    assert local.path == path
    assert local.fingerprint() == SentenceTransformerEncoder().fingerprint()
    assert local.fingerprint() != SentenceTransformerEncoder(pooling="max").fingerprint()


# --- passages and pooling ----------------------------------------------------------------------


def test_long_text_is_split_into_passages_that_cover_it(
    encoder: SentenceTransformerEncoder, long_text: str
) -> None:
    assert 1800 < len(long_text.split()) < 2600
    passages = encoder.passages([long_text])
    budget = passage_budget(encoder.tokenizer, encoder.model.max_seq_length)
    assert len(passages) >= 8
    assert all(p.text == long_text[p.start : p.end] for p in passages)
    assert all(0 < p.n_tokens <= budget for p in passages)
    # Passages re-tokenise to what was counted, so the model never truncates one.
    for p in passages:
        assert len(encoder.tokenizer(p.text, add_special_tokens=False)["input_ids"]) == p.n_tokens
    assert long_text[: passages[0].start].strip() == ""
    assert long_text[passages[-1].end :].strip() == ""
    for before, after in itertools.pairwise(passages):
        assert after.start > before.start
        # Consecutive passages overlap or touch: nothing in between is skipped.
        assert after.start <= before.end or long_text[before.end : after.start].strip() == ""
    # Most cuts fall at sentence ends.
    ends = sum(p.text.rstrip('"').endswith((".", "!", "?")) for p in passages[:-1])
    assert ends >= len(passages) // 2


def test_long_text_vector_uses_the_whole_text(
    encoder: SentenceTransformerEncoder, long_text: str
) -> None:
    full = encoder.encode([long_text])[0]
    first = encoder.encode([encoder.passages([long_text])[0].text])[0]
    assert float(full @ first) < 0.95
    sport = encoder.encode([SPORT])[0]
    # The football half of the text, past the first 256 wordpieces, shows in the vector.
    assert float(full @ sport) > float(first @ sport) + 0.05


def test_encode_is_deterministic_and_normalised(encoder: SentenceTransformerEncoder) -> None:
    texts = ["Die NATO erhöht die Munitionsproduktion.", SPORT, "Schweden tritt der NATO bei."]
    first = encoder.encode(texts)
    assert first.dtype == np.float32 and first.shape == (3, encoder.dim)
    assert np.array_equal(first, encoder.encode(texts))
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    assert float(first[0] @ first[2]) > float(first[0] @ first[1])


def test_pooling_modes_combine_passage_vectors(
    encoder: SentenceTransformerEncoder, seed_text: str
) -> None:
    # Three or four passages keep this fast; the long text above checks the splitting.
    text = "\n\n".join([*seed_text.split("\n\n")[:4], SPORT, SPORT])
    passages = encoder.passages([text])
    assert len(passages) >= 3
    vectors = encoder.encode([p.text for p in passages])
    weights = np.array([p.n_tokens for p in passages], dtype=np.float64)
    mean = (vectors * weights[:, None]).sum(axis=0) / weights.sum()
    expected = {
        "mean": mean / np.linalg.norm(mean),
        "max": vectors.max(axis=0) / np.linalg.norm(vectors.max(axis=0)),
        "first": vectors[0],
    }
    for mode, want in expected.items():
        got = variant(encoder, pooling=mode).encode([text])[0]
        np.testing.assert_allclose(got, want, atol=2e-5, err_msg=mode)
    raw = variant(encoder, normalize=False).encode([text])[0]
    np.testing.assert_allclose(raw, mean, atol=2e-5)
    assert np.linalg.norm(raw) < 0.99


def test_empty_text_is_an_error_naming_its_index(encoder: SentenceTransformerEncoder) -> None:
    with pytest.raises(ValueError, match="text 1 is empty"):
        encoder.encode(["Ein Satz.", "   "])
    with pytest.raises(ValueError, match="text 2 is empty"):
        encode_cached(encoder, ["a", "b", ""], None)


def test_pool_and_length_batches() -> None:
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [3.0, 4.0]])
    pooled = pool(vectors, [0, 0, 1], 2, "mean", weights=[3, 1, 1], normalize=False)
    np.testing.assert_allclose(pooled, [[0.75, 0.25], [3.0, 4.0]])
    np.testing.assert_allclose(pool(vectors, [0, 0, 1], 2, "max")[1], [0.6, 0.8], atol=1e-7)
    with pytest.raises(ValueError):
        pool(vectors, [0, 0, 2], 3)
    batches = length_batches([5, 50, 7, 1, 30], 2)
    assert [b.tolist() for b in batches] == [[1, 4], [2, 0], [3]]


# --- cache -------------------------------------------------------------------------------------


class BatchDependentEncoder:
    """Vectors that depend on the batch, as int8 with per-tensor activation scales do."""

    name, dim, batch_dependent = "fake-int8", 2, True

    def __init__(self) -> None:
        self.calls: list[int] = []

    def fingerprint(self) -> str:
        return "fake-int8"

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls.append(len(texts))
        return np.array([[len(t), len(texts)] for t in texts], dtype=np.float32)


def test_cache_reuses_batch_dependent_vectors_only_for_the_same_texts(tmp_path: Path) -> None:
    encoder = BatchDependentEncoder()
    texts = ["eins", "zwei", "drei"]
    first = encode_cached(encoder, texts, EmbeddingCache(tmp_path, encoder.fingerprint()))
    again = encode_cached(encoder, texts, EmbeddingCache(tmp_path, encoder.fingerprint()))
    assert np.array_equal(again, first) and encoder.calls == [3]
    # another list of texts gets what a fresh encode gives, not vectors from another batch
    alone = encode_cached(encoder, texts[:1], EmbeddingCache(tmp_path, encoder.fingerprint()))
    assert encoder.calls == [3, 1]
    assert np.array_equal(alone, encoder.encode(texts[:1]))


def test_cache_encodes_only_misses(encoder: SentenceTransformerEncoder, tmp_path: Path) -> None:
    counting = CountingEncoder(encoder)
    texts = ["Die NATO tagt in Brüssel.", "Schweden will beitreten.", SPORT, SPORT]
    cache = EmbeddingCache(tmp_path, counting.fingerprint())
    first = encode_cached(counting, texts, cache)
    assert counting.calls == [3]  # the duplicate is encoded once
    assert cache.stats == {"hits": 0, "misses": 4, "encoded": 3}
    np.testing.assert_allclose(first, encoder.encode(texts), atol=1e-6)

    again = EmbeddingCache(tmp_path, counting.fingerprint())
    assert np.array_equal(encode_cached(counting, texts, again), first)
    assert counting.calls == [3] and again.stats["hits"] == 4 and again.stats["encoded"] == 0

    grown = [*texts, "Die Bundeswehr bekommt neue Panzer.", "Das Wetter wird sonnig."]
    vectors = encode_cached(counting, grown, EmbeddingCache(tmp_path, counting.fingerprint()))
    assert counting.calls == [3, 2]
    assert np.array_equal(vectors[:4], first)

    files = sorted(p.name for p in (tmp_path / counting.fingerprint()).iterdir())
    assert files and all(name.endswith((".npy", ".keys.json")) for name in files)
    for npy in (tmp_path / counting.fingerprint()).glob("*.npy"):
        assert read_npy(npy).dtype == np.float32
    other = EmbeddingCache(tmp_path, "another-fingerprint")
    assert len(other) == 0 and len(EmbeddingCache(tmp_path, counting.fingerprint())) == 5


def test_bfloat16_is_close_to_float32_and_keyed_apart(
    encoder: SentenceTransformerEncoder, seed_text: str
) -> None:
    texts = [seed_text[:1500], SPORT, "Die NATO tagt in Brüssel.", "Schweden will beitreten."]
    half = variant(encoder, precision="bfloat16")
    vectors, reference = half.encode(texts), encoder.encode(texts)
    assert vectors.dtype == np.float32 and not np.array_equal(vectors, reference)
    assert np.min(np.sum(vectors * reference, axis=1)) > 0.9995
    assert np.array_equal(half.encode(texts), vectors)  # the same batches, the same bytes
    assert half.batch_dependent and not encoder.batch_dependent
    assert half.fingerprint() != encoder.fingerprint()


def test_precision_auto_follows_the_cpu_flags(tmp_path: Path) -> None:
    flags = "processor\t: 0\nflags\t\t: fpu sse avx2 avx512f {}\n"
    native, plain = tmp_path / "native", tmp_path / "plain"
    native.write_text(flags.format("avx512_bf16"))
    plain.write_text(flags.format("avx512bw"))
    assert native_bfloat16(str(native)) and not native_bfloat16(str(plain))
    assert not native_bfloat16(str(tmp_path / "missing"))
    expected = "bfloat16" if native_bfloat16() else "float32"
    assert resolve_precision("auto") == expected
    assert resolve_precision("auto", device="cuda") == "float32"
    assert resolve_precision("bfloat16") == "bfloat16"
    with pytest.raises(ValueError, match="precision must be one of"):
        resolve_precision("float16")


# --- LSA ---------------------------------------------------------------------------------------


def _two_topic_corpus(n: int = 40, seed: int = 0) -> tuple[list[list[str]], np.ndarray]:
    rng = np.random.default_rng(seed)
    vocab = [
        ["nato", "munition", "panzer", "bündnis", "verteidigung", "schweden", "militär"],
        ["tor", "spiel", "trainer", "meisterschaft", "stadion", "elfmeter", "saison"],
    ]
    labels = np.arange(n) % 2
    docs = [[*rng.choice(vocab[label], size=12).tolist(), "heute"] for label in labels]
    return docs, labels


def test_lsa_separates_topics_and_round_trips(tmp_path: Path) -> None:
    docs, labels = _two_topic_corpus()
    lsa = LsaEncoder(dims=5, seed=0).fit(docs)
    vectors = lsa.transform(docs)
    assert vectors.dtype == np.float32 and vectors.shape == (40, 5) and lsa.dim == 5
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    sims = vectors @ vectors.T
    same = labels[:, None] == labels[None, :]
    assert sims[same].mean() > sims[~same].mean() + 0.5
    assert np.array_equal(LsaEncoder(dims=5, seed=0).fit(docs).transform(docs), vectors)

    lsa.save(tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == {
        "lsa.json",
        "vocabulary.json",
        "idf.npy",
        "components.npy",
    }
    loaded = LsaEncoder.load(tmp_path)
    assert np.array_equal(loaded.transform(docs), vectors)
    assert loaded.fingerprint() == lsa.fingerprint()
    assert np.all(loaded.transform([["unbekannt"], []]) == 0)
    with pytest.raises(TypeError, match="lists of tokens"):
        lsa.transform(["nato munition"])


def test_lsa_similarities_do_not_depend_on_the_seed() -> None:
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(300)]
    docs = [list(rng.choice(words, size=40)) for _ in range(120)]
    vectors = [LsaEncoder(dims=40, seed=seed).fit(docs).transform(docs) for seed in (0, 1)]
    similarities = [v @ v.T for v in vectors]
    assert np.abs(similarities[0] - similarities[1]).max() < 1e-4


def test_lsa_clamps_dims_on_a_tiny_corpus(seed_text: str) -> None:
    doc = Document.from_text("seed", seed_text)
    tokens = [re.findall(r"\w+", p.lower()) for p in doc.paragraphs]
    lsa = LsaEncoder(dims=200, seed=0).fit(tokens)
    assert lsa.effective_dims == len(tokens) - 1 == lsa.dim
    assert np.isfinite(lsa.transform(tokens)).all()
    single = LsaEncoder(dims=200).fit([tokens[0]])
    assert single.effective_dims == 1
    with pytest.raises(ValueError, match="at least 2 distinct tokens"):
        LsaEncoder().fit([["nato"], ["nato"]])


def test_embed_tokens_builds_lsa_embeddings() -> None:
    docs, _ = _two_topic_corpus(n=10)
    paragraphs = [[d[:6], d[6:], []] for d in docs]
    corpus = TokenizedCorpus([f"d{i}" for i in range(10)], paragraphs, Dictionary(docs))
    emb = embed_tokens(corpus, LsaEncoder(dims=3, seed=1))
    assert emb.doc_vectors.shape == (10, 3) and emb.paragraph_vectors.shape == (20, 3)
    assert emb.paragraph_index[:3].tolist() == [[0, 0], [0, 1], [1, 0]]
    assert emb.info["backend"] == "lsa" and emb.info["dim"] == 3
    # Tokens outside the text stage's dictionary do not count.
    narrow = TokenizedCorpus(corpus.doc_ids, paragraphs, Dictionary([["nato", "tor", "spiel"]]))
    lsa = LsaEncoder(dims=3, seed=1)
    embed_tokens(narrow, lsa)
    assert lsa.vocabulary_ == ["nato", "spiel", "tor"]
    all_tokens = LsaEncoder(dims=3, seed=1)
    embed_tokens(narrow, all_tokens, use_dictionary=False)
    assert len(all_tokens.vocabulary_) > 3


# --- the stage ---------------------------------------------------------------------------------


def test_embed_corpus_pools_paragraphs_into_articles(
    encoder: SentenceTransformerEncoder, seed_text: str, tmp_path: Path
) -> None:
    docs = [
        Document.from_text("seed", seed_text),
        Document.from_text("sport", SPORT + "\n\nDie Fans jubeln."),
    ]
    emb = embed_corpus(docs, encoder, cache_dir=tmp_path / "cache")
    n_par = len(docs[0].paragraphs) + 2
    assert emb.doc_ids == ["seed", "sport"]
    assert emb.paragraph_vectors.shape == (n_par, encoder.dim)
    assert emb.paragraph_index.dtype == np.int32
    assert emb.paragraph_index[-2:].tolist() == [[1, 0], [1, 1]]
    for d, doc in enumerate(docs):
        weights = encoder.count_tokens(list(doc.paragraphs)).astype(np.float64)
        mean = (emb.paragraphs_of(d) * weights[:, None]).sum(axis=0) / weights.sum()
        np.testing.assert_allclose(emb.doc_vectors[d], mean / np.linalg.norm(mean), atol=1e-5)
    assert emb.stats["misses"] == n_par
    assert emb.info["n_paragraphs"] == n_par and emb.info["fingerprint"] == encoder.fingerprint()
    assert "hits" not in emb.info and "misses" not in emb.info

    fresh = SentenceTransformerEncoder("all-MiniLM-L6-v2", precision="float32")
    counting = CountingEncoder(fresh)
    again = embed_corpus(docs, counting, cache_dir=tmp_path / "cache")
    assert counting.calls == [] and again.stats["hits"] == n_par
    assert fresh._model is None  # served from the cache without loading the model
    assert np.array_equal(again.doc_vectors, emb.doc_vectors)


def test_embeddings_save_load(encoder: SentenceTransformerEncoder, tmp_path: Path) -> None:
    docs = [Document.from_text(f"d{i}", f"Absatz {i}.\n\n{SPORT}") for i in range(3)]
    emb = embed_corpus(docs, encoder, cache_dir=None)
    emb.save(tmp_path / "emb")
    assert {p.name for p in (tmp_path / "emb").iterdir()} == {
        "doc_vectors.npy",
        "doc_ids.json",
        "paragraph_vectors.npy",
        "paragraph_index.npy",
        "info.json",
    }
    for mmap in (False, True):
        loaded = Embeddings.load(tmp_path / "emb", mmap=mmap)
        assert loaded.doc_ids == emb.doc_ids and loaded.info == emb.info
        assert np.array_equal(loaded.doc_vectors, emb.doc_vectors)
        assert np.array_equal(loaded.paragraph_vectors, emb.paragraph_vectors)
        assert np.array_equal(loaded.paragraph_index, emb.paragraph_index)
        assert isinstance(loaded.doc_vectors, np.memmap) == mmap


def test_embed_corpus_rejects_documents_without_text(encoder: SentenceTransformerEncoder) -> None:
    empty = Document(id="leer", text="", paragraphs=())
    with pytest.raises(CorpusError, match="'leer'"):
        embed_corpus([Document.from_text("a", "Text."), empty], encoder, cache_dir=None)


def test_make_encoder_takes_the_backend_and_its_parameters() -> None:
    encoder = make_encoder(pooling="max", passage_overlap=8, max_length=128, batch_size=4)
    assert isinstance(encoder, SentenceTransformerEncoder) and isinstance(encoder, Encoder)
    assert (encoder.pooling, encoder.passage_overlap, encoder.max_length) == ("max", 8, 128)
    assert encoder.batch_size == 4
    with pytest.raises(ValueError, match="backend 'lsa'"):
        make_encoder("lsa")


def test_a_run_resolves_precision_on_the_client_for_every_backend(tmp_path: Path) -> None:
    from toolkit.experiment import config_from_mapping
    from toolkit.experiment.stages.embeddings import EmbeddingsStage, _model, embeddings_section

    def config(**embeddings: object):
        mapping = {"name": "p", "corpus": {"path": str(tmp_path)}, "embeddings": embeddings}
        return config_from_mapping(mapping)

    resolved = resolve_precision("auto")
    assert embeddings_section(config()).precision == resolved
    assert EmbeddingsStage().settings(config())["precision"] == resolved
    forced = embeddings_section(config(precision="float32"))
    assert forced.precision == "float32" and _model(forced.model_dump_json()).precision == "float32"
    # the keys differ, so a run never finds vectors of the other precision in the cache
    other = "float32" if resolved == "bfloat16" else "bfloat16"
    assert EmbeddingsStage().settings(config(precision=other)) != EmbeddingsStage().settings(
        config()
    )
    onnx = embeddings_section(config(backend="onnx", quantize=False))
    assert not hasattr(_model(onnx.model_dump_json()), "precision")  # ONNX has its own graph


def test_max_length_limits_passages() -> None:
    short = SentenceTransformerEncoder(max_length=64)
    assert short.model.max_seq_length == 64
    passages = short.passages([SPORT * 3])
    assert len(passages) > 1 and max(p.n_tokens for p in passages) <= 62


@pytest.mark.slow
def test_articles_of_the_same_label_are_closer_on_10kgnad(
    encoder: SentenceTransformerEncoder, gnad_csv: Path
) -> None:
    import csv

    with open(gnad_csv, encoding="utf-8", newline="") as handle:
        rows = list(itertools.islice(csv.reader(handle, delimiter=";", quotechar="'"), 40))
    docs = [
        Document.from_text(f"gnad/{i}", text, split_long=150, label=label)
        for i, (label, text) in enumerate(rows)
    ]
    emb = embed_corpus(docs, encoder, cache_dir=None)
    np.testing.assert_allclose(np.linalg.norm(emb.doc_vectors, axis=1), 1.0, atol=1e-5)
    labels = np.array([doc.label for doc in docs])
    sims = emb.doc_vectors @ emb.doc_vectors.T
    same = (labels[:, None] == labels[None, :]) & ~np.eye(len(docs), dtype=bool)
    different = labels[:, None] != labels[None, :]
    # MiniLM is an English model: German articles are all fairly close, labels still show.
    assert sims[same].mean() > sims[different].mean() + 0.02
