"""``--repositories-from FILE``: the repositories a policy's selectors select, from a list instead of GitHub.

The offline commands (validate, render, diff) resolve the selectors against the list given; without one
they say what they can without it (validate and diff: each selector's own settings as ``selector:NAME``;
render: the listed repositories, with a note naming the selectors it could not resolve).
"""

from __future__ import annotations

import sys
from pathlib import Path

from repoconf.policy.loader import LoadedPolicy
from repoconf.policy.selection import read_candidates, resolve
from repoconf.text import printable


def from_list(loaded: LoadedPolicy, path: Path | None) -> LoadedPolicy:
    """The policy resolved against the list at ``path`` (None: as it is); a policy without selectors
    does not use the list, and says so on stderr.
    """
    if path is None:
        return loaded
    candidates = read_candidates(path)
    if loaded.selection is None:
        print(
            printable(f"note: {loaded.source.file} has no selectors: --repositories-from {path} is not used"),
            file=sys.stderr,
        )
        return loaded
    return resolve(loaded, candidates)


def unresolved(loaded: LoadedPolicy) -> str | None:
    """The note for a command that leaves the selectors unresolved, or None when there is nothing to say."""
    if loaded.selection is None or loaded.selection.selected is not None:
        return None
    names = ", ".join(loaded.selection.matches)
    return (
        f"note: selectors {names} not resolved: the repositories they select are left out "
        "(`--repositories-from FILE` lists the owner's repositories)"
    )
