"""`repoconf drift-issue`: the drift workflow's last step (one issue labelled `drift`)."""

from __future__ import annotations

from pathlib import Path

from repoconf.cli.access import GitHubAccess, split_full_name
from repoconf.errors import ExitCode, UsageError
from repoconf.ops.drift_issue import DriftRun, PulumiOutcome, sync


def drift_issue_command(
    repository: str,
    *,
    audit_report: Path,
    audit_exit: int,
    pulumi_outcome: PulumiOutcome | None,
    run_url: str,
    access: GitHubAccess,
) -> ExitCode:
    """Sync the issue with this run's results."""
    split_full_name(repository, "--repository")
    try:
        report = audit_report.read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(f"--audit-report: cannot read {audit_report}: {error.strerror}") from None
    drift = DriftRun(audit_exit, report, pulumi_outcome, run_url)
    with access.open() as github:
        action, number = sync(github, repository, drift)
    print(f"drift issue: {action}" + (f" #{number}" if number is not None else ""))
    return ExitCode.OK
