"""`repoconf drift-issue`: the drift workflow's last step (one issue labelled `drift`)."""

from __future__ import annotations

from pathlib import Path

from repoconf.cli.access import GitHubAccess, read_text_file, split_full_name
from repoconf.errors import ExitCode
from repoconf.github.errors import GitHubError, NotFound
from repoconf.ops.drift_issue import DEFAULT_AUTHOR, DriftRun, PulumiOutcome, sync

MAX_REPORT_BYTES = 16 << 20
"""The markdown report of `repoconf audit`: about 200 bytes a repository, far less than this for any org
(the issue itself keeps 65,536 characters of it)."""


def drift_issue_command(
    repository: str,
    *,
    audit_report: Path,
    audit_exit: int,
    pulumi_outcome: PulumiOutcome | None,
    run_url: str,
    access: GitHubAccess,
    author: str = DEFAULT_AUTHOR,
) -> ExitCode:
    """Sync the issue (repoconf's, written by ``author``) with this run's results."""
    split_full_name(repository, "--repository")
    report = read_text_file(audit_report, "--audit-report", MAX_REPORT_BYTES)
    drift = DriftRun(audit_exit, report, pulumi_outcome, run_url)
    with access.open() as github:
        try:
            action, number = sync(github, repository, drift, author)
        except NotFound as error:
            raise GitHubError(
                f"{error}: {repository} does not exist or the token cannot see it (check --repository and "
                "that the token has Issues: write there)"
            ) from None
    print(f"drift issue: {action}" + (f" #{number}" if number is not None else ""))
    return ExitCode.OK
