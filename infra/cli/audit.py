"""`repoconf audit`: live repositories against the policy, over GitHub's REST API."""

from __future__ import annotations

import argparse

from infra.cli.errors import ExitCode, UsageError
from infra.policy.loader import DEFAULT_POLICY, load


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``audit`` sub-command."""
    parser = commands.add_parser("audit", help="compare live repositories with the policy (read-only)")
    parser.add_argument("policy", nargs="?", default=DEFAULT_POLICY)
    parser.add_argument("--api-url", help="GitHub API base URL (default: $GITHUB_API_URL or api.github.com)")
    parser.add_argument("--repo", action="append", metavar="NAME", help="only this repository (repeatable)")
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    parser.add_argument("--concurrency", type=int, default=8, help="repositories audited at once (8)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request (10)")
    parser.add_argument(
        "--retries",
        type=int,
        default=5,
        help="attempts per request on 5xx, timeouts and connection errors (5)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Audit; exit 0 compliant, 1 drift."""
    loaded = load(args.policy)
    if args.repo:
        unknown = sorted(set(args.repo) - set(loaded.policy.repositories))
        if unknown:
            raise UsageError(f"--repo: {', '.join(unknown)} not in the policy")
    if args.concurrency < 1 or args.timeout <= 0:
        raise UsageError("--concurrency must be at least 1 and --timeout positive")
    from infra.audit.report import FORMATS
    from infra.audit.run import audit, terminal_progress
    from infra.github.client import GitHub, RetryPolicy, resolve_api_url, resolve_token

    with GitHub(
        resolve_api_url(args.api_url),
        resolve_token(),
        timeout=args.timeout,
        retry=RetryPolicy(attempts=max(1, args.retries)),
        pool_size=args.concurrency,
    ) as github:
        report = audit(github, loaded.policy, args.repo, args.concurrency, terminal_progress)
    print(FORMATS[args.format](report))
    return ExitCode.OK if report.compliant else ExitCode.DRIFT
