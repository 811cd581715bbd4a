"""`repoconf diff`: what a policy change does, in policy terms, with weakened gates flagged."""

from __future__ import annotations

from typing import Literal

from repoconf.errors import ExitCode, UsageError
from repoconf.review.diff import diff_policies
from repoconf.review.formats import FORMATS
from repoconf.review.sources import load_source


def diff_command(
    base: str,
    head: str,
    *,
    output: Literal["text", "json", "markdown"] = "text",
    repositories: list[str] | None = None,
    fail_on_weakening: bool = False,
) -> ExitCode:
    """Print the diff; exit 1 when something changed (with ``fail_on_weakening``: when a gate weakened).

    Both sides are validated; an invalid one is a located error (exit 2), the other side still loaded
    so that both sides' problems show at once.
    """
    if base == "-" and head == "-":
        raise UsageError("only one side can be read from standard input")
    before = load_source(base).policy
    after = load_source(head).policy
    if repositories:
        unknown = [r for r in repositories if r not in before.repositories and r not in after.repositories]
        if unknown:
            raise UsageError(f"--repo {unknown[0]}: in neither policy")
    result = diff_policies(before, after, repositories)
    print(FORMATS[output](result))
    failing = result.weakening if fail_on_weakening else result.changes
    return ExitCode.DRIFT if failing else ExitCode.OK
