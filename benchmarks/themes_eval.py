"""Theme assignment accuracy on labelled paragraphs, by kind of evidence (each file alone).

Usage::

    python benchmarks/themes_eval.py                       # the three dev sets
    python benchmarks/themes_eval.py --data HELDOUT.jsonl  # and a held-out file

Each labelled file is scored as a run would score it as its corpus: the text pipeline is fitted
on its paragraphs, every paragraph gets a sentence vector and a vector of its English gloss
(:class:`toolkit.embeddings.gloss.GlossEncoder`: the Ding dictionary at
``/usr/share/trans/de-en`` and all-MiniLM-L6-v2), and the themes are those of
``benchmarks/data/theme_definitions.yaml`` (a one-line description and five seeds each).
Reports macro-F1 (four classes: three themes and ``none``), per-class F1 and the confusion
matrix for the default combination and for each kind of evidence alone (every other weight 0,
at the threshold that is best for it on dev and dev2, mean macro-F1). Writes
``benchmarks/results/themes_eval.json``. The mixture with 10kGNAD and the calibration of the
defaults are ``benchmarks/themes_mixed.py``.

The files: ``theme_paragraphs_dev.jsonl`` (170 paragraphs) and ``theme_paragraphs_dev2.jsonl``
(132 paragraphs written later, mostly without literal seed terms, with hard negatives on
battlefield news, sanctions, diplomacy and arms *deliveries*) are used for choices;
``theme_paragraphs_dev3.jsonl`` (120 paragraphs, 30 per class, written last: mostly paraphrases
without seed or description words, with hard ``none`` paragraphs that contain them — club and
party *Mitglieder*, the *Aufnahme* of refugees, the budgets of other ministries, an inflation
*Ziel* of two *Prozent*) has never been used for a choice and is the check.

The labels draw these boundaries: ``arms_production`` is producing and procuring weapons and
ammunition and the industry's capacity (factories, orders, supply chains); ``membership`` is
joining NATO or the EU (accession, ratification, membership prospects); ``defence_spending`` is
military budgets, the 2 % target and special funds; ``none`` is everything else, including
battlefield reports, sanctions, diplomacy and arms *deliveries* from existing stocks.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from sklearn.metrics import confusion_matrix, f1_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit.corpus.document import Document  # noqa: E402
from toolkit.embeddings import (  # noqa: E402
    EmbeddingCache,
    Encoder,
    SentenceTransformerEncoder,
    default_cache_root,
    encode_cached,
)
from toolkit.embeddings.gloss import GlossEncoder  # noqa: E402
from toolkit.io import read_jsonl, write_json  # noqa: E402
from toolkit.lexicon import Glosser  # noqa: E402
from toolkit.text import TextPipeline  # noqa: E402
from toolkit.themes import ThemeScorer, ThemeSpec  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
DEV = DATA / "theme_paragraphs_dev.jsonl"
DEV2 = DATA / "theme_paragraphs_dev2.jsonl"
DEV3 = DATA / "theme_paragraphs_dev3.jsonl"
DEFINITIONS = DATA / "theme_definitions.yaml"
RESULTS = ROOT / "benchmarks" / "results" / "themes_eval.json"
CLASSES = ["arms_production", "membership", "defence_spending", "none"]
# each kind of evidence alone: every other weight 0
SINGLE = ["lexical", "gloss", "prototype", "tfidf", "embedding"]
THRESHOLDS = [round(t, 2) for t in np.arange(0.5, 5.01, 0.25)]
# what names the EU, and what names the alliance (membership_recall)
EU_WORDS = re.compile(r"\bEU\b|Europäische|\bUnion\b|Brüssel")
ALLIANCE_WORDS = re.compile(r"NATO|Nato|Bündnis|Allianz|Verbündet")


def load_themes(path: Path = DEFINITIONS) -> dict[str, ThemeSpec]:
    """The benchmark's themes, as ``ThemeSpec`` objects."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {name: ThemeSpec(t["description"], t["seeds"]) for name, t in raw.items()}


def read_gnad(path: Path) -> list[Document]:
    """The 10kGNAD articles, paragraphs cut at 150 words as the run's corpus stage does."""
    frame = pd.read_csv(path, sep=";", quotechar="'", header=None, names=["label", "text"])
    return [
        Document.from_text(f"gnad/{i}", text, split_long=150)
        for i, text in enumerate(frame["text"].astype(str))
    ]


class MemoEncoder:
    """An encoder that remembers its vectors: a grid search encodes the same texts again."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder
        self.name, self.dim = encoder.name, encoder.dim
        self._memo: dict[str, np.ndarray] = {}

    @classmethod
    def for_gloss(cls, encoder: MemoEncoder, glosser: Glosser) -> MemoEncoder:
        """A remembering gloss encoder over the (remembering) sentence encoder."""
        return cls(GlossEncoder(encoder, glosser))

    def fingerprint(self) -> str:
        return self.encoder.fingerprint()

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._memo]
        if missing:
            self._memo.update(zip(missing, self.encoder.encode(missing), strict=True))
        return np.stack([self._memo[t] for t in texts])


class Dataset:
    """Labelled paragraphs (plus optional extra articles) fitted as a run would fit them."""

    def __init__(
        self,
        path: Path,
        encoder: MemoEncoder,
        glosser: Glosser,
        extra: list,
        context_model: MemoEncoder | None = None,
        static=None,
    ) -> None:
        rows = list(read_jsonl(path))
        self.name = path.name + ("+10kgnad" if extra else "")
        self.labels = [row["label"] for row in rows]
        docs = [Document.from_text(row["id"], row["text"]) for row in rows]
        pipeline = TextPipeline()
        # the labelled paragraphs come first, so their units are the first len(rows) ones
        corpus = pipeline.fit_transform(docs + extra)
        index, self.tokens = corpus.paragraph_units()
        texts = self.texts = [(docs + extra)[d].paragraphs[p] for d, p in index]
        self.n_labelled = sum(len(doc.paragraphs) for doc in docs)
        if self.n_labelled != len(rows):
            raise ValueError(f"{path}: every labelled row must be a single paragraph")
        self.n_extra = len(self.tokens) - self.n_labelled
        self.extra_article = np.array([d - len(docs) for d, _ in index[self.n_labelled :]])
        self.analyze = pipeline.analyze
        cache = EmbeddingCache(default_cache_root(), encoder.fingerprint())
        self.vectors = encode_cached(encoder, texts, cache)
        self.gloss_encoder = None
        if static is not None:
            # the static gloss vectors (the embeddings' default input) as the context
            self.gloss_encoder = static().fit(texts)  # idf weights of this corpus, as a run's
            self.gloss_vectors = self.gloss_encoder.encode(texts)
            return
        # the gloss vectors are the sentence vectors of the glosses: cached as such
        model = context_model or encoder
        glosses = GlossEncoder(model, glosser).glosses(texts)
        self.gloss_vectors = encode_cached(
            model, glosses, EmbeddingCache(default_cache_root(), model.fingerprint())
        )
        if context_model is not None:
            self.gloss_encoder = MemoEncoder.for_gloss(context_model, glosser)


def scorer_for(
    data: Dataset, themes: dict, encoder: MemoEncoder, gloss: MemoEncoder, **params: float
) -> ThemeScorer:
    """A scorer fitted on ``data`` as a run would fit it, with ``params`` over the defaults."""
    gloss = data.gloss_encoder or gloss
    scorer = ThemeScorer(
        themes, analyze=data.analyze, encoder=encoder, gloss_encoder=gloss, **params
    )
    return scorer.fit(data.tokens, data.vectors, data.gloss_vectors)


def report(labels: list[str], predicted: list[str]) -> dict:
    """Macro-F1, per-class F1 and the confusion matrix (rows true, columns predicted)."""
    per_class = f1_score(labels, predicted, labels=CLASSES, average=None, zero_division=0)
    matrix = confusion_matrix(labels, predicted, labels=CLASSES)
    return {
        "macro_f1": round(float(f1_score(labels, predicted, average="macro", zero_division=0)), 4),
        "per_class_f1": {c: round(float(f), 4) for c, f in zip(CLASSES, per_class, strict=True)},
        "confusion": {"labels": CLASSES, "matrix": matrix.tolist()},
    }


def membership_recall(labels: list[str], predicted: list[str], texts: list[str]) -> dict:
    """Recall of ``membership`` apart for the paragraphs worded about the EU alone.

    The labels count joining NATO *or the EU* as membership (module docstring), while the
    configured theme, the seed article's, describes NATO. A paragraph is ``eu_only`` when it
    names the EU (EU, Union, Brüssel, Europäische) and no alliance (NATO, Bündnis, Allianz,
    Verbündete); ``other`` is every other membership paragraph.
    """
    found: dict[str, dict[str, int]] = {
        kind: {"paragraphs": 0, "found": 0} for kind in ("eu_only", "other")
    }
    for label, guess, text in zip(labels, predicted, texts, strict=True):
        if label != "membership":
            continue
        eu_only = EU_WORDS.search(text) and not ALLIANCE_WORDS.search(text)
        counts = found["eu_only" if eu_only else "other"]
        counts["paragraphs"] += 1
        counts["found"] += guess == "membership"
    return found


def predictions(data: Dataset, themes: dict, encoder, gloss, thresholds, **params) -> dict:
    """Predicted labels of the labelled paragraphs for each threshold (one fit)."""
    scorer = scorer_for(data, themes, encoder, gloss, **params)
    scores = scorer.score(data.tokens, data.vectors, data.gloss_vectors)
    out = {}
    for threshold in thresholds:
        scorer.threshold = threshold
        out[threshold] = scorer.assign(scores)[: data.n_labelled]
    return out


def evaluate(data: Dataset, themes: dict, encoder, gloss, **params: float) -> dict:
    """The report of the scorer with ``params`` over the defaults."""
    threshold = params.pop("threshold", ThemeScorer(themes).threshold)
    predicted = predictions(data, themes, encoder, gloss, [threshold], **params)[threshold]
    return report(data.labels, predicted)


def single_evidence_thresholds(datasets: list[Dataset], themes, encoder, gloss) -> dict:
    """Each kind of evidence alone, at its best threshold on dev and dev2 (mean macro-F1)."""
    weights = {f"{kind}_weight": 0.0 for kind in SINGLE}
    chosen = {}
    for kind in SINGLE:
        params = {**weights, f"{kind}_weight": 1.0}
        runs = [predictions(d, themes, encoder, gloss, THRESHOLDS, **params) for d in datasets]

        def mean_f1(t: float, runs: list = runs) -> float:
            return float(
                np.mean(
                    [
                        f1_score(d.labels, r[t], average="macro")
                        for d, r in zip(datasets, runs, strict=True)
                    ]
                )
            )

        chosen[f"{kind} only"] = {**params, "threshold": max(THRESHOLDS, key=mean_f1)}
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, action="append", default=[], help="another file")
    parser.add_argument(
        "--no-check", action="store_true", help="leave out dev3 (while making choices)"
    )
    args = parser.parse_args()
    themes = load_themes()
    encoder = MemoEncoder(SentenceTransformerEncoder())
    glosser = Glosser()
    gloss = MemoEncoder.for_gloss(encoder, glosser)
    start = time.perf_counter()
    devs = [Dataset(DEV, encoder, glosser, []), Dataset(DEV2, encoder, glosser, [])]
    modes = {"combined (defaults)": {}}
    modes.update(single_evidence_thresholds(devs, themes, encoder, gloss))
    results: dict = {"files": {}, "modes": modes}
    print("| file | evidence | threshold | macro-F1 | " + " | ".join(CLASSES) + " |")
    print("|---|---|---|---|" + "---|" * len(CLASSES))
    files = [] if args.no_check else [DEV3]
    for data in devs + [Dataset(path, encoder, glosser, []) for path in files + args.data]:
        results["files"][data.name] = {}
        for mode, params in modes.items():
            result = evaluate(data, themes, encoder, gloss, **params)
            results["files"][data.name][mode] = result
            per = result["per_class_f1"]
            print(
                f"| {data.name} | {mode} | {params.get('threshold', 'default')} | "
                f"{result['macro_f1']:.3f} | " + " | ".join(f"{per[c]:.2f}" for c in CLASSES) + " |"
            )
    results["seconds"] = round(time.perf_counter() - start, 1)
    if args.no_check:
        return  # the results file always holds the check
    write_json(RESULTS, results)
    print(f"\nwrote {RESULTS} ({results['seconds']} s)")


if __name__ == "__main__":
    main()
