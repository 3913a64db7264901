"""Run one system on one corpus in this process: ``python -m benchmarks.peers.worker JOB OUT``.

``JOB`` is a JSON file with the fields of :class:`benchmarks.peers.systems.Job`; the system's
outputs are written to the JSON file ``OUT``. The suite starts one such process per system and
seed, so each one's peak memory is its own.
"""

from __future__ import annotations

import sys
from pathlib import Path

from benchmarks.peers.systems import SYSTEMS, Job
from toolkit.io import read_json, write_json


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit("usage: python -m benchmarks.peers.worker JOB.json OUT.json")
    spec = read_json(argv[0])
    job = Job(
        system=spec["system"],
        corpus=Path(spec["corpus"]),
        seed=int(spec["seed"]),
        k=int(spec["k"]),
        workdir=Path(spec["workdir"]),
        options=spec.get("options", {}),
    )
    runner = spec.get("runner", job.system)
    write_json(argv[1], SYSTEMS[runner](job))


if __name__ == "__main__":
    main(sys.argv[1:])
