"""How much of 10kGNAD the German-English dictionary reads (``Glosser.coverage``).

Every paragraph of the 1,028 test articles (as the corpus stage splits them) is glossed as a
run glosses it: words glossed (as written, by lemma, through compound parts), passed through
unknown (mostly names: ``USA``, ``ÖVP``, ``Faymann``) and left out (stopwords, numbers), the
unknown share of the words read, and the most frequent unknown words.

Run: ``TOOLKIT_DATA=../shared python benchmarks/gloss_coverage.py``; writes
``benchmarks/results/gloss_coverage.json``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from clusters_10kgnad import read_gnad  # noqa: E402

from toolkit.io import write_json  # noqa: E402
from toolkit.lexicon import Glosser, gloss_source  # noqa: E402


def main() -> None:
    paragraphs = [p for doc in read_gnad() for p in doc.paragraphs]
    glosser = Glosser()
    start = time.perf_counter()
    report = glosser.coverage(paragraphs, top=40)
    seconds = round(time.perf_counter() - start, 2)
    result = {
        "paragraphs": len(paragraphs),
        "lexicon": gloss_source(),
        **report,
        "seconds": seconds,
    }
    print(
        f"{len(paragraphs)} paragraphs: glossed {report['glossed']}, unknown {report['unknown']}"
        f" ({report['unknown_share']:.1%} of the words read), left out {report['left_out']}"
    )
    print("most frequent unknown:", ", ".join(f"{w} {c}" for w, c in report["top_unknown"][:20]))
    write_json(ROOT / "benchmarks" / "results" / "gloss_coverage.json", result)


if __name__ == "__main__":
    main()
