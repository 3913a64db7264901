"""German text, its English gloss, or static gloss term vectors as the MiniLM input (10kgnad).

Candidates for the dense vectors (all through the offline all-MiniLM-L6-v2):

* ``german``: every paragraph as written (today's default);
* ``gloss-<sense>``: every paragraph's English gloss (:class:`toolkit.lexicon.Glosser`, sense
  choice ``rich``, ``typed`` or ``first``) through the full model (:class:`GlossEncoder`);
* ``static-<weighting>-<sense>``: each paragraph the weighted mean of its gloss terms' vectors,
  every distinct term encoded once (:class:`StaticTermEncoder`).

Per candidate, on the 1,028 test articles (article vectors pooled from paragraph vectors as the
embeddings stage pools them; LSA and BM25 as the stage and the search index build them):

* label precision@10 of ``dense`` alone and of ``hybrid`` (the search index's fusion with its
  default weights), with the functions of ``benchmarks/search_10kgnad.py``, and its weight grid
  (``tune``) for article-to-article and free-text fusion;
* free text (``benchmarks/data/search_queries_dev.jsonl``): hit@1 / hit@10 / MRR per mode;
* k-means NMI at k = 20 of the clustered vectors (MiniLM and LSA combined 1:1, UMAP 5-D, the
  model's vectors centred, as the clusters stage does; and the dense vectors alone), mean over
  ``--seeds`` seeds; ``*_plain``: the same without centring;
* themes: cosine of each labelled paragraph of ``theme_paragraphs_dev*.jsonl`` to each theme's
  description and seeds (``benchmarks/data/theme_definitions.yaml``): accuracy of the most
  similar theme on theme paragraphs, and ROC AUC of the best similarity, theme against ``none``;
* seconds per step (the machine is shared: upper bounds); with ``--timings`` also the
  dictionary's parse (empty cache) and cached load, and glossing every paragraph (first pass and
  memoised pass, after the text pipeline has lemmatised the corpus as a run does).

Run: ``TOOLKIT_DATA=../shared python benchmarks/gloss_10kgnad.py [--candidates a,b] [--seeds 3]``;
results are merged by candidate into ``benchmarks/results/gloss_10kgnad.json``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from search_10kgnad import free_text, label_precision, load_docs, tune  # noqa: E402

from toolkit.clusters import Reduction, cluster_metrics, combine_vectors, reduce_vectors  # noqa: E402
from toolkit.clusters.cluster import fit_cluster_labels  # noqa: E402
from toolkit.clusters.combine import mean_direction  # noqa: E402
from toolkit.embeddings import (  # noqa: E402
    LsaEncoder,
    SentenceTransformerEncoder,
    default_cache_root,
    embed_corpus,
    embed_tokens,
)
from toolkit.embeddings.gloss import GlossEncoder  # noqa: E402
from toolkit.embeddings.static import StaticTermEncoder  # noqa: E402
from toolkit.experiment.schema import TextConfig  # noqa: E402
from toolkit.experiment.stages.text import text_params  # noqa: E402
from toolkit.io import read_json, read_jsonl, write_json  # noqa: E402
from toolkit.lexicon import Glosser, Lexicon  # noqa: E402
from toolkit.search import SearchIndex  # noqa: E402
from toolkit.text import TextPipeline  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
RESULTS = ROOT / "benchmarks" / "results" / "gloss_10kgnad.json"
DEFAULT_CANDIDATES = (
    "german,gloss-rich,gloss-first,static-count-rich,static-sublinear-rich,static-idf-rich,"
    "static-sif-rich,static-count-typed,static-count-first,static-count-rich-known"
)


def make_encoder(name: str, lexicon: Lexicon) -> Any:
    """The encoder a candidate name describes."""
    if name == "german":
        return SentenceTransformerEncoder()
    kind, *rest = name.split("-")
    # a trailing "-known" leaves out words the dictionary lacks (names, rare words); a
    # trailing "-2" takes two English synonyms per sense
    known = "known" in rest
    terms = 2 if "2" in rest else 1
    rest = [part for part in rest if part not in ("known", "2")]
    glosser = Glosser(lexicon, sense=rest[-1], keep_unknown=not known, terms_per_sense=terms)
    if kind == "gloss":
        return GlossEncoder(SentenceTransformerEncoder(), glosser)
    if kind == "static":
        return StaticTermEncoder(
            SentenceTransformerEncoder(batch_size=256),
            lambda text: glosser.gloss_tokens(glosser.tokens(text)),
            weighting=rest[0],
            analyzer_id=glosser.fingerprint(),
        )
    raise ValueError(f"unknown candidate {name!r}")


def cluster_nmi(vectors: np.ndarray, labels: list[str], seeds: int) -> dict[str, float]:
    """k-means NMI at k = 20 after UMAP 5-D, mean and sd over seeds 0 .. seeds-1."""
    scores = []
    for seed in range(seeds):
        reduced = reduce_vectors(vectors, Reduction(), seed)
        assigned, _ = fit_cluster_labels(reduced, method="kmeans", num_clusters=20, seed=seed)
        scores.append(cluster_metrics(reduced, assigned, labels, seed)["nmi"])
    return {"mean": float(np.mean(scores)), "sd": float(np.std(scores)), "seeds": scores}


def theme_scores(encoder: Any) -> dict[str, Any]:
    """Per dev set: theme accuracy of the most similar theme and theme-vs-none ROC AUC."""
    definitions = yaml.safe_load((DATA / "theme_definitions.yaml").read_text("utf-8"))
    names = list(definitions)
    queries = [f"{d['description']}. {', '.join(d['seeds'])}" for d in definitions.values()]
    theme_vectors = encoder.encode(queries)
    out: dict[str, Any] = {}
    for path in sorted(DATA.glob("theme_paragraphs_dev*.jsonl")):
        rows = list(read_jsonl(path))
        similarity = encoder.encode([row["text"] for row in rows]) @ theme_vectors.T
        truth = np.array([row["label"] for row in rows])
        themed = truth != "none"
        best = np.array(names)[similarity.argmax(axis=1)]
        out[path.stem] = {
            "theme_accuracy": float((best[themed] == truth[themed]).mean()),
            "theme_vs_none_auc": float(roc_auc_score(themed, similarity.max(axis=1))),
            "paragraphs": len(rows),
        }
    return out


def evaluate(name: str, encoder: Any, shared: dict[str, Any], seeds: int) -> dict[str, Any]:
    docs, labels, doc_tokens, lsa = (shared[k] for k in ("docs", "labels", "doc_tokens", "lsa"))
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    if isinstance(encoder, StaticTermEncoder) and encoder.weighting in ("idf", "sif"):
        encoder.fit([p for doc in docs for p in doc.paragraphs if p.strip()])
    embeddings = embed_corpus(docs, encoder, default_cache_root())
    seconds["embed_corpus"] = time.perf_counter() - start
    dense = embeddings.doc_vectors
    ids = [d.id for d in docs]
    index = SearchIndex().fit(ids, doc_tokens, dense, lsa=lsa.doc_vectors)
    start = time.perf_counter()
    queries = list(read_jsonl(DATA / "search_queries_dev.jsonl"))
    vectors = encoder.encode([q["query"] for q in queries])
    seconds["encode_queries"] = time.perf_counter() - start
    for q, vector in zip(queries, vectors, strict=True):
        q["tokens"] = shared["pipeline"].transform_text(q["query"])
        q["dense"] = vector
        q["lsa"] = shared["lsa_encoder"].transform([q["tokens"]])[0]
    start = time.perf_counter()
    result: dict[str, Any] = {
        "label_precision@10": {m: label_precision(index, labels, m) for m in ("dense", "hybrid")},
        "free_text_dev": {m: free_text(index, queries, m) for m in ("dense", "hybrid")},
    }
    seconds["search_eval"] = time.perf_counter() - start
    start = time.perf_counter()
    grid = tune(index, labels, queries)["weights"]
    result["fusion_grid"] = grid
    seconds["fusion_grid"] = time.perf_counter() - start
    start = time.perf_counter()
    truth = list(labels)
    # centred as the clusters stage centres the model's vectors (clusters.centre_embeddings);
    # "plain": without, as before that setting
    centre = [mean_direction(dense)]
    result["kmeans20_nmi"] = {
        "combined": cluster_nmi(
            combine_vectors([dense, lsa.doc_vectors], [1.0, 1.0], [*centre, None]), truth, seeds
        ),
        "dense": cluster_nmi(combine_vectors([dense], [1.0], centre), truth, seeds),
        "combined_plain": cluster_nmi(
            combine_vectors([dense, lsa.doc_vectors], [1.0, 1.0]), truth, seeds
        ),
        "dense_plain": cluster_nmi(dense, truth, seeds),
    }
    seconds["clusters"] = time.perf_counter() - start
    start = time.perf_counter()
    result["themes"] = theme_scores(encoder)
    seconds["themes"] = time.perf_counter() - start
    result["seconds"] = seconds
    result["embedding_stats"] = embeddings.stats
    print_summary(name, result)
    return result


def print_summary(name: str, r: dict[str, Any]) -> None:
    p, f, n = r["label_precision@10"], r["free_text_dev"], r["kmeans20_nmi"]
    themes = " ".join(
        f"{k[-4:]} acc {v['theme_accuracy']:.3f} auc {v['theme_vs_none_auc']:.3f}"
        for k, v in r["themes"].items()
    )
    print(
        f"{name:24s} P@10 dense {p['dense']:.3f} hybrid {p['hybrid']:.3f} | MRR dense "
        f"{f['dense']['mrr']:.3f} hybrid {f['hybrid']['mrr']:.3f} | NMI20 combined "
        f"{n['combined']['mean']:.3f} dense {n['dense']['mean']:.3f} (not centred: "
        f"{n['combined_plain']['mean']:.3f}, {n['dense_plain']['mean']:.3f}) | {themes} | "
        + ", ".join(f"{k} {v:.1f}s" for k, v in r["seconds"].items())
    )


def lexicon_timings(docs: list) -> dict[str, float]:
    """Dictionary parse (empty cache) and cached load; glossing every paragraph, first pass
    (every word looked up) and again (memoised), after the text pipeline lemmatised them."""
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as empty:
        start = time.perf_counter()
        Lexicon.from_file(cache_dir=empty)
        out["parse_seconds"] = time.perf_counter() - start
        start = time.perf_counter()
        lexicon = Lexicon.from_file(cache_dir=empty)
        out["cached_load_seconds"] = time.perf_counter() - start
    paragraphs = [p for doc in docs for p in doc.paragraphs if p.strip()]
    glosser = Glosser(lexicon)
    for name in ("gloss_first_pass_seconds", "gloss_memo_pass_seconds"):
        start = time.perf_counter()
        glosses = [glosser.gloss(p) for p in paragraphs]
        out[name] = time.perf_counter() - start
    out["paragraphs"] = len(paragraphs)
    out["words"] = sum(len(glosser.tokens(p)) for p in paragraphs)
    out["gloss_terms"] = sum(len(g.split()) for g in glosses)
    out["distinct_words"] = len(glosser._memo)
    print("lexicon and gloss timings:", {k: round(v, 2) for k, v in out.items()})
    return out


def shared_inputs() -> dict[str, Any]:
    """Documents, labels, text pipeline tokens, LSA (as the embeddings stage fits it)."""
    start = time.perf_counter()
    docs = load_docs()
    pipeline = TextPipeline(**text_params(TextConfig()))
    tokenized = pipeline.fit_transform(docs)
    lsa_encoder = LsaEncoder(dims=200, seed=0)
    lsa = embed_tokens(tokenized, lsa_encoder)
    print(f"text and LSA {time.perf_counter() - start:.1f}s")
    return {
        "docs": docs,
        "labels": np.array([d.label for d in docs]),
        "pipeline": pipeline,
        "doc_tokens": tokenized.documents(),
        "lsa": lsa,
        "lsa_encoder": lsa_encoder,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--candidates", default=DEFAULT_CANDIDATES, help="comma-separated; '' none")
    parser.add_argument("--seeds", type=int, default=3, help="UMAP/k-means seeds for NMI")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--timings", action="store_true", help="dictionary and gloss timings")
    args = parser.parse_args()
    start = time.perf_counter()
    lexicon = Lexicon.from_file()
    load_seconds = time.perf_counter() - start
    print(f"lexicon loaded in {load_seconds:.2f}s (from cache: {lexicon.cached})")
    shared = shared_inputs()
    results = read_json(args.out) if args.out.is_file() else {"candidates": {}}
    if args.timings:
        results["lexicon"] = lexicon_timings(shared["docs"])
        write_json(args.out, results)
    for name in filter(None, args.candidates.split(",")):
        results["candidates"][name] = evaluate(
            name, make_encoder(name, lexicon), shared, args.seeds
        )
        results["seeds"] = args.seeds
        write_json(args.out, results)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
