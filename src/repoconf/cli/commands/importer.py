"""`repoconf import OWNER/REPO`: print a policy describing an existing repository."""

from __future__ import annotations

from repoconf.cli.access import GitHubAccess, split_full_name
from repoconf.errors import ExitCode
from repoconf.github.errors import GitHubError, NotFound


def import_repository_command(full_name: str, *, access: GitHubAccess) -> ExitCode:
    """Read the repository and print the policy."""
    owner, name = split_full_name(full_name, "OWNER/REPO")
    from repoconf.describe.policy import import_repository

    with access.open() as github:
        try:
            text = import_repository(github, owner, name)
        except NotFound:
            raise GitHubError(f"repository {owner}/{name} not found (or the token cannot see it)") from None
    print(text, end="")
    return ExitCode.OK
