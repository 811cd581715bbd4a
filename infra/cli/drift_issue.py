"""`repoconf drift-issue`: the drift workflow's last step (one issue labelled `drift`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from infra.cli.errors import ExitCode, UsageError
from infra.cli.importer import FULL_NAME
from infra.cli.options import add_github_arguments, open_github


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``drift-issue`` sub-command."""
    parser = commands.add_parser(
        "drift-issue", help="open, update or close the one `drift` issue after a drift run (CI)"
    )
    parser.add_argument("--repository", required=True, metavar="OWNER/REPO", help="where the issue lives")
    parser.add_argument("--audit-report", required=True, type=Path, help="`repoconf audit --format markdown`")
    parser.add_argument("--audit-exit", required=True, type=int, help="the audit's exit code")
    parser.add_argument(
        "--pulumi-outcome", required=True, help="outcome of the refresh preview (success, failure, skipped)"
    )
    parser.add_argument("--run-url", required=True, help="link to the workflow run")
    add_github_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Sync the issue with this run's results."""
    if FULL_NAME.fullmatch(args.repository) is None:
        raise UsageError(f"--repository: expected OWNER/REPO, got {args.repository!r}")
    try:
        report = args.audit_report.read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(f"--audit-report: cannot read {args.audit_report}: {error.strerror}") from None
    from infra.ops.drift_issue import DriftRun, sync

    drift = DriftRun(args.audit_exit, report, args.pulumi_outcome, args.run_url)
    with open_github(args) as github:
        action, number = sync(github, args.repository, drift)
    print(f"drift issue: {action}" + (f" #{number}" if number is not None else ""))
    return ExitCode.OK
