"""A whole 10kgnad run (every stage) with German, gloss or static gloss vectors: cold and warm.

``experiments/10kgnad.yaml`` is run in a new process per point, with every stage on, into a
scratch folder. The embeddings stage's encoder is the one the proposed ``embeddings.input``
setting would build (the config cannot name it yet, so this script installs it as the run's
encoder; the stage cache is fresh, so no vector of another encoder is reused):

* ``german``: ``SentenceTransformerEncoder()`` on the German text (today's default);
* ``gloss``: ``GlossEncoder(SentenceTransformerEncoder(), Glosser())``;
* ``static``: ``StaticTermEncoder`` over the gloss, term vectors from the ONNX fp32 export of the
  same model (same vectors, cosine 1.000, faster on short terms), IDF weighting fitted on the
  corpus paragraphs in the embeddings stage.

``--bertopic`` also times BERTopic end to end (the peers suite's runner) right after, so the
ratio is taken under the same load.

What is paid once per machine and what per run is kept apart: ``--machine-cache`` holds the
parsed dictionary, the ONNX export and the term-vector table (``--table`` fills it with every
English term of the dictionary first); the run cache (stages, paragraph vectors) is separate.
``new_machine`` (with ``--new-machine``) starts from an empty machine cache too; ``cold`` is an
empty run cache on a machine cache that holds the corpus's term vectors (those of the previous
point, or of an earlier run); ``warm`` is the same run again.

Run: ``python benchmarks/gloss_run_10kgnad.py --encoder static [--table]``; writes
``benchmarks/results/gloss_run_10kgnad.json`` (merged by encoder).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "gloss_run_10kgnad.json"
CONFIG = ROOT / "experiments" / "10kgnad.yaml"


def build_encoder(kind: str, machine_cache: Path):
    """The encoder of one point; term vectors are cached in the machine cache."""
    from toolkit.embeddings import SentenceTransformerEncoder
    from toolkit.embeddings.gloss import GlossEncoder
    from toolkit.embeddings.onnx import OnnxEncoder
    from toolkit.embeddings.static import StaticTermEncoder
    from toolkit.lexicon import Glosser, Lexicon

    if kind == "german":
        return SentenceTransformerEncoder()
    glosser = Glosser(Lexicon.from_file(cache_dir=machine_cache / "lexicon"))
    if kind == "gloss":
        return GlossEncoder(SentenceTransformerEncoder(), glosser)
    terms_model = OnnxEncoder(batch_size=256, quantize=False, cache_dir=machine_cache / "onnx")
    return StaticTermEncoder(
        terms_model,
        lambda text: glosser.gloss_tokens(glosser.tokens(text)),
        weighting="idf",
        cache_dir=machine_cache / "embeddings",
        analyzer_id=glosser.fingerprint(),
    )


def child(kind: str, machine_cache: Path, run_cache: Path, out: Path) -> None:
    """One run in this process; prints a JSON line with the stage times."""
    start = time.perf_counter()
    import toolkit.embeddings as embeddings
    from toolkit.experiment import stages
    from toolkit.experiment.runner import run_experiment

    built: dict = {}

    def encoder_of(_context):
        # built on first use, as the run's own encoder is: a warm run never needs it
        if "encoder" not in built:
            built["encoder"] = build_encoder(kind, machine_cache)
        return built["encoder"]

    stages.Context.encoder = property(encoder_of)
    plain = embeddings.embed_corpus

    def fitted(documents, encoder, cache_dir):
        # the proposed stage wiring: term weights are fitted on the corpus paragraphs first
        if hasattr(encoder, "fit"):
            encoder.fit([p for d in documents for p in d.paragraphs if p.strip()])
        return plain(documents, encoder, cache_dir)

    embeddings.embed_corpus = fitted
    setup = time.perf_counter() - start
    run = run_experiment(CONFIG, out=out, cache_dir=run_cache)
    total = time.perf_counter() - start
    manifest = json.loads((Path(run.path) / "manifest.json").read_text("utf-8"))
    metrics = json.loads((Path(run.path) / "metrics.json").read_text("utf-8"))
    print(
        "RESULT "
        + json.dumps(
            {
                "seconds_in_process": total,
                "setup_seconds": setup,
                "run_seconds": manifest.get("seconds"),
                "plot_seconds": manifest.get("plot_seconds"),
                "stages": manifest.get("stages"),
                "clusters_nmi": metrics.get("clusters", {}).get("nmi"),
                "num_clusters": metrics.get("clusters", {}).get("num_clusters"),
            }
        )
    )


def build_table(machine_cache: Path) -> float:
    """Encode every English term of the dictionary into the machine cache; seconds taken."""
    from toolkit.lexicon import Lexicon

    start = time.perf_counter()
    encoder = build_encoder("static", machine_cache)
    lexicon = Lexicon.from_file(cache_dir=machine_cache / "lexicon")
    terms = lexicon.english_terms()
    encoder.term_vectors(terms)
    print(f"term table: {len(terms)} terms", flush=True)
    return time.perf_counter() - start


def children_cpu_seconds() -> float:
    """User + system CPU seconds of every finished child process so far (robust to load)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bertopic_point(scratch: Path) -> dict:
    """BERTopic end to end (the peers suite's runner, 9 topics), in a new process."""
    data = Path(os.environ.get("TOOLKIT_DATA") or ROOT.parent / "shared")
    workdir = scratch / "bertopic"
    workdir.mkdir()
    job = {"system": "bertopic", "corpus": str(data / "corpora" / "10kgnad" / "test.csv")}
    job |= {"seed": 0, "k": 9, "workdir": str(workdir)}
    (workdir / "job.json").write_text(json.dumps(job), "utf-8")
    command = [sys.executable, "-m", "benchmarks.peers.worker", str(workdir / "job.json")]
    command.append(str(workdir / "out.json"))
    start, cpu = time.perf_counter(), children_cpu_seconds()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    wall, cpu = time.perf_counter() - start, children_cpu_seconds() - cpu
    stages = json.loads((workdir / "out.json").read_text("utf-8"))["stages"]
    print(f"bertopic: {wall:.1f}s wall, {cpu:.1f}s CPU", flush=True)
    return {"wall_seconds": wall, "cpu_seconds": cpu, "stages": stages}


def point(kind: str, machine_cache: Path, run_cache: Path, scratch: Path, name: str) -> dict:
    env = {**os.environ, "TOOLKIT_CACHE": str(run_cache)}
    command = [sys.executable, __file__, "--child", kind, "--machine-cache", str(machine_cache)]
    command += ["--run-cache", str(run_cache), "--out", str(scratch / name)]
    start, cpu = time.perf_counter(), children_cpu_seconds()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall, cpu = time.perf_counter() - start, children_cpu_seconds() - cpu
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{name} failed:\n{done.stderr[-3000:]}")
    result = json.loads(lines[-1][len("RESULT ") :])
    result["wall_seconds"], result["cpu_seconds"] = wall, cpu
    print(f"{kind} {name}: {wall:.1f}s wall, {cpu:.1f}s CPU, NMI {result['clusters_nmi']}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--encoder", choices=["german", "gloss", "static"], default="static")
    parser.add_argument("--machine-cache", type=Path, default=None)
    parser.add_argument("--table", action="store_true", help="fill the term table first")
    parser.add_argument("--bertopic", action="store_true", help="also time BERTopic, same load")
    parser.add_argument(
        "--new-machine", action="store_true", help="first a run with an empty machine cache"
    )
    parser.add_argument("--child", choices=["german", "gloss", "static"], help=argparse.SUPPRESS)
    parser.add_argument("--run-cache", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.machine_cache, args.run_cache, args.out)
        return
    machine_cache = args.machine_cache or Path(os.environ.get("TOOLKIT_CACHE", ".cache/toolkit"))
    result: dict = {"encoder": args.encoder, "machine_cache_filled_first": args.table}
    if args.table:
        result["table_seconds"] = build_table(machine_cache)
        print(f"term table: {result['table_seconds']:.1f}s", flush=True)
    with tempfile.TemporaryDirectory(prefix="gloss-run-") as scratch:
        folder = Path(scratch)
        if args.new_machine:
            # everything from nothing: dictionary parse, ONNX export, every term vector
            new_machine = folder / "machine"
            result["new_machine"] = point(
                args.encoder, new_machine, folder / "cache-new", folder, "new_machine"
            )
            machine_cache = new_machine
        run_cache = folder / "cache"
        result["cold"] = point(args.encoder, machine_cache, run_cache, folder, "cold")
        result["warm"] = point(args.encoder, machine_cache, run_cache, folder, "warm")
        if args.bertopic:
            result["bertopic"] = bertopic_point(folder)
            for name in ("new_machine", "cold", "warm"):
                if name in result:
                    result[f"{name}_over_bertopic"] = {
                        unit: result[name][unit] / result["bertopic"][unit]
                        for unit in ("wall_seconds", "cpu_seconds")
                    }
    result["warm_over_cold"] = result["warm"]["wall_seconds"] / result["cold"]["wall_seconds"]
    results = json.loads(RESULTS.read_text("utf-8")) if RESULTS.is_file() else {}
    # one entry per kind of point: "static-new_machine", "static-table", "gloss" ...
    key = args.encoder + ("-table" if args.table else "")
    key += "-new_machine" if args.new_machine else ""
    results[key] = result
    from toolkit.io import write_json

    write_json(RESULTS, results)
    print(f"warm/cold {result['warm_over_cold']:.3f}; wrote {RESULTS}")


if __name__ == "__main__":
    main()
