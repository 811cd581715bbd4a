"""Command-line options shared by several sub-commands: the repository filter and GitHub access."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from infra.cli.errors import UsageError
from infra.policy.loader import LoadedPolicy

if TYPE_CHECKING:  # the HTTP client is imported only by the commands that talk to GitHub
    from infra.github.client import GitHub


def add_repository_filter(parser: argparse.ArgumentParser) -> None:
    """``--repo NAME`` (repeatable)."""
    parser.add_argument("--repo", action="append", metavar="NAME", help="only this repository (repeatable)")


def selected_repositories(loaded: LoadedPolicy, names: list[str] | None) -> list[str] | None:
    """The ``--repo`` names, checked against the policy; None when no filter was given."""
    if not names:
        return None
    unknown = sorted(set(names) - set(loaded.policy.repositories))
    if unknown:
        known = ", ".join(sorted(loaded.policy.repositories))
        raise UsageError(f"--repo: {', '.join(unknown)} not in the policy (it has: {known})")
    return names


def add_github_arguments(parser: argparse.ArgumentParser) -> None:
    """``--api-url``, ``--timeout`` and ``--retries``."""
    parser.add_argument("--api-url", help="GitHub API base URL (default: $GITHUB_API_URL or api.github.com)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request (10)")
    parser.add_argument(
        "--retries",
        type=int,
        default=5,
        help="attempts per request on 5xx, timeouts and connection errors (5)",
    )


def open_github(args: argparse.Namespace, pool_size: int = 8) -> GitHub:
    """A client from the options, the token from ``GITHUB_TOKEN``/``GH_TOKEN``."""
    if args.timeout <= 0 or args.retries < 1:
        raise UsageError("--timeout must be positive and --retries at least 1")
    from infra.github.client import GitHub, RetryPolicy, resolve_api_url, resolve_token

    return GitHub(
        resolve_api_url(args.api_url),
        resolve_token(),
        timeout=args.timeout,
        retry=RetryPolicy(attempts=args.retries),
        pool_size=pool_size,
    )
