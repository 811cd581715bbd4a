"""Benchmark what `pulumi preview --refresh` costs GitHub: the provider's reads of one repository's
resources, counted through the provider emulator (standin/provider.py, terraform-provider-github
v6.13.0's Read of each resource type) after the shipped policy is applied to the loopback stand-in.

A refresh is not conditional (the provider sends no ETag), so every read is charged against the rate
limit, every run: the figure says how large a stack a token's hourly budget refreshes. Run from the
repository root: `python -m bench.refresh` (writes its section of docs/benchmarks.md).
"""

from __future__ import annotations

from collections import Counter

from bench.report import write_section
from repoconf.policy.loader import load_text
from repoconf.policy.template import template_text
from standin.apply import apply_policy
from standin.github import FakeGitHub

TOKEN = "ghp_bench_refresh_token_0123456789"
HOURLY = 5000
"""A personal token's REST requests per hour (a GitHub App installation: 5,000 to 12,500)."""


def main() -> None:
    """Apply the shipped policy, then read every resource back as a refresh does; write the figures."""
    fake = FakeGitHub("acme", token=TOKEN)
    fake.start()
    try:
        provider = apply_policy(fake, template_text())
        provider.sent.clear()
        by_type: Counter[str] = Counter()
        resources: Counter[str] = Counter()
        for applied in provider.applied.values():
            before = len(provider.sent)
            assert provider.exists(applied), applied.name  # noqa: S101 - a benchmark of an applied stack
            by_type[applied.type.rsplit(":", 1)[-1]] += len(provider.sent) - before
            resources[applied.type.rsplit(":", 1)[-1]] += 1
    finally:
        fake.stop()
    repositories = len(load_text(template_text(), "policy.yaml").policy.repositories)
    total = sum(by_type.values())
    table = [
        "| resource type | resources | reads on refresh |",
        "| --- | ---: | ---: |",
        *(f"| {kind} | {resources[kind]} | {by_type[kind]} |" for kind in sorted(by_type)),
        f"| **all** ({repositories} repository, shipped policy) | {sum(resources.values())} | {total} |",
    ]
    notes = [
        f"A refresh of the shipped policy reads {total} times per repository, each charged: a "
        f"{HOURLY:,}-request hour refreshes about {HOURLY // total} repositories, 1,000 repositories cost "
        f"{total * 1000:,} requests ({total * 1000 / HOURLY:.1f} hours of a personal token's budget). The "
        "audit reads the same settings in 19 requests per repository, conditionally (an unchanged "
        "repeat is charged nothing), which is why the drift run is the audit (docs/scaling.md)."
    ]
    for line in table:
        print(line)
    write_section("refresh", "python -m bench.refresh", table, notes)


if __name__ == "__main__":
    main()
