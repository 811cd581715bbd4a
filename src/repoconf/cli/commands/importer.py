"""`repoconf import OWNER/REPO [--into POLICY]`: a policy describing an existing repository, printed or
added to a policy file.
"""

from __future__ import annotations

import sys
from pathlib import Path

from repoconf.cli.access import GitHubAccess, split_full_name
from repoconf.errors import ExitCode, UsageError
from repoconf.github.errors import GitHubError, NotFound
from repoconf.policy.loader import load


def import_repository_command(full_name: str, *, access: GitHubAccess, into: Path | None = None) -> ExitCode:
    """Read the repository and print its policy, or add it to the policy file ``into``."""
    owner, name = split_full_name(full_name, "OWNER/REPO")
    from repoconf.describe.policy import import_repository, read_live

    if into is None:
        with access.open() as github:
            try:
                text = import_repository(github, owner, name)
            except NotFound:
                raise _not_found(owner, name) from None
        print(text, end="")
        return ExitCode.OK

    from repoconf.describe.into import imported_into, inherited, write_atomically

    loaded = load(into)  # a policy that does not validate is a located error before any request
    if owner.casefold() != loaded.policy.owner.casefold():
        raise UsageError(
            f"--into {into}: that policy manages {loaded.policy.owner}'s repositories, not {owner}'s"
        )
    text = into.read_text(encoding="utf-8")
    inherited(text, str(into), name)  # an entry already there is refused before any request
    with access.open(configured_url=loaded.policy.github.api_url) as github:
        candidate = None
        if loaded.selection is not None:  # what the selectors that select it give it is inherited too
            from repoconf.live.inventory import needs_properties, read_candidate

            candidate = read_candidate(github, owner, name, needs_properties(loaded.selection))
        try:
            live = read_live(github, owner, name)
        except NotFound:
            raise _not_found(owner, name) from None
    # GitHub finds `acme/LEGACY` as `legacy`: the entry takes the name the repository was created with
    edited, described = imported_into(
        text, str(into), live.name, live, inherited(text, str(into), live.name, candidate)
    )
    write_atomically(into, edited)
    written = ", ".join(described.entry) or "nothing: it matches defaults"
    print(f"added {live.name} to {into} ({written})")
    for note in described.notes:
        print(f"note: {note}", file=sys.stderr)
    return ExitCode.OK


def _not_found(owner: str, name: str) -> GitHubError:
    return GitHubError(f"repository {owner}/{name} not found (or the token cannot see it)")
