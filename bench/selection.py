"""Benchmark selectors: what resolving them costs over REST, and `validate --repositories-from` offline.

The organization is served by the loopback stand-in (standin/github.py): N repositories, every second one
with the topic `python`, every third one with the custom property `tier: gold`. The policy is the packaged
template with two selectors (`python` by topic, `gold` by property, settings that agree) and no repository
named: every repository comes from the selectors. Measured:

- requests and wall time of reading the organization (`read_inventory`, with properties) and resolving
  the selectors (`resolve`), in this process;
- `repoconf validate --repositories-from FILE` in a fresh process (as a user runs it), wall time and peak
  memory, the list written from the same organization.

Run from the repository root: `python -m bench.selection` (writes its section of docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.process import measure_repeated
from bench.report import write_section
from repoconf.github.client import GitHub
from repoconf.live.inventory import read_inventory
from repoconf.policy.loader import load_text
from repoconf.policy.selection import resolve
from repoconf.policy.template import template_text
from standin.github import FakeGitHub, FakeRepository

SIZES = (1000, 5000)
TOKEN = "ghp_bench_token_0123456789abcdef"
SELECTORS = """\
selectors:
  python:
    match: {topics: [python]}
    settings:
      environments:
        qa: {wait_timer: 5}
  gold:
    match: {properties: {tier: gold}}
    settings:
      variables: {TIER: gold}
"""


def policy_text() -> str:
    """The template, its repositories replaced by two selectors."""
    text = template_text()
    return text[: text.index("repositories:\n")] + SELECTORS


def organization(size: int) -> FakeGitHub:
    fake = FakeGitHub("acme", token=TOKEN)
    for index in range(size):
        fake.repositories[f"repo-{index:05d}"] = FakeRepository(
            topics=["python"] if index % 2 == 0 else [],
            properties={"tier": "gold"} if index % 3 == 0 else {},
        )
    return fake


def main() -> None:
    """Measure and write the figures to docs/benchmarks.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    loaded = load_text(policy_text(), "policy.yaml")
    table = [
        "| repositories | requests | read + resolve (median) | selected | validate --repositories-from "
        "(median) | peak RSS |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    with tempfile.TemporaryDirectory() as directory:
        policy = Path(directory) / "policy.yaml"
        policy.write_text(policy_text())
        for size in SIZES:
            fake = organization(size)
            base = fake.start()
            times, requests, selected = [], 0, 0
            candidates = []
            try:
                for _ in range(args.repeat):
                    with GitHub(base, TOKEN) as github:
                        start = time.perf_counter()
                        candidates = read_inventory(github, "acme", properties=True)
                        selected = len(resolve(loaded, candidates).policy.repositories)
                        times.append(time.perf_counter() - start)
                        requests = github.requests
            finally:
                fake.stop()
            listed = Path(directory) / f"repos-{size}.jsonl"
            listed.write_text("".join(json.dumps(c.as_json()) + "\n" for c in candidates))
            command = [sys.executable, "-m", "repoconf.cli.main", "validate", str(policy)]
            spread = measure_repeated([*command, "--repositories-from", str(listed)], args.repeat)
            table.append(
                f"| {size:,} | {requests} | {statistics.median(times):.2f} s | {selected:,} | "
                f"{spread.median:.2f} s | {spread.peak_mib:.0f} MiB |"
            )
            print(table[-1], flush=True)
    notes = [
        "Requests and the read + resolve time are the stand-in's organization read in this process "
        "(`GET /orgs/{org}/repos` and, for the property selector, `GET /orgs/{org}/properties/values`, "
        "100 per page) and the selectors resolved; `validate --repositories-from` runs in a fresh process "
        "on the same list, offline."
    ]
    write_section("selection", "python -m bench.selection", table, notes)


if __name__ == "__main__":
    main()
