"""Theme assignment accuracy on labelled paragraphs, and the calibration of the theme defaults.

Usage::

    python benchmarks/themes_eval.py                       # the three dev sets
    python benchmarks/themes_eval.py --data HELDOUT.jsonl  # dev sets and a held-out file
    python benchmarks/themes_eval.py --corpus ../shared/corpora/10kgnad/test.csv --combined-only
    python benchmarks/themes_eval.py --calibrate           # grid search on dev and dev2

Each labelled file is scored as a run would score a corpus: the text pipeline and the theme
expansion are fitted on the file's paragraphs (plus the ``--corpus`` articles when given). The
themes are those of ``benchmarks/data/theme_definitions.yaml`` (a one-line description and five
seeds each). Reports macro-F1 (four classes: three themes and ``none``), per-class F1 and the
confusion matrix for lexical evidence only, embedding evidence only, TF-IDF evidence only and the
default combination.
The single-evidence rows use the threshold that is best for them on dev and dev2 (mean
macro-F1). ``--calibrate`` chooses the lexical weight (embedding weight 1 - lexical) and the
threshold by the mean macro-F1 of ``theme_paragraphs_dev.jsonl`` (170 paragraphs) and
``theme_paragraphs_dev2.jsonl`` (132 paragraphs written later, mostly without literal seed
terms), prints what tuning on one of them alone scores on the other, and scores the choice on
``theme_paragraphs_dev3.jsonl`` (120 paragraphs, 30 per class, written last and never used for a
choice: mostly paraphrases without seed or description words, with hard ``none`` paragraphs
that contain them: club and party *Mitglieder*, the *Aufnahme* of refugees, the budgets of other
ministries, an inflation *Ziel* of two *Prozent*). With ``--corpus``, every row also gives the
share of the corpus paragraphs that get a theme (on general news it should stay a few per
cent). Writes ``benchmarks/results/themes_eval.json`` (``themes_eval_corpus.json`` with
``--corpus``).

The labels draw these boundaries: ``arms_production`` is producing and procuring weapons and
ammunition and the industry's capacity (factories, orders, supply chains); ``membership`` is
joining NATO or the EU (accession, ratification, membership prospects); ``defence_spending`` is
military budgets, the 2 % target and special funds; ``none`` is everything else, including
battlefield reports, sanctions, diplomacy and arms *deliveries* from existing stocks.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from sklearn.metrics import confusion_matrix, f1_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit.config import ThemesConfig, ThemeSettings  # noqa: E402
from toolkit.corpus.document import Document  # noqa: E402
from toolkit.embeddings import (  # noqa: E402
    EmbeddingCache,
    Encoder,
    SentenceTransformerEncoder,
    default_cache_root,
    encode_cached,
)
from toolkit.io import read_jsonl, write_json  # noqa: E402
from toolkit.text import TextPipeline  # noqa: E402
from toolkit.themes.scorer import ThemeScorer  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
DEV = DATA / "theme_paragraphs_dev.jsonl"
DEV2 = DATA / "theme_paragraphs_dev2.jsonl"
DEV3 = DATA / "theme_paragraphs_dev3.jsonl"
DEFINITIONS = DATA / "theme_definitions.yaml"
RESULTS = ROOT / "benchmarks" / "results" / "themes_eval.json"
THRESHOLDS = np.round(np.arange(0.30, 0.801, 0.02), 2)
LEXICAL_WEIGHTS = np.round(np.arange(0.1, 0.701, 0.1), 1)


def load_definitions(path: Path = DEFINITIONS) -> ThemesConfig:
    return ThemesConfig.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def read_gnad(path: Path) -> list[Document]:
    frame = pd.read_csv(path, sep=";", quotechar="'", header=None, names=["label", "text"])
    return [
        Document.from_text(f"gnad/{i}", text, split_long=150)
        for i, text in enumerate(frame["text"].astype(str))
    ]


class MemoEncoder:
    """An encoder that remembers its vectors: the grid search encodes the same definitions."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder
        self.name, self.dim = encoder.name, encoder.dim
        self._memo: dict[str, np.ndarray] = {}

    def fingerprint(self) -> str:
        return self.encoder.fingerprint()

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._memo]
        if missing:
            self._memo.update(zip(missing, self.encoder.encode(missing), strict=True))
        return np.stack([self._memo[t] for t in texts])


class Dataset:
    """Labelled paragraphs with their tokens and vectors, fitted as a run would fit them."""

    def __init__(self, path: Path, encoder: MemoEncoder, extra: list[Document]) -> None:
        rows = list(read_jsonl(path))
        self.name = path.name
        self.labels = [row["label"] for row in rows]
        docs = [Document.from_text(row["id"], row["text"]) for row in rows]
        # the labelled paragraphs come first, so their units are the first len(rows) ones
        pipeline = TextPipeline()
        corpus = pipeline.fit_transform(docs + extra)
        index, tokens = corpus.paragraph_units()
        texts = [(docs + extra)[d].paragraphs[p] for d, p in index]
        self.n_labelled = sum(len(doc.paragraphs) for doc in docs)
        if self.n_labelled != len(rows):
            raise ValueError(f"{path}: every labelled row must be a single paragraph")
        self.tokens = tokens
        self.n_extra = len(tokens) - self.n_labelled
        self.analyze = pipeline.analyze
        cache = EmbeddingCache(default_cache_root(), encoder.fingerprint())
        self.vectors = encode_cached(encoder, texts, cache)


def evaluate(
    data: Dataset, themes: ThemesConfig, settings: ThemeSettings, encoder: MemoEncoder
) -> tuple[float, list[str]]:
    f1, predicted, _ = evaluate_with_corpus(data, themes, settings, encoder)
    return f1, predicted


def evaluate_with_corpus(
    data: Dataset, themes: ThemesConfig, settings: ThemeSettings, encoder: MemoEncoder
) -> tuple[float, list[str], float | None]:
    """Macro-F1, predictions and the share of ``--corpus`` paragraphs given a theme (or None)."""
    scorer = ThemeScorer(themes.definitions, settings, data.analyze, encoder)
    scorer.fit(data.tokens, data.vectors)
    n = data.n_labelled
    predicted = scorer.assign(scorer.score(data.tokens[:n], data.vectors[:n]))
    share = None
    if data.n_extra:
        extra = scorer.assign(scorer.score(data.tokens[n:], data.vectors[n:]))
        share = sum(label != "none" for label in extra) / len(extra)
    return f1_score(data.labels, predicted, average="macro"), predicted, share


def best_threshold(
    datasets: list[Dataset], themes: ThemesConfig, encoder: MemoEncoder, **weights: float
) -> tuple[float, float]:
    """``(mean macro-F1, threshold)`` of the best threshold for the weights (ties: lowest)."""
    best = (-1.0, 0.0)
    for threshold in THRESHOLDS:
        settings = themes.settings.model_copy(update={"threshold": float(threshold), **weights})
        f1 = float(np.mean([evaluate(data, themes, settings, encoder)[0] for data in datasets]))
        if f1 > best[0] + 1e-12:
            best = (f1, float(threshold))
    return best


def report(data: Dataset, predicted: list[str], classes: list[str]) -> dict:
    per_class = f1_score(data.labels, predicted, labels=classes, average=None)
    matrix = confusion_matrix(data.labels, predicted, labels=classes)
    return {
        "macro_f1": round(float(f1_score(data.labels, predicted, average="macro")), 4),
        "per_class_f1": {c: round(float(f), 4) for c, f in zip(classes, per_class, strict=True)},
        "confusion": {"labels": classes, "matrix": matrix.tolist()},
    }


def calibrate(
    datasets: list[Dataset], themes: ThemesConfig, encoder: MemoEncoder, check: Dataset
) -> dict:
    """Grid search of lexical weight (embedding weight 1 - lexical) and threshold on
    ``datasets``; ``check`` (never used for the choice) shows how the choice generalises."""
    table = {}
    for lexical, threshold in itertools.product(LEXICAL_WEIGHTS, THRESHOLDS):
        update = {
            "lexical_weight": float(lexical),
            "embedding_weight": round(1.0 - float(lexical), 1),
            "threshold": float(threshold),
        }
        settings = themes.settings.model_copy(update=update)
        table[float(lexical), float(threshold)] = [
            evaluate(data, themes, settings, encoder)[0] for data in datasets
        ]
    for lexical in LEXICAL_WEIGHTS:
        key = max((k for k in table if k[0] == lexical), key=lambda k: np.mean(table[k]))
        scores = " ".join(f"{f:.4f}" for f in table[key])
        print(f"lexical_weight={lexical:.1f} threshold={key[1]:.2f} macro-F1 per dev set {scores}")
    for i, data in enumerate(datasets):
        key = max(table, key=lambda k: table[k][i])
        others = {d.name: round(table[key][j], 4) for j, d in enumerate(datasets) if j != i}
        print(f"tuned on {data.name} alone: {key} -> {table[key][i]:.4f}, elsewhere {others}")
    (lexical, threshold), scores = max(table.items(), key=lambda item: np.mean(item[1]))
    chosen = {
        "DEFAULT_THRESHOLD": threshold,
        "DEFAULT_LEXICAL_WEIGHT": lexical,
        "DEFAULT_EMBEDDING_WEIGHT": round(1.0 - lexical, 1),
        "dev_macro_f1": {d.name: round(f, 4) for d, f in zip(datasets, scores, strict=True)},
    }
    settings = themes.settings.model_copy(
        update={
            "lexical_weight": lexical,
            "embedding_weight": round(1.0 - lexical, 1),
            "threshold": threshold,
        }
    )
    chosen["check_macro_f1"] = {
        check.name: round(float(evaluate(check, themes, settings, encoder)[0]), 4)
    }
    print("\nchosen defaults:")
    for key, value in chosen.items():
        print(f"  {key} = {value}")
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data", type=Path, action="append", default=[], help="another labelled file"
    )
    parser.add_argument(
        "--corpus", type=Path, help="10kgnad-style CSV added to every fitted corpus"
    )
    parser.add_argument("--calibrate", action="store_true", help="grid-search the defaults on dev")
    parser.add_argument(
        "--combined-only",
        action="store_true",
        help="only the default combination (the single-evidence rows need a threshold search, "
        "slow with --corpus)",
    )
    args = parser.parse_args()

    themes = load_definitions()
    classes = [*themes.definitions, "none"]
    encoder = MemoEncoder(SentenceTransformerEncoder())
    extra = read_gnad(args.corpus) if args.corpus else []
    start = time.perf_counter()
    devs = [Dataset(DEV, encoder, extra), Dataset(DEV2, encoder, extra)]
    check = Dataset(DEV3, encoder, extra)
    if args.calibrate:
        chosen = calibrate(devs, themes, encoder, check)
        write_json(RESULTS.with_name("themes_calibration.json"), chosen)
        return

    modes = {
        "lexical only": {"lexical_weight": 1.0, "embedding_weight": 0.0, "tfidf_weight": 0.0},
        "embedding only": {"lexical_weight": 0.0, "embedding_weight": 1.0, "tfidf_weight": 0.0},
        "tf-idf only": {"lexical_weight": 0.0, "embedding_weight": 0.0, "tfidf_weight": 1.0},
    }
    if args.combined_only:
        modes = {}
    thresholds = {name: best_threshold(devs, themes, encoder, **w)[1] for name, w in modes.items()}
    results: dict = {"corpus": str(args.corpus) if args.corpus else None, "files": {}}
    rows = []
    for data in [*devs, check, *(Dataset(path, encoder, extra) for path in args.data)]:
        file_results = {}
        for name, weights in [*modes.items(), ("combined (defaults)", {})]:
            update = {**weights, "threshold": thresholds[name]} if weights else {}
            settings = themes.settings.model_copy(update=update)
            _, predicted, share = evaluate_with_corpus(data, themes, settings, encoder)
            file_results[name] = report(data, predicted, classes)
            file_results[name]["threshold"] = update.get("threshold")
            file_results[name]["corpus_assigned_share"] = share
            per = file_results[name]["per_class_f1"]
            rows.append(
                f"| {data.name} | {name} | {file_results[name]['macro_f1']:.3f} | "
                + " | ".join(f"{per[c]:.2f}" for c in classes)
                + (f" | {share:.3f}" if share is not None else " | -")
                + " |"
            )
        results["files"][data.name] = file_results
    results["seconds"] = round(time.perf_counter() - start, 1)
    print("| file | evidence | macro-F1 | " + " | ".join(classes) + " | corpus assigned |")
    print("|---|---|---|" + "---|" * (len(classes) + 1))
    print("\n".join(rows))
    for name, file_results in results["files"].items():
        combined = file_results["combined (defaults)"]["confusion"]
        print(f"\n{name}, combined: confusion matrix (rows true, columns predicted {classes})")
        for label, row in zip(classes, combined["matrix"], strict=True):
            print(f"  {label:18s} {row}")
    # a corpus run does not replace the dev-set figures
    out = RESULTS.with_name("themes_eval_corpus.json") if args.corpus else RESULTS
    write_json(out, results)
    print(f"\nwrote {out} ({results['seconds']} s)")


if __name__ == "__main__":
    main()
