"""`repoconf import OWNER/REPO`: print a policy describing an existing repository."""

from __future__ import annotations

import argparse
import re

from infra.cli.errors import ExitCode, UsageError
from infra.github.errors import GitHubError, NotFound

FULL_NAME = re.compile(r"^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/([A-Za-z0-9._-]{1,100})$")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``import`` sub-command."""
    parser = commands.add_parser("import", help="print a policy YAML describing an existing repository")
    parser.add_argument("repository", metavar="OWNER/REPO")
    parser.add_argument("--api-url", help="GitHub API base URL (default: $GITHUB_API_URL or api.github.com)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request (10)")
    parser.add_argument(
        "--retries",
        type=int,
        default=5,
        help="attempts per request on 5xx, timeouts and connection errors (5)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Read the repository and print the policy."""
    match = FULL_NAME.match(args.repository)
    if match is None:
        raise UsageError(f"expected OWNER/REPO, got {args.repository!r}")
    owner, name = match.groups()
    from infra.audit.importer import import_repository
    from infra.github.client import GitHub, RetryPolicy, resolve_api_url, resolve_token

    with GitHub(
        resolve_api_url(args.api_url),
        resolve_token(),
        timeout=args.timeout,
        retry=RetryPolicy(attempts=max(1, args.retries)),
    ) as github:
        try:
            text = import_repository(github, owner, name)
        except NotFound:
            raise GitHubError(f"repository {owner}/{name} not found (or the token cannot see it)") from None
    print(text, end="")
    return ExitCode.OK
