"""The one command for the benchmarks against peers (BERTopic, gensim, scikit-learn, tomotopy).

    .venv/bin/python benchmarks/run_all.py [--quick] [--scale 10000 100000] [--out DIR]

Default: quality on 10kGNAD (every system, 3 seeds) and scale at 10,000 synthetic documents
(< 30 min on 2 cores). ``--quick``: the first 300 articles, 2 seeds, scale at 2,000 documents.
The 1M-document point is a separate, long command:
``--scale 1000000 --no-quality --out benchmarks/results/1m``. Writes
``<out>/peers.json`` and ``<out>/peers.md`` and prints the Markdown table.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.peers.suite import run_suite  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few minutes: 300 docs, 2 seeds")
    parser.add_argument("--scale", type=int, nargs="*", default=None, help="synthetic sizes")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument(
        "--data",
        type=Path,
        default=Path(os.environ.get("TOOLKIT_DATA") or ROOT.parent / "shared")
        / "corpora" / "10kgnad" / "test.csv",
        help="the 10kGNAD test.csv ($TOOLKIT_DATA/corpora/10kgnad/test.csv)",
    )  # fmt: skip
    parser.add_argument("--no-quality", action="store_true", help="scale points only (1M)")
    parser.add_argument("--keep-work", action="store_true", help="keep the temporary work folder")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        raise SystemExit(f"10kGNAD not found at {args.data}: set TOOLKIT_DATA or pass --data")
    sizes = args.scale if args.scale is not None else ([2_000] if args.quick else [10_000])
    workdir = Path(tempfile.mkdtemp(prefix="toolkit-peers-"))
    command = shlex.join([".venv/bin/python", "benchmarks/run_all.py", *(argv or sys.argv[1:])])
    try:
        run_suite(
            args.data.resolve(), sizes, args.out, workdir, args.quick, command, not args.no_quality
        )
    finally:
        if args.keep_work:
            print(f"work folder kept: {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
