"""Benchmark `repoconf diff`: two policies of 1 to 10,000 repositories, wall and CPU time, peak memory.

HEAD differs from BASE in `defaults` (production-release's wait timer lowered, a required check
removed), so every repository changes and every change is a weakened gate: the worst case for the diff
and its report. Each measurement runs the installed command in a fresh process, as a pull-request job
does, sizes in alternating order between repetitions. Run from the repository root:
`python -m bench.diff` (`--repeat N`, `--sizes ...`).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from bench.policies import write_policy
from bench.process import Measurement, Spread, measure
from bench.report import write_section
from bench.scaling import LINEAR_TOLERANCE, linear, per_repository_ms

SIZES = (1, 100, 1000, 5000, 10000)
TARGET_S = 2.0
TARGET_MIB = 200.0


def main() -> None:
    """Measure and write the figures to docs/benchmarks.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    args = parser.parse_args()
    sizes = sorted({1, 1000, *args.sizes})
    command = [sys.executable, "-m", "repoconf.cli.main", "diff"]
    table = [
        f"| repositories | changes (all weakening) | wall time (min / median / max of {args.repeat}) | "
        "CPU time (median) | CPU per repository | peak RSS |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    runs: dict[int, list[Measurement]] = {size: [] for size in sizes}
    with tempfile.TemporaryDirectory() as directory:
        argv = {}
        for size in sizes:
            base = write_policy(Path(directory), size)
            head = base.with_name(f"head-{size}.yaml")
            text = base.read_text(encoding="utf-8")
            head.write_text(
                text.replace("wait_timer: 30", "wait_timer: 5", 1).replace(
                    "        - Security Scans\n", "", 1
                ),
                encoding="utf-8",
            )
            argv[size] = [*command, str(base), str(head), "--format", "json"]
        for repetition in range(args.repeat):
            for size in sizes if repetition % 2 == 0 else reversed(sizes):
                runs[size].append(measure(argv[size], expected_codes=(1,)))  # 1: changes found
    spreads = {size: Spread(measured) for size, measured in runs.items()}
    per_repository = {size: per_repository_ms(spreads[size], spreads[1], size) for size in sizes if size > 1}
    for size, spread in spreads.items():
        summary = json.loads(spread.runs[0].stdout)["summary"]
        if summary != {"changes": 2 * size, "weakening": 2 * size}:
            sys.exit(f"unexpected diff of {size} repositories: {summary}")
        share = f"{per_repository[size]:.3f} ms" if size > 1 else "(fixed cost)"
        table.append(
            f"| {size:,} | {2 * size:,} | {spread.seconds(3)} | {spread.cpu_median:.3f} s | {share} | "
            f"{spread.peak_mib:.0f} MiB |"
        )
        print(table[-1])
    at_1000 = spreads.get(1000)
    met = at_1000 is not None and at_1000.median < TARGET_S and at_1000.peak_mib < TARGET_MIB
    notes = [
        f"Targets: 1,000 repositories under {TARGET_S:.0f} s median and {TARGET_MIB:.0f} MiB "
        f"{'met' if met else 'NOT met'}; linear to {max(sizes):,} repositories (CPU per repository at "
        f"most {LINEAR_TOLERANCE} × that at 1,000) {'met' if linear(per_repository) else 'NOT met'}. "
        "Times include the interpreter's start and loading both policies; no Pulumi runtime is "
        "involved. Exit code 1 (changes found) is expected. CPU per repository is the median CPU time "
        "less the 1-repository run's, divided by the repositories beyond the first.",
    ]
    write_section("diff", "python -m bench.diff", table, notes)


if __name__ == "__main__":
    main()
