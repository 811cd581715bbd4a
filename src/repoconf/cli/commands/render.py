"""`repoconf render`: every resource the Pulumi program declares, without credentials."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

from repoconf.cli.access import selected_repositories
from repoconf.cli.selection import from_list, unresolved
from repoconf.errors import ExitCode
from repoconf.policy.loader import load
from repoconf.progress import terminal_progress


def render_command(
    policy: str,
    *,
    output: Literal["table", "json", "markdown"] = "table",
    repositories: list[str] | None = None,
    repositories_from: Path | None = None,
) -> ExitCode:
    """Load the policy (its selectors resolved against ``repositories_from``), run the program under
    mocks, print the resources.
    """
    loaded = from_list(load(policy), repositories_from)
    note = unresolved(loaded)
    if note is not None:
        print(note, file=sys.stderr)
    selected = selected_repositories(loaded, repositories)
    # Pulumi is imported only here: `repoconf validate` stays fast.
    from repoconf.render.formats import FORMATS
    from repoconf.render.run import render as run_render

    # Nothing is printed before every slice has rendered: a program error leaves stdout empty.
    with run_render(
        loaded, set(selected) if selected else None, progress=terminal_progress("rendered")
    ) as rendering:
        for piece in FORMATS[output](rendering):
            sys.stdout.write(piece)
    return ExitCode.OK
