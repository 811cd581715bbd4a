"""`repoconf audit`: live repositories against the policy, over GitHub's REST API."""

from __future__ import annotations

import argparse

from infra.cli.errors import ExitCode, UsageError
from infra.cli.options import add_github_arguments, add_repository_filter, open_github, selected_repositories
from infra.policy.loader import DEFAULT_POLICY, load
from infra.progress import terminal_progress


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``audit`` sub-command."""
    parser = commands.add_parser("audit", help="compare live repositories with the policy (read-only)")
    parser.add_argument("policy", nargs="?", default=DEFAULT_POLICY)
    add_repository_filter(parser)
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    parser.add_argument("--concurrency", type=int, default=8, help="repositories audited at once (8)")
    add_github_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Audit; exit 0 compliant, 1 drift."""
    loaded = load(args.policy)
    repositories = selected_repositories(loaded, args.repo)
    if args.concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    from infra.audit.report import FORMATS
    from infra.audit.run import audit

    with open_github(args, pool_size=args.concurrency) as github:
        report = audit(github, loaded.policy, repositories, args.concurrency, terminal_progress("audited"))
    print(FORMATS[args.format](report))
    return ExitCode.OK if report.compliant else ExitCode.DRIFT
