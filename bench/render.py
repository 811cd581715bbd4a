"""Benchmark `repoconf render`: 1, 100 and 1,000 repositories through the real program under mocks.

Reports wall time, peak memory, resources per second and look-ups made, each in a fresh process, and a
profile of where the time goes for the largest size. Run from the repository root:
`python -m bench.render`.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import tempfile
from pathlib import Path

from bench.policies import write_policy
from bench.process import measure_repeated
from bench.report import write_section

SIZES = (1, 100, 1000)
TARGET_SECONDS = 60.0
TARGET_MIB = 1024.0


def _profile_share(policy: Path) -> str:
    """Share of the in-process render time spent inside the pulumi package (the mock runtime)."""
    from repoconf.policy.loader import load
    from repoconf.render.run import render

    loaded = load(policy)
    profiler = cProfile.Profile()
    profiler.enable()
    render(loaded)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    total = stats.total_tt  # type: ignore[attr-defined]
    ours = sum(
        row[2]  # own time of each function
        for (file, _, _), row in stats.stats.items()  # type: ignore[attr-defined]
        if "/repoconf/" in file
    )
    pulumi_time = sum(
        row[2]
        for (file, _, _), row in stats.stats.items()  # type: ignore[attr-defined]
        if "/pulumi/" in file or "/pulumi_github/" in file or "grpc" in file or "protobuf" in file
    )
    return (
        f"Profile of the 1,000-repository render (cProfile, own time): pulumi SDK, provider SDK and "
        f"protobuf {pulumi_time / total:.0%}, repoconf's own code {ours / total:.0%}, the rest (asyncio, "
        "threads, stdlib) the remainder. The mock runtime, not the program, is the cost."
    )


def main() -> None:
    """Measure and write the figures to docs/benchmarks.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    table = [
        f"| repositories | resources | wall time (min / median / max of {args.repeat}) | resources/s "
        "(median) | peak RSS | look-ups |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    per_repository: list[float] = []
    worst_seconds, worst_mib = 0.0, 0.0
    with tempfile.TemporaryDirectory() as directory:
        largest = Path(directory)
        for size in SIZES:
            policy = write_policy(Path(directory), size)
            largest = policy
            run = measure_repeated(
                [sys.executable, "-m", "repoconf.cli.main", "render", str(policy), "--format", "json"],
                args.repeat,
            )
            summary = json.loads(run.stdout)["summary"]
            lookups = sum(v for k, v in summary["lookups"].items() if k != "fake_ids")
            resources = summary["resources"]
            table.append(
                f"| {size:,} | {resources:,} | {run.seconds()} | {resources / run.median:,.0f} | "
                f"{run.peak_mib:.0f} MiB | {lookups} |"
            )
            print(table[-1])
            per_repository.append(run.median / size)
            worst_seconds, worst_mib = max(worst_seconds, run.median), max(worst_mib, run.peak_mib)
        profile = "" if args.no_profile else _profile_share(largest)
    notes = [
        f"Targets (1,000 repositories under {TARGET_SECONDS:.0f} s median and {TARGET_MIB:.0f} MiB): "
        f"{'met' if worst_seconds < TARGET_SECONDS and worst_mib < TARGET_MIB else 'NOT met'}. "
        f"Seconds per repository at 100 and 1,000: {per_repository[1]:.4f} and {per_repository[2]:.4f} "
        "(the 1-repository run is dominated by start-up). Look-ups stay at the number of distinct "
        "reviewer names whatever the number of repositories.",
    ]
    if profile:
        notes += ["", profile]
    write_section("render", "python -m bench.render", table, notes)


if __name__ == "__main__":
    main()
