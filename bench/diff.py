"""Benchmark `repoconf diff`: two policies of 1, 100 and 1,000 repositories, wall time and peak memory.

HEAD differs from BASE in `defaults` (production-release's wait timer lowered, a required check
removed), so every repository changes and every change is a weakened gate: the worst case for the diff
and its report. Each measurement runs the installed command in a fresh process, as a pull-request job
does. Run from the repository root: `python -m bench.diff`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from bench.policies import write_policy
from bench.process import measure_repeated
from bench.report import write_section

SIZES = (1, 100, 1000)
TARGET_S = 2.0
TARGET_MIB = 200.0


def main() -> None:
    """Measure and write the figures to docs/benchmarks.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    command = [sys.executable, "-m", "repoconf.cli.main", "diff"]
    table = [
        "| repositories | changes (all weakening) | "
        f"wall time (min / median / max of {args.repeat}) | peak RSS |",
        "| ---: | ---: | ---: | ---: |",
    ]
    worst_s = worst_mib = 0.0
    with tempfile.TemporaryDirectory() as directory:
        for size in SIZES:
            base = write_policy(Path(directory), size)
            head = base.with_name(f"head-{size}.yaml")
            text = base.read_text(encoding="utf-8")
            head.write_text(
                text.replace("wait_timer: 30", "wait_timer: 5", 1).replace(
                    "        - Security Scans\n", "", 1
                ),
                encoding="utf-8",
            )
            argv = [*command, str(base), str(head), "--format", "json"]
            spread = measure_repeated(argv, args.repeat, expected_codes=(1,))  # 1: changes found
            summary = json.loads(spread.runs[0].stdout)["summary"]
            if summary != {"changes": 2 * size, "weakening": 2 * size}:
                sys.exit(f"unexpected diff of {size} repositories: {summary}")
            worst_s, worst_mib = max(worst_s, spread.median), max(worst_mib, spread.peak_mib)
            table.append(f"| {size:,} | {2 * size:,} | {spread.seconds(3)} | {spread.peak_mib:.0f} MiB |")
            print(table[-1])
    met = worst_s < TARGET_S and worst_mib < TARGET_MIB
    notes = [
        f"Target (1,000 repositories under {TARGET_S:.0f} s median and {TARGET_MIB:.0f} MiB): "
        f"{'met' if met else 'NOT met'}. Times include the interpreter's start and loading both policies; "
        "no Pulumi runtime is involved. Exit code 1 (changes found) is expected.",
    ]
    write_section("diff", "python -m bench.diff", table, notes)


if __name__ == "__main__":
    main()
