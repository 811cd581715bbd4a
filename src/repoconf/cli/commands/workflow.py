"""`repoconf workflow release` and `workflow ci`: print a configured repository's workflows."""

from __future__ import annotations

from repoconf.cli.access import one_repository
from repoconf.errors import ExitCode
from repoconf.policy.loader import load
from repoconf.workflows.release import release_workflow


def workflow_release_command(
    policy: str, *, repository: str | None = None, trusted_publishing: bool = False
) -> ExitCode:
    """Check the policy's environments against the release process and print the workflow."""
    loaded = load(policy)
    name = one_repository(loaded, repository)
    print(release_workflow(loaded, name, trusted_publishing), end="")
    return ExitCode.OK


def workflow_ci_command(policy: str, *, repository: str | None = None) -> ExitCode:
    """Print the pull-request workflow that reports the repository's required checks."""
    from repoconf.workflows.ci import ci_workflow

    loaded = load(policy)
    name = one_repository(loaded, repository)
    print(ci_workflow(loaded, name), end="")
    return ExitCode.OK
