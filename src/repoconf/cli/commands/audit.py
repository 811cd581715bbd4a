"""`repoconf audit`: live repositories against the policy, over GitHub's REST API."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

from repoconf.cli.access import GitHubAccess, selected_repositories
from repoconf.cli.stacks import stack_policy
from repoconf.errors import ExitCode, UsageError
from repoconf.policy.identifiers import login_problem
from repoconf.policy.loader import DEFAULT_POLICY, load
from repoconf.progress import terminal_progress
from repoconf.text import printable


def audit_command(
    policy: str | None,
    *,
    access: GitHubAccess,
    output: Literal["text", "json", "markdown"] = "text",
    repositories: list[str] | None = None,
    concurrency: int = 8,
    owner: str | None = None,
    stack: str | None = None,
    project_dir: Path = Path(),
) -> ExitCode:
    """Audit; exit 0 compliant, 1 drift, 3 when some repository could not be read (the report still
    lists every repository, read or not). ``stack``: audit what that stack manages, its owner override
    and its policy (``Pulumi.<stack>.yaml`` in ``project_dir``), as its program declares them.
    """
    if stack is not None:
        if owner is not None:
            raise UsageError("--owner and --stack: the stack names its owner; give one of them")
        settings, loaded = stack_policy(project_dir, stack, policy)
        owner = settings.owner
    else:
        loaded = load(policy or DEFAULT_POLICY)
    selected = selected_repositories(loaded, repositories)
    audited = loaded.policy
    if owner is not None:  # the organization a stack manages (its owner override), as the program does
        if login_problem(owner) is not None:
            raise UsageError(f"--owner: {owner!r} is not a GitHub organization or user name")
        audited = audited.model_copy(update={"owner": owner})
    if concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    from repoconf.audit.report import FORMATS
    from repoconf.audit.run import audit as run_audit

    with access.open(pool_size=concurrency, configured_url=loaded.policy.github.api_url) as github:
        report = run_audit(github, audited, selected, concurrency, terminal_progress("audited"))
    print(FORMATS[output](report))
    if report.stopped is not None:
        print(printable(f"repoconf: error: {report.stopped}"), file=sys.stderr)
    if report.errors:
        return ExitCode.GITHUB
    return ExitCode.OK if report.compliant else ExitCode.DRIFT
