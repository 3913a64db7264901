"""Encoder speed and fidelity on 10kgnad: sentence-transformers vs the toolkit's backends.

Every article is split into passages (the toolkit's splitter, so all backends see the same
passages), every passage is encoded, and the passage vectors are pooled per article. Five
backends run in the same process:

(a) plain ``SentenceTransformer.encode`` on the passages in their natural order (float32),
(b) ``SentenceTransformerEncoder`` (length-sorted batches) in float32, (c) the same in
bfloat16 (torch's CPU autocast; what ``precision: auto`` chooses on a CPU with AVX512-BF16 or
AMX), (d) ``OnnxEncoder`` fp32, (e) ``OnnxEncoder`` int8.

They are timed interleaved: the articles are cut into rounds, and in each round every backend
encodes the same articles, in a rotating order, so load from other processes on the machine
hits all of them alike and the speed ratios stay fair even when absolute timings are noisy.
Fidelity is the cosine of each backend's article vectors to (a)'s; quality is label
precision@10 (share of an article's 10 nearest neighbours by cosine with its label) and the
NMI of k-means (k = number of labels) against the labels, mean (and sd) over 20 fixed seeds.

Run: ``.venv/bin/python benchmarks/encoder_speed.py [--limit N] [--rounds R]``; prints a
Markdown table and writes ``benchmarks/results/encoder_speed.json``.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import sys
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import normalized_mutual_info_score

from toolkit.embeddings.onnx import OnnxEncoder
from toolkit.embeddings.onnx_export import export_settings
from toolkit.embeddings.passages import Passage, pool
from toolkit.embeddings.sentence_transformers import SentenceTransformerEncoder, native_bfloat16
from toolkit.io import write_json

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("TOOLKIT_DATA") or ROOT.parent / "shared")
# One k-means seed's NMI varies by about 0.011 (sd) on these vectors; the mean of 20 seeds has a
# standard error of about 0.003, small against the 0.01 tolerance it is compared with.
KMEANS_SEEDS = tuple(range(20))


def read_gnad(path: Path, limit: int | None) -> tuple[list[str], list[str]]:
    """Texts and labels of the 10kgnad CSV (``label;text``, ``'`` quotes, no header)."""
    texts, labels = [], []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter=";", quotechar="'"):
            labels.append(row[0])
            texts.append(row[1])
            if limit is not None and len(texts) >= limit:
                break
    return texts, labels


def precision_at_k(vectors: np.ndarray, labels: np.ndarray, k: int = 10) -> float:
    """Mean share of each row's ``k`` nearest rows (cosine, itself excluded) with its label."""
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, -np.inf)
    k = min(k, len(vectors) - 1)
    nearest = np.argpartition(-similarity, k, axis=1)[:, :k]
    return float(np.mean(labels[nearest] == labels[:, None]))


def kmeans_nmi(vectors: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """NMI of k-means (k = number of labels) against the labels: mean and sd over fixed seeds."""
    k = len(np.unique(labels))
    scores = [
        normalized_mutual_info_score(
            labels, KMeans(n_clusters=k, n_init=4, random_state=seed).fit_predict(vectors)
        )
        for seed in KMEANS_SEEDS
    ]
    return float(np.mean(scores)), float(np.std(scores))


def cpu_model() -> str:
    """The CPU model name from ``/proc/cpuinfo`` (or the platform's answer elsewhere)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def plain_sentence_transformers(encoder: SentenceTransformerEncoder) -> Callable:
    """Backend (a): ``SentenceTransformer.encode`` on the passages, pooled per article."""

    def encode(texts: list[str], passages: list[Passage]) -> np.ndarray:
        vectors = encoder.model.encode(
            [p.text for p in passages], batch_size=encoder.batch_size, show_progress_bar=False
        )
        groups = [p.text_index for p in passages]
        weights = [p.n_tokens for p in passages]
        return pool(vectors, groups, len(texts), encoder.pooling, weights, encoder.normalize)

    return encode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA / "corpora" / "10kgnad" / "test.csv")
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved timing rounds")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=None, help="default: all cores")
    args = parser.parse_args()

    import torch

    threads = args.threads or os.cpu_count() or 1
    torch.set_num_threads(threads)
    texts, label_names = read_gnad(args.data, args.limit)
    labels = np.unique(label_names, return_inverse=True)[1]
    settings = {"batch_size": args.batch_size, "threads": threads}
    st = SentenceTransformerEncoder(precision="float32", **settings)
    st_bf16 = SentenceTransformerEncoder(precision="bfloat16", **settings)
    st_bf16._model = st.model  # one copy of the weights; autocast is applied per call
    onnx_fp32 = OnnxEncoder(quantize=False, **settings)
    onnx_int8 = OnnxEncoder(quantize=True, **settings)
    backends: dict[str, Callable] = {
        "sentence-transformers (plain encode)": plain_sentence_transformers(st),
        "toolkit SentenceTransformerEncoder": lambda texts, _: st.encode(texts),
        "toolkit SentenceTransformerEncoder bfloat16": lambda texts, _: st_bf16.encode(texts),
        "toolkit OnnxEncoder fp32": lambda texts, _: onnx_fp32.encode(texts),
        "toolkit OnnxEncoder int8": lambda texts, _: onnx_int8.encode(texts),
    }
    # Warm-up outside the timing: model loading and the one-off ONNX export / quantisation.
    for encode in backends.values():
        encode(texts[:2], st.passages(texts[:2]))

    rounds = np.array_split(np.arange(len(texts)), max(1, min(args.rounds, len(texts))))
    names = list(backends)
    seconds = dict.fromkeys(names, 0.0)
    parts: dict[str, list[np.ndarray]] = {name: [] for name in names}
    n_passages = 0
    for r, index in enumerate(rounds):
        chunk = [texts[i] for i in index]
        passages = st.passages(chunk)
        n_passages += len(passages)
        for name in names[r % len(names) :] + names[: r % len(names)]:
            start = time.perf_counter()
            parts[name].append(backends[name](chunk, passages))
            seconds[name] += time.perf_counter() - start
        print(f"round {r + 1}/{len(rounds)}: {len(chunk)} articles", file=sys.stderr)

    vectors = {name: np.concatenate(parts[name]) for name in names}
    reference = vectors[names[0]]
    rows = []
    for name in names:
        nmi_mean, nmi_sd = kmeans_nmi(vectors[name], labels)
        cosine = np.sum(vectors[name] * reference, axis=1)
        rows.append(
            {
                "backend": name,
                "seconds": seconds[name],
                "articles_per_s": len(texts) / seconds[name],
                "passages_per_s": n_passages / seconds[name],
                "speedup_vs_plain": seconds[names[0]] / seconds[name],
                "cosine_mean": float(cosine.mean()),
                "cosine_min": float(cosine.min()),
                "precision_at_10": precision_at_k(vectors[name], labels),
                "kmeans_nmi": nmi_mean,
                "kmeans_nmi_sd": nmi_sd,
            }
        )

    for row in rows:
        row["precision_delta"] = row["precision_at_10"] - rows[0]["precision_at_10"]
        row["nmi_delta"] = row["kmeans_nmi"] - rows[0]["kmeans_nmi"]
    header = (
        "| backend | articles/s | passages/s | speed-up | cos mean | cos min | P@10 | ΔP@10 "
        "| NMI (± sd over seeds) | ΔNMI |"
    )
    print(
        f"\n{len(texts)} articles, {n_passages} passages, {threads} threads, "
        f"{len(rounds)} interleaved rounds\n"
    )
    print(header)
    print("|" + "---|" * 10)
    for row in rows:
        print(
            f"| {row['backend']} | {row['articles_per_s']:.2f} | {row['passages_per_s']:.2f} | "
            f"{row['speedup_vs_plain']:.2f}x | {row['cosine_mean']:.4f} | "
            f"{row['cosine_min']:.4f} | {row['precision_at_10']:.4f} | "
            f"{row['precision_delta']:+.4f} | "
            f"{row['kmeans_nmi']:.4f} ± {row['kmeans_nmi_sd']:.4f} | {row['nmi_delta']:+.4f} |"
        )
    load = os.getloadavg()
    print(
        f"\nload average during the run (1/5/15 min): {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
    )

    write_json(
        ROOT / "benchmarks" / "results" / "encoder_speed.json",
        {
            "command": " ".join([Path(sys.executable).name, *sys.argv]),
            "data": str(args.data),
            "articles": len(texts),
            "passages": n_passages,
            "rounds": len(rounds),
            "timing": "backends interleaved per round in rotating order (fair ratios under load)",
            "machine": {
                "cpu_count": os.cpu_count(),
                "cpu_model": cpu_model(),
                "native_bfloat16": native_bfloat16(),
                "load_average": load,
                "python": platform.python_version(),
            },
            "versions": {
                pkg: version(pkg)
                for pkg in (
                    "torch",
                    "sentence-transformers",
                    "transformers",
                    "onnx",
                    "onnxruntime",
                    "numpy",
                    "scikit-learn",
                )
            },
            "settings": {**settings, "model": st.name, "export": export_settings(quantize=True)},
            "results": rows,
        },
    )


if __name__ == "__main__":
    main()
