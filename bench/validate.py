"""Benchmark `repoconf validate`: 1, 100 and 1,000 repositories, wall time and peak memory, start-up.

Each measurement runs the installed `repoconf` command in a fresh process (as a user does); peak memory
is the child's maximum resident set size. Run from the repository root: `python -m bench.validate`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench.policies import write_policy
from bench.process import measure_repeated
from bench.report import write_section

SIZES = (1, 100, 1000)
REPOSITORY_TARGET_S = 1.0
STARTUP_TARGET_S = 0.3


def main() -> None:
    """Measure and write the figures to docs/benchmarks.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    command = [sys.executable, "-m", "repoconf.cli.main"]
    table = [
        f"| repositories | wall time (min / median / max of {args.repeat}) | peak RSS | target |",
        "| ---: | ---: | ---: | --- |",
    ]
    worst = 0.0
    with tempfile.TemporaryDirectory() as directory:
        for size in SIZES:
            policy = write_policy(Path(directory), size)
            spread = measure_repeated([*command, "validate", str(policy)], args.repeat)
            worst = max(worst, spread.median)
            table.append(f"| {size:,} | {spread.seconds(3)} | {spread.peak_mib:.0f} MiB | < 1 s |")
            print(table[-1])
    startup = measure_repeated([*command, "--help"], args.repeat)
    table.append(
        f"| start-up (`repoconf --help`) | {startup.seconds(3)} | {startup.peak_mib:.0f} MiB | < 0.3 s |"
    )
    print(table[-1])
    notes = [
        f"Targets met: 1,000 repositories {'yes' if worst < REPOSITORY_TARGET_S else 'NO'}, "
        f"start-up {'yes' if startup.median < STARTUP_TARGET_S else 'NO'}. Times include the "
        "interpreter's start; peak RSS is the child's maximum resident set (getrusage).",
    ]
    write_section("validate", "python -m bench.validate", table, notes)


if __name__ == "__main__":
    main()
