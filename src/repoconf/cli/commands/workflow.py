"""`repoconf workflow release`, `workflow ci` and `workflow dependabot`: print a configured repository's
workflows and the Dependabot configuration that keeps their action pins current.
"""

from __future__ import annotations

from repoconf.cli.access import one_repository
from repoconf.errors import ExitCode, UsageError
from repoconf.policy.loader import load


def workflow_release_command(
    policy: str,
    *,
    repository: str | None = None,
    token_upload: bool = False,
    smoke_command: str = "",
    version_files: tuple[str, ...] = (),
    provenance: bool = True,
) -> ExitCode:
    """Check the policy's environments against the release process and print the workflow."""
    from repoconf.workflows.release import ReleaseOptions, option_problems, release_workflow

    options = ReleaseOptions(token_upload, smoke_command, version_files, provenance)
    problems = option_problems(options)
    if problems:
        raise UsageError("; ".join(problems))
    loaded = load(policy)
    name = one_repository(loaded, repository)
    print(release_workflow(loaded, name, options), end="")
    return ExitCode.OK


def workflow_ci_command(policy: str, *, repository: str | None = None) -> ExitCode:
    """Print the pull-request workflow that reports the repository's required checks."""
    from repoconf.workflows.ci import ci_workflow

    loaded = load(policy)
    name = one_repository(loaded, repository)
    print(ci_workflow(loaded, name), end="")
    return ExitCode.OK


def workflow_dependabot_command(policy: str, *, repository: str | None = None) -> ExitCode:
    """Print `.github/dependabot.yml`: weekly updates of the pinned actions."""
    from repoconf.workflows.dependabot import dependabot_config

    loaded = load(policy)
    name = one_repository(loaded, repository)
    print(dependabot_config(name), end="")
    return ExitCode.OK
