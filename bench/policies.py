"""Generated policies of N repositories for the benchmarks: the packaged template, N times."""

from __future__ import annotations

from pathlib import Path

from repoconf.policy.template import template_text


def policy_text(repositories: int) -> str:
    """The template with ``repositories`` entries, every fifth one overriding something."""
    text = template_text()
    head = text[: text.index("repositories:\n")]
    lines = ["repositories:"]
    for index in range(repositories):
        if index % 5 == 4:
            lines.append(f"  repo-{index:04d}:\n    environments:\n      qa: {{wait_timer: 10}}")
        else:
            lines.append(f"  repo-{index:04d}: {{}}")
    return head + "\n".join(lines) + "\n"


def write_policy(directory: Path, repositories: int) -> Path:
    """Write the generated policy and return its path."""
    path = directory / f"policy-{repositories}.yaml"
    path.write_text(policy_text(repositories), encoding="utf-8")
    return path
