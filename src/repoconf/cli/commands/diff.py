"""`repoconf diff`: what a policy change does, in policy terms, with weakened gates flagged."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from repoconf.cli.selection import from_list
from repoconf.errors import ExitCode, UsageError
from repoconf.policy.loader import LoadedPolicy
from repoconf.policy.selection import previewed
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
    repositories_from: Path | None = None,
) -> ExitCode:
    """Print the diff; exit 1 when something changed (with ``fail_on_weakening``: when a gate weakened).

    Both sides are validated; an invalid one is a located error (exit 2). Selectors are resolved on
    both sides against ``repositories_from``; without it, each selector's own settings are compared as
    ``selector:NAME`` (what a repository only it selects gets).
    """
    if base == "-" and head == "-":
        raise UsageError("only one side can be read from standard input")
    before = _side(load_source(base), repositories_from).policy
    after = _side(load_source(head), repositories_from).policy
    if repositories:
        unknown = [r for r in repositories if r not in before.repositories and r not in after.repositories]
        if unknown:
            raise UsageError(f"--repo {unknown[0]}: in neither policy")
    result = diff_policies(before, after, repositories)
    print(FORMATS[output](result))
    failing = result.weakening if fail_on_weakening else result.changes
    return ExitCode.DRIFT if failing else ExitCode.OK


def _side(loaded: LoadedPolicy, repositories_from: Path | None) -> LoadedPolicy:
    resolved = from_list(loaded, repositories_from)
    return (
        previewed(resolved)
        if resolved.selection is not None and resolved.selection.selected is None
        else resolved
    )
