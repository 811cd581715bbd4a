"""Benchmark `repoconf validate`: 1 to 10,000 repositories, wall and CPU time, peak memory, scaling.

Each measurement runs the installed `repoconf` command in a fresh process (as a user does); peak memory
is the child's maximum resident set size. Sizes are measured in alternating order between repetitions,
so load from elsewhere on the machine falls on all of them. Run from the repository root:
`python -m bench.validate` (`--repeat N`, `--sizes ...`).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench.policies import write_policy
from bench.process import Measurement, Spread, measure
from bench.report import write_section
from bench.scaling import LINEAR_TOLERANCE, linear, per_repository_ms

SIZES = (1, 100, 1000, 5000, 10000)
REPOSITORY_TARGET_S = 1.0
STARTUP_TARGET_S = 0.3


def main() -> None:
    """Measure and write the figures to docs/benchmarks.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    args = parser.parse_args()
    sizes = sorted({1, 1000, *args.sizes})
    command = [sys.executable, "-m", "repoconf.cli.main"]
    table = [
        f"| repositories | wall time (min / median / max of {args.repeat}) | CPU time (median) | "
        "CPU per repository | peak RSS |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    runs: dict[int, list[Measurement]] = {size: [] for size in sizes}
    startup: list[Measurement] = []
    with tempfile.TemporaryDirectory() as directory:
        policies = {size: write_policy(Path(directory), size) for size in sizes}
        for repetition in range(args.repeat):
            for size in sizes if repetition % 2 == 0 else reversed(sizes):
                runs[size].append(measure([*command, "validate", str(policies[size])]))
            startup.append(measure([*command, "--help"]))
    spreads = {size: Spread(measured) for size, measured in runs.items()}
    per_repository = {size: per_repository_ms(spreads[size], spreads[1], size) for size in sizes if size > 1}
    for size, spread in spreads.items():
        share = f"{per_repository[size]:.3f} ms" if size > 1 else "(fixed cost)"
        table.append(
            f"| {size:,} | {spread.seconds(3)} | {spread.cpu_median:.3f} s | {share} | "
            f"{spread.peak_mib:.0f} MiB |"
        )
        print(table[-1])
    start = Spread(startup)
    table.append(
        f"| start-up (`repoconf --help`) | {start.seconds(3)} | {start.cpu_median:.3f} s | - | "
        f"{start.peak_mib:.0f} MiB |"
    )
    print(table[-1])
    notes = [
        f"Targets: 1,000 repositories under {REPOSITORY_TARGET_S:.0f} s "
        f"{'met' if 1000 in spreads and spreads[1000].median < REPOSITORY_TARGET_S else 'NOT met'}; start-up "
        f"under {STARTUP_TARGET_S} s {'met' if start.median < STARTUP_TARGET_S else 'NOT met'}; linear to "
        f"{max(sizes):,} repositories (CPU per repository at most {LINEAR_TOLERANCE} × that at 1,000) "
        f"{'met' if linear(per_repository) else 'NOT met'}. Times include the interpreter's start; CPU per "
        "repository is the median CPU time less the 1-repository run's, divided by the repositories "
        "beyond the first; peak RSS is the child's maximum resident set (getrusage).",
    ]
    write_section("validate", "python -m bench.validate", table, notes)


if __name__ == "__main__":
    main()
