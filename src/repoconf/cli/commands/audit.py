"""`repoconf audit`: live repositories against the policy, over GitHub's REST API."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

from repoconf.cli.access import GitHubAccess, selected_repositories
from repoconf.cli.selection import from_list
from repoconf.cli.stacks import stack_policy
from repoconf.errors import ExitCode, UsageError
from repoconf.policy.groups import Group, share
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
    repositories_from: Path | None = None,
) -> ExitCode:
    """Audit; exit 0 compliant, 1 drift, 3 when some repository could not be read (the report still
    lists every repository, read or not). ``stack``: audit what that stack manages, its owner override,
    its policy and its group (``Pulumi.<stack>.yaml`` in ``project_dir``), as its program declares them.
    The policy's selectors are resolved as the program resolves them, over REST, or against the list
    ``repositories_from``.
    """
    group: Group | None = None
    if stack is not None:
        if owner is not None:
            raise UsageError("--owner and --stack: the stack names its owner; give one of them")
        settings, loaded = stack_policy(project_dir, stack, policy)
        owner, group = settings.owner, settings.group
    else:
        loaded = load(policy or DEFAULT_POLICY)
    if owner is not None and login_problem(owner) is not None:
        raise UsageError(f"--owner: {owner!r} is not a GitHub organization or user name")
    if concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    loaded = from_list(loaded, repositories_from)
    if loaded.selection is None or loaded.selection.selected is not None:
        selected_repositories(share(loaded, group), repositories)  # before any request
    from repoconf.audit.report import FORMATS
    from repoconf.audit.run import audit as run_audit
    from repoconf.live.inventory import needs_properties, read_inventory
    from repoconf.policy.selection import resolve

    with access.open(pool_size=concurrency, configured_url=loaded.policy.github.api_url) as github:
        if loaded.selection is not None and loaded.selection.selected is None:
            # the owner's repositories, as the program reads them (the stack's owner override included)
            listed = read_inventory(github, owner or loaded.policy.owner, needs_properties(loaded.selection))
            loaded = resolve(loaded, listed)
        loaded = share(loaded, group)
        selected = selected_repositories(loaded, repositories)
        audited = loaded.policy
        if owner is not None:  # the organization a stack manages (its owner override), as the program does
            audited = audited.model_copy(update={"owner": owner})
        report = run_audit(github, audited, selected, concurrency, terminal_progress("audited"))
    print(FORMATS[output](report))
    if report.stopped is not None:
        print(printable(f"repoconf: error: {report.stopped}"), file=sys.stderr)
    if report.errors:
        return ExitCode.GITHUB
    return ExitCode.OK if report.compliant else ExitCode.DRIFT
