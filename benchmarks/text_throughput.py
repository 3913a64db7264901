"""Throughput of the German text pipeline on the 10kgnad test file (1,028 articles).

Measures input tokens per second of each step and of the whole ``fit_transform`` (default
``TextPipeline``: lemmatisation and phrases on), and writes
``benchmarks/results/text_throughput.json``.

Run: ``.venv/bin/python benchmarks/text_throughput.py`` (the data folder is ``$TOOLKIT_DATA``,
default ``../shared``). Timings are wall-clock on a shared machine: other jobs running at the
same time slow them down, so compare runs made under similar load.
"""

from __future__ import annotations

import csv
import os
import platform
import time
from pathlib import Path

import simplemma

from toolkit.corpus.document import Document
from toolkit.io import write_json
from toolkit.progress import set_quiet
from toolkit.text import PhraseDetector, TextPipeline, lemmatize, tokenize, tokenize_clauses

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("TOOLKIT_DATA") or ROOT.parent / "shared")
CSV_PATH = DATA / "corpora" / "10kgnad" / "test.csv"


def read_documents(path: Path) -> list[Document]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";", quotechar="'"))
    return [
        Document.from_text(f"10kgnad/{i}", row[1], split_long=150, label=row[0])
        for i, row in enumerate(rows)
    ]


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def main() -> None:
    set_quiet(True)
    docs = read_documents(CSV_PATH)
    paragraphs = [p for doc in docs for p in doc.paragraphs]
    # simplemma loads its German dictionary on first use; keep that out of the step timings
    _, load_seconds = timed(simplemma.lemmatize, "Häuser", "de")

    tokens, tokenize_seconds = timed(lambda: [t for p in paragraphs for t in tokenize(p)])
    n_tokens = len(tokens)
    lemmatize.cache_clear()
    _, lemmatize_seconds = timed(lambda: [lemmatize(t) for t in tokens])
    clauses = [[t.lower() for t in clause] for p in paragraphs for clause in tokenize_clauses(p)]
    _, phrases_seconds = timed(lambda: PhraseDetector(min_count=5, threshold=0.5).fit(clauses))

    lemmatize.cache_clear()
    pipeline = TextPipeline()
    tc, pipeline_seconds = timed(pipeline.fit_transform, docs)
    output_tokens = sum(len(par) for pars in tc.paragraphs for par in pars)

    def rate(seconds: float) -> dict[str, float]:
        return {"seconds": round(seconds, 3), "tokens_per_second": round(n_tokens / seconds)}

    results = {
        "corpus": "corpora/10kgnad/test.csv",
        "documents": len(docs),
        "paragraphs": len(paragraphs),
        "input_tokens": n_tokens,
        "unique_surface_forms": len(set(tokens)),
        "simplemma_load_seconds": round(load_seconds, 3),
        "steps": {
            "tokenize": rate(tokenize_seconds),
            "lemmatize_memoised": rate(lemmatize_seconds),
            "phrases_fit": rate(phrases_seconds),
            "fit_transform": rate(pipeline_seconds),
        },
        "output_tokens": output_tokens,
        "phrases_learned": len(pipeline.phrases_.phrasegrams_),
        "dictionary_size": len(tc.dictionary),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "note": "wall-clock on a shared 2-core machine; other jobs add noise",
    }
    print(f"10kgnad: {len(docs)} documents, {len(paragraphs)} paragraphs, {n_tokens} input tokens")
    for step, values in results["steps"].items():
        seconds, speed = values["seconds"], values["tokens_per_second"]
        print(f"  {step:20s} {seconds:7.2f} s  {speed:>10,.0f} input tokens/s")
    print(
        f"  output: {output_tokens} tokens, {results['phrases_learned']} phrases, "
        f"{results['dictionary_size']} dictionary entries; load average {results['load_average']}"
    )
    write_json(ROOT / "benchmarks" / "results" / "text_throughput.json", results)


if __name__ == "__main__":
    main()
