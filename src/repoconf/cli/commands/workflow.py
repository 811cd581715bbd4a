"""`repoconf workflow release`: print a configured repository's release workflow."""

from __future__ import annotations

from repoconf.cli.access import one_repository
from repoconf.errors import ExitCode
from repoconf.policy.loader import load
from repoconf.workflows.release import release_workflow


def workflow_release(
    policy: str, *, repository: str | None = None, trusted_publishing: bool = False
) -> ExitCode:
    """Check the policy's environments against the release process and print the workflow."""
    loaded = load(policy)
    name = one_repository(loaded, repository)
    print(release_workflow(loaded, name, trusted_publishing), end="")
    return ExitCode.OK
